import type { CommentRecord } from '../../storage/records';
import type { SiteConfig } from '../../config/sites';
import type { CommentStatus, ErrorCode } from '../../wire';

/**
 * What the Worker and a thread's object say to each other (Durable Object RPC). The object
 * answers every call with a {@link ThreadResult}: refusals are values, not exceptions, so they
 * keep their HTTP status and code across the RPC boundary.
 */

/** Which thread an object is: every call names it (the object checks it is the one it holds). */
export interface ThreadRef {
  site: string;
  thread: string;
}

export interface ThreadRefusal {
  status: 400 | 401 | 403 | 404 | 409 | 410 | 429 | 503;
  code: ErrorCode;
  message: string;
  field?: string;
}

export type ThreadResult<T> = ({ ok: true } & T) | { ok: false; refusal: ThreadRefusal };

/** Whether what a change made readers see reached KV in this call (else an alarm retries it). */
export interface Publication {
  published: boolean;
}

export type StatusAction = 'approve' | 'remove' | 'spam' | 'restore';

export interface NewComment {
  /** The record to save, its status decided by the Worker's checks (the object may still refuse it). */
  record: CommentRecord;
  /** The edit token (returned again to a retry with the same request id). */
  token: string;
  /** Who posted it, for the duplicate check: a keyed hash of the IP (or of the email), or null. */
  poster: string | null;
  /** SHA-256 of the normalised body: the same poster may not post it twice in a day. */
  bodyHash: string;
  /** The site's auto-lock age, checked here against the thread's first comment. */
  autoLockDays: number | null;
  /** Site's tombstone days (a comment held as spam expires with them). */
  keepDays: number;
  /** Idempotency key: the same key gets the same answer, and the comment is saved once. */
  requestId?: string;
  /** "Notify me of replies": an unconfirmed subscription to replies to the new comment. */
  subscribe?: { emailHash: string; email: string };
}

export interface PostOutcome extends Publication {
  record: CommentRecord;
  token: string;
  /** Someone follows this thread (or the parent's replies): followers may need mail. */
  followed: boolean;
  /** A confirmation mail should go out for `subscribe`. */
  confirm: boolean;
}

export interface AuthorChange {
  id: string;
  /** SHA-256 of the token the author sent. */
  tokenHash: string;
  editWindowMinutes: number;
  keepDays: number;
}

export interface AuthorEdit extends AuthorChange {
  body: string;
  html: string;
  /** The site's settings: the spam checks run again on the new text, and its moderation mode decides the status. */
  site: SiteConfig;
}

export interface ModeratorAction {
  id: string;
  action: StatusAction;
  /** Who acts, for the audit log. */
  actor: string;
  /** The verified identity behind `actor` (a member's id, `admin-token`, `webhook`), for filtering the log. */
  actorId?: string;
  keepDays: number;
  /** Act only if the comment is still in this status (signed links); otherwise refuse with what happened. */
  expect?: CommentStatus;
}

export interface ModeratorEdit {
  id: string;
  author: string;
  body: string;
  html: string;
  approve: boolean;
  actor: string;
  actorId?: string;
  keepDays: number;
}

export interface StatusChange extends Publication {
  before: CommentRecord;
  after: CommentRecord;
  changed: boolean;
  /** The comment was published for the first time and someone follows the thread: followers are to be told. */
  notifyFollowers: boolean;
}

export interface SubscriptionRow {
  emailHash: string;
  target: string;
  email: string;
  confirmed: boolean;
  createdAt: string;
  confirmedAt?: string;
}

export interface ImportOutcome extends Publication {
  created: number;
  updated: number;
  unchanged: number;
  /** The thread's lock or pins changed. */
  settingsChanged: boolean;
  /** Subscriptions written (new or different). */
  subscriptionsChanged: number;
}

/** What the reconciler found and fixed in one thread. */
export interface VerifyReport {
  /** Published KV keys compared with what the object last wrote. */
  checked: number;
  /** Keys rewritten because KV held something else (or nothing). */
  repaired: string[];
  /** Comments sent to the site's index again because it was behind. */
  reindexed: number;
  /** Tombstones deleted for good. */
  purged: number;
}

/** Where a comment is on the pages readers read: `GET /api/comments/:id/place`. */
export interface CommentPlace {
  /** Its top-level comment (itself, for a top-level comment). */
  root: string;
  /** The page (block) of the top-level comment: `GET /api/comments?page=N`. */
  page: number;
  /** For a reply: its page of replies, `GET /api/comments/replies?root=&page=N`. */
  replyPage: number | null;
}
