import type { Bindings } from '../app-env';
import { sign, verify } from '../lib/signing';
import { signingKey } from '../moderation/identity';

/**
 * The signed links in mail to a site's followers, made with LINK_SIGNING_KEY. They carry the
 * site and the keyed hash of the address, never the address itself:
 *
 * - `/followers/confirm/<token>`: confirms following (expires after 7 days);
 * - `/followers/manage/<token>` and `/followers/unsubscribe/<token>`: the follower's own page and
 *   the one-click unsubscribe (RFC 8058). One token serves both; it lasts 3 years (old mail's
 *   unsubscribe links keep working).
 *
 * A GET of any of them only shows a page; only a POST changes anything (mail scanners open links).
 */
export type FollowerAction = 'confirm' | 'manage';

interface Payload {
  s: string;
  h: string;
  /** expiry, seconds */
  e: number;
}

const TTL_SECONDS: Record<FollowerAction, number> = { confirm: 7 * 86_400, manage: 3 * 365 * 86_400 };

export interface FollowerRef {
  site: string;
  emailHash: string;
}

export async function followerToken(env: Bindings, ref: FollowerRef, action: FollowerAction): Promise<string> {
  const payload: Payload = { s: ref.site, h: ref.emailHash, e: Math.floor(Date.now() / 1000) + TTL_SECONDS[action] };
  return sign(signingKey(env), `follower-${action}`, payload);
}

/** The three links a follower's mail carries. */
export async function followerLinks(env: Bindings, origin: string, ref: FollowerRef): Promise<{ manage: string; unsubscribe: string }> {
  const token = await followerToken(env, ref, 'manage');
  return { manage: `${origin}/followers/manage/${token}`, unsubscribe: `${origin}/followers/unsubscribe/${token}` };
}

export async function confirmLink(env: Bindings, origin: string, ref: FollowerRef): Promise<string> {
  return `${origin}/followers/confirm/${await followerToken(env, ref, 'confirm')}`;
}

/** The follower a token names, or null when it is forged, altered, of another kind or expired. */
export async function readFollowerToken(env: Bindings, token: string, action: FollowerAction): Promise<FollowerRef | null> {
  const payload = await verify<Payload>(signingKey(env), `follower-${action}`, token);
  if (!payload || typeof payload.s !== 'string' || typeof payload.h !== 'string' || typeof payload.e !== 'number') return null;
  if (payload.e * 1000 < Date.now()) return null;
  return { site: payload.s, emailHash: payload.h };
}
