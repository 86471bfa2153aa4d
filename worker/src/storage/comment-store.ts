import type { CommentStatus, PublicComment, ThreadSort } from '../wire';
import { sha256Hex } from '../lib/crypto';
import { PAGE_SIZE, paginate } from './thread-pages';
import { keys } from './keys';
import { listKeys, LIST_PAGE } from './kv-list';

/**
 * Everything Parley keeps, as a KV record. Only the storage layer and the admin API see
 * `email`, `tokenHash` and `ipHash`; readers get a {@link PublicComment}.
 */
export interface CommentRecord {
  id: string;
  site: string;
  thread: string;
  parentId: string | null;
  author: string;
  email: string | null;
  website: string | null;
  /** Markdown source as typed. */
  body: string;
  /** Rendered, safe HTML. */
  html: string;
  status: CommentStatus;
  createdAt: string;
  updatedAt: string;
  /** SHA-256 of the edit token given to the author; the token itself is never stored. */
  tokenHash: string;
  /** Keyed hash of the poster's IP (never the IP itself), for bans; null when unknown. */
  ipHash?: string | null;
  /** Why the spam checks held or flagged it, for the moderator. */
  flags?: string[];
  /** Set when a moderator edited the body. */
  editedBy?: string;
  /** For removed and spam comments: the status they had, so Restore puts them back. */
  removedFrom?: CommentStatus;
  /** Seed of the locally drawn avatar: a keyed hash of the email or name. */
  avatar?: string;
  /** Gravatar URL, on sites that opt in. */
  avatarUrl?: string;
  /** When the author last edited it. */
  editedAt?: string;
  /** When followers were told about it (once, the first time it was published). */
  notifiedAt?: string;
}

/** Thread settings set by moderators, copied into the thread's view. */
export interface ThreadSettings {
  locked: boolean;
  /** Pinned comment ids, shown first. */
  pinned: string[];
  /** Confirmed email followers of the thread. */
  followers?: number;
  /** Whether anyone ever confirmed a subscription here (thread or replies): only then is a new comment looked up for mail. */
  subscribed?: boolean;
}

/** What a rebuild needs from the last one: every shown comment and its version. */
export interface ViewCache {
  /**
   * Approved comments, undecorated (no pinned flag, no like counts), oldest first. Left out of a
   * single-page thread's view, whose first page already holds every comment (see {@link approvedOf}).
   */
  comments?: PublicComment[];
  /** Each comment's `updatedAt` (ms), so a rebuild only fetches what changed. */
  stamps: Record<string, number>;
  /** A hash of each stored page, so a rebuild rewrites only the pages that changed. */
  pageHashes: string[];
}

/**
 * The derived, approved-only view of one thread: what a reader's single KV read returns.
 * It holds the first page of every sort order; threads with more than one page keep the
 * other pages under their own keys (see ./thread-pages.ts).
 */
export interface ThreadView {
  v: 2;
  /** Approved comments, placeholders not counted. */
  total: number;
  /** Locked by a moderator. */
  locked: boolean;
  /** Pinned comment ids, in pin order. */
  pinned: string[];
  /** When the first approved comment was posted (for auto-lock), or null. */
  firstAt: string | null;
  /** Pages of PAGE_SIZE top-level comments (at least 1). */
  pages: number;
  /**
   * The first page of each sort order. A single-page thread stores only `oldest` (the others are
   * the same comments in another order, see {@link firstPage}), so a read parses each comment once.
   */
  first: Partial<Record<ThreadSort, PublicComment[]>> & { oldest: PublicComment[] };
  /** The page to ask for after the first, per sort, or null. */
  next: Record<ThreadSort, number | null>;
  /** Confirmed email followers of the thread. */
  followers: number;
  /** Whether anyone confirmed a subscription here (copied from the thread settings). */
  subscribed?: boolean;
  /** Whether any comment here was ever liked (so rebuilds count likes only where there are some). */
  hasLikes: boolean;
  /** Single-page threads carry their own rebuild cache; larger ones keep it under its own key. */
  cache?: ViewCache;
  /** When this view was built (ms). */
  builtAt: number;
  /**
   * When set, the view was built while KV may not yet have shown it every change (KV takes
   * up to 60 s to propagate, and has no compare-and-swap): the first read after this time
   * rebuilds it once more from the records. Null once a rebuild found nothing recent.
   */
  recheckAt: number | null;
}

/** A stored later page of a large thread. */
export interface StoredPage {
  comments: PublicComment[];
  /** Top-level comments on this page. */
  roots: number;
  /** Whether this is the last page in oldest-first order (there is no page after it). */
  last: boolean;
}

/** Metadata kept on each record's key, so a thread can be rebuilt from one list() call. */
interface RecordMeta {
  /** status */
  s: CommentStatus;
  /** updatedAt, ms */
  u: number;
  /** parentId */
  p: string | null;
}

/** Metadata kept on each status-queue marker. */
interface QueueMeta {
  site: string;
  thread: string;
}


/** How a view rebuild came about; see {@link CommentStore.rebuildView}. */
export type RebuildReason = 'change' | 'repair' | 'likes';

export interface CommentStoreOptions {
  /**
   * How long after a change a view stays "unsettled" and is rebuilt once more on a later read.
   * KV propagates writes (and list results) within 60 s; the default leaves a margin.
   */
  settleMs?: number;
}

/**
 * Comment storage on Workers KV. Receives the namespace, so tests can hand it a real
 * binding (or a counting wrapper around one).
 *
 * @example
 * const store = new CommentStore(env.PARLEY_KV);
 * await store.create(record);
 * const view = await store.readView('demo', '/posts/hello/');
 */
export class CommentStore {
  readonly settleMs: number;

  constructor(
    private readonly kv: KVNamespace,
    options: CommentStoreOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 65_000;
  }

  /**
   * Saves a new comment: its record, its id pointer and its queue marker (three writes,
   * whatever the thread's size). Approved comments also update the thread's view.
   */
  async create(record: CommentRecord): Promise<void> {
    await Promise.all([
      this.kv.put(keys.pointer(record.id), JSON.stringify({ site: record.site, thread: record.thread })),
      this.putRecord(record),
      this.kv.put(keys.queue(record.status, record.id), '', { metadata: { site: record.site, thread: record.thread } satisfies QueueMeta }),
    ]);
    if (record.status === 'approved') await this.rebuildView(record.site, record.thread, 'change', record);
  }

  /** A comment by id, or null. Two reads (pointer, record). */
  async get(id: string): Promise<CommentRecord | null> {
    const pointer = await this.kv.get<{ site: string; thread: string }>(keys.pointer(id), 'json');
    if (!pointer) return null;
    return this.kv.get<CommentRecord>(await keys.record(pointer.site, pointer.thread, id), 'json');
  }

  /** Where a comment lives (one read), or null when there is no such comment. */
  async locate(id: string): Promise<{ site: string; thread: string } | null> {
    return this.kv.get<{ site: string; thread: string }>(keys.pointer(id), 'json');
  }

  /**
   * Moves a comment to another status: record, queue markers, and (when what readers see
   * changes) the thread view. Returns the updated record, or null when there is no such comment.
   */
  async setStatus(id: string, status: CommentStatus, options: { keepDays?: number } = {}): Promise<CommentRecord | null> {
    const current = await this.get(id);
    if (!current) return null;
    if (current.status === status) return current;
    return this.save(current, { status }, options);
  }

  /**
   * Changes a comment (status, body, author…), keeping its queue marker and the thread's view
   * in step. Removed and spam comments are kept `keepDays` (tombstones a moderator can
   * restore), then KV deletes them; any other status is kept for good.
   */
  async save(
    current: CommentRecord,
    changes: Partial<Omit<CommentRecord, 'id' | 'site' | 'thread' | 'createdAt'>>,
    options: { keepDays?: number; rebuild?: boolean } = {},
  ): Promise<CommentRecord> {
    const updated: CommentRecord = {
      ...current,
      ...changes,
      updatedAt: new Date(Math.max(Date.now(), Date.parse(current.updatedAt) + 1)).toISOString(),
    };
    const expiring = (updated.status === 'removed' || updated.status === 'spam') && options.keepDays ? { expirationTtl: Math.max(60, Math.round(options.keepDays * 86_400)) } : {};
    await this.putRecord(updated, expiring);
    const writes: Promise<unknown>[] = [];
    if (current.status !== updated.status) writes.push(this.kv.delete(keys.queue(current.status, current.id)));
    writes.push(this.kv.put(keys.queue(updated.status, updated.id), '', { metadata: { site: updated.site, thread: updated.thread } satisfies QueueMeta, ...expiring }));
    if ('expirationTtl' in expiring || current.status === 'removed' || current.status === 'spam') {
      // The pointer lives as long as the record: a purged tombstone leaves nothing behind.
      writes.push(this.kv.put(keys.pointer(updated.id), JSON.stringify({ site: updated.site, thread: updated.thread }), expiring));
    }
    await Promise.all(writes);
    if (options.rebuild !== false && (current.status === 'approved' || updated.status === 'approved')) {
      await this.rebuildView(updated.site, updated.thread, 'change', updated);
    }
    return updated;
  }

  async getThreadSettings(site: string, thread: string): Promise<ThreadSettings> {
    return (await this.kv.get<ThreadSettings>(await keys.threadSettings(site, thread), 'json')) ?? { locked: false, pinned: [] };
  }

  /** Saves a thread's settings and rebuilds its view so readers see them. */
  async putThreadSettings(site: string, thread: string, settings: ThreadSettings): Promise<ThreadView> {
    await this.kv.put(await keys.threadSettings(site, thread), JSON.stringify(settings));
    return this.rebuildView(site, thread, 'change', undefined, settings);
  }

  /**
   * Comments in one moderation queue, oldest first, optionally of one site.
   * Costs one list() per 1,000 queued comments and one read per comment returned.
   */
  async listByStatus(status: CommentStatus, options: { site?: string; limit?: number } = {}): Promise<CommentRecord[]> {
    const limit = options.limit ?? 200;
    const prefix = keys.queuePrefix(status);
    const found = (await listKeys<QueueMeta>(this.kv, prefix, (keys) => keys.length >= limit && !options.site))
      .filter((key) => key.metadata && (!options.site || key.metadata.site === options.site))
      .map((key) => ({ id: key.name.slice(prefix.length), meta: key.metadata! }));
    const records = await Promise.all(
      found.slice(0, limit).map(async ({ id, meta }) => this.kv.get<CommentRecord>(await keys.record(meta.site, meta.thread, id), 'json')),
    );
    // A marker whose record has moved on (eventual consistency) is skipped, not shown twice.
    return records.filter((record): record is CommentRecord => record !== null && record.status === status);
  }

  /** How many comments each queue holds, optionally for one site. One list() per 1,000 comments per status. */
  async countByStatus(site?: string): Promise<Record<CommentStatus, number>> {
    const statuses: CommentStatus[] = ['pending', 'approved', 'spam', 'removed'];
    const counts = await Promise.all(
      statuses.map(async (status) => {
        const queued = await listKeys<QueueMeta>(this.kv, keys.queuePrefix(status));
        const count = site ? queued.filter((key) => key.metadata?.site === site).length : queued.length;
        return [status, count] as const;
      }),
    );
    return Object.fromEntries(counts) as Record<CommentStatus, number>;
  }

  /** The thread's view: exactly one KV read, no list(). Null when nothing was ever approved there. */
  async readView(site: string, thread: string): Promise<ThreadView | null> {
    const view = await this.kv.get<ThreadView>(await keys.view(site, thread), 'json');
    // A view stored by an older release is rebuilt from the records once, on its first read.
    if (view && view.v !== 2) return this.rebuildView(site, thread, 'repair');
    return view;
  }

  /**
   * Approved-comment counts of several threads of a site: one batched read of their count keys
   * (a few bytes each). Threads whose count key is missing (built before counts were kept) fall
   * back to one batched read of their views.
   */
  async readCounts(site: string, threads: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (threads.length === 0) return counts;
    const countKeys = await Promise.all(threads.map((thread) => keys.count(site, thread)));
    const stored = (await this.kv.get<number>(countKeys, 'json')) as Map<string, number | null>;
    const missing: string[] = [];
    threads.forEach((thread, index) => {
      const value = stored.get(countKeys[index]);
      if (typeof value === 'number') counts.set(thread, value);
      else missing.push(thread);
    });
    if (missing.length) {
      const viewKeys = await Promise.all(missing.map((thread) => keys.view(site, thread)));
      const views = (await this.kv.get<ThreadView>(viewKeys, 'json')) as Map<string, ThreadView | null>;
      missing.forEach((thread, index) => counts.set(thread, views.get(viewKeys[index])?.total ?? 0));
    }
    return counts;
  }

  /** Whether a view may be missing a change and should be rebuilt from the records now. */
  needsRepair(view: ThreadView, now = Date.now()): boolean {
    return view.recheckAt !== null && now >= view.recheckAt;
  }

  /**
   * Rebuilds a thread's view from its records. Reads the current view and lists the thread's
   * keys (their metadata says each comment's status and version), then fetches only records
   * that changed. `known` is a record just written, which a list() may not show yet.
   *
   * Two rebuilds racing (there is no compare-and-swap) can leave a view without one of their
   * changes; every rebuild caused by a change therefore marks the view for a recheck, and the
   * first read after `settleMs` rebuilds it once more, after KV has propagated every write.
   * The records stay the truth throughout: nothing is ever lost, at worst shown late.
   */
  async rebuildView(site: string, thread: string, reason: RebuildReason, known?: CommentRecord, knownSettings?: ThreadSettings): Promise<ThreadView> {
    const viewKey = await keys.view(site, thread);
    const [previous, entries, settings] = await Promise.all([
      this.kv.get<ThreadView>(viewKey, 'json'),
      this.listThread(site, thread),
      knownSettings ?? this.getThreadSettings(site, thread),
    ]);
    if (known) {
      const seen = entries.get(known.id);
      const stamp = Date.parse(known.updatedAt);
      if (!seen || seen.u <= stamp) entries.set(known.id, { s: known.status, u: stamp, p: known.parentId });
    }
    const cache = previous?.cache ?? (previous && previous.pages > 1 ? await this.kv.get<ViewCache>(await keys.viewCache(site, thread), 'json') : null);
    const likes = previous?.hasLikes || reason === 'likes' ? await this.countLikes(site, thread) : new Map<string, number>();

    const cachedById = new Map((cache?.comments ?? (previous?.v === 2 ? approvedOf(previous) : [])).map((c) => [c.id, c]));
    const shown = new Map<string, PublicComment>();
    const stamps: Record<string, number> = {};
    const prefix = await keys.recordPrefix(site, thread);
    await Promise.all(
      [...entries].map(async ([id, meta]) => {
        if (meta.s !== 'approved') return;
        const cached = cachedById.get(id);
        if (cached && cache?.stamps[id] === meta.u) {
          shown.set(id, cached);
        } else {
          const record = known?.id === id ? known : await this.kv.get<CommentRecord>(prefix + id, 'json');
          if (!record || record.status !== 'approved') return;
          shown.set(id, toPublic(record));
        }
        stamps[id] = meta.u;
      }),
    );
    const plain = [...shown.values()].sort(byId);

    const total = shown.size;
    const firstAt = plain.reduce<string | null>((first, c) => (first === null || c.createdAt < first ? c.createdAt : first), null);
    const pinned = settings.pinned.filter((id) => shown.has(id));
    const decorated = new Map<string, PublicComment>();
    for (const comment of plain) {
      const count = likes.get(comment.id);
      decorated.set(comment.id, { ...comment, ...(pinned.includes(comment.id) ? { pinned: true } : {}), ...(count ? { likes: count } : {}) });
    }
    addPlaceholders(decorated, entries);
    const pages = paginate([...decorated.values()].sort(byId), pinned, PAGE_SIZE);

    const now = Date.now();
    const latestChange = Math.max(0, ...[...entries.values()].map((meta) => meta.u));
    const recent = now - latestChange < this.settleMs;
    // A page's hash covers whether it is the last one, so the old last page is rewritten when a page is added.
    const pageHashes =
      pages.chunks.length > 1 ? await Promise.all(pages.chunks.map((chunk, index) => sha256Hex(`${index === pages.chunks.length - 1}\n${JSON.stringify(chunk)}`))) : [];
    const nextCache: ViewCache = { comments: plain, stamps, pageHashes };
    const view: ThreadView = {
      v: 2,
      total,
      locked: settings.locked,
      pinned,
      firstAt,
      followers: settings.followers ?? 0,
      ...(settings.subscribed ? { subscribed: true } : {}),
      pages: pages.chunks.length,
      first: pages.chunks.length > 1 ? pages.first : { oldest: pages.first.oldest },
      next: pages.next,
      hasLikes: likes.size > 0,
      ...(pages.chunks.length > 1 ? {} : { cache: { stamps, pageHashes } }),
      builtAt: now,
      recheckAt: reason === 'change' || reason === 'likes' || recent ? now + this.settleMs : null,
    };
    if (pages.chunks.length > 1) {
      // Large thread: only pages whose content changed are written (usually the last one).
      const writes: Promise<void>[] = [];
      pages.chunks.forEach((chunk, index) => {
        if (cache?.pageHashes[index] === pageHashes[index]) return;
        const stored: StoredPage = { comments: chunk, roots: chunk.filter((c) => !c.parentId || !decorated.has(c.parentId)).length, last: index === pages.chunks.length - 1 };
        writes.push(keys.viewPage(site, thread, index).then((key) => this.kv.put(key, JSON.stringify(stored))));
      });
      writes.push(keys.viewCache(site, thread).then((key) => this.kv.put(key, JSON.stringify(nextCache))));
      await Promise.all(writes);
    }
    if (!previous || previous.total !== total) {
      // Index pages read this tiny key instead of whole views (written only when the count changes).
      await this.kv.put(await keys.count(site, thread), String(total));
    }
    if (previous && sameView(previous, view)) return previous;
    await this.putView(viewKey, view);
    return view;
  }

  /** A later page of a large thread (one read), or null. */
  async readPage(site: string, thread: string, index: number): Promise<StoredPage | null> {
    return this.kv.get<StoredPage>(await keys.viewPage(site, thread, index), 'json');
  }

  /**
   * Records a reader's like: one new key per reader and comment, so likes never race. The view
   * shows the new count after its next rebuild (marked here at most once per settle window).
   * Returns false when this reader had already liked the comment.
   */
  async like(record: CommentRecord, voter: string, liked: boolean): Promise<boolean> {
    const key = await keys.like(record.site, record.thread, record.id, voter);
    const existing = await this.kv.get(key);
    if (liked === (existing !== null)) return false;
    if (liked) await this.kv.put(key, '1');
    else await this.kv.delete(key);
    const view = await this.readView(record.site, record.thread);
    if (view && (view.recheckAt === null || !view.hasLikes)) {
      // Mark the view once; the recheck after the settle window counts every like since.
      await this.putView(await keys.view(record.site, record.thread), { ...view, hasLikes: true, recheckAt: Date.now() + this.settleMs });
    }
    return true;
  }

  /** Likes per comment of a thread: one list() per 1,000 likes. */
  private async countLikes(site: string, thread: string): Promise<Map<string, number>> {
    const prefix = await keys.likePrefix(site, thread);
    const counts = new Map<string, number>();
    for (const key of await listKeys(this.kv, prefix)) {
      const id = key.name.slice(prefix.length).split(':')[0];
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /** Every key of a thread with its metadata, one list() per 1,000 comments. */
  private async listThread(site: string, thread: string): Promise<Map<string, RecordMeta>> {
    const prefix = await keys.recordPrefix(site, thread);
    const entries = new Map<string, RecordMeta>();
    for (const key of await listKeys<RecordMeta>(this.kv, prefix)) if (key.metadata) entries.set(key.name.slice(prefix.length), key.metadata);
    return entries;
  }

  private async putRecord(record: CommentRecord, options: { expirationTtl?: number } = {}): Promise<void> {
    const meta: RecordMeta = { s: record.status, u: Date.parse(record.updatedAt), p: record.parentId };
    await this.kv.put(await keys.record(record.site, record.thread, record.id), JSON.stringify(record), { metadata: meta, ...options });
  }

  /**
   * Writes a view. KV allows about one write per second to a key; if a burst of moderation
   * hits that limit, wait and try again rather than fail the moderator's action.
   */
  private async putView(key: string, view: ThreadView): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.kv.put(key, JSON.stringify(view));
        return;
      } catch (error) {
        if (attempt >= 2) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1100 * (attempt + 1)));
      }
    }
  }

  // Data portability: import, restore, export and erasure (see worker/src/portability/).

  /**
   * The stored records of these comment ids (those that exist): bulk reads, one for every 100
   * pointers and one for every 100 records. Import and restore use it to overwrite in place
   * and to skip what has not changed.
   */
  async getMany(ids: string[]): Promise<Map<string, CommentRecord>> {
    const pointers = await bulkGet<{ site: string; thread: string }>(this.kv, ids.map(keys.pointer));
    const located = await Promise.all(
      ids.map(async (id) => {
        const pointer = pointers.get(keys.pointer(id));
        return pointer ? { id, key: await keys.record(pointer.site, pointer.thread, id) } : null;
      }),
    );
    const found = located.filter((entry): entry is { id: string; key: string } => entry !== null);
    const records = await bulkGet<CommentRecord>(this.kv, found.map((entry) => entry.key));
    const byId = new Map<string, CommentRecord>();
    for (const { id, key } of found) {
      const record = records.get(key);
      if (record) byId.set(id, record);
    }
    return byId;
  }

  /**
   * Writes a comment that comes from an import or a restore: its record, pointer and queue
   * marker, without rebuilding the view (the caller rebuilds each touched thread once).
   * `previous` is the same comment as stored now, if any: a record in another thread is moved,
   * a queue marker of another status is dropped. `expiration` (seconds since the epoch) or
   * `expirationTtl` (seconds) make a removed or spam comment expire like any tombstone.
   */
  async putImported(record: CommentRecord, previous: CommentRecord | null, options: { expiration?: number; expirationTtl?: number } = {}): Promise<void> {
    const expiring: KVNamespacePutOptions = options.expiration ? { expiration: options.expiration } : options.expirationTtl ? { expirationTtl: options.expirationTtl } : {};
    const meta: RecordMeta = { s: record.status, u: Date.parse(record.updatedAt), p: record.parentId };
    const writes: Promise<unknown>[] = [
      this.kv.put(await keys.record(record.site, record.thread, record.id), JSON.stringify(record), { metadata: meta, ...expiring }),
      this.kv.put(keys.pointer(record.id), JSON.stringify({ site: record.site, thread: record.thread }), expiring),
      this.kv.put(keys.queue(record.status, record.id), '', { metadata: { site: record.site, thread: record.thread } satisfies QueueMeta, ...expiring }),
    ];
    if (previous && previous.status !== record.status) writes.push(this.kv.delete(keys.queue(previous.status, previous.id)));
    if (previous && (previous.site !== record.site || previous.thread !== record.thread)) {
      writes.push(this.kv.delete(await keys.record(previous.site, previous.thread, previous.id)));
    }
    await Promise.all(writes);
  }

  /**
   * Erases a comment for good (a GDPR request): its record, pointer, queue marker and likes.
   * The caller rebuilds the thread's view, where approved replies keep their place under a
   * placeholder.
   */
  async erase(record: CommentRecord): Promise<void> {
    const likePrefix = await keys.commentLikePrefix(record.site, record.thread, record.id);
    const likes = await this.listKeyNames(likePrefix);
    await Promise.all([
      this.kv.delete(await keys.record(record.site, record.thread, record.id)),
      this.kv.delete(keys.pointer(record.id)),
      this.kv.delete(keys.queue(record.status, record.id)),
      ...likes.map((name) => this.kv.delete(name)),
    ]);
  }

  /**
   * One page of stored records, of one site or of all, in key order, each with its expiry
   * (seconds since the epoch; tombstones have one): one list() and up to ten bulk reads per
   * 1,000 records. Pass `cursor` back to read the next page; it is null after the last one.
   */
  async scanRecords(options: { site?: string; cursor?: string | null; limit?: number } = {}): Promise<{ records: { record: CommentRecord; expiration?: number }[]; cursor: string | null }> {
    const page = await this.kv.list<RecordMeta>({ prefix: options.site ? keys.siteRecordPrefix(options.site) : 'rec:', cursor: options.cursor ?? undefined, limit: Math.min(options.limit ?? LIST_PAGE, LIST_PAGE) });
    const values = await bulkGet<CommentRecord>(this.kv, page.keys.map((key) => key.name));
    const records: { record: CommentRecord; expiration?: number }[] = [];
    for (const key of page.keys) {
      const record = values.get(key.name);
      if (record) records.push(key.expiration ? { record, expiration: key.expiration } : { record });
    }
    return { records, cursor: page.list_complete ? null : page.cursor };
  }

  /**
   * The newest approved comments of a site, newest first. Lists the approved queue (one list()
   * per 1,000 approved comments of every site) and reads the chosen records in one bulk read.
   */
  async latestApproved(site: string, limit: number): Promise<CommentRecord[]> {
    const prefix = keys.queuePrefix('approved');
    // Ids sort by creation time and KV lists in key order: the last ones are the newest.
    const newest = (await listKeys<QueueMeta>(this.kv, prefix))
      .filter((key) => key.metadata?.site === site)
      .slice(-limit)
      .map((key) => ({ id: key.name.slice(prefix.length), meta: key.metadata! }));
    const recordKeys = await Promise.all(newest.map(({ id, meta }) => keys.record(meta.site, meta.thread, id)));
    const records = await bulkGet<CommentRecord>(this.kv, recordKeys);
    return recordKeys
      .map((key) => records.get(key))
      .filter((record): record is CommentRecord => !!record && record.status === 'approved')
      .reverse();
  }

  /** Likes per comment id on a site: one list() per 1,000 likes. */
  async countSiteLikes(site: string): Promise<Map<string, number>> {
    const prefix = keys.siteLikePrefix(site);
    const counts = new Map<string, number>();
    for (const name of await this.listKeyNames(prefix)) {
      // {thread}:{id}:{voter}; a thread part never contains ':'.
      const id = name.slice(prefix.length).split(':')[1];
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * Brings a restored comment's likes up to `count`. Exports carry counts, not who liked (that is
   * a hash of the reader's IP): the missing likes are added under placeholder voters, so a
   * restore run twice adds nothing. Returns whether anything was written.
   */
  async restoreLikes(record: CommentRecord, count: number): Promise<boolean> {
    const prefix = await keys.commentLikePrefix(record.site, record.thread, record.id);
    const existing = new Set(await this.listKeyNames(prefix));
    const missing = count - existing.size;
    if (missing <= 0) return false;
    const writes: Promise<void>[] = [];
    for (let n = 0; writes.length < missing; n++) {
      const key = await keys.like(record.site, record.thread, record.id, `restored-${n}`);
      if (!existing.has(key)) writes.push(this.kv.put(key, '1'));
    }
    await Promise.all(writes);
    return true;
  }

  /**
   * Every approved comment of a thread (placeholders left out, no pinned flags or like counts),
   * oldest first: one read, or two for a thread of more than one page. Null when nothing was
   * ever approved there. For feeds.
   */
  async readApproved(site: string, thread: string): Promise<PublicComment[] | null> {
    const view = await this.readView(site, thread);
    if (!view) return null;
    const cache = view.cache ?? (view.pages > 1 ? await this.kv.get<ViewCache>(await keys.viewCache(site, thread), 'json') : null);
    return cache?.comments ?? approvedOf(view);
  }

  /** Every key name under a prefix: one list() per 1,000 keys. */
  private async listKeyNames(prefix: string): Promise<string[]> {
    return (await listKeys(this.kv, prefix)).map((key) => key.name);
  }
}

/** KV reads at most 100 keys in one bulk get. */
const BULK_GET = 100;

/** JSON values of many keys, 100 per bulk read; missing keys are absent from the map. */
async function bulkGet<T>(kv: KVNamespace, names: string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const unique = [...new Set(names)];
  const chunks: string[][] = [];
  for (let start = 0; start < unique.length; start += BULK_GET) chunks.push(unique.slice(start, start + BULK_GET));
  const results = await Promise.all(chunks.map((chunk) => kv.get<T>(chunk, 'json') as Promise<Map<string, T | null>>));
  for (const result of results) for (const [name, value] of result) if (value !== null) found.set(name, value);
  return found;
}

/** The comments of a single-page view, as its rebuild cache would hold them: no placeholders, no decorations. */
export function approvedOf(view: ThreadView): PublicComment[] {
  return view.first.oldest.filter((comment) => !comment.deleted).map(({ pinned: _pinned, likes: _likes, ...comment }) => comment);
}

/** A view's first page in a sort order (a single-page thread stores only the oldest-first one). */
export function firstPage(view: ThreadView, sort: ThreadSort): PublicComment[] {
  return view.first[sort] ?? paginate(view.first.oldest, view.pinned).first[sort];
}

/** The reader's view of a record. */
export function toPublic(record: CommentRecord): PublicComment {
  return {
    id: record.id,
    parentId: record.parentId,
    author: record.author,
    website: record.website,
    html: record.html,
    createdAt: record.createdAt,
    ...(record.avatar ? { avatar: record.avatar } : {}),
    ...(record.avatarUrl ? { avatarUrl: record.avatarUrl } : {}),
    ...(record.editedAt ? { edited: true } : {}),
  };
}

/**
 * Keeps replies attached to their place in the tree when their parent is not shown
 * (removed, or still pending): the parent becomes an empty `deleted` placeholder.
 */
function addPlaceholders(shown: Map<string, PublicComment>, entries: Map<string, RecordMeta>): void {
  const queue = [...shown.values()];
  while (queue.length) {
    const comment = queue.pop()!;
    const parentId = comment.parentId;
    if (!parentId || shown.has(parentId)) continue;
    const parent = entries.get(parentId);
    const placeholder: PublicComment = {
      id: parentId,
      parentId: parent?.p ?? null,
      author: '',
      website: null,
      html: '',
      createdAt: new Date(parseInt(parentId.slice(0, 9), 36)).toISOString(),
      deleted: true,
    };
    shown.set(parentId, placeholder);
    queue.push(placeholder);
  }
}

function sameView(a: ThreadView, b: ThreadView): boolean {
  const { builtAt: _a, ...restA } = a;
  const { builtAt: _b, ...restB } = b;
  return a.recheckAt === null && b.recheckAt === null && JSON.stringify(restA) === JSON.stringify(restB);
}

function byId(a: PublicComment, b: PublicComment): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
