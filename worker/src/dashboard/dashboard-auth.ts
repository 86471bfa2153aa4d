import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { authenticate, sameOriginRequest } from '../lib/admin-auth';
import { setPrincipal } from '../team/principal';
import type { Viewer } from './views';

/**
 * The signed-in moderator (a dashboard session, or a member Cloudflare Access vouches for), or
 * null (the caller shows the sign-in form). Sets who is asking, for the role checks
 * (team/access.ts) and the audit log.
 */
export async function moderator(c: Context<AppEnv>): Promise<Viewer | null> {
  const principal = await authenticate(c);
  if (!principal) return null;
  setPrincipal(c, principal);
  return { name: principal.name, owner: principal.role === 'owner' };
}

/** {@link moderator}, or 401 (the page says the session ended). */
export async function requireModerator(c: Context<AppEnv>): Promise<Viewer> {
  const viewer = await moderator(c);
  if (!viewer) throw new ApiError(401, 'unauthorized', 'Your session has ended. Sign in again.');
  return viewer;
}

/** Every state change must come from the dashboard's own pages. */
export function requireSameOrigin(c: Context<AppEnv>): void {
  if (!sameOriginRequest(c)) throw new ApiError(403, 'forbidden_origin', 'This form must be sent from the dashboard itself.');
}
