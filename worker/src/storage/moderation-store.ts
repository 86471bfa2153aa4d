import { bulkGet } from './kv-list';

/** A ban of an email address or an IP address. Only a keyed hash of either is stored. */
export interface Ban {
  kind: 'email' | 'ip';
  hash: string;
  /** What the moderator saw, masked (e.g. `a***@example.com`, `IP of Ada's comment`). */
  label: string;
  reason: string;
  by: string;
  createdAt: string;
  /** ISO time the ban ends, or null for never. */
  until: string | null;
  /** The one site it applies to (a ban by a moderator of some sites), or absent: every site (the owner's). */
  site?: string;
  /** The verified identity of who banned (see AuditEntry.by). */
  byId?: string;
}

/** A poster's recent activity on one site, for the rate limit and the duplicate check. */
export interface PosterActivity {
  /** Start (ms) of the current one-minute window, and posts in it. */
  windowStart: number;
  count: number;
  /** Hashes of recent bodies (per thread), with when they were posted (ms). */
  recent: { h: string; t: number }[];
}

const DAY = 86_400;
/** KV's smallest expiration TTL, in seconds. */
const MIN_TTL = 60;

const keys = {
  ban: (kind: 'e' | 'i', hash: string, site?: string) => (site ? `ban:${kind}:${hash}:${site}` : `ban:${kind}:${hash}`),
  banPrefix: 'ban:',
  poster: (site: string, ipHash: string) => `who:${site}:${ipHash}`,
  usedLink: (nonce: string) => `once:${nonce}`,
};

/**
 * Moderation state on KV, beside the comments: bans (`ban:{e|i}:{hash}`, expiring with the
 * ban), poster activity (`who:{site}:{ipHash}`, a day) and used signed links (`once:{nonce}`).
 * This module is the only code that builds or parses these keys.
 */
export class ModerationStore {
  constructor(private readonly kv: KVNamespace) {}

  async putBan(ban: Ban): Promise<void> {
    const options: KVNamespacePutOptions = { metadata: ban };
    if (ban.until) options.expiration = Math.max(Math.ceil(Date.parse(ban.until) / 1000), Math.ceil(Date.now() / 1000) + MIN_TTL);
    await this.kv.put(keys.ban(ban.kind === 'email' ? 'e' : 'i', ban.hash, ban.site), JSON.stringify(ban), options);
  }

  /**
   * The first ban in force among the given hashes, on every site or on this one, or null. One
   * read per hash and scope (every site, this site), in parallel.
   */
  async findBan(emailHash: string | null, ipHash: string | null, site?: string): Promise<Ban | null> {
    const scopes = site ? [undefined, site] : [undefined];
    const names = scopes.flatMap((scope) => [emailHash ? keys.ban('e', emailHash, scope) : null, ipHash ? keys.ban('i', ipHash, scope) : null]).filter((name) => name !== null);
    // One bulk read for the (up to) four keys: one KV operation, where four gets were four.
    const found = await bulkGet<Ban>(this.kv, names);
    const now = Date.now();
    return names.map((name) => found.get(name)).find((ban): ban is Ban => ban !== undefined && (ban.until === null || Date.parse(ban.until) > now)) ?? null;
  }

  async listBans(): Promise<Ban[]> {
    const page = await this.kv.list<Ban>({ prefix: keys.banPrefix, limit: 1000 });
    const now = Date.now();
    return page.keys
      .map((key) => key.metadata)
      .filter((ban): ban is Ban => !!ban && (ban.until === null || Date.parse(ban.until) > now))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Lifts a ban on every site (no `site`) or on one site. */
  async deleteBan(kind: 'email' | 'ip', hash: string, site?: string): Promise<void> {
    await this.kv.delete(keys.ban(kind === 'email' ? 'e' : 'i', hash, site));
  }

  async getActivity(site: string, ipHash: string): Promise<PosterActivity | null> {
    return this.kv.get<PosterActivity>(keys.poster(site, ipHash), 'json');
  }

  async putActivity(site: string, ipHash: string, activity: PosterActivity): Promise<void> {
    await this.kv.put(keys.poster(site, ipHash), JSON.stringify(activity), { expirationTtl: DAY });
  }

  async linkUsed(nonce: string): Promise<boolean> {
    return (await this.kv.get(keys.usedLink(nonce))) !== null;
  }

  async markLinkUsed(nonce: string, expiresAtSeconds: number): Promise<void> {
    await this.kv.put(keys.usedLink(nonce), '1', { expiration: Math.max(expiresAtSeconds, Math.ceil(Date.now() / 1000) + MIN_TTL) });
  }
}
