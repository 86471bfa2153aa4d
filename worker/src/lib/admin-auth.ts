import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { hmacHex, secretsEqual } from './crypto';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict; never readable by script). */
export const SESSION_COOKIE = 'parley_session';

export interface AdminAuthOptions {
  /** How long a dashboard session lasts. Default: 12 hours. */
  sessionSeconds?: number;
}

const DEFAULT_SESSION_SECONDS = 12 * 60 * 60;

function adminToken(c: Context<AppEnv>): string {
  const token = c.env.ADMIN_TOKEN;
  if (!token) {
    throw new ApiError(401, 'admin_disabled', 'Moderation is disabled: this server has no ADMIN_TOKEN secret set.');
  }
  return token;
}

/** Checks a token typed by a moderator against ADMIN_TOKEN, in constant time. */
export async function tokenMatches(c: Context<AppEnv>, given: string): Promise<boolean> {
  return secretsEqual(given, adminToken(c));
}

/**
 * A session value: its expiry and an HMAC of it keyed by ADMIN_TOKEN, so the Worker stores
 * nothing per session and rotating ADMIN_TOKEN ends every session.
 */
async function sessionValue(token: string, expires: number): Promise<string> {
  return `${expires}.${await hmacHex(`${token}:session`, String(expires))}`;
}

async function sessionValid(token: string, value: string | undefined): Promise<boolean> {
  if (!value) return false;
  const [expiresText] = value.split('.', 1);
  const expires = Number(expiresText);
  if (!Number.isFinite(expires) || expires * 1000 < Date.now()) return false;
  return secretsEqual(value, await sessionValue(token, expires));
}

/** Starts a dashboard session after the moderator typed the right token. */
export async function startSession(c: Context<AppEnv>, options: AdminAuthOptions = {}): Promise<void> {
  const seconds = options.sessionSeconds ?? DEFAULT_SESSION_SECONDS;
  const expires = Math.floor(Date.now() / 1000) + seconds;
  setCookie(c, SESSION_COOKIE, await sessionValue(adminToken(c), expires), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: seconds,
  });
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' });
}

/** Whether the request carries a valid dashboard session. */
export async function hasSession(c: Context<AppEnv>): Promise<boolean> {
  return sessionValid(adminToken(c), getCookie(c, SESSION_COOKIE));
}

/**
 * Whether a state-changing request made with a cookie came from the dashboard's own pages.
 * Browsers send Origin on every POST/DELETE; Sec-Fetch-Site covers the rest.
 */
export function sameOriginRequest(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (origin) return origin === new URL(c.req.url).origin;
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/**
 * Middleware: the request must carry `Authorization: Bearer <ADMIN_TOKEN>` or a dashboard
 * session cookie (and then, for anything but GET, come from the same origin). Otherwise 401.
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
      return next();
    }
    if (await sessionValid(token, getCookie(c, SESSION_COOKIE))) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameOriginRequest(c)) {
        throw new ApiError(403, 'forbidden_origin', 'Moderation requests must come from the dashboard itself.');
      }
      return next();
    }
    throw new ApiError(401, 'unauthorized', 'The admin token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer' });
  };
}
