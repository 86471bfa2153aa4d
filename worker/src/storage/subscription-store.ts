import { keys } from './keys';
import { listKeys } from './kv-list';

/** An email subscription: to a whole thread, or to replies to one comment. */
export interface Subscription {
  site: string;
  thread: string;
  email: string;
  /** "thread", or the id of the comment whose replies are followed. */
  target: string;
  confirmed: boolean;
  createdAt: string;
  confirmedAt?: string;
}

interface SubscriptionMeta {
  /** confirmed */
  c: boolean;
  /** target */
  t: string;
}

/** Email subscriptions on KV: one key per (thread, email, target). Keys come from ./keys. */
export class SubscriptionStore {
  constructor(private readonly kv: KVNamespace) {}

  async key(sub: Pick<Subscription, 'site' | 'thread' | 'target'>, emailHash: string): Promise<string> {
    return keys.subscription(sub.site, sub.thread, emailHash, sub.target);
  }

  async get(key: string): Promise<Subscription | null> {
    if (!key.startsWith('sub:')) return null;
    return this.kv.get<Subscription>(key, 'json');
  }

  async put(key: string, sub: Subscription): Promise<void> {
    await this.kv.put(key, JSON.stringify(sub), { metadata: { c: sub.confirmed, t: sub.target } satisfies SubscriptionMeta });
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  /** Confirmed subscription keys of a thread that want to hear about a reply to `parentId` (null: a top-level comment). */
  async recipients(site: string, thread: string, parentId: string | null): Promise<string[]> {
    const prefix = await keys.subscriptionPrefix(site, thread);
    const found = (await listKeys<SubscriptionMeta>(this.kv, prefix))
      .filter((key) => key.metadata?.c && (key.metadata.t === 'thread' || key.metadata.t === parentId))
      .map((key) => key.name);
    return found;
  }

  /** Confirmed followers of a whole thread (for "Join N other followers"). */
  async countFollowers(site: string, thread: string): Promise<number> {
    const prefix = await keys.subscriptionPrefix(site, thread);
    const count = (await listKeys<SubscriptionMeta>(this.kv, prefix)).filter((key) => key.metadata?.c && key.metadata.t === 'thread').length;
    return count;
  }
}
