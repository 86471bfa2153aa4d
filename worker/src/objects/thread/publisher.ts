import { chunks } from '../../lib/chunks';
import { PublishedStore, publishedKeys } from '../../storage/published';
import { RecordStore, type CommentRecord } from '../../storage/records';
import { threadPart } from '../../storage/thread-part';
import { AuditLog, type KeyedAuditEntry } from '../../storage/audit-log';
import type { IndexBatch, IndexedComment, IndexedSubscription } from '../site/protocol';
import { PageBuilder } from './pages';
import type { ThreadRef } from './protocol';
import { isSkeleton } from './rules';
import type { DirtyArtifact, ThreadState } from './state';

/**
 * Artifacts: what a change leaves to publish. Each names something that is rebuilt from the
 * thread's state when it is published, so publishing twice, late or after a failure is harmless.
 *
 * - `view`, `count`, `block:{n}`, `replies:{rootId}:{n}`: KV keys readers read;
 * - `record:{id}`: the comment's KV record (`ptr:{id}`);
 * - `index:{id}`, `sub:{emailHash}:{target}`, `thread`: the site's index (its object);
 * - `audit`: audit entries waiting in the outbox table.
 */
export const artifact = {
  view: 'view',
  count: 'count',
  thread: 'thread',
  audit: 'audit',
  block: (index: number) => `block:${index}`,
  replies: (rootId: string, index: number) => `replies:${rootId}:${index}`,
  record: (id: string) => `record:${id}`,
  /** The comment id of a `record:` artifact, or null for any other. */
  recordId: (name: string): string | null => (name.startsWith('record:') ? name.slice('record:'.length) : null),
  index: (id: string) => `index:${id}`,
  subscription: (emailHash: string, target: string) => `sub:${emailHash}:${target}`,
};

export interface PublisherDeps {
  state: ThreadState;
  ref: () => ThreadRef;
  /** The KV namespace (a function: tests may wrap it after the object started). */
  kv: () => KVNamespace;
  /** The site's index object. */
  siteIndex: (site: string) => { sync(batch: IndexBatch): Promise<unknown> };
  /** Least time between two writes of one KV key (KV allows about one a second). */
  minIntervalMs: number;
  /** The object's alarm: `atMost` moves it earlier (never later); `set` replaces it. */
  alarm: { atMost: (at: number) => Promise<void>; set: (at: number) => Promise<void> };
}

export interface FlushOutcome {
  /** Something failed to publish: it stays dirty and an alarm retries it. */
  failed: boolean;
}

/**
 * The `pointer` column: how the comment's `ptr:` key was last written. 0: not yet; `place`: by an
 * earlier release, with only where the comment lives (its record under `rec:`); `record`: with
 * its whole record (storage/records.ts).
 */
export const POINTER = { place: 1, record: 2 } as const;

/**
 * How long after its purge time a tombstone's KV record expires (seconds): 30 days. The reconciler
 * purges it (and deletes the record) when it next visits the thread, which on a site of many
 * threads can take days; until then the record is where requests naming the comment find its
 * thread. The expiry is the safety net: KV forgets the record even if nothing purges it.
 */
const EXPIRY_GRACE_S = 30 * 86_400;

/** KV keys written at once per flush. */
const CONCURRENT_WRITES = 16;
/**
 * When a flush starts, the alarm is set at most this far ahead: if the object stops before the
 * flush ends, the alarm publishes what it left.
 */
const RESUME_AFTER_MS = 60_000;
/** Retry delays after a failed publication. */
const RETRY_MS = [2_000, 10_000, 60_000, 300_000];

/**
 * Publishes a thread's dirty artifacts: to KV (at most one write per key per `minIntervalMs`,
 * the rest by alarm), to the site's index, to the audit log. One flush runs at a time, in order,
 * so two versions of one key are never written out of order.
 */
export class Publisher {
  private chain: Promise<FlushOutcome> = Promise.resolve({ failed: false });
  private failures = 0;

  constructor(private readonly deps: PublisherDeps) {}

  /** Publishes what is dirty now (after any flush already running). */
  flush(): Promise<FlushOutcome> {
    this.chain = this.chain.then(
      () => this.run(),
      () => this.run(),
    );
    return this.chain;
  }

  private async run(): Promise<FlushOutcome> {
    const { state } = this.deps;
    const now = Date.now();
    const due: DirtyArtifact[] = [];
    let nextDue = Infinity;
    const builder = new PageBuilder(state);
    const kvJobs: { entry: DirtyArtifact; key: string; write: () => Promise<string | null> }[] = [];
    const indexArtifacts: DirtyArtifact[] = [];

    for (const entry of state.dirtyArtifacts()) {
      const name = entry.artifact;
      if (name.startsWith('index:') || name.startsWith('sub:') || name === artifact.thread) {
        indexArtifacts.push(entry);
        continue;
      }
      if (name === artifact.audit) {
        due.push(entry);
        continue;
      }
      const key = await this.keyOf(name);
      const last = state.lastWrite(key);
      if (last && now - last.at < this.deps.minIntervalMs) {
        nextDue = Math.min(nextDue, last.at + this.deps.minIntervalMs);
        continue;
      }
      due.push(entry);
      kvJobs.push({ entry, key, write: () => this.publishKv(name, key, builder) });
    }
    if (!due.length && !indexArtifacts.length) {
      if (nextDue !== Infinity) await this.deps.alarm.atMost(nextDue);
      return { failed: false };
    }

    // What is being published stays marked until it is written: if the object stops meanwhile (a
    // deploy, an eviction), this alarm publishes it again, and so does its next request or the
    // reconciler's visit. A change made meanwhile stamps its artifact anew, so it stays marked.
    await this.deps.alarm.atMost(now + RESUME_AFTER_MS);
    let failed = false;
    const published: DirtyArtifact[] = [];
    const written: { key: string; artifact: string; hash: string; at: number }[] = [];
    // The site's index is told at the same time as KV is written (neither waits for the other).
    const indexing = indexArtifacts.length ? this.publishIndex(indexArtifacts.map((entry) => entry.artifact)) : null;
    // The view names the pages: written last, after them, when a flush writes in several rounds.
    kvJobs.sort((a, b) => Number(a.entry.artifact === artifact.view) - Number(b.entry.artifact === artifact.view));
    for (const batch of chunks(kvJobs, CONCURRENT_WRITES)) {
      await Promise.all(
        batch.map(async (job) => {
          try {
            const hash = await job.write();
            if (hash !== null) written.push({ key: job.key, artifact: job.entry.artifact, hash, at: Date.now() });
            published.push(job.entry);
          } catch (error) {
            console.error('publishing failed', job.entry.artifact, error);
            failed = true;
          }
        }),
      );
    }
    const audit = due.find((entry) => entry.artifact === artifact.audit);
    if (audit) {
      if (await this.publishAudit()) published.push(audit);
      else failed = true;
    }
    if (indexing) {
      if (await indexing) published.push(...indexArtifacts);
      else failed = true;
    }
    // What was written is recorded and unmarked together, in one storage commit (each is an fsync
    // on `npm start`); a stop before it only means writing the same values again.
    for (const write of written) {
      // A comment that left meanwhile (moved to another thread) is not this object's to check any more.
      const recordId = artifact.recordId(write.artifact);
      if (recordId === null || state.row(recordId)) state.recordWrite(write.key, write.artifact, write.hash, write.at);
    }
    state.clearPublished(published);

    if (failed) {
      this.failures++;
      nextDue = Math.min(nextDue, Date.now() + RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1]);
    } else this.failures = 0;
    // The flush is over: the alarm is now exactly what is left to do (a write the 1/s rule holds
    // back, a retry after its back-off, a change made meanwhile). With nothing left, the resume
    // alarm stays: it fires once and finds nothing to do, which costs less than a storage write
    // to delete it after every change (and covers the thread's next changes within the minute).
    if (nextDue === Infinity && state.hasDirty()) nextDue = Date.now() + this.deps.minIntervalMs;
    if (nextDue !== Infinity) await this.deps.alarm.set(nextDue);
    return { failed };
  }

  /** The KV key an artifact is written to. */
  private async keyOf(name: string): Promise<string> {
    const { site, thread } = this.deps.ref();
    const [kind, first, second] = name.split(':');
    switch (kind) {
      case 'view':
        return publishedKeys.view(site, thread);
      case 'count':
        return publishedKeys.count(site, thread);
      case 'block':
        return publishedKeys.block(site, thread, Number(first));
      case 'replies':
        return publishedKeys.replies(site, thread, first, Number(second));
      case 'record':
        return RecordStore.pointerKey(first);
      default:
        throw new Error(`unknown artifact ${name}`);
    }
  }

  /** Builds and writes one KV artifact; returns the hash written, or null when KV already had it. */
  private async publishKv(name: string, key: string, builder: PageBuilder): Promise<string | null> {
    const { state } = this.deps;
    const kv = this.deps.kv();
    const [kind, first, second] = name.split(':');
    let value: string;
    let options: KVNamespacePutOptions = {};
    switch (kind) {
      case 'view': {
        const built = builder.view();
        const packed = PublishedStore.packView(built.pages, built.firstAt);
        value = packed.value;
        options = { metadata: packed.metadata };
        break;
      }
      case 'count':
        value = String(state.approvedCount());
        break;
      case 'block': {
        const built = builder.block(Number(first));
        if (built.overflow.length) {
          const previousLast = state.lastBlock();
          const moved = state.moveToNewBlock(built.overflow);
          state.markDirty(artifact.block(previousLast), artifact.block(moved), artifact.view);
        }
        value = built.json;
        options = { metadata: { last: built.last } };
        break;
      }
      case 'replies': {
        if (!state.row(first)) {
          // The top-level comment is gone for good (erased): so are the pages of its replies.
          await kv.delete(key);
          state.forgetWrite(key);
          return null;
        }
        const built = builder.replies(first, Number(second));
        value = built.json;
        options = { metadata: { last: built.last } };
        break;
      }
      case 'record':
        return this.publishRecord(first);
      default:
        throw new Error(`unknown artifact ${name}`);
    }
    const hash = contentHash(value, options.metadata);
    if (state.lastWrite(key)?.hash === hash) return null;
    await kv.put(key, value, options);
    return hash;
  }

  /**
   * A comment's KV record (`ptr:{id}`), one write; a comment no longer here (erased, purged, moved
   * away) loses it, under both layouts. A comment an earlier release stored (its record under
   * `rec:`) is written whole to `ptr:` the first time it is published again; its `rec:` key is
   * left as it was (a rollback to that release reads it).
   */
  private async publishRecord(id: string): Promise<string | null> {
    const { state } = this.deps;
    const ref = this.deps.ref();
    const records = new RecordStore(this.deps.kv());
    const key = RecordStore.pointerKey(id);
    const row = state.row(id);
    if (!row || isSkeleton(JSON.parse(row.record) as CommentRecord)) {
      await records.delete(ref, id);
      state.forgetWrite(key);
      state.forgetWrite(await RecordStore.recordKey(ref.site, ref.thread, id));
      return null;
    }
    // When a tombstone's time is up the reconciler purges it here, and publishing that deletes its
    // record; the record also expires, {@link EXPIRY_GRACE_S} later.
    const hash = contentHash(row.record, row.purge_at);
    if (row.pointer === POINTER.record && state.lastWrite(key)?.hash === hash) return null;
    await records.put(JSON.parse(row.record) as CommentRecord, { expiration: row.purge_at ? Math.ceil(row.purge_at / 1000) + EXPIRY_GRACE_S : undefined });
    if (row.pointer !== POINTER.record) {
      // From now on the reconciler checks `ptr:`, not the key the earlier release wrote.
      if (row.pointer === POINTER.place) state.forgetWrite(await RecordStore.recordKey(ref.site, ref.thread, id));
      state.markPointerWritten(id, POINTER.record);
    }
    return hash;
  }

  private async publishAudit(): Promise<boolean> {
    const { state } = this.deps;
    const log = new AuditLog(this.deps.kv());
    for (let pending = state.pendingAudit(); pending.length; pending = state.pendingAudit()) {
      for (const { seq, entry } of pending) {
        try {
          await log.put(JSON.parse(entry) as KeyedAuditEntry);
        } catch (error) {
          console.error('audit entry not written', error);
          return false;
        }
        state.dropAudit(seq);
      }
    }
    return true;
  }

  /** Sends the site's index the current state of every changed comment, subscription and the thread. */
  private async publishIndex(names: string[]): Promise<boolean> {
    const { state } = this.deps;
    const ref = this.deps.ref();
    const batch: IndexBatch = { thread: ref.thread, part: await threadPart(ref.thread), rev: state.rev, comments: [], removed: [], subscriptions: [], removedSubscriptions: [], stats: null };
    for (const name of names) {
      if (name === artifact.thread) batch.stats = threadStats(state);
      else if (name.startsWith('index:')) {
        const id = name.slice('index:'.length);
        const row = state.row(id);
        if (row && !isSkeleton(JSON.parse(row.record) as CommentRecord)) batch.comments.push(indexedComment(row));
        else batch.removed.push(id);
      } else {
        const [, emailHash, target] = name.split(':');
        const sub = state.subscription(emailHash, target);
        if (sub) batch.subscriptions.push(sub satisfies IndexedSubscription);
        else batch.removedSubscriptions.push({ emailHash, target });
      }
    }
    try {
      await this.deps.siteIndex(ref.site).sync(batch);
      return true;
    } catch (error) {
      console.error('site index not updated', error);
      return false;
    }
  }
}

export function indexedComment(row: { record: string; likes: number; rev: number; purge_at: number | null }): IndexedComment {
  return { record: JSON.parse(row.record) as CommentRecord, likes: row.likes, rev: row.rev, ...(row.purge_at ? { expiration: Math.ceil(row.purge_at / 1000) } : {}) };
}

export function threadStats(state: ThreadState): NonNullable<IndexBatch['stats']> {
  return { approved: state.approvedCount(), followers: state.followers(), locked: state.locked, pinned: state.pinned, changedAt: Date.now() };
}

/** A short hash of what was written (to skip rewriting the same value, and for the reconciler). */
export function contentHash(value: string, metadata?: unknown): string {
  const text = metadata === undefined || metadata === null ? value : `${value}\u0000${JSON.stringify(metadata)}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(36)}${(h1 >>> 0).toString(36)}:${text.length}`;
}
