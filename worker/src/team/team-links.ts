import type { Bindings } from '../app-env';
import { ApiError } from '../errors';
import { sign, verify } from '../lib/signing';
import { signingKey } from '../moderation/identity';

/**
 * Links the team gets by mail: an invitation (`/admin/join/…`, 7 days) and a sign-in link
 * (`/admin/sign-in/…`, 15 minutes). Each is an HMAC-signed `{id, expiry}` (LINK_SIGNING_KEY,
 * its own purpose label, so neither passes for the other or for a moderation link); the id
 * names a row of the team's object, which lets it be used once.
 */
export type TeamLinkKind = 'invitation' | 'sign-in';

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;

interface TeamLinkPayload {
  i: string;
  e: number;
}

const PATHS: Record<TeamLinkKind, string> = { invitation: '/admin/join/', 'sign-in': '/admin/sign-in/' };

export async function teamLink(env: Bindings, origin: string, kind: TeamLinkKind, id: string, expires: number): Promise<string> {
  const payload: TeamLinkPayload = { i: id, e: Math.floor(expires / 1000) };
  return `${origin}${PATHS[kind]}${await sign(signingKey(env), `team-${kind}`, payload)}`;
}

/** The id a link names, or 403 `link_invalid` (forged, altered, another kind) / 410 when expired. */
export async function readTeamLink(env: Bindings, kind: TeamLinkKind, signed: string): Promise<string> {
  const payload = await verify<TeamLinkPayload>(signingKey(env), `team-${kind}`, signed);
  if (!payload || typeof payload.i !== 'string' || typeof payload.e !== 'number') throw new ApiError(403, 'link_invalid', 'This link is not valid.');
  if (payload.e * 1000 < Date.now()) {
    throw kind === 'invitation'
      ? new ApiError(410, 'invitation_expired', 'This invitation has expired. Ask the owner for a new one.')
      : new ApiError(410, 'link_expired', 'This sign-in link has expired. Ask for a new one.');
  }
  return payload.i;
}
