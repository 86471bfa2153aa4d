import type { CommentRecord } from '../../storage/records';
import type { CommentStatus } from '../../wire';
import type { SubscriptionRow } from '../thread/protocol';

/**
 * What a thread's object tells its site's object (Durable Object RPC), and what the Worker asks
 * the site's object: its moderation queues, searches, feeds, exports and the reconciler.
 */

/** A comment as the site's index keeps it: the whole record, its likes and the thread revision that wrote it. */
export interface IndexedComment {
  record: CommentRecord;
  likes: number;
  rev: number;
  /** A tombstone's purge time (seconds since the epoch). */
  expiration?: number;
}

export type IndexedSubscription = SubscriptionRow;

/** The thread's figures the site keeps (dashboard, reconciler, export). */
export interface ThreadStats {
  approved: number;
  followers: number;
  locked: boolean;
  pinned?: string[];
  changedAt: number;
}

/** Changes of one thread, sent by its object after they are saved. Each row is the current state (not a delta). */
export interface IndexBatch {
  thread: string;
  /** The thread's key part (see storage/thread-part.ts): links made before thread objects name threads by it. */
  part: string;
  /** The thread's revision when the batch was made: the index keeps, per row, the newest it saw. */
  rev: number;
  comments: IndexedComment[];
  removed: string[];
  subscriptions: IndexedSubscription[];
  removedSubscriptions: { emailHash: string; target: string }[];
  stats: ThreadStats | null;
}

export interface QueueQuery {
  status: CommentStatus;
  thread?: string;
  /** Case-insensitive text in the author, the email or the body. */
  q?: string;
  /** The id after which to continue (the `next` of the previous page). */
  after?: string;
  limit: number;
}

export interface QueuePage {
  comments: CommentRecord[];
  /** Pass back as `after` for the next page; null after the last. */
  next: string | null;
  /** The index is still taking in comments stored before thread objects existed. */
  indexing: boolean;
}

/** One run of the reconciler on a site. */
export interface ReconcileRun {
  at: string;
  threads: number;
  checked: number;
  repaired: number;
  reindexed: number;
  purged: number;
  /** A few of the repaired keys, for the dashboard. */
  detail: string[];
  errors: number;
}
