import { sha256Hex } from '../lib/crypto';
import type { CommentStatus } from '../wire';

/**
 * The KV key scheme, in one place.
 *
 * - `rec:{site}:{thread}:{id}` one comment record (value: CommentRecord; metadata: RecordMeta).
 *   One key per comment: two comments written at the same moment can never overwrite each other.
 * - `ptr:{id}` the site and thread of a comment, written once, so moderation can find a record by id.
 * - `q:{status}:{id}` one marker per comment in the moderation queue of that status.
 * - `view:{site}:{thread}` the derived approved-only ThreadView of a thread.
 * - `cnt:{site}:{thread}` the thread's approved-comment count (a few bytes, for index pages).
 * - `vpage:{site}:{thread}:{n}` page n of a thread with more than one page; `vcache:{site}:{thread}` its rebuild cache.
 * - `like:{site}:{thread}:{id}:{voter}` one reader's like of one comment (empty value).
 * - `thr:{site}:{thread}` a thread's settings (locked, pinned comments); copied into its view.
 * - `ban:{e|i}:{hash}` a ban of an email or an IP, by keyed hash; expires with the ban.
 * - `who:{site}:{ipHash}` a poster's recent activity (rate limit and duplicate check); expires in a day.
 * - `once:{nonce}` a signed moderation link that has been used; expires with the link.
 * - `audit:{inverted time}{random}` one moderation action, newest first in list order.
 * - `sub:{site}:{thread}:{emailHash}:{target}` one email subscription: to a thread (`target` "thread") or to replies to one comment (its id).
 * - `outbox:{inverted time}{id}` a mail message kept by the development outbox.
 * - `erased:{site}:{id}` a comment erased on request (GDPR): a re-import never brings it back (empty value).
 *
 * `{thread}` is the URL-encoded thread id (so it has no `:`), or `#` and its SHA-256 when that
 * would make keys longer than KV's 512-byte limit.
 */
export const keys = {
  async threadPart(thread: string): Promise<string> {
    const encoded = encodeURIComponent(thread);
    return encoded.length <= 300 ? encoded : `#${await sha256Hex(thread)}`;
  },
  async record(site: string, thread: string, id: string): Promise<string> {
    return `rec:${site}:${await keys.threadPart(thread)}:${id}`;
  },
  async recordPrefix(site: string, thread: string): Promise<string> {
    return `rec:${site}:${await keys.threadPart(thread)}:`;
  },
  pointer: (id: string) => `ptr:${id}`,
  queue: (status: CommentStatus, id: string) => `q:${status}:${id}`,
  queuePrefix: (status: CommentStatus) => `q:${status}:`,
  async view(site: string, thread: string): Promise<string> {
    return `view:${site}:${await keys.threadPart(thread)}`;
  },
  async count(site: string, thread: string): Promise<string> {
    return `cnt:${site}:${await keys.threadPart(thread)}`;
  },
  async viewPage(site: string, thread: string, index: number): Promise<string> {
    return `vpage:${site}:${await keys.threadPart(thread)}:${index}`;
  },
  async viewCache(site: string, thread: string): Promise<string> {
    return `vcache:${site}:${await keys.threadPart(thread)}`;
  },
  async like(site: string, thread: string, id: string, voter: string): Promise<string> {
    return `like:${site}:${await keys.threadPart(thread)}:${id}:${voter}`;
  },
  async likePrefix(site: string, thread: string): Promise<string> {
    return `like:${site}:${await keys.threadPart(thread)}:`;
  },
  async threadSettings(site: string, thread: string): Promise<string> {
    return `thr:${site}:${await keys.threadPart(thread)}`;
  },
  ban: (kind: 'e' | 'i', hash: string) => `ban:${kind}:${hash}`,
  banPrefix: 'ban:',
  poster: (site: string, ipHash: string) => `who:${site}:${ipHash}`,
  usedLink: (nonce: string) => `once:${nonce}`,
  /** Newest entries sort first: KV lists keys in ascending order. */
  audit(now: number, random: string): string {
    return `audit:${String(9_999_999_999_999 - now).padStart(13, '0')}${random}`;
  },
  auditPrefix: 'audit:',
  async subscription(site: string, thread: string, emailHash: string, target: string): Promise<string> {
    return `sub:${site}:${await keys.threadPart(thread)}:${emailHash}:${target}`;
  },
  async subscriptionPrefix(site: string, thread: string): Promise<string> {
    return `sub:${site}:${await keys.threadPart(thread)}:`;
  },

  // Data portability (import, export, erasure). See worker/src/portability/.
  /** Every record of one site: `rec:{site}:`. */
  siteRecordPrefix: (site: string) => `rec:${site}:`,
  /** Every like on one site: `like:{site}:`. */
  siteLikePrefix: (site: string) => `like:${site}:`,
  /** Every like of one comment: `like:{site}:{thread}:{id}:`. */
  async commentLikePrefix(site: string, thread: string, id: string): Promise<string> {
    return `like:${site}:${await keys.threadPart(thread)}:${id}:`;
  },
  /** Every thread's settings on one site: `thr:{site}:`. */
  threadSettingsPrefix: (site: string) => `thr:${site}:`,
  /**
   * The thread id a `{thread}` key part stands for, or null when the part is a hash (a thread
   * id too long to spell out in a key: find it among known threads with {@link keys.threadPart}).
   */
  threadOfPart(part: string): string | null {
    if (part.startsWith('#')) return null;
    try {
      return decodeURIComponent(part);
    } catch {
      return null;
    }
  },
  /** Every email subscription on one site: `sub:{site}:` (all sites: `sub:`). */
  siteSubscriptionPrefix: (site?: string) => (site ? `sub:${site}:` : 'sub:'),
  erased: (site: string, id: string) => `erased:${site}:${id}`,
  erasedPrefix: (site: string) => `erased:${site}:`,
};
