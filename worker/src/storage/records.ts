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

/**
 * The comment records in KV: `rec:{site}:{thread}:{id}` (the whole record; written only by the
 * thread's object) and `ptr:{id}` (where a comment lives, written once when it is created), so a
 * request naming a comment by id finds its thread's object with one read. This module is the only
 * code that builds or parses these keys.
 *
 * @example
 * const where = await new RecordStore(env.PARLEY_KV).locate(id); // { site, thread } or null
 */
export class RecordStore {
  constructor(private readonly kv: KVNamespace) {}

  static async recordKey(site: string, thread: string, id: string): Promise<string> {
    return `rec:${site}:${await threadPart(thread)}:${id}`;
  }

  static pointerKey(id: string): string {
    return `ptr:${id}`;
  }

  /** Every record key of a thread: `rec:{site}:{thread}:`. */
  static async threadPrefix(site: string, thread: string): Promise<string> {
    return `rec:${site}:${await threadPart(thread)}:`;
  }

  /** Every record key of a site (`rec:{site}:`), or of every site. */
  static sitePrefix(site?: string): string {
    return site ? `rec:${site}:` : 'rec:';
  }

  /** Where a comment lives (one read), or null when there is no such comment. */
  async locate(id: string): Promise<CommentLocation | null> {
    return this.kv.get<CommentLocation>(RecordStore.pointerKey(id), 'json');
  }

  /** Where each of these comments lives (those that exist): one bulk read per 100 ids. */
  async locateMany(ids: string[]): Promise<Map<string, CommentLocation>> {
    const pointers = await bulkGet<CommentLocation>(this.kv, ids.map(RecordStore.pointerKey));
    const found = new Map<string, CommentLocation>();
    for (const id of ids) {
      const where = pointers.get(RecordStore.pointerKey(id));
      if (where) found.set(id, where);
    }
    return found;
  }

  /** A comment's record as last published to KV (two reads), or null. */
  async get(id: string): Promise<CommentRecord | null> {
    const where = await this.locate(id);
    if (!where) return null;
    return this.kv.get<CommentRecord>(await RecordStore.recordKey(where.site, where.thread, id), 'json');
  }

  /** The records of these ids that exist: one bulk read per 100 pointers and one per 100 records. */
  async getMany(ids: string[]): Promise<Map<string, CommentRecord>> {
    const pointers = await bulkGet<CommentLocation>(this.kv, ids.map(RecordStore.pointerKey));
    const located: { id: string; key: string }[] = [];
    for (const id of ids) {
      const where = pointers.get(RecordStore.pointerKey(id));
      if (where) located.push({ id, key: await RecordStore.recordKey(where.site, where.thread, id) });
    }
    const records = await bulkGet<CommentRecord>(this.kv, located.map((entry) => entry.key));
    const byId = new Map<string, CommentRecord>();
    for (const { id, key } of located) {
      const record = records.get(key);
      if (record) byId.set(id, record);
    }
    return byId;
  }

  /**
   * Writes a record (and, for a new comment, its pointer, which never expires). A tombstone's
   * record carries an expiration, so KV forgets it even if nothing purges it. Only the thread's
   * object calls this.
   */
  async put(record: CommentRecord, options: { pointer: boolean; expiration?: number }): Promise<void> {
    const expiring: KVNamespacePutOptions = options.expiration ? { expiration: options.expiration } : {};
    const meta: RecordMeta = { s: record.status, u: Date.parse(record.updatedAt), p: record.parentId };
    const writes = [this.kv.put(await RecordStore.recordKey(record.site, record.thread, record.id), JSON.stringify(record), { metadata: meta, ...expiring })];
    if (options.pointer) writes.push(this.kv.put(RecordStore.pointerKey(record.id), JSON.stringify({ site: record.site, thread: record.thread } satisfies CommentLocation)));
    await Promise.all(writes);
  }

  /** Deletes a record and its pointer (an erasure, or a tombstone purged). */
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

  /**
   * One page of stored records of a site (or all sites), in key order, with expiry: one list()
   * and up to ten bulk reads per 1,000. Pass `cursor` back for the next page; null after the last.
   */
  async scan(options: { site?: string; cursor?: string | null; limit?: number } = {}): Promise<{ records: { record: CommentRecord; expiration?: number }[]; cursor: string | null }> {
    const page = await this.kv.list({ prefix: RecordStore.sitePrefix(options.site), cursor: options.cursor ?? undefined, limit: Math.min(options.limit ?? 1000, 1000) });
    const values = await bulkGet<CommentRecord>(this.kv, page.keys.map((key) => key.name));
    const records: { record: CommentRecord; expiration?: number }[] = [];
    for (const key of page.keys) {
      const record = values.get(key.name);
      if (record) records.push(key.expiration ? { record, expiration: key.expiration } : { record });
    }
    return { records, cursor: page.list_complete ? null : page.cursor };
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
