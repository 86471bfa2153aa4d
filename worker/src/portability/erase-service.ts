import { ApiError } from '../errors';
import { secretsEqual, sha256Hex } from '../lib/crypto';
import { originAllowed } from '../lib/origin';
import { hashEmail, maskEmail } from '../moderation/identity';
import type { CommentRecord } from '../storage/comment-store';
import { SubscriptionStore } from '../storage/subscription-store';
import { OutboxMailer } from '../mail/mailer';
import { portabilityStore, type PortabilityContext } from './import-service';

/** Records scanned per erase request: five list() calls and fifty bulk reads. */
export const ERASE_SCAN_PAGE = 5000;

/** What an erasure did. */
export interface EraseResult {
  /** The comments erased: gone from storage for good. */
  erased: { id: string; site: string; thread: string }[];
  /** Email subscriptions of that address deleted (following threads or replies). */
  subscriptions: number;
  /**
   * Where else the address was written, now erased (on the first call only): bans whose
   * moderator's reason named it (the reason is cleared, the ban stays: it holds only a hash),
   * audit entries naming it, and copies of mail in the development outbox.
   */
  mentions: { bans: number; audit: number; outbox: number };
  /** Records looked at (erasure by email scans every record: there is no index by email). */
  scanned: number;
  /** Null when every record was looked at; else pass it back as `cursor` to go on. */
  next: string | null;
}

/**
 * Erases comments for good and everything that points to them: records, pointers, queue
 * markers, likes and the author's following of its replies go; an `erased:` marker (the id, nothing else) keeps a re-import from
 * bringing them back; the audit entries about them lose their detail (which names the author);
 * each thread's view is rebuilt, where approved replies keep their place under a placeholder.
 */
async function eraseRecords(c: PortabilityContext, records: CommentRecord[]): Promise<void> {
  if (records.length === 0) return;
  const portability = portabilityStore(c);
  const subscriptions = new SubscriptionStore(c.env.PARLEY_KV);
  await Promise.all(
    records.map(async (record) => {
      await Promise.all([c.var.store.erase(record), portability.markErased(record.site, record.id)]);
      // Following the replies to this comment ends with it.
      const emailHash = await hashEmail(c.env, record.email);
      if (emailHash) await subscriptions.delete(await subscriptions.key({ site: record.site, thread: record.thread, target: record.id }, emailHash));
    }),
  );
  const ids = new Set(records.map((record) => record.id));
  const mentions = (await portability.listAudit()).filter(({ entry }) => entry.commentId && ids.has(entry.commentId) && entry.detail !== '(erased)');
  await portability.rewriteAudit(mentions.map((stored) => ({ ...stored, entry: { ...stored.entry, detail: '(erased)' } })));
  const threads = new Map(records.map((record) => [`${record.site}\n${record.thread}`, record]));
  for (const record of threads.values()) await c.var.store.rebuildView(record.site, record.thread, 'change');
}

/** Erases free text that names an address: ban reasons, audit details, the development outbox's mail. */
async function eraseMentions(c: PortabilityContext, email: string): Promise<EraseResult['mentions']> {
  const names = (text: string | undefined) => Boolean(text?.toLowerCase().includes(email));
  const bans = (await c.var.moderation.listBans()).filter((ban) => names(ban.reason) || names(ban.label));
  await Promise.all(bans.map((ban) => c.var.moderation.putBan({ ...ban, reason: '(erased)', label: names(ban.label) ? '(erased)' : ban.label })));
  const portability = portabilityStore(c);
  const audit = (await portability.listAudit()).filter(({ entry }) => names(entry.detail) || names(entry.who));
  await portability.rewriteAudit(audit.map((stored) => ({ ...stored, entry: { ...stored.entry, detail: '(erased)', who: names(stored.entry.who) ? '(erased)' : stored.entry.who } })));
  const outbox = await OutboxMailer.eraseAddress(c.env.PARLEY_KV, email);
  return { bans: bans.length, audit: audit.length, outbox };
}

/** One audit entry per site touched, naming no one: a masked email, or the author's own request. */
async function auditErasure(c: PortabilityContext, records: CommentRecord[], action: string, who: string, label: string): Promise<void> {
  const bySite = new Map<string, number>();
  for (const record of records) bySite.set(record.site, (bySite.get(record.site) ?? 0) + 1);
  for (const [site, count] of bySite) {
    await c.var.moderation.audit({ who, action, site, detail: `${label}: ${count} comment${count === 1 ? '' : 's'} erased` });
  }
}

/**
 * Erases every comment written with an email address (`DELETE /api/admin/erase?email=`), on
 * one site or all, and that address's email subscriptions. Emails match without regard to case or surrounding spaces. Scans up to
 * {@link ERASE_SCAN_PAGE} records per call; a larger store answers `next`, to call again.
 */
export async function eraseByEmail(c: PortabilityContext, email: string, options: { site?: string; cursor?: string | null } = {}): Promise<EraseResult> {
  const wanted = email.trim().toLowerCase();
  const matches: CommentRecord[] = [];
  let scanned = 0;
  let next: string | null = options.cursor ?? null;
  do {
    const page = await c.var.store.scanRecords({ site: options.site, cursor: next });
    scanned += page.records.length;
    for (const { record } of page.records) if (record.email && record.email.trim().toLowerCase() === wanted) matches.push(record);
    next = page.cursor;
  } while (next && scanned < ERASE_SCAN_PAGE);
  await eraseRecords(c, matches);
  const subscriptions = options.cursor ? 0 : await portabilityStore(c).deleteSubscriptionsOf((await hashEmail(c.env, wanted))!, options.site);
  if (matches.length > 0) await auditErasure(c, matches, 'erase', c.var.actor, maskEmail(wanted));
  else await c.var.moderation.audit({ who: c.var.actor, action: 'erase', site: options.site, detail: `${maskEmail(wanted)}: no comments found, ${subscriptions} subscription(s) erased` });
  const mentions = options.cursor ? { bans: 0, audit: 0, outbox: 0 } : await eraseMentions(c, wanted);
  return { erased: matches.map(({ id, site, thread }) => ({ id, site, thread })), subscriptions, mentions, scanned, next };
}

/**
 * A reader erases their own comments (`POST /api/comments/erase`), proving each with the edit
 * token they got when posting it. All or nothing: one wrong token and nothing is erased. Ids
 * that no longer exist count as erased already. Works whatever the status and however old the
 * comment (the edit window does not apply to a right to erasure).
 */
export async function eraseOwn(c: PortabilityContext & { origin: string | undefined; url: string }, items: { id: string; token: string }[]): Promise<{ erased: string[]; gone: string[] }> {
  const records = await c.var.store.getMany(items.map((item) => item.id));
  const chosen: CommentRecord[] = [];
  const gone: string[] = [];
  for (const [index, item] of items.entries()) {
    const record = records.get(item.id);
    if (!record) {
      gone.push(item.id);
      continue;
    }
    const site = c.var.sites.get(record.site);
    if (site && !originAllowed(c.origin, c.url, site)) {
      throw new ApiError(403, 'forbidden_origin', "This page's origin may not change comments of this site.");
    }
    if (!record.tokenHash || !(await secretsEqual(await sha256Hex(item.token), record.tokenHash))) {
      throw new ApiError(401, 'unauthorized', `The edit token of comment ${item.id} is wrong: nothing was erased.`, `items.${index}.token`);
    }
    if (!chosen.some((other) => other.id === record.id)) chosen.push(record);
  }
  await eraseRecords(c, chosen);
  await auditErasure(c, chosen, 'erase-own', 'author', 'at the author\'s request');
  return { erased: chosen.map((record) => record.id), gone };
}
