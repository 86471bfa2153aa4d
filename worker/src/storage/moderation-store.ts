import { keys } from './keys';

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
}

/** One moderation action, kept for the audit log. */
export interface AuditEntry {
  at: string;
  /** The moderator's name (given at sign-in) and channel, e.g. "Ada (dashboard)". */
  who: string;
  action: string;
  commentId?: string;
  site?: string;
  thread?: string;
  detail?: string;
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
const AUDIT_TTL_DAYS = 365;

/**
 * Moderation state on KV, beside the comments: bans, poster activity, used signed links,
 * the audit log and thread settings. Keys come from ./keys.
 */
export class ModerationStore {
  constructor(private readonly kv: KVNamespace) {}

  async putBan(ban: Ban): Promise<void> {
    const options: KVNamespacePutOptions = { metadata: ban };
    if (ban.until) options.expiration = Math.max(Math.ceil(Date.parse(ban.until) / 1000), Math.ceil(Date.now() / 1000) + MIN_TTL);
    await this.kv.put(keys.ban(ban.kind === 'email' ? 'e' : 'i', ban.hash), JSON.stringify(ban), options);
  }

  /** The first ban in force among the given hashes, or null. One read per hash, in parallel. */
  async findBan(emailHash: string | null, ipHash: string | null): Promise<Ban | null> {
    const found = await Promise.all([
      emailHash ? this.kv.get<Ban>(keys.ban('e', emailHash), 'json') : null,
      ipHash ? this.kv.get<Ban>(keys.ban('i', ipHash), 'json') : null,
    ]);
    const now = Date.now();
    return found.find((ban): ban is Ban => ban !== null && (ban.until === null || Date.parse(ban.until) > now)) ?? null;
  }

  async listBans(): Promise<Ban[]> {
    const page = await this.kv.list<Ban>({ prefix: keys.banPrefix, limit: 1000 });
    const now = Date.now();
    return page.keys
      .map((key) => key.metadata)
      .filter((ban): ban is Ban => !!ban && (ban.until === null || Date.parse(ban.until) > now))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async deleteBan(kind: 'email' | 'ip', hash: string): Promise<void> {
    await this.kv.delete(keys.ban(kind === 'email' ? 'e' : 'i', hash));
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

  /** Appends to the audit log. The whole entry lives in the key's metadata, so reading the log needs no gets. */
  async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const now = Date.now();
    const full: AuditEntry = { at: new Date(now).toISOString(), ...entry };
    if (full.detail && full.detail.length > 300) full.detail = `${full.detail.slice(0, 299)}…`;
    const random = Math.random().toString(36).slice(2, 8);
    await this.kv.put(keys.audit(now, random), '', { metadata: full, expirationTtl: AUDIT_TTL_DAYS * DAY });
  }

  /** The newest audit entries first: one list(). */
  async readAudit(limit = 200): Promise<AuditEntry[]> {
    const page = await this.kv.list<AuditEntry>({ prefix: keys.auditPrefix, limit });
    return page.keys.map((key) => key.metadata).filter((entry): entry is AuditEntry => !!entry);
  }
}
