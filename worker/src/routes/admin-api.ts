import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { requireAdmin } from '../lib/admin-auth';
import { parseOrThrow, readJsonBody, validQuery } from '../lib/validate';
import { fields } from '../lib/fields';
import { anySiteQuery, queueQuery } from '../requests';
import { toPublic, type CommentRecord } from '../storage/records';
import { applyBulk, applyStatusAction, banAuthor, bansInScope, editComment, setPinned, setThreadLock, STATUS_ACTIONS, unban, type StatusAction } from '../services/moderating';
import { readAudit } from '../services/audit';
import { queueCounts, readQueue, reconcilerRuns } from '../services/queues';
import type { AdminActionResponse, AdminListResponse, CommentStatus, ModeratedComment } from '../wire';

export const STATUSES: readonly CommentStatus[] = ['pending', 'approved', 'spam', 'removed'];

/** Moderation API: `/api/admin/*`, Bearer token or dashboard session. */
export const adminApiRoute = new Hono<AppEnv>();
adminApiRoute.use('*', requireAdmin());

/** The admin view of a record: everything but the token hash and the IP hash. */
export function toModerated(record: CommentRecord): ModeratedComment {
  return {
    ...toPublic(record),
    status: record.status,
    site: record.site,
    thread: record.thread,
    email: record.email,
    body: record.body,
    updatedAt: record.updatedAt,
    flags: record.flags ?? [],
    hasIp: Boolean(record.ipHash),
  };
}

export function parseStatus(value: string | undefined): CommentStatus {
  const status = (value || 'pending') as CommentStatus;
  if (!STATUSES.includes(status)) {
    throw new ApiError(400, 'invalid_request', `status must be one of ${STATUSES.join(', ')}`, 'status');
  }
  return status;
}

adminApiRoute.get('/comments', validQuery(queueQuery), async (c) => {
  const { cursor, ...filter } = c.req.valid('query');
  const page = await readQueue(c, { ...filter, after: cursor });
  const body: AdminListResponse = { comments: page.comments.map(toModerated), next: page.next, ...(page.indexing ? { indexing: true } : {}) };
  return c.json(body);
});

/** How many comments wait in each queue (from each site's index). */
adminApiRoute.get('/counts', validQuery(anySiteQuery), async (c) => c.json({ counts: await queueCounts(c, c.req.valid('query').site) }));

const action = (name: StatusAction) => async (c: Context<AppEnv>) => {
  const body: AdminActionResponse = { comment: toModerated(await applyStatusAction(c, c.req.param('id') ?? '', name)) };
  return c.json(body);
};
adminApiRoute.post('/comments/:id/approve', action('approve'));
adminApiRoute.post('/comments/:id/spam', action('spam'));
adminApiRoute.post('/comments/:id/restore', action('restore'));
adminApiRoute.delete('/comments/:id', action('remove'));

/** "Edit before approving": the same rules as a reader's post (./lib/fields.ts). Shared with the dashboard's form. */
export const moderatorEditSchema = v.object({
  author: v.optional(fields.author),
  body: v.optional(fields.body),
  approve: v.optional(v.boolean('approve must be true or false'), false),
});
adminApiRoute.patch('/comments/:id', async (c) => {
  const input = parseOrThrow(moderatorEditSchema, await readJsonBody(c.req.raw));
  const record = await editComment(c, c.req.param('id'), input, input.approve);
  return c.json({ comment: toModerated(record) } satisfies AdminActionResponse);
});

const pinSchema = v.object({ pinned: v.boolean('pinned must be true or false') });
adminApiRoute.post('/comments/:id/pin', async (c) => {
  const input = parseOrThrow(pinSchema, await readJsonBody(c.req.raw));
  return c.json({ comment: toModerated(await setPinned(c, c.req.param('id'), input.pinned)) } satisfies AdminActionResponse);
});

const bulkSchema = v.object({
  ids: v.pipe(v.array(fields.commentId, 'ids must be a list of comment ids'), v.minLength(1, 'ids is empty'), v.maxLength(200, 'at most 200 ids at once')),
  action: v.picklist(STATUS_ACTIONS, `action must be one of ${STATUS_ACTIONS.join(', ')}`),
});
adminApiRoute.post('/comments/bulk', async (c) => {
  const input = parseOrThrow(bulkSchema, await readJsonBody(c.req.raw));
  const { done, failed } = await applyBulk(c, input.ids, input.action);
  return c.json({ comments: done.map(toModerated), failed });
});

const banSchema = v.object({
  commentId: fields.commentId,
  kind: v.picklist(['email', 'ip'], 'kind must be email or ip'),
  days: v.optional(v.nullable(v.pipe(v.number('days must be a number'), v.minValue(0.001, 'days must be positive'), v.maxValue(3650, 'days is at most 3650'))), 30),
  reason: v.optional(fields.reason, ''),
});
adminApiRoute.post('/bans', async (c) => {
  const input = parseOrThrow(banSchema, await readJsonBody(c.req.raw));
  const ban = await banAuthor(c, input.commentId, input.kind, input.days, input.reason);
  return c.json({ ban }, 201);
});
adminApiRoute.get('/bans', async (c) => c.json({ bans: bansInScope(c, await c.var.stores.moderation.listBans()) }));
/** Lifts a ban: `?site=S` for a ban on one site, none for a ban on every site (the owner's). */
adminApiRoute.delete('/bans/:kind/:hash', async (c) => {
  const kind = c.req.param('kind');
  if (kind !== 'email' && kind !== 'ip') throw new ApiError(404, 'not_found', 'No such ban.');
  await unban(c, kind, c.req.param('hash'), c.req.query('site') || undefined);
  return c.json({ ok: true });
});

/** Locking a thread. Shared with the dashboard's form. */
export const lockSchema = v.object({ site: fields.site, thread: fields.thread, locked: v.boolean('locked must be true or false') });
adminApiRoute.post('/threads/lock', async (c) => {
  const input = parseOrThrow(lockSchema, await readJsonBody(c.req.raw));
  await setThreadLock(c, input.site, input.thread, input.locked);
  return c.json({ site: input.site, thread: input.thread, locked: input.locked });
});

/** The audit log, newest first: `?by=` a member's id, `?site=`, `?cursor=` the previous page's `next`. */
adminApiRoute.get('/audit', async (c) => c.json(await readAudit(c, { by: c.req.query('by'), site: c.req.query('site'), cursor: c.req.query('cursor') })));

/** The reconciler's latest runs per site (the moderator's sites, or `?site=`): when it ran, what it checked and what it repaired. */
adminApiRoute.get('/reconciler', async (c) => c.json({ sites: await reconcilerRuns(c, 5, c.req.query('site') || undefined) }));
