import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { secretsEqual, sha256Hex } from './crypto';
import { sign, verify } from './signing';
import { signingKey } from '../moderation/identity';
import { missingSecrets, notConfigured, secretList } from './secrets';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict; never readable by script). */
export const SESSION_COOKIE = 'parley_session';

/** How long a dashboard session lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;

/** What the session cookie carries, signed: expiry (s) and the moderator's name for the audit log. */
interface SessionPayload {
  e: number;
  n: string;
}

/**
 * ADMIN_TOKEN, once every secret moderation needs is set: without ADMIN_TOKEN every admin
 * request is refused (401 `admin_disabled`), and without the keys that sign sessions and links
 * or hash addresses, with 503 `not_configured`. Either message names every secret missing.
 */
function adminToken(c: Context<AppEnv>): string {
  const token = c.env.ADMIN_TOKEN;
  const missing = missingSecrets(c.env);
  if (!token) {
    throw new ApiError(401, 'admin_disabled', `Moderation is disabled: this server's owner must set ${secretList(missing)} (\`npx wrangler secret put ADMIN_TOKEN\`; see docs/configuration.md).`);
  }
  if (missing.length > 0) throw notConfigured(missing);
  return token;
}

/** Checks a token typed by a moderator against ADMIN_TOKEN, in constant time. */
export async function tokenMatches(c: Context<AppEnv>, given: string): Promise<boolean> {
  return secretsEqual(given, adminToken(c));
}

/**
 * What a session is signed for: LINK_SIGNING_KEY signs, and the purpose names a digest of
 * ADMIN_TOKEN, so rotating either ends every session (a moderator who leaves is signed out
 * when the token changes) while the token itself is never in the cookie.
 */
async function sessionPurpose(c: Context<AppEnv>): Promise<string> {
  return `session:${await sha256Hex(`session:${adminToken(c)}`)}`;
}

/**
 * Starts a dashboard session. The cookie holds an expiry and a name, signed (see
 * {@link sessionPurpose}): the Worker stores nothing per session.
 */
export async function startSession(c: Context<AppEnv>, name: string): Promise<void> {
  const purpose = await sessionPurpose(c);
  const payload: SessionPayload = { e: Math.floor(Date.now() / 1000) + SESSION_SECONDS, n: name.slice(0, 40) };
  setCookie(c, SESSION_COOKIE, await sign(signingKey(c.env), purpose, payload), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' });
}

/** The signed-in moderator's name, or null without a valid session. */
export async function sessionName(c: Context<AppEnv>): Promise<string | null> {
  const purpose = await sessionPurpose(c);
  const payload = await verify<SessionPayload>(signingKey(c.env), purpose, getCookie(c, SESSION_COOKIE));
  if (!payload || typeof payload.e !== 'number' || payload.e * 1000 < Date.now()) return null;
  return typeof payload.n === 'string' && payload.n ? payload.n : 'moderator';
}

/**
 * Whether a state-changing request made with a cookie came from the dashboard's own pages.
 * Browsers send Origin on every POST/DELETE; Sec-Fetch-Site covers the rest.
 */
export function sameOriginRequest(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  // With Referrer-Policy: no-referrer, browsers send "Origin: null" even on same-origin form posts;
  // then Sec-Fetch-Site (which page script cannot set) decides.
  if (origin && origin !== 'null') return origin === new URL(c.req.url).origin;
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/**
 * Middleware: the request must carry `Authorization: Bearer <ADMIN_TOKEN>` or a dashboard
 * session cookie (and then, for anything but GET, come from the same origin). Otherwise 401.
 * Sets `actor` for the audit log.
 *
 * @example
 * adminApi.use('*', requireAdmin());
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = adminToken(c);
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match || !(await secretsEqual(match[1].trim(), token))) {
        throw new ApiError(401, 'unauthorized', 'The admin token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer' });
      }
      c.set('actor', 'admin token (API)');
      return next();
    }
    const name = await sessionName(c);
    if (name) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameOriginRequest(c)) {
        throw new ApiError(403, 'forbidden_origin', 'Moderation requests must come from the dashboard itself.');
      }
      c.set('actor', `${name} (dashboard)`);
      return next();
    }
    throw new ApiError(401, 'unauthorized', 'The admin token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer' });
  };
}
