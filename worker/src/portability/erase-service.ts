import { ApiError } from '../errors';
import { secretsEqual, sha256Hex } from '../lib/crypto';
import { originAllowed } from '../lib/origin';
import { hashEmail, maskEmail } from '../moderation/identity';
import type { CommentRecord } from '../storage/records';
import { isSkeleton } from '../objects/thread/rules';
import type { PortabilityContext } from './import-service';

/** What an erasure did. */
export interface EraseResult {
  /** The comments erased: gone from storage for good. */
  erased: { id: string; site: string; thread: string }[];
  /** Email subscriptions of that address deleted (following threads or replies). */
  subscriptions: number;
  /** Sites whose followers (of posts by email) the address was removed from, whatever its state. */
  followers: number;
  /**
   * Where else the address was written, now erased: bans whose moderator's reason named it (the
   * reason is cleared, the ban stays: it holds only a hash), audit entries naming it, and copies
   * of mail in the development outbox.
   */
  mentions: { bans: number; audit: number; outbox: number };
  /** Comments looked at: every comment written with the address, found through each site's index. */
  scanned: number;
  /** Always null: the site's index finds every comment of the address at once (kept for clients of earlier releases). */
  next: string | null;
}

/**
 * Erases comments for good and everything that points to them: each thread's object deletes the
 * record (a comment with replies leaves a skeleton without content, so the replies keep their
 * place), its likes and the following of its replies; an `erased:` marker (the id, nothing
 * else) keeps a re-import from bringing them back; the audit entries about them lose their
 * detail (which names the author).
 */
async function eraseRecords(c: PortabilityContext, records: CommentRecord[]): Promise<void> {
  if (records.length === 0) return;
  const byThread = new Map<string, { site: string; thread: string; ids: string[] }>();
  for (const record of records) {
    const key = `${record.site}\n${record.thread}`;
    const entry = byThread.get(key) ?? { site: record.site, thread: record.thread, ids: [] };
    entry.ids.push(record.id);
    byThread.set(key, entry);
  }
  for (const { site, thread, ids } of byThread.values()) {
    await c.var.stores.threads.of(site, thread).call((stub, ref) => stub.erase(ref, { ids }));
    await Promise.all(ids.map((id) => c.var.stores.erased.mark(site, id)));
  }
  const ids = new Set(records.map((record) => record.id));
  const mentions = (await c.var.stores.audit.readAll()).filter(({ entry }) => entry.commentId && ids.has(entry.commentId) && entry.detail !== '(erased)');
  await c.var.stores.audit.rewrite(mentions.map((stored) => ({ ...stored, entry: { ...stored.entry, detail: '(erased)' } })));
}

/**
 * Erases free text that names an address: ban reasons, audit details, the development outbox's
 * mail. A moderator of some sites (`scope`: their site ids) erases what belongs to those sites
 * only; the owner (`'*'`) everything, the outbox included.
 */
async function eraseMentions(c: PortabilityContext, email: string, scope: string[] | '*'): Promise<EraseResult['mentions']> {
  const names = (text: string | undefined) => Boolean(text?.toLowerCase().includes(email));
  const inScope = (site: string | undefined) => scope === '*' || (site !== undefined && scope.includes(site));
  const { moderation, audit: log, outbox } = c.var.stores;
  const bans = (await moderation.listBans()).filter((ban) => inScope(ban.site) && (names(ban.reason) || names(ban.label)));
  await Promise.all(bans.map((ban) => moderation.putBan({ ...ban, reason: '(erased)', label: names(ban.label) ? '(erased)' : ban.label })));
  const audit = (await log.readAll()).filter(({ entry }) => inScope(entry.site) && (names(entry.detail) || names(entry.who)));
  await log.rewrite(audit.map((stored) => ({ ...stored, entry: { ...stored.entry, detail: '(erased)', who: names(stored.entry.who) ? '(erased)' : stored.entry.who } })));
  return { bans: bans.length, audit: audit.length, outbox: scope === '*' ? await outbox.deleteTo(email) : 0 };
}

/** One audit entry per site touched, naming no one: a masked email, or the author's own request. */
async function auditErasure(c: PortabilityContext, records: CommentRecord[], action: string, who: string, label: string, by?: string): Promise<void> {
  const bySite = new Map<string, number>();
  for (const record of records) bySite.set(record.site, (bySite.get(record.site) ?? 0) + 1);
  for (const [site, count] of bySite) {
    await c.var.stores.audit.append({ who, ...(by ? { by } : {}), action, site, detail: `${label}: ${count} comment${count === 1 ? '' : 's'} erased` });
  }
}

/**
 * Erases every comment written with an email address (`DELETE /api/admin/erase?email=`), on the
 * given sites (those the moderator may see: checked by the route), that address's email
 * subscriptions there and, for the owner, the development outbox's mail to it. Emails match
 * without regard to case or surrounding spaces.
 */
export async function eraseByEmail(c: PortabilityContext, email: string, options: { sites: string[]; site?: string; everywhere: boolean }): Promise<EraseResult> {
  const wanted = email.trim().toLowerCase();
  const siteIds = options.sites;
  const emailHash = (await hashEmail(c.env, wanted))!;
  const matches: CommentRecord[] = [];
  let subscriptions = 0;
  let followers = 0;
  for (const site of siteIds) {
    followers += (await c.var.stores.followers.call(site, (stub) => stub.erase(site, { emailHash }))).removed;
    matches.push(...(await c.var.stores.sites.call(site, (stub) => stub.recordsByEmail(site, { email: wanted }))));
    const subs = await c.var.stores.sites.call(site, (stub) => stub.subscriptionsOf(site, { emailHash }));
    for (const thread of new Set(subs.map((sub) => sub.thread))) {
      const { removed } = await c.var.stores.threads.of(site, thread).call((stub, ref) => stub.unsubscribe(ref, { emailHash }));
      subscriptions += removed;
    }
  }
  await eraseRecords(c, matches);
  const mentions = await eraseMentions(c, wanted, options.everywhere ? '*' : siteIds);
  if (matches.length > 0) await auditErasure(c, matches, 'erase', c.var.actor, maskEmail(wanted), c.var.actorId);
  else await c.var.stores.audit.append({ who: c.var.actor, ...(c.var.actorId ? { by: c.var.actorId } : {}), action: 'erase', site: options.site ?? (siteIds.length === 1 ? siteIds[0] : undefined), detail: `${maskEmail(wanted)}: no comments found, ${subscriptions} subscription(s) and ${followers} follower(s) erased` });
  return { erased: matches.map(({ id, site, thread }) => ({ id, site, thread })), subscriptions, followers, mentions, scanned: matches.length, next: null };
}

/**
 * A reader erases their own comments (`POST /api/comments/erase`), proving each with the edit
 * token they got when posting it. All or nothing: one wrong token and nothing is erased. Ids
 * that no longer exist count as erased already. Works whatever the status and however old the
 * comment (the edit window does not apply to a right to erasure).
 */
export async function eraseOwn(c: PortabilityContext & { origin: string | undefined; url: string }, items: { id: string; token: string }[]): Promise<{ erased: string[]; gone: string[] }> {
  const records = await c.var.stores.records.getMany(items.map((item) => item.id));
  const chosen: CommentRecord[] = [];
  const gone: string[] = [];
  for (const [index, item] of items.entries()) {
    const record = records.get(item.id);
    if (!record || isSkeleton(record)) {
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
  await auditErasure(c, chosen, 'erase-own', 'author', "at the author's request");
  return { erased: chosen.map((record) => record.id), gone };
}
