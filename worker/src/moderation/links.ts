import type { Bindings } from '../app-env';
import { ApiError } from '../errors';
import { newToken } from '../lib/ids';
import { sign, verify } from '../lib/signing';
import { signingKey } from './identity';
import type { CommentStatus } from '../wire';

export type LinkAction = 'approve' | 'remove';

/** What a one-click moderation link carries, signed: one comment, one action, an expiry, a nonce. */
export interface LinkPayload {
  /** comment id */
  c: string;
  a: LinkAction;
  /** expiry, seconds since the epoch */
  e: number;
  /** nonce: the link works once */
  n: string;
  /** The comment's status when the link was made: the link acts only while it is still so. */
  s?: CommentStatus;
  /**
   * The member the link was mailed to: it acts as them (and only while they still moderate the
   * comment's site). Absent: a link posted to the site's webhook, which acts as "webhook".
   */
  m?: string;
}

/** How long a notification's links work. */
export const LINK_TTL_SECONDS = 7 * 86_400;

/**
 * A signed link that performs one action on one comment, without signing in. It cannot be
 * turned into a link for another comment or action (the signature covers both), expires, is
 * refused once used, and acts only while the comment is still in the status it was made for
 * (a moderator's later decision is never overridden by an old link).
 *
 * @example
 * await moderationLink(env, 'https://comments.example', id, 'approve', 'pending')
 * // 'https://comments.example/admin/act/eyJjIjoi….3f9a…'
 */
export async function moderationLink(env: Bindings, origin: string, commentId: string, action: LinkAction, status?: CommentStatus, now = Date.now(), memberId?: string): Promise<string> {
  const payload: LinkPayload = { c: commentId, a: action, e: Math.floor(now / 1000) + LINK_TTL_SECONDS, n: newToken().slice(0, 16), ...(status ? { s: status } : {}), ...(memberId ? { m: memberId } : {}) };
  return `${origin}/admin/act/${await sign(signingKey(env), 'link', payload)}`;
}

/** Checks a link's signature and expiry, or throws `link_invalid` / `link_expired`. */
export async function readModerationLink(env: Bindings, signed: string): Promise<LinkPayload> {
  const payload = await verify<LinkPayload>(signingKey(env), 'link', signed);
  if (!payload || typeof payload.c !== 'string' || (payload.a !== 'approve' && payload.a !== 'remove') || typeof payload.e !== 'number' || typeof payload.n !== 'string' || (payload.m !== undefined && typeof payload.m !== 'string')) {
    throw new ApiError(403, 'link_invalid', 'This moderation link is not valid.');
  }
  if (payload.e * 1000 < Date.now()) throw new ApiError(410, 'link_expired', 'This moderation link has expired. Moderate from the dashboard instead.');
  return payload;
}
