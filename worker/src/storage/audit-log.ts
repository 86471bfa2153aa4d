import { sha256Hex } from '../lib/crypto';
import { listKeys } from './kv-list';

/** One moderation action, kept for the audit log. */
export interface AuditEntry {
  at: string;
  /** Who acted and through what, e.g. "Ada (dashboard)", "signed link", "author". */
  who: string;
  /**
   * The verified identity behind `who`, for filtering: a member's id, `admin-token` (the owner's
   * break-glass token), `webhook` (a signed link posted to a site's webhook) or `author`.
   * Absent on entries written before accounts.
   */
  by?: string;
  action: string;
  commentId?: string;
  site?: string;
  thread?: string;
  detail?: string;
}

/** An entry with the key it is (or will be) stored under. */
export interface KeyedAuditEntry extends AuditEntry {
  key: string;
}

/** An audit entry as stored, with its key and expiry (seconds since the epoch). */
export interface StoredAuditEntry {
  key: string;
  entry: AuditEntry;
  expiration?: number;
}

/** What the log may be filtered by. `sites` is every site the reader may see (`'*'`: every entry, even those of no site). */
export interface AuditFilter {
  by?: string;
  site?: string;
  sites: string[] | '*';
}

/** Whether an entry passes a filter: a moderator of some sites sees only entries of those sites. */
export function auditMatches(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.by && entry.by !== filter.by) return false;
  if (filter.site && entry.site !== filter.site) return false;
  if (filter.sites !== '*' && !(entry.site && filter.sites.includes(entry.site))) return false;
  return true;
}

const DAY = 86_400;
const AUDIT_TTL_SECONDS = 365 * DAY;
/** KV refuses expirations less than 60 s ahead. */
const MIN_TTL_SECONDS = 60;
const PREFIX = 'audit:';

/** Newest entries sort first: KV lists keys in ascending order. */
function keyFor(at: number, suffix: string): string {
  return `${PREFIX}${String(9_999_999_999_999 - at).padStart(13, '0')}${suffix}`;
}

/**
 * The audit log in KV: `audit:{inverted time}{suffix}`, the whole entry in the key's metadata
 * (so the log is read with list() alone), kept a year. Each entry is its own key, written once,
 * so entries never race. This module is the only code that builds or parses these keys.
 *
 * @example
 * await new AuditLog(env.PARLEY_KV).append({ who: 'Ada (dashboard)', action: 'approve', commentId: id });
 */
export class AuditLog {
  constructor(private readonly kv: KVNamespace) {}

  /** A new entry with its key, for writing now or later (a thread's object queues them). */
  static entry(fields: Omit<AuditEntry, 'at'>, now = Date.now()): KeyedAuditEntry {
    const entry: AuditEntry = { at: new Date(now).toISOString(), ...fields };
    if (entry.detail && entry.detail.length > 300) entry.detail = `${entry.detail.slice(0, 299)}…`;
    return { ...entry, key: keyFor(now, Math.random().toString(36).slice(2, 10)) };
  }

  /** Appends an entry now. */
  async append(fields: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.put(AuditLog.entry(fields));
  }

  /** Writes an entry under its key (writing it twice writes the same key). */
  async put({ key, ...entry }: KeyedAuditEntry): Promise<void> {
    const expiration = Math.max(Math.floor(Date.parse(entry.at) / 1000) + AUDIT_TTL_SECONDS, Math.ceil(Date.now() / 1000) + MIN_TTL_SECONDS);
    await this.kv.put(key, '', { metadata: entry, expiration });
  }

  /** The newest entries first: one list(). */
  async read(limit = 200): Promise<AuditEntry[]> {
    const page = await this.kv.list<AuditEntry>({ prefix: PREFIX, limit });
    return page.keys.map((key) => key.metadata).filter((entry): entry is AuditEntry => !!entry);
  }

  /**
   * The newest entries that pass a filter (who did it, which sites), from `cursor` on: one
   * list() per 1,000 entries looked at, at most `pages` lists per call. `next` continues where
   * this call stopped (null at the end of the log).
   *
   * @example
   * await log.find({ by: member.id, sites: ['demo'] }); // { entries, next }
   */
  async find(filter: AuditFilter, options: { limit?: number; cursor?: string; pages?: number } = {}): Promise<{ entries: AuditEntry[]; next: string | null }> {
    const limit = options.limit ?? 200;
    // A cursor is "{entries to skip}.{KV cursor of the page}": a call may stop inside a page.
    const [skipText, ...rest] = (options.cursor ?? '').split('.');
    let skip = Number(skipText) || 0;
    let pageCursor: string | undefined = rest.join('.') || undefined;
    const entries: AuditEntry[] = [];
    for (let pages = options.pages ?? 5; pages > 0; pages--) {
      const page = await this.kv.list<AuditEntry>({ prefix: PREFIX, limit: 1000, cursor: pageCursor });
      for (let index = skip; index < page.keys.length; index++) {
        const entry = page.keys[index].metadata;
        if (!entry || !auditMatches(entry, filter)) continue;
        entries.push(entry);
        if (entries.length === limit) {
          const more = index + 1 < page.keys.length || !page.list_complete;
          return { entries, next: more ? `${index + 1}.${pageCursor ?? ''}` : null };
        }
      }
      skip = 0;
      if (page.list_complete) return { entries, next: null };
      pageCursor = page.cursor;
    }
    return { entries, next: `0.${pageCursor ?? ''}` };
  }

  /** The whole log, newest first, with keys and expiry: one list() per 1,000 entries. */
  async readAll(): Promise<StoredAuditEntry[]> {
    return (await listKeys<AuditEntry>(this.kv, PREFIX))
      .filter((key) => key.metadata)
      .map((key) => ({ key: key.name, entry: key.metadata!, ...(key.expiration ? { expiration: key.expiration } : {}) }));
  }

  /** The key a restored entry gets: from its time and a hash of its content, so restoring twice writes it once. */
  static async restoredKey(entry: AuditEntry): Promise<string> {
    return keyFor(Date.parse(entry.at), (await sha256Hex(JSON.stringify(entry))).slice(0, 6));
  }

  /** Rewrites stored entries in place (same key, same expiry). */
  async rewrite(entries: StoredAuditEntry[]): Promise<void> {
    await Promise.all(
      entries.map(({ key, entry, expiration }) => {
        const options: KVNamespacePutOptions = { metadata: entry };
        if (expiration) options.expiration = Math.max(expiration, Math.ceil(Date.now() / 1000) + MIN_TTL_SECONDS);
        return this.kv.put(key, '', options);
      }),
    );
  }
}
