/**
 * What the Worker asks a site's followers object (Durable Object RPC): its followers, its posts,
 * the sends that mail them, and the feed it polls. See docs/following.md.
 */

/** `pending` until the address confirms; `bounced` / `complained` are kept (as a hash) so they are never mailed again. */
export type FollowerStatus = 'pending' | 'confirmed' | 'bounced' | 'complained';
/** How often a follower gets mail: each post as it comes, or one digest a day or a week. */
export type FollowerMode = 'each' | 'daily' | 'weekly';
/** How a follower came: the Follow box, or an owner's import (with or without the owner asserting consent). */
export type FollowerSource = 'form' | 'import' | 'import-consent';

export interface Follower {
  emailHash: string;
  /** Empty once the address bounced or complained: only its hash is kept. */
  email: string;
  status: FollowerStatus;
  mode: FollowerMode;
  source: FollowerSource;
  createdAt: string;
  confirmedAt: string | null;
}

/** A post Parley learned of (from the feed or an announcement): mailed once to every follower. */
export interface Post {
  id: number;
  url: string;
  title: string;
  summary: string;
  /** The full text (HTML or text, as the feed or announcement gave it). */
  content: string;
  author: string;
  /** ISO 8601, as the feed or announcement said; else when Parley learned of it. */
  publishedAt: string;
  /** When Parley learned of it (ISO 8601). */
  createdAt: string;
  source: 'feed' | 'announce';
}

/** A post as the Worker gives it to the object (not yet stored). */
export interface NewPost {
  url: string;
  title: string;
  summary: string;
  content: string;
  author: string;
  publishedAt: string | null;
}

/** A feed entry, read by the Worker: known by `key` (its guid or id), never by its date. */
export interface FeedEntry extends NewPost {
  key: string;
}

export type SendKind = 'post' | 'daily' | 'weekly' | 'invite';
export type SendStatus = 'queued' | 'sending' | 'sent' | 'paused';

/** Operations the consumer made while sending, counted per send (for the Posts page and the benchmark). */
export interface SendOps {
  /** Queue messages handled (each is also a read and an ack on the queue). */
  deliveries: number;
  /** Queue messages sent (the next batch, a retry). */
  queueSends: number;
  kvReads: number;
  kvWrites: number;
  kvLists: number;
  /** Object calls (claim and report). */
  objectCalls: number;
}

export interface SendState {
  id: number;
  kind: SendKind;
  /** The post (kind `post`), the posts of a digest, or none (an invitation to confirm). */
  posts: number[];
  /** A digest's period: `2026-05-01` (daily) or `2026-05-04` (weekly, its Monday). */
  period: string | null;
  status: SendStatus;
  /** Recipients when the send began (followers who had confirmed by then, in this mode). */
  total: number;
  sent: number;
  failed: number;
  attempts: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  ops: SendOps;
}

/** One recipient of a batch. */
export interface Recipient {
  seq: number;
  emailHash: string;
  email: string;
}

/** What a consumer gets to send: a batch of recipients, under a lease. */
export type Claim =
  | { state: 'batch'; lease: string; send: SendState; origin: string; posts: Post[]; recipients: Recipient[] }
  /** Another consumer holds the send's lease: try again later. */
  | { state: 'busy'; retryInSeconds: number }
  /** Nothing left to send (or the send is paused or gone). */
  | { state: 'done' };

/** What a consumer did with a batch. */
export interface BatchReport {
  lease: string;
  /** Recipients mailed (by seq). */
  sent: number[];
  /** Recipients whose address the mail service refused for good (an invalid address): not retried. */
  failed: { seq: number; error: string }[];
  /** A failure worth retrying (the mail service is down, a quota): the batch stopped there. */
  error?: string;
  ops: Partial<SendOps>;
}

/** A post with its send, for the dashboard and the admin API. */
export interface PostWithSend extends Post {
  send: SendState | null;
}

/** The feed's state, as polling last left it. */
export interface FeedState {
  url: string | null;
  etag: string | null;
  lastModified: string | null;
  /** When it was last read (ISO 8601), and what happened. */
  polledAt: string | null;
  error: string | null;
  /** Entries known (their guids or ids). */
  entries: number;
}

export interface FollowerPage {
  followers: Follower[];
  /** Pass back as `after` for the next page; null after the last. */
  next: string | null;
}

export interface FollowerCounts {
  confirmed: number;
  pending: number;
  suppressed: number;
}

export interface ImportOutcome {
  /** New followers, confirmed at once (the owner asserted consent). */
  confirmed: number;
  /** New followers who get a mail to confirm. */
  invited: number;
  /** Already following (or pending, or bounced or complained): left as they were. */
  unchanged: number;
  /** The send that asks the invited ones to confirm. */
  invite: number | null;
}
