import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { requireAdmin } from '../lib/admin-auth';
import { isCommentId } from '../lib/ids';
import { toPublic, type CommentRecord } from '../storage/comment-store';
import type { AdminActionResponse, AdminListResponse, CommentStatus, ModeratedComment } from '../wire';

const STATUSES: readonly CommentStatus[] = ['pending', 'approved', 'spam', 'removed'];

/** Moderation API: `/api/admin/*`, Bearer token or dashboard session. */
export const adminApiRoute = new Hono<AppEnv>();
adminApiRoute.use('*', requireAdmin());

/** The admin view of a record: everything but the token hash. */
export function toModerated(record: CommentRecord): ModeratedComment {
  return {
    ...toPublic(record),
    status: record.status,
    site: record.site,
    thread: record.thread,
    email: record.email,
    body: record.body,
    updatedAt: record.updatedAt,
  };
}

export function parseStatus(value: string | undefined): CommentStatus {
  const status = (value ?? 'pending') as CommentStatus;
  if (!STATUSES.includes(status)) {
    throw new ApiError(400, 'invalid_request', `status must be one of ${STATUSES.join(', ')}`, 'status');
  }
  return status;
}

adminApiRoute.get('/comments', async (c) => {
  const status = parseStatus(c.req.query('status'));
  const site = c.req.query('site');
  if (site && !c.var.sites.has(site)) throw new ApiError(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
  const records = await c.var.store.listByStatus(status, { site });
  const body: AdminListResponse = { comments: records.map(toModerated) };
  return c.json(body);
});

async function moderate(c: { var: AppEnv['Variables'] }, id: string, status: CommentStatus): Promise<AdminActionResponse> {
  if (!isCommentId(id)) throw new ApiError(404, 'not_found', 'No comment with that id.');
  const record = await c.var.store.setStatus(id, status);
  if (!record) throw new ApiError(404, 'not_found', 'No comment with that id.');
  return { comment: toModerated(record) };
}

adminApiRoute.post('/comments/:id/approve', async (c) => c.json(await moderate(c, c.req.param('id'), 'approved')));
adminApiRoute.delete('/comments/:id', async (c) => c.json(await moderate(c, c.req.param('id'), 'removed')));
