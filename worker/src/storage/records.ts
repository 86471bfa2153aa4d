import type { CommentStatus, PublicComment } from '../wire';
import { threadPart } from './thread-part';
import { bulkGet } from './kv-list';

/**
 * Everything Parley keeps about a comment. Only the storage layer, the thread's object and the
 * admin API see `email`, `tokenHash` and `ipHash`; readers get a {@link PublicComment}.
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
  /** Seed of the locally drawn avatar. */
  avatar?: string;
  /** Gravatar URL, on sites that opt in. */
  avatarUrl?: string;
  /** When the author last edited it. */
  editedAt?: string;
  /** When followers were told about it (once, the first time it was published). */
  notifiedAt?: string;
}

/** Where a comment lives. */
export interface CommentLocation {
  site: string;
  thread: string;
}

/** Metadata kept on each record's key (status, updatedAt ms, parent), so a listing shows them without reads. */
interface RecordMeta {
  s: CommentStatus;
  u: number;
  p: string | null;
}

/** What `ptr:{id}` holds: the record, or (written by an earlier release) where the record lives. */
type StoredPointer = CommentRecord | CommentLocation;

const isRecord = (stored: StoredPointer): stored is CommentRecord => 'id' in stored;

const placeOf = (stored: StoredPointer | null): CommentLocation | null => (stored ? { site: stored.site, thread: stored.thread } : null);

/**
 * The comment records in KV. `ptr:{id}` holds a comment's whole record (written only by the
 * thread's object), so a request naming a comment by id reads it, and finds its thread's object,
 * with one read; a new comment costs one KV write.
 *
 * Releases before this one kept the record under `rec:{site}:{thread}:{id}` and only its place
 * (`{site, thread}`) under `ptr:{id}`. Such a comment is still read (two reads) until its thread
 * publishes it again, which writes the whole record to `ptr:{id}`; the `rec:` key is left as it
 * was, for a rollback, and deleted with the comment (erased, purged). The `rec:` keys of a thread
 * stored before thread objects are read once, when its object takes them in
 * ({@link RecordStore.listThread}). This module is the only code that builds or parses these keys.
 *
 * @example
 * const where = await new RecordStore(env.PARLEY_KV).locate(id); // { site, thread } or null
 */
export class RecordStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Where an earlier release kept a comment's record (still read for a comment not published since). */
  static async recordKey(site: string, thread: string, id: string): Promise<string> {
    return `rec:${site}:${await threadPart(thread)}:${id}`;
  }

  /** A comment's key: its record (or, as an earlier release wrote it, only where it lives). */
  static pointerKey(id: string): string {
    return `ptr:${id}`;
  }

  /** Every record key of a thread (earlier releases): `rec:{site}:{thread}:`. */
  static async threadPrefix(site: string, thread: string): Promise<string> {
    return `rec:${site}:${await threadPart(thread)}:`;
  }

  /** Every record key of a site (`rec:{site}:`), or of every site (earlier releases). */
  static sitePrefix(site?: string): string {
    return site ? `rec:${site}:` : 'rec:';
  }

  /** Where a comment lives (one read), or null when there is no such comment. */
  async locate(id: string): Promise<CommentLocation | null> {
    return placeOf(await this.kv.get<StoredPointer>(RecordStore.pointerKey(id), 'json'));
  }

  /** Where each of these comments lives (those that exist): one bulk read per 100 ids. */
  async locateMany(ids: string[]): Promise<Map<string, CommentLocation>> {
    const pointers = await bulkGet<StoredPointer>(this.kv, ids.map(RecordStore.pointerKey));
    const found = new Map<string, CommentLocation>();
    for (const id of ids) {
      const where = placeOf(pointers.get(RecordStore.pointerKey(id)) ?? null);
      if (where) found.set(id, where);
    }
    return found;
  }

  /** A comment's record as last published to KV (one read; two for a comment an earlier release stored), or null. */
  async get(id: string): Promise<CommentRecord | null> {
    const stored = await this.kv.get<StoredPointer>(RecordStore.pointerKey(id), 'json');
    if (!stored || isRecord(stored)) return stored;
    return this.kv.get<CommentRecord>(await RecordStore.recordKey(stored.site, stored.thread, id), 'json');
  }

  /** The records of these ids that exist: one bulk read per 100 ids (and one per 100 comments an earlier release stored). */
  async getMany(ids: string[]): Promise<Map<string, CommentRecord>> {
    const pointers = await bulkGet<StoredPointer>(this.kv, ids.map(RecordStore.pointerKey));
    const byId = new Map<string, CommentRecord>();
    const older: { id: string; key: string }[] = [];
    for (const id of ids) {
      const stored = pointers.get(RecordStore.pointerKey(id));
      if (!stored) continue;
      if (isRecord(stored)) byId.set(id, stored);
      else older.push({ id, key: await RecordStore.recordKey(stored.site, stored.thread, id) });
    }
    if (older.length) {
      const records = await bulkGet<CommentRecord>(this.kv, older.map((entry) => entry.key));
      for (const { id, key } of older) {
        const record = records.get(key);
        if (record) byId.set(id, record);
      }
    }
    return byId;
  }

  /**
   * Writes a comment's record under its key, with its status, time and parent as metadata. A
   * tombstone's record carries an expiration, so KV forgets it even if nothing purges it. Only the
   * thread's object calls this.
   */
  async put(record: CommentRecord, options: { expiration?: number } = {}): Promise<void> {
    const meta: RecordMeta = { s: record.status, u: Date.parse(record.updatedAt), p: record.parentId };
    await this.kv.put(RecordStore.pointerKey(record.id), JSON.stringify(record), { metadata: meta, ...(options.expiration ? { expiration: options.expiration } : {}) });
  }

  /** Deletes a comment's record, under both layouts (an erasure, a tombstone purged, a comment moved away). */
  async delete(where: CommentLocation, id: string): Promise<void> {
    await Promise.all([this.kv.delete(await RecordStore.recordKey(where.site, where.thread, id)), this.kv.delete(RecordStore.pointerKey(id))]);
  }

  /** Every record of one thread, with its expiry (seconds): one list() per 1,000 and one bulk read per 100. */
  async listThread(site: string, thread: string): Promise<{ record: CommentRecord; expiration?: number }[]> {
    const prefix = await RecordStore.threadPrefix(site, thread);
    const found: { name: string; expiration?: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor, limit: 1000 });
      found.push(...page.keys.map((key) => ({ name: key.name, expiration: key.expiration })));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const values = await bulkGet<CommentRecord>(this.kv, found.map((key) => key.name));
    const out: { record: CommentRecord; expiration?: number }[] = [];
    for (const { name, expiration } of found) {
      const record = values.get(name);
      if (record) out.push(expiration ? { record, expiration } : { record });
    }
    return out;
  }
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
