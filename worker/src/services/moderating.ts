import { ApiError } from '../errors';
import { isCommentId } from '../lib/ids';
import { renderMarkdown } from '../lib/markdown';
import { publishedJobs } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';
import { hashEmail, maskEmail } from '../moderation/identity';
import type { StatusAction, StatusChange } from '../objects/thread/protocol';
import type { Ban } from '../storage/moderation-store';
import type { CommentLocation, CommentRecord } from '../storage/records';
import type { CommentStatus } from '../wire';
import { fields, parseOrThrow } from '../lib/fields';
import * as v from 'valibot';
import { originOf, type ServiceContext } from './context';
import { coversAllSites, requireSiteAccess } from '../team/access';
import type { Principal } from '../team/model';

/**
 * Every moderation action, shared by the JSON API, the dashboard and signed links, so each is
 * applied (by the comment's thread object, to the current record) and logged the same way
 * whatever the channel.
 */
export type ModerationContext = ServiceContext & { var: ServiceContext['var'] & { actor: string; actorId?: string; principal?: Principal } };

/** Who acts, for the thread's audit log: the label and the verified id behind it. */
function by(c: ModerationContext): { actor: string; actorId?: string } {
  return c.var.actorId ? { actor: c.var.actor, actorId: c.var.actorId } : { actor: c.var.actor };
}

/** A list of bans as a principal may see them: every ban for whoever moderates every site, else only their sites' own. */
export function bansInScope(c: ModerationContext, bans: Ban[]): Ban[] {
  const principal = c.var.principal;
  if (!principal) return [];
  if (coversAllSites(principal)) return bans;
  return bans.filter((ban) => ban.site && principal.sites.includes(ban.site));
}

export type { StatusAction };
export const STATUS_ACTIONS: readonly StatusAction[] = ['approve', 'remove', 'spam', 'restore'];

/** Where a comment lives, or 404. */
export async function locateComment(c: ServiceContext, id: string): Promise<CommentLocation> {
  const where = isCommentId(id) ? await c.var.stores.records.locate(id) : null;
  if (!where) throw new ApiError(404, 'not_found', 'No comment with that id.');
  return where;
}

/** A comment's current record, as its thread's object holds it (exact, never a cached copy), or 404. */
export async function currentRecord(c: ServiceContext, id: string): Promise<CommentRecord> {
  const where = await locateComment(c, id);
  const found = await c.var.stores.threads.of(where.site, where.thread).read((stub, ref) => stub.get(ref, { id }));
  if (!found) throw new ApiError(404, 'not_found', 'No comment with that id.');
  return found.record;
}

function keepDays(c: ServiceContext, site: string): number {
  return c.var.sites.get(site)?.tombstoneDays ?? 30;
}

/** Followers hear of a comment once: the first time it is published. */
async function tellFollowers(c: ModerationContext, change: Pick<StatusChange, 'after' | 'notifyFollowers'>): Promise<void> {
  if (change.notifyFollowers) await queueMail(c, publishedJobs(change.after, originOf(c)));
}

/**
 * Applies approve / remove / spam / restore to one comment. With `expect`, only if the comment
 * is still in that status (a signed link made for it); otherwise 409 `link_stale`.
 *
 * @example
 * await applyStatusAction(c, id, 'approve');
 */
export async function applyStatusAction(c: ModerationContext, id: string, action: StatusAction, options: { expect?: CommentStatus } = {}): Promise<CommentRecord> {
  const where = await locateComment(c, id);
  requireSiteAccess(c, where.site, 'write');
  const change = await c.var.stores.threads
    .of(where.site, where.thread)
    .call((stub, ref) => stub.moderate(ref, { id, action, ...by(c), keepDays: keepDays(c, where.site), ...(options.expect ? { expect: options.expect } : {}) }));
  await tellFollowers(c, change);
  return change.after;
}

/** Threads handled at once by a bulk action. */
const BULK_THREADS = 4;

/** Applies one action to many comments: one call to each thread's object, whatever the number of its comments. */
export async function applyBulk(c: ModerationContext, ids: string[], action: StatusAction): Promise<{ done: CommentRecord[]; failed: { id: string; message: string }[] }> {
  const { records, threads } = c.var.stores;
  const located = await Promise.all([...new Set(ids)].map(async (id) => ({ id, where: isCommentId(id) ? await records.locate(id) : null })));
  const failed: { id: string; message: string }[] = located.filter((entry) => !entry.where).map(({ id }) => ({ id, message: 'No comment with that id.' }));
  const byThread = new Map<string, { where: CommentLocation; ids: string[] }>();
  for (const { id, where } of located) {
    if (!where) continue;
    const key = `${where.site}\n${where.thread}`;
    byThread.set(key, { where, ids: [...(byThread.get(key)?.ids ?? []), id] });
  }
  // All or nothing across sites: one comment of a site the moderator does not moderate refuses the whole request.
  for (const { where } of byThread.values()) requireSiteAccess(c, where.site, 'write');
  const done: CommentRecord[] = [];
  const queue = [...byThread.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { where, ids: threadIds } = next;
      try {
        const result = await threads.of(where.site, where.thread).call((stub, ref) => stub.moderateMany(ref, { ids: threadIds, action, ...by(c), keepDays: keepDays(c, where.site) }));
        failed.push(...result.failed);
        for (const change of result.done) {
          done.push(change.after);
          await tellFollowers(c, change);
        }
      } catch (error) {
        for (const id of threadIds) failed.push({ id, message: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_THREADS, queue.length) }, worker));
  return { done, failed };
}

/** What a moderator may change in a comment: the same rules as a reader's post. */
const moderatorChanges = v.object({ author: v.optional(fields.author), body: v.optional(fields.body) });

/** "Edit before approving": a moderator corrects the body or name; the HTML is rendered again. */
export async function editComment(c: ModerationContext, id: string, changes: { author?: string; body?: string }, approve = false): Promise<CommentRecord> {
  const current = await currentRecord(c, id);
  requireSiteAccess(c, current.site, 'write');
  const { author = current.author, body = current.body } = parseOrThrow(moderatorChanges, changes);
  const change = await c.var.stores.threads
    .of(current.site, current.thread)
    .call((stub, ref) => stub.moderatorEdit(ref, { id, author, body, html: renderMarkdown(body), approve, ...by(c), keepDays: keepDays(c, current.site) }));
  await tellFollowers(c, change);
  return change.after;
}

/**
 * Bans the email or the IP of a comment's author. `days` null is forever. A ban by whoever
 * moderates every site applies to every site; a moderator's applies to the comment's site only.
 */
export async function banAuthor(c: ModerationContext, id: string, kind: 'email' | 'ip', days: number | null, reason: string): Promise<Ban> {
  const record = await currentRecord(c, id);
  requireSiteAccess(c, record.site, 'write');
  const everywhere = c.var.principal ? coversAllSites(c.var.principal) : false;
  const hash = kind === 'email' ? await hashEmail(c.env, record.email) : (record.ipHash ?? null);
  if (!hash) throw new ApiError(400, 'invalid_request', kind === 'email' ? 'That comment has no email address to ban.' : 'That comment has no IP address on record.', 'kind');
  const now = new Date();
  const ban: Ban = {
    kind,
    hash,
    label: kind === 'email' ? maskEmail(record.email!) : `IP of ${record.author}'s comment ${record.id}`,
    reason: reason.slice(0, 200),
    by: c.var.actor,
    createdAt: now.toISOString(),
    until: days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString(),
    ...(everywhere ? {} : { site: record.site }),
    ...(c.var.actorId ? { byId: c.var.actorId } : {}),
  };
  await c.var.stores.moderation.putBan(ban);
  await c.var.stores.audit.append({ who: c.var.actor, ...(c.var.actorId ? { by: c.var.actorId } : {}), action: `ban-${kind}`, commentId: id, site: record.site, thread: record.thread, detail: `${ban.label} until ${ban.until ?? 'forever'}${reason ? ` (${reason})` : ''}` });
  return ban;
}

/** Lifts a ban: one on every site (`site` absent: whoever moderates every site), or one site's. */
export async function unban(c: ModerationContext, kind: 'email' | 'ip', hash: string, site?: string): Promise<void> {
  if (site) requireSiteAccess(c, site, 'write');
  else if (!c.var.principal || !coversAllSites(c.var.principal)) throw new ApiError(403, 'forbidden_site', 'A ban on every site can only be lifted by the owner.', 'site');
  await c.var.stores.moderation.deleteBan(kind, hash, site);
  await c.var.stores.audit.append({ who: c.var.actor, ...(c.var.actorId ? { by: c.var.actorId } : {}), action: `unban-${kind}`, ...(site ? { site } : {}), detail: hash.slice(0, 8) });
}

/** Locks or unlocks a thread. */
export async function setThreadLock(c: ModerationContext, site: string, thread: string, locked: boolean): Promise<void> {
  requireSiteAccess(c, site, 'write');
  if (!c.var.sites.has(site)) throw new ApiError(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
  await c.var.stores.threads.of(site, thread).call((stub, ref) => stub.setLocked(ref, { locked, ...by(c) }));
}

/** Pins or unpins a comment in its thread. */
export async function setPinned(c: ModerationContext, id: string, pinned: boolean): Promise<CommentRecord> {
  const where = await locateComment(c, id);
  requireSiteAccess(c, where.site, 'write');
  const { record } = await c.var.stores.threads.of(where.site, where.thread).call((stub, ref) => stub.setPinned(ref, { id, pinned, ...by(c) }));
  return record;
}
