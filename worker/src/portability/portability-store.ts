import { sha256Hex } from '../lib/crypto';
import { keys } from '../storage/keys';
import { listKeys } from '../storage/kv-list';
import type { ThreadSettings } from '../storage/comment-store';
import type { AuditEntry } from '../storage/moderation-store';
import type { Subscription } from '../storage/subscription-store';

const BULK_GET = 100;
/** The audit log keeps entries a year (see ModerationStore). */
const AUDIT_TTL_SECONDS = 365 * 86_400;
/** KV refuses expirations less than 60 s ahead. */
const MIN_TTL_SECONDS = 60;

/** An audit entry as stored, with its key and expiry (seconds since the epoch). */
export interface StoredAuditEntry {
  key: string;
  entry: AuditEntry;
  expiration?: number;
}

/**
 * The KV side of data portability that the comment and moderation stores do not cover:
 * erasure markers, the whole audit log of a site, thread settings by site. Every key comes
 * from ../storage/keys.ts.
 */
export class PortabilityStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Which of these ids were erased on request (one bulk read per 100 ids). */
  async erasedAmong(site: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += BULK_GET) {
      const chunk = ids.slice(start, start + BULK_GET);
      const values = (await this.kv.get(chunk.map((id) => keys.erased(site, id)), 'text')) as Map<string, string | null>;
      for (const id of chunk) if (values.get(keys.erased(site, id)) != null) found.add(id);
    }
    return found;
  }

  /** Remembers that a comment was erased, so no import brings it back. The marker holds nothing but the id. */
  async markErased(site: string, id: string): Promise<void> {
    await this.kv.put(keys.erased(site, id), '1');
  }

  /** Every erased id of a site: one list() per 1,000. */
  async listErased(site: string): Promise<string[]> {
    const prefix = keys.erasedPrefix(site);
    return (await this.listNames(prefix)).map((name) => name.slice(prefix.length));
  }

  /** The whole audit log, newest first, with keys and expiry: one list() per 1,000 entries. */
  async listAudit(): Promise<StoredAuditEntry[]> {
    return (await listKeys<AuditEntry>(this.kv, keys.auditPrefix))
      .filter((key) => key.metadata)
      .map((key) => ({ key: key.name, entry: key.metadata!, ...(key.expiration ? { expiration: key.expiration } : {}) }));
  }

  /**
   * Writes an audit entry as it was (a restore): its key derives from its time and content, so
   * restoring twice writes it once. It expires a year after it was made, as any entry does.
   */
  async putAuditEntry(entry: AuditEntry): Promise<void> {
    const at = Date.parse(entry.at);
    const expiration = Math.max(Math.floor(at / 1000) + AUDIT_TTL_SECONDS, Math.ceil(Date.now() / 1000) + MIN_TTL_SECONDS);
    await this.kv.put(await this.restoredAuditKey(entry), '', { metadata: entry, expiration });
  }

  /** The key a restored audit entry gets: from its time and a hash of its content. */
  async restoredAuditKey(entry: AuditEntry): Promise<string> {
    return keys.audit(Date.parse(entry.at), (await sha256Hex(JSON.stringify(entry))).slice(0, 6));
  }

  /** Rewrites stored audit entries in place (same key, same expiry). */
  async rewriteAudit(entries: StoredAuditEntry[]): Promise<void> {
    await Promise.all(
      entries.map(({ key, entry, expiration }) => {
        const options: KVNamespacePutOptions = { metadata: entry };
        if (expiration) options.expiration = Math.max(expiration, Math.ceil(Date.now() / 1000) + MIN_TTL_SECONDS);
        return this.kv.put(key, '', options);
      }),
    );
  }

  /**
   * Threads of a site that have settings (locked, pinned), with them. A thread id too long to
   * be spelled out in its key is found among `knownThreads`; one not found there is skipped.
   */
  async listThreadSettings(site: string, knownThreads: Iterable<string>): Promise<{ thread: string; settings: ThreadSettings }[]> {
    const prefix = keys.threadSettingsPrefix(site);
    const names = await this.listNames(prefix);
    const hashed = new Map<string, string>();
    for (const thread of knownThreads) {
      const part = await keys.threadPart(thread);
      if (part.startsWith('#')) hashed.set(part, thread);
    }
    const found: { thread: string; key: string }[] = [];
    for (const name of names) {
      const part = name.slice(prefix.length);
      const thread = keys.threadOfPart(part) ?? hashed.get(part);
      if (thread !== undefined) found.push({ thread, key: name });
    }
    const out: { thread: string; settings: ThreadSettings }[] = [];
    for (let start = 0; start < found.length; start += BULK_GET) {
      const chunk = found.slice(start, start + BULK_GET);
      const values = (await this.kv.get<ThreadSettings>(chunk.map((entry) => entry.key), 'json')) as Map<string, ThreadSettings | null>;
      for (const { thread, key } of chunk) {
        const settings = values.get(key);
        if (settings) out.push({ thread, settings });
      }
    }
    return out;
  }

  /** Saves a thread's settings without rebuilding its view (the caller rebuilds each thread once). */
  async putThreadSettings(site: string, thread: string, settings: ThreadSettings): Promise<void> {
    await this.kv.put(await keys.threadSettings(site, thread), JSON.stringify(settings));
  }

  /** Every email subscription of a site, with its key: one list() per 1,000 and one bulk read per 100. */
  async listSubscriptions(site: string): Promise<{ key: string; subscription: Subscription }[]> {
    const names = await this.listNames(keys.siteSubscriptionPrefix(site));
    const out: { key: string; subscription: Subscription }[] = [];
    for (let start = 0; start < names.length; start += BULK_GET) {
      const chunk = names.slice(start, start + BULK_GET);
      const values = (await this.kv.get<Subscription>(chunk, 'json')) as Map<string, Subscription | null>;
      for (const key of chunk) {
        const subscription = values.get(key);
        if (subscription) out.push({ key, subscription });
      }
    }
    return out;
  }

  /**
   * Deletes the email subscriptions of one address (by its keyed hash, which every
   * subscription key carries: `sub:{site}:{thread}:{emailHash}:{target}`), on one site or all.
   * Returns how many there were.
   */
  async deleteSubscriptionsOf(emailHash: string, site?: string): Promise<number> {
    const prefix = keys.siteSubscriptionPrefix(site);
    const names = (await this.listNames(prefix)).filter((name) => name.split(':')[3] === emailHash);
    await Promise.all(names.map((name) => this.kv.delete(name)));
    return names.length;
  }

  private async listNames(prefix: string): Promise<string[]> {
    return (await listKeys(this.kv, prefix)).map((key) => key.name);
  }
}
