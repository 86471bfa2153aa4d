import type { AppEnv, Bindings } from '../app-env';
import { ApiError } from '../errors';
import { isCommentId } from '../lib/ids';
import { renderMarkdown } from '../lib/markdown';
import type { CommentRecord } from '../storage/comment-store';
import type { Ban } from '../storage/moderation-store';
import type { CommentStatus } from '../wire';
import { fields, parseOrThrow } from '../lib/fields';
import * as v from 'valibot';

/** What a moderator may change in a comment: the same rules as a reader's post. */
const moderatorChanges = v.object({ author: v.optional(fields.author), body: v.optional(fields.body) });
import { hashEmail, maskEmail } from './identity';
import { publishedJobs } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';

/**
 * Every moderation action, shared by the JSON API, the dashboard and signed links, so each
 * is validated, applied and written to the audit log the same way whatever the channel.
 */
export interface ModerationContext {
  var: Pick<AppEnv['Variables'], 'store' | 'moderation' | 'sites' | 'outbound'> & { actor: string };
  env: Bindings;
  executionCtx: ExecutionContext;
  req: { url: string };
}

/** Followers hear of a comment once: the first time it is published. */
async function notifyIfFirstPublished(c: ModerationContext, before: CommentRecord, after: CommentRecord): Promise<void> {
  if (after.status !== 'approved' || before.notifiedAt) return;
  // Most threads have no subscriber: then no mail job (and no list of subscriptions) at all.
  if (!(await c.var.store.getThreadSettings(after.site, after.thread)).subscribed) return;
  await queueMail(c, publishedJobs(after, new URL(c.req.url).origin));
}

export type StatusAction = 'approve' | 'remove' | 'spam' | 'restore';

export const STATUS_ACTIONS: readonly StatusAction[] = ['approve', 'remove', 'spam', 'restore'];

async function recordOrThrow(c: ModerationContext, id: string): Promise<CommentRecord> {
  const record = isCommentId(id) ? await c.var.store.get(id) : null;
  if (!record) throw new ApiError(404, 'not_found', 'No comment with that id.');
  return record;
}

function keepDays(c: ModerationContext, record: CommentRecord): number {
  return c.var.sites.get(record.site)?.tombstoneDays ?? 30;
}

/** The status an action leads to. Restore returns a removed or spam comment to where it was. */
function targetStatus(action: StatusAction, record: CommentRecord): CommentStatus {
  switch (action) {
    case 'approve':
      return 'approved';
    case 'remove':
      return 'removed';
    case 'spam':
      return 'spam';
    case 'restore':
      if (record.status !== 'removed' && record.status !== 'spam') {
        throw new ApiError(409, 'invalid_request', 'Only removed or spam comments can be restored.');
      }
      return record.removedFrom === 'approved' && record.status === 'removed' ? 'approved' : 'pending';
  }
}

/**
 * Applies approve / remove / spam / restore to one comment and logs it.
 *
 * @example
 * await applyStatusAction(c, id, 'approve');
 */
export async function applyStatusAction(c: ModerationContext, id: string, action: StatusAction, options: { rebuild?: boolean } = {}): Promise<CommentRecord> {
  const current = await recordOrThrow(c, id);
  const status = targetStatus(action, current);
  if (current.status === status) return current;
  const leaving = status === 'removed' || status === 'spam';
  const updated = await c.var.store.save(
    current,
    {
      status,
      removedFrom: leaving ? (current.status === 'removed' || current.status === 'spam' ? current.removedFrom : current.status) : undefined,
      ...(status === 'approved' && !current.notifiedAt ? { notifiedAt: new Date().toISOString() } : {}),
    },
    { keepDays: keepDays(c, current), rebuild: options.rebuild },
  );
  await notifyIfFirstPublished(c, current, updated);
  await c.var.moderation.audit({ who: c.var.actor, action, commentId: id, site: current.site, thread: current.thread, detail: `${current.author}: ${current.status} → ${status}` });
  return updated;
}

/** Comments handled at once by a bulk action. */
const BULK_CONCURRENCY = 6;

/** Applies one action to many comments: one view rebuild per thread, not per comment (KV allows ~1 write/s per key). */
export async function applyBulk(c: ModerationContext, ids: string[], action: StatusAction): Promise<{ done: CommentRecord[]; failed: { id: string; message: string }[] }> {
  const done: CommentRecord[] = [];
  const failed: { id: string; message: string }[] = [];
  // A few at a time: each comment is a handful of KV operations on its own keys, so they do not
  // race, and a moderator's 200-comment bulk action takes a fraction of the time it would in series.
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        done.push(await applyStatusAction(c, id, action, { rebuild: false }));
      } catch (error) {
        failed.push({ id, message: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, worker));
  const threads = new Map(done.map((record) => [`${record.site}\n${record.thread}`, record]));
  for (const record of threads.values()) await c.var.store.rebuildView(record.site, record.thread, 'change');
  return { done, failed };
}

/** "Edit before approving": a moderator corrects the body or name; the HTML is rendered again. */
export async function editComment(c: ModerationContext, id: string, changes: { author?: string; body?: string }, approve = false): Promise<CommentRecord> {
  const current = await recordOrThrow(c, id);
  const { author = current.author, body = current.body } = parseOrThrow(moderatorChanges, changes);
  const updated = await c.var.store.save(
    current,
    {
      author,
      body,
      html: renderMarkdown(body),
      editedBy: c.var.actor,
      ...(approve ? { status: 'approved' as const, removedFrom: undefined, notifiedAt: current.notifiedAt ?? new Date().toISOString() } : {}),
    },
    { keepDays: keepDays(c, current) },
  );
  await notifyIfFirstPublished(c, current, updated);
  await c.var.moderation.audit({ who: c.var.actor, action: approve ? 'edit+approve' : 'edit', commentId: id, site: current.site, thread: current.thread, detail: current.author });
  return updated;
}

/** Bans the email or the IP of a comment's author. `days` null is forever. */
export async function banAuthor(c: ModerationContext, id: string, kind: 'email' | 'ip', days: number | null, reason: string): Promise<Ban> {
  const record = await recordOrThrow(c, id);
  const hash = kind === 'email' ? await hashEmail(c.env, record.email) : record.ipHash ?? null;
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
  };
  await c.var.moderation.putBan(ban);
  await c.var.moderation.audit({ who: c.var.actor, action: `ban-${kind}`, commentId: id, site: record.site, thread: record.thread, detail: `${ban.label} until ${ban.until ?? 'forever'}${reason ? ` (${reason})` : ''}` });
  return ban;
}

export async function unban(c: ModerationContext, kind: 'email' | 'ip', hash: string): Promise<void> {
  await c.var.moderation.deleteBan(kind, hash);
  await c.var.moderation.audit({ who: c.var.actor, action: `unban-${kind}`, detail: hash.slice(0, 8) });
}

/** Locks or unlocks a thread. */
export async function setThreadLock(c: ModerationContext, site: string, thread: string, locked: boolean): Promise<void> {
  if (!c.var.sites.has(site)) throw new ApiError(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
  const settings = await c.var.store.getThreadSettings(site, thread);
  await c.var.store.putThreadSettings(site, thread, { ...settings, locked });
  await c.var.moderation.audit({ who: c.var.actor, action: locked ? 'lock' : 'unlock', site, thread });
}

/** Pins or unpins a comment in its thread. */
export async function setPinned(c: ModerationContext, id: string, pinned: boolean): Promise<CommentRecord> {
  const record = await recordOrThrow(c, id);
  const settings = await c.var.store.getThreadSettings(record.site, record.thread);
  const others = settings.pinned.filter((pinnedId) => pinnedId !== id);
  await c.var.store.putThreadSettings(record.site, record.thread, { ...settings, pinned: pinned ? [...others, id] : others });
  await c.var.moderation.audit({ who: c.var.actor, action: pinned ? 'pin' : 'unpin', commentId: id, site: record.site, thread: record.thread, detail: record.author });
  return record;
}
