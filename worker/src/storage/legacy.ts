import { listKeys } from './kv-list';
import { bulkGet } from './kv-list';
import { threadPart } from './thread-part';

/**
 * The KV layout before thread objects (releases up to 17c2878), read once when a thread's
 * object or a site's object first starts, so a store written by an earlier release keeps
 * working. Nothing here is written any more:
 *
 * - `thr:{site}:{thread}` thread settings `{locked, pinned, followers?, subscribed?}`;
 * - `like:{site}:{thread}:{id}:{voter}` one reader's like (empty value);
 * - `sub:{site}:{thread}:{emailHash}:{target}` an email subscription (the whole of it as JSON);
 * - `q:{status}:{id}`, `vcache:…`, and views without format metadata: left to expire or be replaced.
 *
 * This module is the only code that builds or parses these keys.
 */
export interface LegacyThreadSettings {
  locked: boolean;
  pinned: string[];
}

export interface LegacySubscription {
  key: string;
  email: string;
  target: string;
  confirmed: boolean;
  createdAt: string;
  confirmedAt?: string;
}

export class LegacyLayout {
  constructor(private readonly kv: KVNamespace) {}

  async threadSettings(site: string, thread: string): Promise<LegacyThreadSettings | null> {
    const settings = await this.kv.get<Partial<LegacyThreadSettings>>(`thr:${site}:${await threadPart(thread)}`, 'json');
    return settings ? { locked: settings.locked === true, pinned: Array.isArray(settings.pinned) ? settings.pinned.filter((id) => typeof id === 'string') : [] } : null;
  }

  /** Voters of each liked comment: one list() per 1,000 likes. */
  async likes(site: string, thread: string): Promise<Map<string, string[]>> {
    const prefix = `like:${site}:${await threadPart(thread)}:`;
    const voters = new Map<string, string[]>();
    for (const key of await listKeys(this.kv, prefix)) {
      const [id, voter] = key.name.slice(prefix.length).split(':');
      if (id && voter) voters.set(id, [...(voters.get(id) ?? []), voter]);
    }
    return voters;
  }

  /** The thread's email subscriptions: one list() per 1,000 and one bulk read per 100. */
  async subscriptions(site: string, thread: string): Promise<LegacySubscription[]> {
    const prefix = `sub:${site}:${await threadPart(thread)}:`;
    const names = (await listKeys(this.kv, prefix)).map((key) => key.name);
    const values = await bulkGet<Omit<LegacySubscription, 'key'>>(this.kv, names);
    const out: LegacySubscription[] = [];
    for (const key of names) {
      const sub = values.get(key);
      if (sub && typeof sub.email === 'string' && typeof sub.target === 'string') {
        out.push({ key, email: sub.email, target: sub.target, confirmed: sub.confirmed === true, createdAt: sub.createdAt ?? new Date(0).toISOString(), ...(sub.confirmedAt ? { confirmedAt: sub.confirmedAt } : {}) });
      }
    }
    return out;
  }

  /** The site and thread key part a subscription link made before thread objects names (`sub:{site}:{part}:{hash}:{target}`). */
  static parseSubscriptionKey(key: string): { site: string; part: string; emailHash: string; target: string } | null {
    const parts = key.split(':');
    if (parts.length !== 5 || parts[0] !== 'sub') return null;
    const [, site, part, emailHash, target] = parts;
    return { site, part, emailHash, target };
  }
}
