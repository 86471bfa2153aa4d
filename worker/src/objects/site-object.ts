import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { hashEmail } from '../moderation/identity';
import { LegacyLayout } from '../storage/legacy';
import { RecordStore, type CommentRecord } from '../storage/records';
import { bulkGet } from '../storage/kv-list';
import { threadOfPart, threadPart } from '../storage/thread-part';
import type { CommentStatus } from '../wire';
import { objectKv } from './kv-access';
import type { IndexBatch, QueuePage, QueueQuery, ReconcileRun, ThreadStats } from './site/protocol';
import { threadObjectName } from './thread-object';
import type { SubscriptionRow } from './thread/protocol';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY,
    thread TEXT NOT NULL,
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    email TEXT,
    body TEXT NOT NULL,
    record TEXT NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    expires INTEGER,
    rev INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS comments_by_status ON comments(status, id)`,
  `CREATE INDEX IF NOT EXISTS comments_by_thread ON comments(thread, status, id)`,
  `CREATE INDEX IF NOT EXISTS comments_by_email ON comments(email COLLATE NOCASE)`,
  // Ids a thread removed for good: the index of records stored before thread objects never brings them back.
  `CREATE TABLE IF NOT EXISTS gone (id TEXT PRIMARY KEY) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS threads (
    thread TEXT PRIMARY KEY,
    part TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    followers INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    pinned TEXT NOT NULL DEFAULT '[]',
    changed_at INTEGER NOT NULL DEFAULT 0,
    checked_at INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS threads_by_part ON threads(part)`,
  // Threads that had comments or followers in KV before thread objects: their objects load them once.
  `CREATE TABLE IF NOT EXISTS legacy_threads (thread TEXT PRIMARY KEY) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS subscriptions (
    thread TEXT NOT NULL,
    email_hash TEXT NOT NULL,
    target TEXT NOT NULL,
    email TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    PRIMARY KEY (thread, email_hash, target)
  ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS subscriptions_by_email ON subscriptions(email_hash)`,
  `CREATE TABLE IF NOT EXISTS confirmations (email_hash TEXT NOT NULL, at INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS confirmations_by_email ON confirmations(email_hash, at)`,
  `CREATE TABLE IF NOT EXISTS reconcile_runs (at INTEGER PRIMARY KEY, run TEXT NOT NULL)`,
];

/** Legacy records taken in per call (and per alarm) while indexing a store from before thread objects. */
const INDEX_PAGES_PER_CALL = 3;
/** Threads the reconciler visits per run. */
const THREADS_PER_RUN = 20;
/** Confirmation mails one address may get from one site: per hour, and per day. */
const CONFIRMATIONS_PER_HOUR = 3;
const CONFIRMATIONS_PER_DAY = 10;

type Row = Record<string, SqlStorageValue>;

/**
 * A site's index: every comment of every thread of the site (sent by the threads' objects after
 * each change, newest revision wins), its threads and followers. It answers what no single thread
 * can: the moderation queues with counts, paging and search over the whole queue, the site's
 * latest comments (feeds), exports and erasure by email, the reconciler, and the confirmation-mail
 * throttle per address. It never decides anything about a comment: threads do.
 */
export class SiteObject extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  /** Takes in a thread's changes. */
  async sync(batch: IndexBatch): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        'INSERT INTO threads (thread, part, rev) VALUES (?, ?, ?) ON CONFLICT(thread) DO UPDATE SET rev = MAX(rev, excluded.rev)',
        batch.thread,
        batch.part,
        batch.rev,
      );
      // A row another thread indexed (a comment a re-import moved here) is taken over whatever its
      // revision: revisions count each thread's own changes, and one thread's cannot be compared with another's.
      for (const { record, likes, rev, expiration } of batch.comments) {
        this.sql.exec(
          `INSERT INTO comments (id, thread, status, author, email, body, record, likes, expires, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET thread = excluded.thread, status = excluded.status, author = excluded.author, email = excluded.email,
             body = excluded.body, record = excluded.record, likes = excluded.likes, expires = excluded.expires, rev = excluded.rev
           WHERE excluded.rev >= comments.rev OR excluded.thread <> comments.thread`,
          record.id,
          record.thread,
          record.status,
          record.author,
          record.email,
          record.body,
          JSON.stringify(record),
          likes,
          expiration ?? null,
          rev,
        );
      }
      // A thread takes out only its own rows, and an id is gone for good only when no thread holds
      // it: a comment a re-import moved to another thread may be indexed there before the thread it
      // left says it is gone (a purge, a batch retried by its alarm).
      for (const id of batch.removed) {
        this.sql.exec('DELETE FROM comments WHERE id = ? AND thread = ?', id, batch.thread);
        this.sql.exec('INSERT OR IGNORE INTO gone (id) SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM comments WHERE id = ?1)', id);
      }
      for (const sub of batch.subscriptions) {
        this.sql.exec(
          `INSERT INTO subscriptions (thread, email_hash, target, email, confirmed, created_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(thread, email_hash, target) DO UPDATE SET email = excluded.email, confirmed = excluded.confirmed, created_at = excluded.created_at, confirmed_at = excluded.confirmed_at`,
          batch.thread,
          sub.emailHash,
          sub.target,
          sub.email,
          sub.confirmed ? 1 : 0,
          sub.createdAt,
          sub.confirmedAt ?? null,
        );
      }
      for (const sub of batch.removedSubscriptions) this.sql.exec('DELETE FROM subscriptions WHERE thread = ? AND email_hash = ? AND target = ?', batch.thread, sub.emailHash, sub.target);
      if (batch.stats) this.putStats(batch.thread, batch.stats);
    });
  }

  /** A page of a moderation queue, oldest first, optionally of one thread or matching a search. */
  async listQueue(site: string, query: QueueQuery): Promise<QueuePage> {
    const indexing = await this.ensureIndexed(site);
    const where = ['status = ?'];
    const bindings: SqlStorageValue[] = [query.status];
    if (query.thread !== undefined) {
      where.push('thread = ?');
      bindings.push(query.thread);
    }
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      where.push("(author LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')");
      bindings.push(pattern, pattern, pattern);
    }
    if (query.after) {
      where.push('id > ?');
      bindings.push(query.after);
    }
    const rows = this.sql.exec<{ id: string; record: string }>(`SELECT id, record FROM comments WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`, ...bindings, query.limit + 1).toArray();
    const page = rows.slice(0, query.limit);
    return { comments: page.map((row) => JSON.parse(row.record) as CommentRecord), next: rows.length > query.limit ? page[page.length - 1].id : null, indexing };
  }

  /** How many comments each queue holds. */
  async counts(site: string): Promise<{ counts: Record<CommentStatus, number>; indexing: boolean }> {
    const indexing = await this.ensureIndexed(site);
    const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, removed: 0 };
    for (const row of this.sql.exec<{ status: CommentStatus; n: number }>('SELECT status, COUNT(*) AS n FROM comments GROUP BY status')) counts[row.status] = row.n;
    return { counts, indexing };
  }

  /** The newest approved comments of the site (or of one thread), newest first. */
  async latestApproved(site: string, input: { thread?: string; limit: number }): Promise<CommentRecord[]> {
    await this.ensureIndexed(site);
    const rows =
      input.thread === undefined
        ? this.sql.exec<{ record: string }>("SELECT record FROM comments WHERE status = 'approved' ORDER BY id DESC LIMIT ?", input.limit)
        : this.sql.exec<{ record: string }>("SELECT record FROM comments WHERE thread = ? AND status = 'approved' ORDER BY id DESC LIMIT ?", input.thread, input.limit);
    return rows.toArray().map((row) => JSON.parse(row.record) as CommentRecord);
  }

  /** Every comment written with an address (any case, surrounding spaces ignored). */
  async recordsByEmail(site: string, input: { email: string }): Promise<CommentRecord[]> {
    await this.ensureIndexed(site, true);
    const wanted = input.email.trim().toLowerCase();
    return this.sql
      .exec<{ record: string }>('SELECT record FROM comments WHERE email IS NOT NULL AND lower(trim(email)) = ?', wanted)
      .toArray()
      .map((row) => JSON.parse(row.record) as CommentRecord);
  }

  /** A page of every comment of the site, in id order, with likes: for exports. */
  async exportPage(site: string, input: { after?: string; limit: number }): Promise<{ comments: { record: CommentRecord; likes: number; expiration?: number }[]; next: string | null }> {
    await this.ensureIndexed(site, true);
    const rows = this.sql
      .exec<{ id: string; record: string; likes: number; expires: number | null }>('SELECT id, record, likes, expires FROM comments WHERE id > ? ORDER BY id LIMIT ?', input.after ?? '', input.limit + 1)
      .toArray();
    const page = rows.slice(0, input.limit);
    return {
      comments: page.map((row) => ({ record: JSON.parse(row.record) as CommentRecord, likes: row.likes, ...(row.expires ? { expiration: row.expires } : {}) })),
      next: rows.length > input.limit ? page[page.length - 1].id : null,
    };
  }

  /** Every subscription of the site. */
  async subscriptions(site: string): Promise<(SubscriptionRow & { thread: string })[]> {
    await this.ensureIndexed(site, true);
    return this.sql.exec<Row>('SELECT * FROM subscriptions ORDER BY thread, email_hash, target').toArray().map(toSubscription);
  }

  /** The subscriptions of one address (by keyed hash). */
  async subscriptionsOf(site: string, input: { emailHash: string }): Promise<(SubscriptionRow & { thread: string })[]> {
    await this.ensureIndexed(site, true);
    return this.sql.exec<Row>('SELECT * FROM subscriptions WHERE email_hash = ?', input.emailHash).toArray().map(toSubscription);
  }

  /** Threads with their settings and figures. */
  async threads(site: string): Promise<({ thread: string } & ThreadStats)[]> {
    await this.ensureIndexed(site, true);
    return this.sql
      .exec<{ thread: string; approved: number; followers: number; locked: number; pinned: string; changed_at: number }>('SELECT * FROM threads ORDER BY thread')
      .toArray()
      .map((row) => ({ thread: row.thread, approved: row.approved, followers: row.followers, locked: row.locked === 1, pinned: JSON.parse(row.pinned) as string[], changedAt: row.changed_at }));
  }

  /** The thread a key part names (links made before thread objects carry key parts). */
  async threadOfPart(site: string, input: { part: string }): Promise<string | null> {
    const spelled = threadOfPart(input.part);
    if (spelled !== null) return spelled;
    await this.ensureIndexed(site, true);
    const rows = this.sql.exec<{ thread: string }>('SELECT thread FROM threads WHERE part = ?', input.part).toArray();
    return rows.length ? rows[0].thread : null;
  }

  /**
   * Whether a thread had comments or followers stored before thread objects (its object then
   * loads them, once). A new thread of an upgraded store, or of a new one, costs its object no
   * KV list() this way.
   */
  async isLegacyThread(site: string, input: { thread: string }): Promise<boolean> {
    await this.ensureIndexed(site, true);
    return this.sql.exec('SELECT 1 FROM legacy_threads WHERE thread = ?', input.thread).toArray().length > 0;
  }

  /** Whether another confirmation mail may go to this address from this site now (and counts it). */
  async allowConfirmation(site: string, input: { emailHash: string }): Promise<boolean> {
    this.learnSite(site);
    const now = Date.now();
    this.sql.exec('DELETE FROM confirmations WHERE at < ?', now - 86_400_000);
    const { hour, day } = this.sql
      .exec<{ hour: number; day: number }>('SELECT SUM(CASE WHEN at > ? THEN 1 ELSE 0 END) AS hour, COUNT(*) AS day FROM confirmations WHERE email_hash = ?', now - 3_600_000, input.emailHash)
      .one();
    if ((hour ?? 0) >= CONFIRMATIONS_PER_HOUR || day >= CONFIRMATIONS_PER_DAY) return false;
    this.sql.exec('INSERT INTO confirmations (email_hash, at) VALUES (?, ?)', input.emailHash, now);
    return true;
  }

  /**
   * One run of the reconciler: visits the threads changed since their last visit, then those
   * visited least recently, up to THREADS_PER_RUN; each thread's object compares what it
   * published with KV and repairs it, and resends what this index missed. The run is logged.
   */
  async reconcile(site: string): Promise<ReconcileRun> {
    await this.ensureIndexed(site);
    const now = Date.now();
    const run: ReconcileRun = { at: new Date(now).toISOString(), threads: 0, checked: 0, repaired: 0, reindexed: 0, purged: 0, detail: [], errors: 0 };
    const threads = this.sql
      .exec<{ thread: string; rev: number }>('SELECT thread, rev FROM threads ORDER BY (changed_at >= checked_at) DESC, checked_at ASC LIMIT ?', THREADS_PER_RUN)
      .toArray();
    for (const { thread, rev } of threads) {
      try {
        const stub = this.env.THREAD_OBJECTS.get(this.env.THREAD_OBJECTS.idFromName(threadObjectName(site, thread)));
        const report = await stub.verify({ site, thread }, { siteRev: rev });
        run.threads++;
        run.checked += report.checked;
        run.repaired += report.repaired.length;
        run.reindexed += report.reindexed;
        run.purged += report.purged;
        run.detail.push(...report.repaired.slice(0, 5 - run.detail.length));
      } catch (error) {
        console.error('reconciler: thread failed', thread, error);
        run.errors++;
      }
      this.sql.exec('UPDATE threads SET checked_at = ? WHERE thread = ?', Date.now(), thread);
    }
    this.sql.exec('INSERT OR REPLACE INTO reconcile_runs (at, run) VALUES (?, ?)', now, JSON.stringify(run));
    this.sql.exec('DELETE FROM reconcile_runs WHERE at < ?', now - 7 * 86_400_000);
    return run;
  }

  /** The reconciler's recent runs, newest first. */
  async reconcileLog(site: string, input: { limit: number }): Promise<ReconcileRun[]> {
    this.learnSite(site);
    return this.sql
      .exec<{ run: string }>('SELECT run FROM reconcile_runs ORDER BY at DESC LIMIT ?', input.limit)
      .toArray()
      .map((row) => JSON.parse(row.run) as ReconcileRun);
  }

  async alarm(): Promise<void> {
    const site = this.meta('site');
    if (site) await this.ensureIndexed(site);
  }

  // Internals.

  private putStats(thread: string, stats: ThreadStats): void {
    this.sql.exec(
      'UPDATE threads SET approved = ?, followers = ?, locked = ?, pinned = ?, changed_at = ? WHERE thread = ?',
      stats.approved,
      stats.followers,
      stats.locked ? 1 : 0,
      JSON.stringify(stats.pinned ?? []),
      stats.changedAt,
      thread,
    );
  }

  private meta(key: string): string | null {
    const rows = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray();
    return rows.length ? rows[0].value : null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
  }

  private learnSite(site: string): void {
    const known = this.meta('site');
    if (known === null) this.setMeta('site', site);
    else if (known !== site) throw new Error(`site object of ${known} called for ${site}`);
  }

  /**
   * Takes in, a few pages per call, the comments and subscriptions an earlier release stored in
   * KV (before thread objects), so the queues of an upgraded store are whole. Returns whether
   * it is still at it (an alarm carries on). `all` finishes it first (exports, erasure).
   */
  private async ensureIndexed(site: string, all = false): Promise<boolean> {
    this.learnSite(site);
    let state = this.meta('indexed');
    if (state === 'done') return false;
    const kv = objectKv(this.env, 'site');
    for (let pages = 0; state !== 'done' && (all || pages < INDEX_PAGES_PER_CALL); pages++) {
      const [phase, cursor] = state ? (JSON.parse(state) as [string, string | null]) : ['records', null];
      if (phase === 'records') {
        const page = await kv.list({ prefix: RecordStore.sitePrefix(site), cursor: cursor ?? undefined, limit: 1000 });
        const values = await bulkGet<CommentRecord>(kv, page.keys.map((key) => key.name));
        const parts = new Map<string, string>();
        for (const record of values.values()) if (!parts.has(record.thread)) parts.set(record.thread, await threadPart(record.thread));
        this.ctx.storage.transactionSync(() => {
          for (const record of values.values()) this.indexLegacy(record, parts.get(record.thread)!);
        });
        state = JSON.stringify(page.list_complete ? ['subscriptions', null] : ['records', page.cursor]);
      } else {
        const page = await kv.list({ prefix: `sub:${site}:`, cursor: cursor ?? undefined, limit: 1000 });
        const values = await bulkGet<{ email?: string; target?: string; confirmed?: boolean; createdAt?: string; confirmedAt?: string }>(kv, page.keys.map((key) => key.name));
        const rows: (SubscriptionRow & { thread: string })[] = [];
        for (const [key, sub] of values) {
          const parsed = LegacyLayout.parseSubscriptionKey(key);
          const thread = parsed ? (threadOfPart(parsed.part) ?? this.threadByPart(parsed.part)) : null;
          if (!parsed || thread === null || typeof sub.email !== 'string' || typeof sub.target !== 'string') continue;
          rows.push({ thread, emailHash: (await hashEmail(this.env, sub.email)) ?? parsed.emailHash, target: sub.target, email: sub.email, confirmed: sub.confirmed === true, createdAt: sub.createdAt ?? new Date(0).toISOString(), ...(sub.confirmedAt ? { confirmedAt: sub.confirmedAt } : {}) });
        }
        this.ctx.storage.transactionSync(() => {
          for (const row of rows) {
            this.sql.exec('INSERT OR IGNORE INTO legacy_threads (thread) VALUES (?)', row.thread);
            this.sql.exec(
              'INSERT OR IGNORE INTO subscriptions (thread, email_hash, target, email, confirmed, created_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
              row.thread,
              row.emailHash,
              row.target,
              row.email,
              row.confirmed ? 1 : 0,
              row.createdAt,
              row.confirmedAt ?? null,
            );
          }
        });
        state = page.list_complete ? 'done' : JSON.stringify(['subscriptions', page.cursor]);
      }
      this.setMeta('indexed', state);
    }
    if (state !== 'done') await this.ctx.storage.setAlarm(Date.now() + 1000);
    return state !== 'done';
  }

  private indexLegacy(record: CommentRecord, part: string): void {
    if (this.sql.exec('SELECT 1 FROM gone WHERE id = ?', record.id).toArray().length) return;
    this.sql.exec(
      'INSERT OR IGNORE INTO comments (id, thread, status, author, email, body, record, likes, rev) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)',
      record.id,
      record.thread,
      record.status,
      record.author,
      record.email,
      record.body,
      JSON.stringify(record),
    );
    this.sql.exec('INSERT OR IGNORE INTO threads (thread, part, rev) VALUES (?, ?, 0)', record.thread, part);
    this.sql.exec('INSERT OR IGNORE INTO legacy_threads (thread) VALUES (?)', record.thread);
  }

  private threadByPart(part: string): string | null {
    const rows = this.sql.exec<{ thread: string }>('SELECT thread FROM threads WHERE part = ?', part).toArray();
    return rows.length ? rows[0].thread : null;
  }
}

function toSubscription(row: Row): SubscriptionRow & { thread: string } {
  return {
    thread: row.thread as string,
    emailHash: row.email_hash as string,
    target: row.target as string,
    email: row.email as string,
    confirmed: row.confirmed === 1,
    createdAt: row.created_at as string,
    ...(row.confirmed_at ? { confirmedAt: row.confirmed_at as string } : {}),
  };
}
