/**
 * Parley's wire format: every JSON body the API sends or accepts, and its error codes.
 *
 * This is the one place both sides agree on. The Worker imports it to build responses;
 * the widget imports it (types only, plus `LIMITS`) to read them, so a change here is
 * checked by the compiler on both ends. Request bodies are inferred from the schemas the
 * Worker validates them with (requests.ts): types only, so the widget bundles none of it.
 */

import type { InferInput } from 'valibot';
import type { createCommentSchema } from './requests';

/** Where a comment stands in moderation. Only `approved` comments are ever shown to readers. */
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Every status, in the order queues are shown. */
export const COMMENT_STATUSES = ['pending', 'approved', 'spam', 'removed'] as const;

/** A comment as any reader may see it. Never carries an email, an IP hash or a token. */
export interface PublicComment {
  id: string;
  /** The comment this one answers, or null for a top-level comment. */
  parentId: string | null;
  author: string;
  /** The commenter's website (http/https only), or null. */
  website: string | null;
  /** The body rendered from Markdown to safe HTML by the Worker. */
  html: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /**
   * True for a placeholder that stands in for a comment that is no longer shown
   * (removed, or not yet approved) but has approved replies; author and html are empty.
   */
  deleted?: boolean;
  /** Pinned by a moderator: the widget shows pinned comments first. */
  pinned?: boolean;
  /** Likes, when there are any. */
  likes?: number;
  /**
   * Seed for the comment's locally drawn avatar. Random, unless the author proved (`proof`) an earlier
   * comment of theirs: then the same as that one's. It never depends on the email.
   */
  avatar?: string;
  /** Gravatar URL, only on sites that opt in (`gravatar: true`). */
  avatarUrl?: string;
  /** Set when the author edited the comment after posting. */
  edited?: boolean;
  /**
   * On a top-level comment: how many replies it has (its whole subtree, placeholders not
   * counted). A page carries only the first few; the rest come from `GET /api/comments/replies`.
   */
  replies?: number;
}

/** Orders a thread can be read in. `top` is most liked first. */
export type ThreadSort = 'oldest' | 'newest' | 'top';

/** What the author of a comment gets back: the public view plus its moderation status. */
export interface OwnComment extends PublicComment {
  status: CommentStatus;
}

/** `GET /api/comments?site=S&thread=T` */
export interface ListCommentsResponse {
  comments: PublicComment[];
  /** Number of approved comments in the thread (placeholders not counted). */
  total: number;
  /** True when the thread takes no new comments (locked by a moderator, or auto-locked by age). */
  locked: boolean;
  /** Readers who follow this thread by email (confirmed). */
  followers: number;
  /** The order of this page. */
  sort: ThreadSort;
  /** Top-level comments per page (each comes with its first replies; see `replies`). */
  pageSize: number;
  /**
   * Pass as `&page=N` (with the same sort) for the next page, or null on the last one.
   * A page may repeat comments already shown (pinned ones, a page cut short): skip them by id.
   * With `sort=top`, later pages come in oldest order.
   */
  next: number | null;
}

/**
 * `GET /api/comments?site=S&thread=T&sort=X&page=N`: a later page of a large thread. Its
 * top-level comments come in the order they were first published whatever the sort: show
 * them newest first for `sort=newest`.
 */
export interface ListPageResponse {
  comments: PublicComment[];
  sort: ThreadSort;
  pageSize: number;
  /** This page's number. */
  page: number;
  /** The page after this one in this sort, or null. */
  next: number | null;
}

/** `GET /api/comments/replies?site=S&thread=T&root=ID&page=N`: replies to one top-level comment, in the order they were published. */
export interface ListRepliesResponse {
  /** Replies (and placeholders for hidden ones that have replies), oldest first. May repeat replies shown on the thread's page. */
  comments: PublicComment[];
  root: string;
  page: number;
  /** The next page of replies, or null. */
  next: number | null;
}

/** `GET /api/comments/:id/place`: where a shown comment is on its thread's pages. */
export interface CommentPlaceResponse {
  thread: string;
  /** Its top-level comment (itself, for a top-level comment). */
  root: string;
  /** The page of its top-level comment (`&page=N`). */
  page: number;
  /** For a reply, its page of replies (`/api/comments/replies?root=&page=N`); null for a top-level comment. */
  replyPage: number | null;
}

/**
 * `POST /api/comments` body, as its schema (requests.ts, where each field is described) takes
 * it: inferred from the schema the Worker validates with. Unknown fields are ignored.
 */
export type CreateCommentRequest = InferInput<typeof createCommentSchema>;

/** `POST /api/subscriptions`: follow a thread (or replies to a comment) by email. */
export interface SubscribeRequest {
  site: string;
  thread: string;
  email: string;
  /** Follow only the replies to this comment; omit to follow the whole thread. */
  commentId?: string;
}

/** `POST /api/comments` answer (201). Keep `token`: it is the only proof you wrote this comment. */
export interface CreateCommentResponse {
  comment: OwnComment;
  token: string;
}

/** `PATCH /api/comments/:id` (the author's edit, with the edit token). */
export interface EditCommentResponse {
  comment: OwnComment;
}

/** `DELETE /api/comments/:id` (the author's delete, with the edit token). */
export interface DeleteCommentResponse {
  deleted: true;
  id: string;
}

/** `POST` / `DELETE /api/comments/:id/like`. `changed` is false when the like was already in that state. */
export interface LikeResponse {
  id: string;
  liked: boolean;
  changed: boolean;
}

/** `POST /api/comments/preview`. */
export interface PreviewResponse {
  html: string;
}

/** `POST /api/subscriptions` (202): the same answer whether or not the address already follows. */
export interface SubscribeResponse {
  status: 'confirmation_sent';
  message: string;
}

/** `GET /api/counts?site=S&thread=A&thread=B`. */
export interface CountsResponse {
  counts: Record<string, number>;
}

/** A comment as a moderator sees it (admin API only). */
export interface ModeratedComment extends OwnComment {
  site: string;
  thread: string;
  email: string | null;
  /** The Markdown source as typed. */
  body: string;
  updatedAt: string;
  /** Why the spam checks held or flagged it. */
  flags: string[];
  /** Whether an IP hash is on record (so "ban IP" can work); the hash itself is never sent. */
  hasIp: boolean;
}

/** `GET /api/admin/comments` */
export interface AdminListResponse {
  comments: ModeratedComment[];
  /** Pass as `&cursor=` for the next page of the queue, or null after the last. */
  next: string | null;
  /** Set while comments stored by an earlier release are still being indexed (the queue may be incomplete). */
  indexing?: boolean;
}

/** `POST /api/admin/comments/:id/approve`, `DELETE /api/admin/comments/:id` */
export interface AdminActionResponse {
  comment: ModeratedComment;
}

/**
 * `GET /api/sites/:site/config`: what the widget needs from its site's settings, so no widget
 * constant has to agree with a server setting by hand. Public (nothing secret in it), any
 * origin may read it, cacheable for 60 s; it costs no KV read.
 */
export interface SiteConfigResponse {
  site: string;
  name: string;
  /** `all`: every comment waits for a moderator; `first`: known commenters publish at once; `none`: all publish at once. */
  moderation: 'all' | 'first' | 'none';
  /** Minutes after posting during which the author may edit or delete the comment with its token (0: not at all). */
  editWindowMinutes: number;
  /** Languages the widget may use on this site, the first being the fallback; empty: any it has (fallback English). */
  languages: WidgetLanguage[];
  /** The Cloudflare Turnstile site key when the site requires Turnstile on posts, else null. */
  turnstileSiteKey: string | null;
  /** Whether comments may carry a Gravatar `avatarUrl`. */
  gravatar: boolean;
  /** Field limits, the same for every site (the server refuses longer fields). */
  limits: typeof LIMITS;
}

/** Stable, machine-readable error codes. The `message` beside them is for humans and may change. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unknown_site'
  | 'parent_not_found'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden_origin'
  | 'rate_limited'
  | 'duplicate_comment'
  | 'banned'
  | 'thread_locked'
  | 'captcha_failed'
  | 'captcha_unavailable'
  | 'link_invalid'
  | 'link_expired'
  | 'link_used'
  | 'link_stale'
  | 'edit_window_closed'
  | 'admin_disabled'
  | 'not_configured'
  | 'storage_unavailable'
  | 'not_published'
  // The moderation team (issue 12): role boundaries, invitations, passkeys, tokens.
  | 'forbidden_site'
  | 'owner_only'
  | 'read_only'
  | 'session_required'
  | 'already_member'
  | 'not_a_member'
  | 'invitation_invalid'
  | 'invitation_used'
  | 'invitation_expired'
  | 'passkey_failed'
  | 'site_exists'
  | 'site_changed'
  | 'internal_error';

/** Every error response: `{"error":{"code","message","field"?}}`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** For `invalid_request`: the request field at fault. */
    field?: string;
  };
}

/** The languages the widget has (`data-lang`, a site's `languages`). */
export const WIDGET_LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'zh', 'ja', 'ar'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/** Field limits in characters (UTF-16 code units, as `String.length` counts). */
export const LIMITS = {
  site: 64,
  thread: 256,
  author: 64,
  email: 254,
  website: 256,
  body: 5000,
  /** Largest request body accepted, in bytes, checked before parsing. */
  requestBytes: 32 * 1024,
} as const;

/** `POST /api/followers` body: follow a site's new posts by email (double opt-in). */
export interface FollowRequest {
  site: string;
  email: string;
}

/** `POST /api/followers` answer (202): the same whether or not the address already follows. */
export interface FollowResponse {
  status: 'confirmation_sent';
}

/** `GET /api/followers/count?site=S`: the site's confirmed followers (cached for a minute). */
export interface FollowerCountResponse {
  followers: number;
}
