import type { Bindings } from '../app-env';
import { SiteObjects, ThreadObjects } from '../objects/clients';
import { FollowersObjects } from '../objects/followers/client';
import { AuditLog } from './audit-log';
import { ErasedMarkers } from './erased';
import { ModerationStore } from './moderation-store';
import { Outbox } from './outbox';
import { PublishedStore } from './published';
import { RecordStore } from './records';
import { TeamDirectory } from '../team/team-directory';

/** Every store a request uses, each the only code for its keys (or its objects). */
export interface Stores {
  /** Comment records (`ptr:`, and `rec:` as earlier releases wrote them): read here, written by thread objects. */
  records: RecordStore;
  /** What readers read (`view:`, `vpage:`, `vrep:`, `cnt:`): read here, written by thread objects. */
  published: PublishedStore;
  /** Bans, poster activity, used links (`ban:`, `who:`, `once:`). */
  moderation: ModerationStore;
  /** The audit log (`audit:`). */
  audit: AuditLog;
  /** The development mail outbox (`outbox:`). */
  outbox: Outbox;
  /** Comments erased on request (`erased:`). */
  erased: ErasedMarkers;
  /** Each thread's single writer. */
  threads: ThreadObjects;
  /** Each site's index: queues, search, feeds, exports, the reconciler. */
  sites: SiteObjects;
  /** Each site's followers by email, its posts and their sends. */
  followers: FollowersObjects;
  /** The moderation team's accounts, sessions and tokens (one object). */
  team: TeamDirectory;
}

export interface StoreOptions {
  /** Wraps the KV binding (tests count calls, or model several locations). */
  wrapKv?: (kv: KVNamespace) => KVNamespace;
  /** Told of every call to a Durable Object (tests count them). */
  onObjectCall?: (kind: 'thread' | 'site' | 'followers') => void;
}

/**
 * Builds every store of a request, all on the same (possibly wrapped) KV binding, so what a
 * request costs can be counted in one place.
 *
 * @example
 * const stores = createStores(env);
 * const where = await stores.records.locate(id);
 */
export function createStores(env: Bindings, options: StoreOptions = {}): Stores {
  const kv = options.wrapKv ? options.wrapKv(env.PARLEY_KV) : env.PARLEY_KV;
  const observe = options.onObjectCall ?? (() => {});
  return {
    records: new RecordStore(kv),
    published: new PublishedStore(kv),
    moderation: new ModerationStore(kv),
    audit: new AuditLog(kv),
    outbox: new Outbox(kv),
    erased: new ErasedMarkers(kv),
    threads: new ThreadObjects(env.THREAD_OBJECTS, () => observe('thread')),
    sites: new SiteObjects(env.SITE_OBJECTS, () => observe('site')),
    followers: new FollowersObjects(env.FOLLOWER_OBJECTS, () => observe('followers')),
    team: new TeamDirectory(env.TEAM_OBJECTS),
  };
}
