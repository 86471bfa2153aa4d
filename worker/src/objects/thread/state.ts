import { toPublic, type CommentRecord } from '../../storage/records';
import type { CommentStatus } from '../../wire';
import type { SubscriptionRow } from './protocol';
import { THREAD_SCHEMA } from './schema';
import { chunks } from '../../lib/chunks';

/** Durable Objects' SQLite binds at most 100 parameters in one statement. */
const MAX_BOUND = 100;

/** A comment as the thread's object keeps it. */
export type CommentRow = {
  id: string;
  parent_id: string | null;
  root_id: string;
  status: CommentStatus;
  record: string;
  /** The reader's view of the comment (JSON), whatever its status: shown only when approved. */
  public: string;
  /** UTF-8 bytes of `public`. */
  size: number;
  likes: number;
  /** Top-level comments: the block (page) they were placed in when first shown. */
  block: number | null;
  /** Replies: order and page among the replies to their top-level comment, fixed when first shown. */
  reply_seq: number | null;
  reply_page: number | null;
  purge_at: number | null;
  /** How the `ptr:` key was last written: not yet (0), or see the publisher's `POINTER`. */
  pointer: number;
  rev: number;
};

/** An artifact still to publish, and the stamp of its latest marking. */
export type DirtyArtifact = { artifact: string; stamp: number };

/** Top-level comments per block (page). */
export const ROOTS_PER_BLOCK = 20;
/** Replies per page of replies. */
export const REPLIES_PER_PAGE = 50;
/** Bytes of top-level comments a block takes in before a new one starts (replies shown inline come on top). */
export const BLOCK_BYTES = 24_000;
/** Bytes a page of replies takes in before a new one starts. */
export const REPLY_PAGE_BYTES = 48_000;

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The thread's data in the object's SQLite storage: comments of every status, likes,
 * subscriptions, settings and the bookkeeping of publication. Synchronous, like SQLite in a
 * Durable Object: a change made through it happens at once and whole (run it inside
 * `transactionSync`).
 */
export class ThreadState {
  /**
   * The `meta` table as read or written so far: the object is its only writer, and a post reads
   * its settings about fifteen times (locked, pinned, the revision, the last block…). Forgotten
   * when a transaction rolls back ({@link forgetCache}).
   */
  private readonly metaCache = new Map<string, string | null>();
  /** {@link approvedCount}, once counted (in memory only: counted again when the object starts). */
  private approvedKept: number | null = null;
  /** The stamp of the latest marking of an artifact to publish (at start, the greatest in the table). */
  private lastStamp: number;

  constructor(private readonly sql: SqlStorage) {
    for (const statement of THREAD_SCHEMA) sql.exec(statement);
    this.lastStamp = sql.exec<{ stamp: number | null }>('SELECT MAX(since) AS stamp FROM dirty').one().stamp ?? 0;
  }

  /** Forgets what was cached: a transaction that wrote through it was rolled back. */
  forgetCache(): void {
    this.metaCache.clear();
    this.approvedKept = null;
  }

  // Settings and counters (the `meta` table).

  getMeta(key: string): string | null {
    if (this.metaCache.has(key)) return this.metaCache.get(key)!;
    const rows = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray();
    const value = rows.length ? rows[0].value : null;
    this.metaCache.set(key, value);
    return value;
  }

  setMeta(key: string, value: string | number | boolean): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, String(value));
    this.metaCache.set(key, String(value));
  }

  get locked(): boolean {
    return this.getMeta('locked') === 'true';
  }

  get pinned(): string[] {
    return JSON.parse(this.getMeta('pinned') ?? '[]') as string[];
  }

  /** A new revision number for a change: the site's index keeps the newest of each row. */
  nextRev(): number {
    const rev = Number(this.getMeta('rev') ?? '0') + 1;
    this.setMeta('rev', rev);
    return rev;
  }

  get rev(): number {
    return Number(this.getMeta('rev') ?? '0');
  }

  // Comments.

  row(id: string): CommentRow | null {
    const rows = this.sql.exec<CommentRow>('SELECT * FROM comments WHERE id = ?', id).toArray();
    return rows.length ? rows[0] : null;
  }

  record(id: string): CommentRecord | null {
    const row = this.row(id);
    return row ? (JSON.parse(row.record) as CommentRecord) : null;
  }

  /**
   * Saves a new comment or a new version of one (its place in pages, once given, is kept), and
   * returns its row. `existing` is its current row, when the caller has just read it.
   */
  save(record: CommentRecord, rev: number, purgeAt: number | null = null, existing: CommentRow | null = this.row(record.id)): CommentRow {
    const publicJson = JSON.stringify(toPublic(record));
    if (existing && existing.parent_id !== record.parentId) {
      // A skeleton parent replaced by the real comment, which has a parent of its own: the subtree moves under its root.
      const rootId = record.parentId ? (this.row(record.parentId)?.root_id ?? record.parentId) : record.id;
      this.sql.exec('UPDATE comments SET parent_id = ? WHERE id = ?', record.parentId, record.id);
      this.sql.exec('UPDATE comments SET root_id = ? WHERE root_id = ?', rootId, existing.root_id);
    }
    // RETURNING: the saved row, without reading it again.
    let row: CommentRow;
    if (existing) {
      row = this.sql.exec<CommentRow>(
        'UPDATE comments SET status = ?, record = ?, public = ?, size = ?, purge_at = ?, rev = ? WHERE id = ? RETURNING *',
        record.status,
        JSON.stringify(record),
        publicJson,
        utf8Length(publicJson),
        purgeAt,
        rev,
        record.id,
      ).one();
    } else {
      const rootId = record.parentId ? (this.row(record.parentId)?.root_id ?? record.parentId) : record.id;
      row = this.sql.exec<CommentRow>(
        'INSERT INTO comments (id, parent_id, root_id, status, record, public, size, purge_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
        record.id,
        record.parentId,
        rootId,
        record.status,
        JSON.stringify(record),
        publicJson,
        utf8Length(publicJson),
        purgeAt,
        rev,
      ).one();
    }
    if (this.approvedKept !== null) this.approvedKept += Number(record.status === 'approved') - Number(existing?.status === 'approved');
    return row;
  }

  delete(id: string): void {
    const [gone] = this.sql.exec<{ status: CommentStatus }>('DELETE FROM comments WHERE id = ? RETURNING status', id).toArray();
    if (gone?.status === 'approved' && this.approvedKept !== null) this.approvedKept--;
    this.sql.exec('DELETE FROM likes WHERE comment_id = ?', id);
  }

  /** Records how the comment's `ptr:` key was last written (see the publisher). */
  markPointerWritten(id: string, state: number): void {
    this.sql.exec('UPDATE comments SET pointer = ? WHERE id = ?', state, id);
  }

  /**
   * Approved comments (placeholders not counted). Counted once after the object starts, then kept
   * up to date by {@link save} and {@link delete}, the only code that adds, changes or removes a
   * comment row, and counted again after a rollback: every change a reader sees used to count the
   * thread (one index entry read per approved comment: 10,000 at every post into a 10,000-comment
   * thread). Kept in memory, not stored, so that no other code (an earlier release the object ran
   * between two starts) can leave a stored count wrong.
   */
  approvedCount(): number {
    this.approvedKept ??= this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM comments WHERE status = 'approved'").one().n;
    return this.approvedKept;
  }

  /** When the earliest approved comment was posted (ms), for auto-lock; null when none is. */
  firstShownAt(): number | null {
    const rows = this.sql.exec<{ record: string }>("SELECT record FROM comments WHERE status = 'approved' ORDER BY id LIMIT 1").toArray();
    if (!rows.length) return null;
    return Date.parse((JSON.parse(rows[0].record) as CommentRecord).createdAt);
  }

  children(id: string): CommentRow[] {
    return this.sql.exec<CommentRow>('SELECT * FROM comments WHERE parent_id = ?', id).toArray();
  }

  /** Approved replies (the whole subtree) of a top-level comment. */
  visibleReplyCount(rootId: string): number {
    return this.visibleReplyCounts([rootId]).get(rootId) ?? 0;
  }

  /**
   * {@link visibleReplyCount} of many top-level comments (a page's) in one statement per 50 of them;
   * those with none are left out of the map.
   */
  visibleReplyCounts(rootIds: string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const ids of chunks(rootIds, 50)) {
      const rows = this.sql
        .exec<{ root_id: string; n: number }>(
          `SELECT root_id, COUNT(*) AS n FROM comments INDEXED BY comments_by_root_status WHERE root_id IN (${ids.map(() => '?').join(',')}) AND status = 'approved' AND id != root_id GROUP BY root_id`,
          ...ids,
        )
        .toArray();
      for (const row of rows) counts.set(row.root_id, row.n);
    }
    return counts;
  }

  /** The first `limit` approved replies of a top-level comment, in the order they were first shown. */
  firstReplies(rootId: string, limit: number): CommentRow[] {
    return this.sql
      .exec<CommentRow>("SELECT * FROM comments WHERE root_id = ? AND parent_id IS NOT NULL AND status = 'approved' AND reply_seq IS NOT NULL ORDER BY reply_seq LIMIT ?", rootId, limit)
      .toArray();
  }

  /** Approved replies on one page of a top-level comment's replies. */
  repliesOnPage(rootId: string, page: number): CommentRow[] {
    return this.sql
      .exec<CommentRow>("SELECT * FROM comments WHERE root_id = ? AND parent_id IS NOT NULL AND status = 'approved' AND reply_page = ? ORDER BY reply_seq", rootId, page)
      .toArray();
  }

  lastReplyPage(rootId: string): number | null {
    return this.sql.exec<{ p: number | null }>('SELECT MAX(reply_page) AS p FROM comments INDEXED BY comments_by_reply_page WHERE root_id = ?', rootId).one().p;
  }

  /** Top-level comments placed in a block, oldest first. */
  blockRoots(block: number): CommentRow[] {
    return this.sql.exec<CommentRow>('SELECT * FROM comments WHERE parent_id IS NULL AND block = ? ORDER BY id', block).toArray();
  }

  /** The highest block in use, or -1. */
  lastBlock(): number {
    return Number(this.getMeta('last_block') ?? '-1');
  }

  /** Shown top-level comments (approved, or hidden with shown replies) by likes, then newest first. */
  mostLiked(limit: number): CommentRow[] {
    return this.sql
      .exec<CommentRow>(
        `SELECT * FROM comments c INDEXED BY comments_top WHERE parent_id IS NULL AND block IS NOT NULL
           AND (status = 'approved' OR EXISTS (SELECT 1 FROM comments r INDEXED BY comments_by_root_status WHERE r.root_id = c.id AND r.status = 'approved' AND r.id != c.id))
         ORDER BY likes DESC, id DESC LIMIT ?`,
        limit,
      )
      .toArray();
  }

  /** Top-level comments with a place in a block. */
  placedRoots(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM comments WHERE parent_id IS NULL AND block IS NOT NULL').one().n;
  }

  /**
   * Gives a comment that is now shown its fixed place: a top-level comment a block, a reply its
   * order and page among the replies to its top-level comment (whose block it also makes sure
   * of, as a placeholder may stand for it). Returns the pages that stopped being the last one
   * (a new block or page of replies was opened after them), which say so when published.
   */
  place(row: CommentRow): { blocks: number[]; replyPages: number[] } {
    const closed = { blocks: [] as number[], replyPages: [] as number[] };
    if (row.parent_id === null) {
      if (row.block === null) closed.blocks.push(...this.placeRoot(row));
      return closed;
    }
    if (row.reply_seq === null) {
      const seq = this.sql.exec<{ s: number }>('SELECT COALESCE(MAX(reply_seq), -1) + 1 AS s FROM comments WHERE root_id = ? AND parent_id IS NOT NULL', row.root_id).one().s;
      let page = this.lastReplyPage(row.root_id) ?? 0;
      const filled = this.sql.exec<{ n: number; bytes: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM comments INDEXED BY comments_by_reply_page WHERE root_id = ? AND reply_page = ?', row.root_id, page).one();
      if (filled.n >= REPLIES_PER_PAGE || (filled.n > 0 && filled.bytes + row.size > REPLY_PAGE_BYTES)) {
        closed.replyPages.push(page);
        page++;
      }
      this.sql.exec('UPDATE comments SET reply_seq = ?, reply_page = ? WHERE id = ?', seq, page, row.id);
    }
    const root = this.row(row.root_id);
    if (root && root.block === null) closed.blocks.push(...this.placeRoot(root));
    return closed;
  }

  private placeRoot(row: CommentRow): number[] {
    let block = this.lastBlock();
    const closed: number[] = [];
    if (block >= 0) {
      const filled = this.sql.exec<{ n: number; bytes: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM comments WHERE parent_id IS NULL AND block = ?', block).one();
      if (filled.n >= ROOTS_PER_BLOCK || (filled.n > 0 && filled.bytes + row.size > BLOCK_BYTES)) {
        closed.push(block);
        block++;
      }
    } else block = 0;
    this.setMeta('last_block', Math.max(block, this.lastBlock()));
    this.sql.exec('UPDATE comments SET block = ? WHERE id = ?', block, row.id);
    return closed;
  }

  /** Moves top-level comments to a new last block (a block grew too large after edits). */
  moveToNewBlock(ids: string[]): number {
    const block = this.lastBlock() + 1;
    this.setMeta('last_block', block);
    for (const id of ids) this.sql.exec('UPDATE comments SET block = ? WHERE id = ?', block, id);
    return block;
  }

  /** Ids changed after revision `rev` (for the site's index when it is behind). */
  changedSince(rev: number): CommentRow[] {
    return this.sql.exec<CommentRow>('SELECT * FROM comments WHERE rev > ? ORDER BY rev', rev).toArray();
  }

  /** Whether the thread has any comment at all. */
  isEmpty(): boolean {
    return this.sql.exec('SELECT 1 FROM comments LIMIT 1').toArray().length === 0;
  }

  allRows(): CommentRow[] {
    return this.sql.exec<CommentRow>('SELECT * FROM comments ORDER BY id').toArray();
  }

  /** Skeletons (erased comments, parents an import never had) that no comment replies to any more. */
  skeletonsWithoutChildren(): CommentRow[] {
    return this.sql
      .exec<CommentRow>(`SELECT * FROM comments c WHERE status = 'removed' AND (record LIKE '%"flags":["erased"]%' OR record LIKE '%"flags":["placeholder"]%') AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id)`)
      .toArray();
  }

  /** Tombstones whose time is up. */
  expired(now: number): CommentRow[] {
    return this.sql.exec<CommentRow>('SELECT * FROM comments WHERE purge_at IS NOT NULL AND purge_at <= ?', now).toArray();
  }

  /** Stamps a comment with the revision of a change that did not touch its record (a like). */
  touch(id: string, rev: number): void {
    this.sql.exec('UPDATE comments SET rev = ? WHERE id = ?', rev, id);
  }

  // Likes.

  clearLikes(id: string): void {
    this.sql.exec('DELETE FROM likes WHERE comment_id = ?', id);
    this.sql.exec('UPDATE comments SET likes = 0 WHERE id = ?', id);
  }

  hasLike(id: string, voter: string): boolean {
    return this.sql.exec('SELECT 1 FROM likes WHERE comment_id = ? AND voter = ?', id, voter).toArray().length > 0;
  }

  setLike(id: string, voter: string, liked: boolean): void {
    if (liked) this.sql.exec('INSERT OR IGNORE INTO likes (comment_id, voter) VALUES (?, ?)', id, voter);
    else this.sql.exec('DELETE FROM likes WHERE comment_id = ? AND voter = ?', id, voter);
    const count = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM likes WHERE comment_id = ?', id).one().n;
    this.sql.exec('UPDATE comments SET likes = ? WHERE id = ?', count, id);
  }

  // Subscriptions.

  subscription(emailHash: string, target: string): SubscriptionRow | null {
    const rows = this.sql
      .exec<{ email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }>(
        'SELECT * FROM subscriptions WHERE email_hash = ? AND target = ?',
        emailHash,
        target,
      )
      .toArray();
    return rows.length ? toSubscription(rows[0]) : null;
  }

  subscriptionByLegacyKey(key: string): SubscriptionRow | null {
    const rows = this.sql
      .exec<{ email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }>('SELECT * FROM subscriptions WHERE legacy_key = ?', key)
      .toArray();
    return rows.length ? toSubscription(rows[0]) : null;
  }

  putSubscription(sub: SubscriptionRow, rev: number, legacyKey: string | null = null): void {
    this.sql.exec(
      `INSERT INTO subscriptions (email_hash, target, email, confirmed, created_at, confirmed_at, legacy_key, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(email_hash, target) DO UPDATE SET email = excluded.email, confirmed = excluded.confirmed, created_at = excluded.created_at, confirmed_at = excluded.confirmed_at, rev = excluded.rev, legacy_key = COALESCE(excluded.legacy_key, legacy_key)`,
      sub.emailHash,
      sub.target,
      sub.email,
      sub.confirmed ? 1 : 0,
      sub.createdAt,
      sub.confirmedAt ?? null,
      legacyKey,
      rev,
    );
  }

  deleteSubscription(emailHash: string, target: string): void {
    this.sql.exec('DELETE FROM subscriptions WHERE email_hash = ? AND target = ?', emailHash, target);
  }

  /** Confirmed followers of the whole thread. */
  followers(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM subscriptions WHERE confirmed = 1 AND target = 'thread'").one().n;
  }

  /** Whether any confirmed subscription exists here (thread or replies). */
  anyConfirmed(): boolean {
    return this.sql.exec('SELECT 1 FROM subscriptions WHERE confirmed = 1 LIMIT 1').toArray().length > 0;
  }

  /** Confirmed subscribers who want to hear of a comment replying to `parentId` (null: top-level). */
  recipients(parentId: string | null): SubscriptionRow[] {
    return this.sql
      .exec<{ email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }>(
        "SELECT * FROM subscriptions WHERE confirmed = 1 AND (target = 'thread' OR target = ?)",
        parentId ?? 'thread',
      )
      .toArray()
      .map(toSubscription);
  }

  allSubscriptions(): SubscriptionRow[] {
    return this.sql
      .exec<{ email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }>('SELECT * FROM subscriptions')
      .toArray()
      .map(toSubscription);
  }

  subscriptionsChangedSince(rev: number): SubscriptionRow[] {
    return this.sql
      .exec<{ email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }>('SELECT * FROM subscriptions WHERE rev > ?', rev)
      .toArray()
      .map(toSubscription);
  }

  // The duplicate check.

  isDuplicate(poster: string, bodyHash: string, since: number): boolean {
    return this.sql.exec('SELECT 1 FROM recent_posts WHERE poster = ? AND body_hash = ? AND at > ? LIMIT 1', poster, bodyHash, since).toArray().length > 0;
  }

  rememberPost(poster: string, bodyHash: string, at: number): void {
    this.sql.exec('DELETE FROM recent_posts WHERE at < ?', at - 86_400_000);
    this.sql.exec('INSERT INTO recent_posts (poster, body_hash, at) VALUES (?, ?, ?)', poster, bodyHash, at);
  }

  // Idempotent requests.

  answered<T>(requestId: string): T | null {
    const rows = this.sql.exec<{ result: string }>('SELECT result FROM requests WHERE request_id = ?', requestId).toArray();
    return rows.length ? (JSON.parse(rows[0].result) as T) : null;
  }

  rememberAnswer(requestId: string, result: unknown, now: number): void {
    this.sql.exec('DELETE FROM requests WHERE at < ?', now - 86_400_000);
    this.sql.exec('INSERT OR REPLACE INTO requests (request_id, result, at) VALUES (?, ?, ?)', requestId, JSON.stringify(result), now);
  }

  // Publication bookkeeping.

  /**
   * Marks artifacts to publish: one statement per 50 (a post marks three, a bulk approval hundreds).
   * Each marking stamps the row anew ({@link markStamp}), so publishing clears only what nothing
   * marked again while it was being written ({@link clearPublished}).
   */
  markDirty(...artifacts: string[]): void {
    const stamp = this.markStamp();
    for (const chunk of chunks(artifacts, MAX_BOUND / 2)) {
      this.sql.exec(
        `INSERT INTO dirty (artifact, since) VALUES ${chunk.map(() => '(?, ?)').join(', ')} ON CONFLICT(artifact) DO UPDATE SET since = excluded.since`,
        ...chunk.flatMap((artifact) => [artifact, stamp]),
      );
    }
  }

  /**
   * A stamp for a marking, greater than every earlier one: the time in ms, or one more than the
   * last stamp when the clock has not moved on (it stands still while an object runs).
   */
  private markStamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  /** What is still to publish, oldest marking first, each with the stamp of its latest marking. */
  dirtyArtifacts(): DirtyArtifact[] {
    return this.sql.exec<DirtyArtifact>('SELECT artifact, since AS stamp FROM dirty ORDER BY since, artifact').toArray();
  }

  hasDirty(): boolean {
    return this.sql.exec('SELECT 1 FROM dirty LIMIT 1').toArray().length > 0;
  }

  /** Forgets artifacts that were published, unless marked again since (their stamp moved on): those are published again. */
  clearPublished(published: DirtyArtifact[]): void {
    for (const chunk of chunks(published, MAX_BOUND / 2)) {
      this.sql.exec(`DELETE FROM dirty WHERE (artifact, since) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`, ...chunk.flatMap((entry) => [entry.artifact, entry.stamp]));
    }
  }

  /** Forgets artifacts whatever their stamp (a comment that left the thread has nothing left to publish here). */
  clearDirty(...artifacts: string[]): void {
    for (const chunk of chunks(artifacts, MAX_BOUND)) this.sql.exec(`DELETE FROM dirty WHERE artifact IN (${chunk.map(() => '?').join(', ')})`, ...chunk);
  }

  lastWrite(key: string): { at: number; hash: string; artifact: string; checked_at: number } | null {
    const rows = this.sql.exec<{ at: number; hash: string; artifact: string; checked_at: number }>('SELECT at, hash, artifact, checked_at FROM written WHERE kv_key = ?', key).toArray();
    return rows.length ? rows[0] : null;
  }

  recordWrite(key: string, artifact: string, hash: string, at: number): void {
    this.sql.exec(
      'INSERT INTO written (kv_key, artifact, at, hash, checked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kv_key) DO UPDATE SET artifact = excluded.artifact, at = excluded.at, hash = excluded.hash, checked_at = excluded.checked_at',
      key,
      artifact,
      at,
      hash,
      at,
    );
  }

  /**
   * Comments written whole to `ptr:` (their pointer column `pointer`) whose `rec:` key an earlier
   * release wrote again since (it ran in between: a rollback, then this release again), so `ptr:`
   * holds an older record. This release writes no `rec:` key: any it finds for such a comment is
   * the earlier release's. Reads only the written keys starting with `keyPrefix` (a range of the
   * primary key), each joined to its comment by the id after `artifactPrefix` (`record:`). The
   * prefixes and the pointer state are the caller's, from where those keys and states are made.
   */
  recordsWrittenByEarlierRelease(keyPrefix: string, artifactPrefix: string, pointer: number): { kvKey: string; id: string }[] {
    // Every key starting with the prefix sorts at or after it and before the prefix with its last character's successor.
    const keyEnd = keyPrefix.slice(0, -1) + String.fromCharCode(keyPrefix.charCodeAt(keyPrefix.length - 1) + 1);
    return this.sql
      .exec<{ kv_key: string; id: string }>(
        'SELECT w.kv_key, c.id FROM written w JOIN comments c ON c.id = substr(w.artifact, ?) WHERE w.kv_key >= ? AND w.kv_key < ? AND c.pointer = ?',
        artifactPrefix.length + 1,
        keyPrefix,
        keyEnd,
        pointer,
      )
      .toArray()
      .map((row) => ({ kvKey: row.kv_key, id: row.id }));
  }

  forgetWrite(key: string): void {
    this.sql.exec('DELETE FROM written WHERE kv_key = ?', key);
  }

  /** Written keys least recently checked, last written before `before`. */
  writesToCheck(before: number, limit: number): { kv_key: string; artifact: string; hash: string }[] {
    return this.sql.exec<{ kv_key: string; artifact: string; hash: string }>('SELECT kv_key, artifact, hash FROM written WHERE at < ? ORDER BY checked_at LIMIT ?', before, limit).toArray();
  }

  markChecked(key: string, at: number): void {
    this.sql.exec('UPDATE written SET checked_at = ? WHERE kv_key = ?', at, key);
  }

  queueAudit(entry: object): void {
    this.sql.exec('INSERT INTO audit_outbox (entry) VALUES (?)', JSON.stringify(entry));
  }

  pendingAudit(): { seq: number; entry: string }[] {
    return this.sql.exec<{ seq: number; entry: string }>('SELECT seq, entry FROM audit_outbox ORDER BY seq LIMIT 100').toArray();
  }

  dropAudit(seq: number): void {
    this.sql.exec('DELETE FROM audit_outbox WHERE seq = ?', seq);
  }
}

function toSubscription(row: { email_hash: string; target: string; email: string; confirmed: number; created_at: string; confirmed_at: string | null }): SubscriptionRow {
  return {
    emailHash: row.email_hash,
    target: row.target,
    email: row.email,
    confirmed: row.confirmed === 1,
    createdAt: row.created_at,
    ...(row.confirmed_at ? { confirmedAt: row.confirmed_at } : {}),
  };
}
