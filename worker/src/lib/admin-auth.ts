import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { secretsEqual, sha256Hex } from './crypto';
import { sign, verify } from './signing';
import { signingKey } from '../moderation/identity';
import { missingSecrets, notConfigured, secretList } from './secrets';
import type { Member, Principal, SignInMethod } from '../team/model';
import { ACCESS_HEADER, accessSettings, verifyAccessJwt } from '../team/cloudflare-access';
import { memberPrincipal, setPrincipal, tokenPrincipal } from '../team/principal';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict; never readable by script). */
export const SESSION_COOKIE = 'parley_session';

/** How long a dashboard session lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;

/** What the session cookie carries, signed with LINK_SIGNING_KEY: the session's id, its secret, its expiry (s). */
interface SessionCookie {
  i: string;
  k: string;
  e: number;
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

/** Checks a token typed by the owner against ADMIN_TOKEN, in constant time. */
export async function tokenMatches(c: Context<AppEnv>, given: string): Promise<boolean> {
  return secretsEqual(given, adminToken(c));
}

/** A digest of ADMIN_TOKEN: sessions started with the token keep it, so rotating the token ends them. */
async function adminTokenDigest(c: Context<AppEnv>): Promise<string> {
  return sha256Hex(`session:${adminToken(c)}`);
}

function secureCookies(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

/**
 * Starts a dashboard session for a member. The team's object keeps the session (so it can be
 * listed and revoked) with a hash of its secret; the cookie carries its id and secret, signed
 * with LINK_SIGNING_KEY (rotating the key ends every session).
 */
export async function startSession(c: Context<AppEnv>, member: Member, method: SignInMethod): Promise<void> {
  const tokenDigest = method === 'admin-token' ? await adminTokenDigest(c) : undefined;
  const started = await c.var.stores.team.call((team) =>
    team.startSession({ memberId: member.id, method, userAgent: c.req.header('user-agent') ?? '', ttlMs: SESSION_SECONDS * 1000, ...(tokenDigest ? { tokenDigest } : {}) }),
  );
  const cookie: SessionCookie = { i: started.id, k: started.secret, e: Math.floor(started.expires / 1000) };
  setCookie(c, SESSION_COOKIE, await sign(signingKey(c.env), 'session', cookie), { httpOnly: true, sameSite: 'Strict', secure: secureCookies(c), path: '/', maxAge: SESSION_SECONDS });
}

async function sessionCookie(c: Context<AppEnv>): Promise<SessionCookie | null> {
  const payload = await verify<SessionCookie>(signingKey(c.env), 'session', getCookie(c, SESSION_COOKIE));
  if (!payload || typeof payload.i !== 'string' || typeof payload.k !== 'string' || typeof payload.e !== 'number' || payload.e * 1000 < Date.now()) return null;
  return payload;
}

/** Ends this browser's session: in the team's object (so the cookie is worthless even if kept) and the cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const cookie = await sessionCookie(c);
  if (cookie) await c.var.stores.team.read((team) => team.endSession(cookie.i) as Promise<unknown>);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(c) });
}

/** The dashboard session's member, or null without a live one. */
async function sessionPrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  const cookie = await sessionCookie(c);
  if (!cookie) return null;
  const tokenDigest = await adminTokenDigest(c);
  const found = await c.var.stores.team.read((team) => team.session({ id: cookie.i, secret: cookie.k, tokenDigest }));
  return found ? memberPrincipal(found.member, 'dashboard', { sessionId: found.session.id }) : null;
}

/** The member Cloudflare Access vouches for, or null when Access is not configured or sent no token. */
async function accessPrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  const assertion = c.req.header(ACCESS_HEADER);
  if (!assertion) return null;
  const settings = accessSettings(c.env);
  if (!settings) return null;
  const email = await verifyAccessJwt(settings, assertion, c.var.outbound);
  const member = await c.var.stores.team.read((team) => team.memberByEmail(email));
  if (!member) throw new ApiError(403, 'not_a_member', `Cloudflare Access signed you in as ${email}, who is not a member of this moderation team. Ask the owner for an invitation.`);
  return memberPrincipal(member, 'access');
}

/** `Authorization: Bearer …`: ADMIN_TOKEN (the owner's break-glass credential) or a member's API token. */
async function bearerPrincipal(c: Context<AppEnv>, header: string): Promise<Principal> {
  const refused = () => new ApiError(401, 'unauthorized', 'The admin token or API token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer' });
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw refused();
  const given = match[1].trim();
  if (await secretsEqual(given, adminToken(c))) {
    return { memberId: null, name: 'admin token', email: null, role: 'owner', sites: ['*'], access: 'write', via: 'admin-token' };
  }
  const token = /^parley_([0-9a-z]{12})_([A-Za-z0-9_-]{20,})$/.exec(given);
  const found = token ? await c.var.stores.team.read((team) => team.useToken({ id: token[1], secret: token[2] })) : null;
  if (!found) throw refused();
  return tokenPrincipal(found.member, found.token);
}

/**
 * Who is asking: a Bearer token (ADMIN_TOKEN or an API token), a dashboard session, or a
 * verified Cloudflare Access token; null when the request carries none. A credential that is
 * sent but wrong is refused (401), never ignored.
 */
export async function authenticate(c: Context<AppEnv>, options: { bearer?: boolean } = {}): Promise<Principal | null> {
  adminToken(c);
  const header = c.req.header('authorization');
  if (options.bearer && header !== undefined) return bearerPrincipal(c, header);
  return (await sessionPrincipal(c)) ?? (await accessPrincipal(c));
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
 * Middleware: the request must carry `Authorization: Bearer <ADMIN_TOKEN or API token>`, a
 * dashboard session cookie or a verified Cloudflare Access token (and then, for anything but
 * GET, come from the same origin: the browser sends both by itself). Otherwise 401. A read-only
 * API token may only GET (403 `read_only`). Sets `principal`, and `actor` for the audit log; what
 * the principal may touch is checked by team/access.ts.
 *
 * @example
 * adminApi.use('*', requireAdmin());
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await authenticate(c, { bearer: true });
    if (!principal) throw new ApiError(401, 'unauthorized', 'The admin token or API token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer' });
    const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (changes && (principal.via === 'dashboard' || principal.via === 'access') && !sameOriginRequest(c)) {
      throw new ApiError(403, 'forbidden_origin', 'Moderation requests must come from the dashboard itself.');
    }
    if (changes && principal.access !== 'write') throw new ApiError(403, 'read_only', 'This API token may only read. Create a token with write access to change anything.');
    setPrincipal(c, principal);
    return next();
  };
}
