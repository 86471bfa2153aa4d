import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { hashEmail } from '../moderation/identity';
import { FollowerCountStore } from '../storage/follower-count';
import { readFeed, FeedError, MAX_NEW_POSTS_PER_POLL } from '../following/feed';
import { objectKv } from './kv-access';
import { FOLLOWERS_SCHEMA } from './followers/schema';
import type {
  BatchReport,
  Claim,
  FeedState,
  Follower,
  FollowerCounts,
  FollowerMode,
  FollowerPage,
  FollowerSource,
  FollowerStatus,
  ImportOutcome,
  NewPost,
  Post,
  PostWithSend,
  Recipient,
  SendKind,
  SendOps,
  SendState,
  SendStatus,
} from './followers/protocol';

const DAY_MS = 86_400_000;
/** How long a consumer may hold a send's batch before another may take it over. */
const LEASE_MS = 5 * 60_000;
/** A send whose batch failed this many times in a row is paused until the owner retries it. */
export const MAX_SEND_ATTEMPTS = 8;
/** A send nothing happened to for this long (its queue message was lost) is queued again by the cron: longer than the longest retry delay (an hour). */
const STALE_SEND_MS = 70 * 60_000;
/** An address that never confirmed is forgotten after this long. */
const PENDING_DAYS = 30;

type Row = Record<string, SqlStorageValue>;

const NO_OPS: SendOps = { deliveries: 0, queueSends: 0, kvReads: 0, kvWrites: 0, kvLists: 0, objectCalls: 0 };

/** The name of a site's followers object. */
export function followersObjectName(site: string): string {
  return `followers\n${site}`;
}

/**
 * A site's followers by email, and everything mailed to them: the single writer of the site's
 * followers (double opt-in), its posts (from the feed or announced, one row per URL so a post is
 * mailed once), the feed entries it saw (by guid or id), and each send — one per post, per digest
 * and per invitation — with a durable cursor, so a send resumes after a failure without mailing
 * anyone twice or skipping anyone. It publishes one thing to KV: the live count of confirmed
 * followers (`fcount:`), at most once a second. See docs/following.md.
 */
export class FollowersObject extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const statement of FOLLOWERS_SCHEMA) this.sql.exec(statement);
  }

  // Followers.

  /**
   * Someone asks to follow with an address. Returns which mail to send: a confirmation (new or
   * still pending), a reminder with the manage link (already confirmed), or none (the address
   * bounced or complained). The caller answers the same whatever this says.
   */
  async follow(site: string, input: { email: string; origin: string }): Promise<{ emailHash: string; mail: 'confirm' | 'already' | null }> {
    this.learn(site, input.origin);
    const emailHash = (await hashEmail(this.env, input.email))!;
    const existing = this.followerRow(emailHash);
    if (existing) {
      if (existing.status === 'confirmed') return { emailHash, mail: 'already' };
      if (existing.status === 'pending') return { emailHash, mail: 'confirm' };
      return { emailHash, mail: null };
    }
    this.sql.exec(
      'INSERT INTO followers (email_hash, email, status, mode, seq, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      emailHash,
      input.email.trim(),
      'pending',
      'each',
      this.nextSeq(),
      'form',
      Date.now(),
    );
    return { emailHash, mail: 'confirm' };
  }

  async follower(site: string, input: { emailHash: string }): Promise<Follower | null> {
    this.learn(site);
    const row = this.followerRow(input.emailHash);
    return row ? toFollower(row) : null;
  }

  /** Confirms a pending follower (from the link in their mail). A bounced or complained address stays as it is. */
  async confirm(site: string, input: { emailHash: string }): Promise<{ follower: Follower | null; changed: boolean }> {
    this.learn(site);
    const row = this.followerRow(input.emailHash);
    if (!row || row.status !== 'pending') return { follower: row ? toFollower(row) : null, changed: false };
    this.sql.exec("UPDATE followers SET status = 'confirmed', seq = ?, confirmed_at = ?, invite = NULL WHERE email_hash = ?", this.nextSeq(), Date.now(), input.emailHash);
    await this.publishCount(site);
    return { follower: toFollower(this.followerRow(input.emailHash)!), changed: true };
  }

  /** Each post, or a daily or weekly digest. */
  async setMode(site: string, input: { emailHash: string; mode: FollowerMode }): Promise<Follower | null> {
    this.learn(site);
    this.sql.exec("UPDATE followers SET mode = ? WHERE email_hash = ? AND status = 'confirmed'", input.mode, input.emailHash);
    const row = this.followerRow(input.emailHash);
    return row ? toFollower(row) : null;
  }

  /** Stops following: the address is forgotten (only a bounce or a complaint keeps its hash). */
  async unfollow(site: string, input: { emailHash: string }): Promise<{ removed: boolean }> {
    this.learn(site);
    const row = this.followerRow(input.emailHash);
    if (!row || (row.status !== 'pending' && row.status !== 'confirmed')) return { removed: false };
    this.forget(input.emailHash);
    await this.publishCount(site);
    return { removed: true };
  }

  /** Erasure (GDPR): the address and every trace of it, whatever its state. */
  async erase(site: string, input: { emailHash: string }): Promise<{ removed: number }> {
    this.learn(site);
    const removed = this.followerRow(input.emailHash) ? 1 : 0;
    this.forget(input.emailHash);
    await this.publishCount(site);
    return { removed };
  }

  /**
   * A hard bounce or a complaint: the address is never mailed again. Only its hash is kept, so a
   * new request to follow with it sends nothing.
   */
  async suppress(site: string, input: { emailHash: string; reason: 'bounced' | 'complained' }): Promise<{ changed: boolean }> {
    this.learn(site);
    const row = this.followerRow(input.emailHash);
    if (row && row.status === input.reason && row.email === '') return { changed: false };
    this.ctx.storage.transactionSync(() => {
      if (row) this.sql.exec("UPDATE followers SET status = ?, email = '', invite = NULL WHERE email_hash = ?", input.reason, input.emailHash);
      else this.sql.exec("INSERT INTO followers (email_hash, email, status, mode, seq, source, created_at) VALUES (?, '', ?, 'each', ?, 'form', ?)", input.emailHash, input.reason, this.nextSeq(), Date.now());
    });
    await this.publishCount(site);
    return { changed: Boolean(row) && (row!.status === 'pending' || row!.status === 'confirmed') };
  }

  /** Owner's removal from the dashboard: the row goes, whatever its state (a suppressed address can follow again). */
  async remove(site: string, input: { emailHash: string }): Promise<{ removed: boolean }> {
    this.learn(site);
    const removed = Boolean(this.followerRow(input.emailHash));
    this.forget(input.emailHash);
    await this.publishCount(site);
    return { removed };
  }

  async counts(site: string): Promise<FollowerCounts> {
    this.learn(site);
    const counts: FollowerCounts = { confirmed: 0, pending: 0, suppressed: 0 };
    for (const row of this.sql.exec<{ status: FollowerStatus; n: number }>('SELECT status, COUNT(*) AS n FROM followers GROUP BY status')) {
      if (row.status === 'confirmed' || row.status === 'pending') counts[row.status] = row.n;
      else counts.suppressed += row.n;
    }
    return counts;
  }

  /** A page of followers, newest first, optionally of one status or matching part of an address. */
  async list(site: string, input: { status?: FollowerStatus | 'suppressed'; q?: string; after?: string; limit: number }): Promise<FollowerPage> {
    this.learn(site);
    const where: string[] = [];
    const bindings: SqlStorageValue[] = [];
    if (input.status === 'suppressed') where.push("status IN ('bounced', 'complained')");
    else if (input.status) {
      where.push('status = ?');
      bindings.push(input.status);
    }
    if (input.q) {
      where.push("email LIKE ? ESCAPE '\\'");
      bindings.push(`%${input.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
    }
    const after = parseCursor(input.after);
    if (after) {
      where.push('(created_at < ? OR (created_at = ? AND email_hash > ?))');
      bindings.push(after.at, after.at, after.hash);
    }
    const rows = this.sql
      .exec<Row>(`SELECT * FROM followers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, email_hash ASC LIMIT ?`, ...bindings, input.limit + 1)
      .toArray();
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return { followers: page.map(toFollower), next: rows.length > input.limit && last ? `${last.created_at}.${last.email_hash}` : null };
  }

  /**
   * Adds addresses an owner imports (a WordPress.com export or a plain list). With `consent`
   * (the owner asserts these people agreed to get the posts) they follow at once; otherwise they
   * are pending and one invitation send asks each to confirm. Addresses already known are left
   * as they are.
   */
  async importFollowers(site: string, input: { emails: string[]; consent: boolean; origin: string }): Promise<ImportOutcome> {
    this.learn(site, input.origin);
    const hashed = await Promise.all(input.emails.map(async (email) => ({ email: email.trim(), hash: (await hashEmail(this.env, email))! })));
    const outcome: ImportOutcome = { confirmed: 0, invited: 0, unchanged: 0, invite: null };
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      let invite: number | null = null;
      const seen = new Set<string>();
      for (const { email, hash } of hashed) {
        if (seen.has(hash) || this.followerRow(hash)) {
          outcome.unchanged++;
          continue;
        }
        seen.add(hash);
        if (input.consent) {
          this.sql.exec("INSERT INTO followers (email_hash, email, status, mode, seq, source, created_at, confirmed_at) VALUES (?, ?, 'confirmed', 'each', ?, 'import-consent', ?, ?)", hash, email, this.nextSeq(), now, now);
          outcome.confirmed++;
        } else {
          invite ??= this.createSend('invite', { post: null, period: null, posts: [], origin: input.origin, total: 0, now });
          this.sql.exec("INSERT INTO followers (email_hash, email, status, mode, seq, source, invite, created_at) VALUES (?, ?, 'pending', 'each', ?, 'import', ?, ?)", hash, email, this.nextSeq(), invite, now);
          outcome.invited++;
        }
      }
      if (invite !== null) {
        this.sql.exec("UPDATE sends SET total = ?, snapshot = ?, status = 'queued' WHERE id = ?", outcome.invited, this.currentSeq(), invite);
        outcome.invite = invite;
      }
    });
    if (outcome.confirmed) await this.publishCount(site);
    return outcome;
  }

  // Posts.

  /**
   * A post announced by the owner (`POST /api/admin/sites/:site/posts`). Known by its URL: the
   * same post announced again (or already read from the feed) is not mailed again.
   */
  async announce(site: string, input: { post: NewPost; origin: string }): Promise<{ post: Post; created: boolean; send: number | null }> {
    this.learn(site, input.origin);
    const existing = this.postByUrl(input.post.url);
    if (existing) return { post: existing, created: false, send: this.sendOfPost(existing.id)?.id ?? null };
    let send: number | null = null;
    let post!: Post;
    this.ctx.storage.transactionSync(() => {
      post = this.insertPost(input.post, 'announce');
      send = this.createPostSend(post.id, input.origin);
    });
    return { post, created: true, send: this.queuedOrNull(send) };
  }

  /**
   * What a poll of the feed read. The first poll of a feed URL records every entry and mails
   * nothing; later polls make a post of each entry not seen before (by its guid or id — an entry
   * whose date or place changed is still the same entry), unless its URL is a post already. A
   * body that is not a feed (or too large, or with too many entries) is refused and logged, and
   * nothing is recorded.
   */
  async pollResult(
    site: string,
    input: { url: string; origin: string | null } & ({ body: string; etag: string | null; lastModified: string | null } | { notModified: true } | { error: string }),
  ): Promise<{ baseline: boolean; posts: Post[]; sends: number[]; error: string | null }> {
    this.learn(site, input.origin ?? undefined);
    const now = Date.now();
    this.setMeta('feed_polled_at', String(now));
    if ('error' in input) return this.feedError(input.url, input.error);
    if ('notModified' in input) {
      this.setMeta('feed_error', '');
      return { baseline: false, posts: [], sends: [], error: null };
    }
    let entries;
    try {
      entries = readFeed(input.body);
    } catch (error) {
      return this.feedError(input.url, error instanceof FeedError ? error.message : `the feed could not be read (${String(error)})`);
    }
    const baseline = this.meta('feed_url') !== input.url;
    const origin = input.origin ?? this.meta('origin');
    const posts: Post[] = [];
    const sends: number[] = [];
    let error: string | null = null;
    this.ctx.storage.transactionSync(() => {
      const fresh = entries.filter((entry) => !this.sql.exec('SELECT 1 FROM feed_entries WHERE feed = ? AND entry = ?', input.url, entry.key).toArray().length);
      const candidates = fresh.filter((entry) => !this.postByUrl(entry.url));
      const mailNone = baseline || candidates.length > MAX_NEW_POSTS_PER_POLL;
      if (!baseline && candidates.length > MAX_NEW_POSTS_PER_POLL) {
        error = `${candidates.length} new entries at once (more than ${MAX_NEW_POSTS_PER_POLL}): recorded without mailing anyone. Did the feed change the ids of its entries?`;
        console.error(`followers: feed of ${site}: ${error}`);
      }
      // Oldest first, so followers get them in the order they were published.
      const ordered = [...fresh].sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
      for (const entry of ordered) {
        let postId: number | null = this.postByUrl(entry.url)?.id ?? null;
        if (postId === null && !mailNone) {
          const post = this.insertPost(entry, 'feed');
          posts.push(post);
          postId = post.id;
          // No origin is known only before anyone followed: then nobody is mailed anyway.
          const send = this.createPostSend(post.id, origin ?? '');
          if (send !== null) sends.push(send);
        }
        this.sql.exec('INSERT OR IGNORE INTO feed_entries (feed, entry, post, seen_at) VALUES (?, ?, ?, ?)', input.url, entry.key, postId, now);
      }
      this.setMeta('feed_url', input.url);
      this.setMeta('feed_etag', input.etag ?? '');
      this.setMeta('feed_last_modified', input.lastModified ?? '');
      this.setMeta('feed_error', error ?? '');
    });
    return { baseline, posts, sends: sends.filter((id) => this.queuedOrNull(id) !== null), error };
  }

  async feedState(site: string): Promise<FeedState> {
    this.learn(site);
    const url = this.meta('feed_url');
    const polled = this.meta('feed_polled_at');
    return {
      url,
      etag: this.meta('feed_etag') || null,
      lastModified: this.meta('feed_last_modified') || null,
      polledAt: polled ? new Date(Number(polled)).toISOString() : null,
      error: this.meta('feed_error') || null,
      entries: url ? this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM feed_entries WHERE feed = ?', url).one().n : 0,
    };
  }

  /** The newest posts with their sends, and the other sends (digests, invitations). */
  async activity(site: string, input: { limit: number }): Promise<{ posts: PostWithSend[]; sends: SendState[] }> {
    this.learn(site);
    const posts = this.sql
      .exec<Row>('SELECT * FROM posts ORDER BY created_at DESC, id DESC LIMIT ?', input.limit)
      .toArray()
      .map((row) => ({ ...toPost(row), send: this.sendOfPost(row.id as number) }));
    const sends = this.sql.exec<Row>("SELECT * FROM sends WHERE kind != 'post' ORDER BY id DESC LIMIT ?", input.limit).toArray().map(toSend);
    return { posts, sends };
  }

  async send(site: string, input: { id: number }): Promise<SendState | null> {
    this.learn(site);
    const row = this.sendRow(input.id);
    return row ? toSend(row) : null;
  }

  // Sending.

  /**
   * The next batch of a send for a consumer to mail, under a lease (one consumer at a time per
   * send). Recipients come in seq order after the cursor, skipping those a stopped batch already
   * mailed; then those the owner asked to retry. When none is left, the send is done.
   */
  async claim(site: string, input: { send: number; size: number; leaseSeconds?: number; now?: number }): Promise<Claim> {
    this.learn(site);
    const now = input.now ?? Date.now();
    const row = this.sendRow(input.send);
    if (!row || row.status === 'sent' || row.status === 'paused') return { state: 'done' };
    if (row.lease && (row.lease_until as number) > now) return { state: 'busy', retryInSeconds: Math.max(1, Math.ceil(((row.lease_until as number) - now) / 1000)) };
    const size = Math.max(1, Math.min(500, input.size));
    const kind = row.kind as SendKind;
    let recipients = this.sql
      .exec<Row>(
        `SELECT seq, email_hash, email FROM followers f WHERE ${recipientFilter(kind)} AND seq > ? AND seq <= ?
         AND NOT EXISTS (SELECT 1 FROM send_done d WHERE d.send = ? AND d.seq = f.seq) ORDER BY seq LIMIT ?`,
        ...recipientBindings(kind, row.id as number),
        row.cursor,
        row.snapshot,
        row.id,
        size,
      )
      .toArray()
      .map(toRecipient);
    let leaseEnd: number | null = recipients.length ? recipients[recipients.length - 1].seq : null;
    if (recipients.length === 0) {
      recipients = this.sql
        .exec<Row>(
          `SELECT f.seq, f.email_hash, f.email FROM send_failures x JOIN followers f ON f.seq = x.seq AND f.email_hash = x.email_hash
           WHERE x.send = ? AND x.state = 'retry' AND ${recipientFilter(kind, 'f.')} ORDER BY x.seq LIMIT ?`,
          row.id,
          ...recipientBindings(kind, row.id as number),
          size,
        )
        .toArray()
        .map(toRecipient);
      leaseEnd = null;
    }
    if (recipients.length === 0) {
      this.ctx.storage.transactionSync(() => {
        // Retries whose follower left meanwhile are dropped. Done: M is who was mailed or refused
        // (followers who left during the send are not counted).
        this.sql.exec("DELETE FROM send_failures WHERE send = ? AND state = 'retry'", row.id);
        this.sql.exec("UPDATE sends SET status = 'sent', lease = NULL, lease_until = NULL, lease_end = NULL, finished_at = ?, updated_at = ?, total = sent + failed WHERE id = ?", now, now, row.id);
        this.sql.exec('DELETE FROM send_done WHERE send = ?', row.id);
      });
      return { state: 'done' };
    }
    const lease = crypto.randomUUID();
    this.sql.exec("UPDATE sends SET status = 'sending', lease = ?, lease_until = ?, lease_end = ?, updated_at = ? WHERE id = ?", lease, now + (input.leaseSeconds ?? LEASE_MS / 1000) * 1000, leaseEnd, now, row.id);
    return { state: 'batch', lease, send: toSend(this.sendRow(row.id as number)!), origin: row.origin as string, posts: this.postsOf(row), recipients };
  }

  /**
   * What a consumer did with its batch. Every recipient it mailed is recorded, whatever the lease
   * (they were mailed); the cursor moves past the batch once all of it is done. A failure worth
   * retrying counts an attempt: after {@link MAX_SEND_ATTEMPTS} in a row the send is paused.
   */
  async report(site: string, input: BatchReport & { send: number; now?: number }): Promise<{ more: boolean; attempts: number; status: SendStatus }> {
    this.learn(site);
    const now = input.now ?? Date.now();
    const row = this.sendRow(input.send);
    if (!row) return { more: false, attempts: 0, status: 'sent' };
    const id = row.id as number;
    const kind = row.kind as SendKind;
    this.ctx.storage.transactionSync(() => {
      const retrying = (seq: number) => this.sql.exec("SELECT 1 FROM send_failures WHERE send = ? AND seq = ? AND state = 'retry'", id, seq).toArray().length > 0;
      let sent = 0;
      let failed = 0;
      for (const seq of input.sent) {
        if (retrying(seq)) this.sql.exec('DELETE FROM send_failures WHERE send = ? AND seq = ?', id, seq);
        else if (seq > (row.cursor as number) && !this.sql.exec('SELECT 1 FROM send_done WHERE send = ? AND seq = ?', id, seq).toArray().length) this.sql.exec('INSERT INTO send_done (send, seq) VALUES (?, ?)', id, seq);
        else continue;
        sent++;
      }
      for (const { seq, error } of input.failed) {
        if (retrying(seq)) {
          this.sql.exec("UPDATE send_failures SET state = 'failed', error = ?, at = ? WHERE send = ? AND seq = ?", error.slice(0, 300), now, id, seq);
        } else if (seq > (row.cursor as number) && !this.sql.exec('SELECT 1 FROM send_done WHERE send = ? AND seq = ?', id, seq).toArray().length) {
          const follower = this.sql.exec<{ email_hash: string }>('SELECT email_hash FROM followers WHERE seq = ?', seq).toArray()[0];
          this.sql.exec('INSERT INTO send_done (send, seq) VALUES (?, ?)', id, seq);
          if (follower) this.sql.exec("INSERT OR REPLACE INTO send_failures (send, seq, email_hash, state, error, at) VALUES (?, ?, ?, 'failed', ?, ?)", id, seq, follower.email_hash, error.slice(0, 300), now);
        } else continue;
        failed++;
      }
      const ops = mergeOps(JSON.parse(row.ops as string) as Partial<SendOps>, input.ops);
      this.sql.exec('UPDATE sends SET sent = sent + ?, failed = failed + ?, ops = ?, updated_at = ? WHERE id = ?', sent, failed, JSON.stringify(ops), now, id);
      if (row.lease !== input.lease) return;
      if (input.error) {
        const attempts = (row.attempts as number) + 1;
        this.sql.exec('UPDATE sends SET attempts = ?, error = ?, status = ?, lease = NULL, lease_until = NULL WHERE id = ?', attempts, input.error.slice(0, 300), attempts >= MAX_SEND_ATTEMPTS ? 'paused' : 'sending', id);
        return;
      }
      this.sql.exec('UPDATE sends SET attempts = 0, error = NULL, lease = NULL, lease_until = NULL WHERE id = ?', id);
      const end = row.lease_end as number | null;
      if (end !== null) {
        const left = this.sql
          .exec<{ n: number }>(
            `SELECT COUNT(*) AS n FROM followers f WHERE ${recipientFilter(kind)} AND seq > ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM send_done d WHERE d.send = ? AND d.seq = f.seq)`,
            ...recipientBindings(kind, id),
            row.cursor,
            end,
            id,
          )
          .one().n;
        if (left === 0) {
          this.sql.exec('UPDATE sends SET cursor = ?, lease_end = NULL WHERE id = ?', end, id);
          this.sql.exec('DELETE FROM send_done WHERE send = ? AND seq <= ?', id, end);
        }
      }
      // Nobody left (and no retry asked for): done now, without one more queue message to find that out.
      const after = this.sendRow(id)!;
      const remaining = this.sql
        .exec<{ n: number }>(
          `SELECT COUNT(*) AS n FROM followers f WHERE ${recipientFilter(kind)} AND seq > ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM send_done d WHERE d.send = ? AND d.seq = f.seq)`,
          ...recipientBindings(kind, id),
          after.cursor,
          after.snapshot,
          id,
        )
        .one().n;
      const retries = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM send_failures WHERE send = ? AND state = 'retry'", id).one().n;
      if (remaining === 0 && retries === 0) {
        this.sql.exec("UPDATE sends SET status = 'sent', lease_end = NULL, finished_at = ?, total = sent + failed WHERE id = ?", now, id);
        this.sql.exec('DELETE FROM send_done WHERE send = ?', id);
      }
    });
    const after = this.sendRow(id)!;
    return { more: after.status !== 'sent' && after.status !== 'paused', attempts: after.attempts as number, status: after.status as SendStatus };
  }

  /** The owner's Retry: a paused send goes on, and the recipients the mail service refused are tried again. */
  async retry(site: string, input: { send: number }): Promise<{ queued: boolean }> {
    this.learn(site);
    const row = this.sendRow(input.send);
    if (!row) return { queued: false };
    const now = Date.now();
    let queued = false;
    this.ctx.storage.transactionSync(() => {
      const again = this.sql.exec("UPDATE send_failures SET state = 'retry' WHERE send = ? AND state = 'failed'", row.id).rowsWritten;
      if (again === 0 && row.status !== 'paused') return;
      this.sql.exec("UPDATE sends SET failed = failed - ?, status = 'queued', attempts = 0, error = NULL, lease = NULL, lease_until = NULL, finished_at = NULL, updated_at = ? WHERE id = ?", again, now, row.id);
      queued = true;
    });
    return { queued };
  }

  /**
   * The cron's visit: digests whose period ended are created (daily at 00:00 UTC, weekly on
   * Mondays), sends nothing happened to for a while are returned to be queued again, and
   * addresses that never confirmed are forgotten after {@link PENDING_DAYS} days.
   */
  async tick(site: string, input: { now?: number } = {}): Promise<{ sends: number[] }> {
    this.learn(site);
    const now = input.now ?? Date.now();
    const created: number[] = [];
    const origin = this.meta('origin');
    this.ctx.storage.transactionSync(() => {
      for (const kind of ['daily', 'weekly'] as const) {
        const end = kind === 'daily' ? startOfUtcDay(now) : startOfUtcWeek(now);
        const from = Number(this.meta(`${kind}_from`) ?? end);
        if (from < end && origin) {
          const posts = this.sql.exec<{ id: number }>('SELECT id FROM posts WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id', from, end).toArray().map((row) => row.id);
          const period = new Date(end - (kind === 'daily' ? DAY_MS : 7 * DAY_MS)).toISOString().slice(0, 10);
          if (posts.length && !this.sql.exec('SELECT 1 FROM sends WHERE kind = ? AND period = ?', kind, period).toArray().length) {
            const send = this.createSend(kind, { post: null, period, posts, origin, total: this.countRecipients(kind, this.currentSeq()), now });
            if (this.sendRow(send)!.status === 'queued') created.push(send);
          }
        }
        this.setMeta(`${kind}_from`, String(end));
      }
      const forgotten = this.sql.exec("DELETE FROM followers WHERE status = 'pending' AND created_at < ?", now - PENDING_DAYS * DAY_MS).rowsWritten;
      if (forgotten) console.log(`followers: ${site}: forgot ${forgotten} address(es) that never confirmed`);
    });
    const stale = this.sql
      .exec<{ id: number }>("SELECT id FROM sends WHERE status IN ('queued', 'sending') AND updated_at < ? AND (lease_until IS NULL OR lease_until < ?)", now - STALE_SEND_MS, now)
      .toArray()
      .map((row) => row.id);
    for (const id of stale) this.sql.exec('UPDATE sends SET updated_at = ? WHERE id = ?', now, id);
    return { sends: [...created, ...stale] };
  }

  async alarm(): Promise<void> {
    const site = this.meta('site');
    if (site) await this.publishCount(site);
  }

  // Internals.

  private learn(site: string, origin?: string): void {
    const known = this.meta('site');
    if (known === null) this.setMeta('site', site);
    else if (known !== site) throw new Error(`followers object of ${known} called for ${site}`);
    if (origin && this.meta('origin') !== origin) this.setMeta('origin', origin);
  }

  private meta(key: string): string | null {
    const rows = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray();
    return rows.length ? rows[0].value : null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
  }

  private currentSeq(): number {
    return Number(this.meta('seq') ?? '0');
  }

  private nextSeq(): number {
    const next = this.currentSeq() + 1;
    this.setMeta('seq', String(next));
    return next;
  }

  private followerRow(emailHash: string): Row | null {
    return this.sql.exec<Row>('SELECT * FROM followers WHERE email_hash = ?', emailHash).toArray()[0] ?? null;
  }

  private forget(emailHash: string): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('DELETE FROM followers WHERE email_hash = ?', emailHash);
      this.sql.exec('DELETE FROM send_failures WHERE email_hash = ?', emailHash);
    });
  }

  private postByUrl(url: string): Post | null {
    const row = this.sql.exec<Row>('SELECT * FROM posts WHERE url = ?', postKey(url)).toArray()[0];
    return row ? toPost(row) : null;
  }

  private insertPost(post: NewPost, source: Post['source']): Post {
    const now = Date.now();
    const id = this.sql
      .exec<{ id: number }>(
        'INSERT INTO posts (url, title, summary, content, author, published_at, created_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        postKey(post.url),
        post.title,
        post.summary,
        post.content,
        post.author,
        post.publishedAt ?? new Date(now).toISOString(),
        now,
        source,
      )
      .one().id;
    return toPost(this.sql.exec<Row>('SELECT * FROM posts WHERE id = ?', id).one());
  }

  private sendOfPost(post: number): SendState | null {
    const row = this.sql.exec<Row>("SELECT * FROM sends WHERE kind = 'post' AND post = ?", post).toArray()[0];
    return row ? toSend(row) : null;
  }

  private sendRow(id: number): Row | null {
    return this.sql.exec<Row>('SELECT * FROM sends WHERE id = ?', id).toArray()[0] ?? null;
  }

  /** A post's send, to the followers who confirmed before it and get each post. Null when there is no one to mail. */
  private createPostSend(post: number, origin: string): number | null {
    return this.createSend('post', { post, period: null, posts: [post], origin, total: this.countRecipients('post', this.currentSeq()), now: Date.now() });
  }

  private createSend(kind: SendKind, input: { post: number | null; period: string | null; posts: number[]; origin: string; total: number; now: number }): number {
    const status: SendStatus = kind !== 'invite' && input.total === 0 ? 'sent' : 'queued';
    return this.sql
      .exec<{ id: number }>(
        'INSERT INTO sends (kind, post, period, posts, origin, snapshot, total, status, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        kind,
        input.post,
        input.period,
        JSON.stringify(input.posts),
        input.origin,
        this.currentSeq(),
        input.total,
        status,
        input.now,
        input.now,
        status === 'sent' ? input.now : null,
      )
      .one().id;
  }

  private queuedOrNull(send: number | null): number | null {
    if (send === null) return null;
    return this.sendRow(send)?.status === 'queued' ? send : null;
  }

  private countRecipients(kind: SendKind, snapshot: number): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM followers WHERE ${recipientFilter(kind)} AND seq <= ?`, ...recipientBindings(kind, 0), snapshot).one().n;
  }

  private postsOf(row: Row): Post[] {
    const ids = JSON.parse(row.posts as string) as number[];
    if (ids.length === 0) return [];
    return this.sql
      .exec<Row>(`SELECT * FROM posts WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY created_at, id`, ...ids)
      .toArray()
      .map(toPost);
  }

  private feedError(url: string, error: string): { baseline: boolean; posts: Post[]; sends: number[]; error: string } {
    console.error(`followers: feed ${url} refused: ${error}`);
    this.setMeta('feed_error', error);
    return { baseline: false, posts: [], sends: [], error };
  }

  /** Writes the confirmed count to KV when it changed, at most once a second (an alarm writes the rest). */
  private async publishCount(site: string): Promise<void> {
    const confirmed = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM followers WHERE status = 'confirmed'").one().n;
    if (this.meta('count_published') === String(confirmed)) return;
    const interval = Number(this.env.KV_WRITE_INTERVAL_MS ?? '1000');
    const last = Number(this.meta('count_published_at') ?? '0');
    const now = Date.now();
    if (now - last < (Number.isFinite(interval) ? interval : 1000)) {
      await this.ctx.storage.setAlarm(last + interval);
      return;
    }
    await new FollowerCountStore(objectKv(this.env, 'site')).write(site, confirmed);
    this.setMeta('count_published', String(confirmed));
    this.setMeta('count_published_at', String(now));
  }
}

/** Which followers a send mails. */
function recipientFilter(kind: SendKind, prefix = ''): string {
  if (kind === 'invite') return `${prefix}status = 'pending' AND ${prefix}invite = ?`;
  return `${prefix}status = 'confirmed' AND ${prefix}mode = ?`;
}

function recipientBindings(kind: SendKind, send: number): SqlStorageValue[] {
  if (kind === 'invite') return [send];
  return [kind === 'post' ? 'each' : kind];
}

/** A post's identity: its URL without the fragment (two announcements of one page are one post). */
export function postKey(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Monday 00:00 UTC of the week holding `ms`. */
function startOfUtcWeek(ms: number): number {
  const day = startOfUtcDay(ms);
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

function parseCursor(cursor: string | undefined): { at: number; hash: string } | null {
  const match = cursor ? /^(\d+)\.([0-9a-f]{32})$/.exec(cursor) : null;
  return match ? { at: Number(match[1]), hash: match[2] } : null;
}

function mergeOps(a: Partial<SendOps>, b: Partial<SendOps>): SendOps {
  const out = { ...NO_OPS };
  for (const key of Object.keys(out) as (keyof SendOps)[]) out[key] = (a[key] ?? 0) + (b[key] ?? 0);
  return out;
}

function iso(ms: SqlStorageValue): string | null {
  return typeof ms === 'number' ? new Date(ms).toISOString() : null;
}

function toFollower(row: Row): Follower {
  return {
    emailHash: row.email_hash as string,
    email: row.email as string,
    status: row.status as FollowerStatus,
    mode: row.mode as FollowerMode,
    source: row.source as FollowerSource,
    createdAt: iso(row.created_at)!,
    confirmedAt: iso(row.confirmed_at),
  };
}

function toRecipient(row: Row): Recipient {
  return { seq: row.seq as number, emailHash: row.email_hash as string, email: row.email as string };
}

function toPost(row: Row): Post {
  return {
    id: row.id as number,
    url: row.url as string,
    title: row.title as string,
    summary: row.summary as string,
    content: row.content as string,
    author: row.author as string,
    publishedAt: row.published_at as string,
    createdAt: iso(row.created_at)!,
    source: row.source as Post['source'],
  };
}

function toSend(row: Row): SendState {
  return {
    id: row.id as number,
    kind: row.kind as SendKind,
    posts: JSON.parse(row.posts as string) as number[],
    period: (row.period as string | null) ?? null,
    status: row.status as SendStatus,
    total: row.total as number,
    sent: row.sent as number,
    failed: row.failed as number,
    attempts: row.attempts as number,
    error: (row.error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    ops: mergeOps(JSON.parse(row.ops as string) as Partial<SendOps>, {}),
  };
}
