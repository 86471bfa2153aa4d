import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { createCommentSchema, parseOrThrow, readJsonBody } from '../lib/validate';
import { renderMarkdown } from '../lib/markdown';
import { newCommentId, newToken } from '../lib/ids';
import { sha256Hex } from '../lib/crypto';
import { originAllowed } from '../lib/origin';
import { toPublic, type CommentRecord } from '../storage/comment-store';
import type { SiteConfig } from '../config/sites';
import type { CreateCommentResponse, ListCommentsResponse } from '../wire';

/** Public comment API: `/api/comments`. */
export const commentsRoute = new Hono<AppEnv>();

function siteOrThrow(sites: Map<string, SiteConfig>, id: string | undefined): SiteConfig {
  if (!id) throw new ApiError(400, 'invalid_request', 'site is required', 'site');
  const site = sites.get(id);
  if (!site) throw new ApiError(404, 'unknown_site', `No site "${id}" is configured on this server.`, 'site');
  return site;
}

/** The approved comments of a thread: one KV read. */
commentsRoute.get('/', async (c) => {
  const site = siteOrThrow(c.var.sites, c.req.query('site'));
  const thread = c.req.query('thread');
  if (!thread) throw new ApiError(400, 'invalid_request', 'thread is required', 'thread');
  const store = c.var.store;
  const view = await store.readView(site.id, thread);
  if (view && store.needsRepair(view)) {
    // Rebuild after the response is sent: the reader is never slowed down by it.
    c.executionCtx.waitUntil(store.rebuildView(site.id, thread, 'repair').catch((error) => console.error('view repair failed', error)));
  }
  const body: ListCommentsResponse = { comments: view?.comments ?? [], total: view?.total ?? 0 };
  c.header('Cache-Control', 'no-cache');
  return c.json(body);
});

/** A new comment or reply. */
commentsRoute.post('/', async (c) => {
  const input = parseOrThrow(createCommentSchema, await readJsonBody(c.req.raw));
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) {
    throw new ApiError(403, 'forbidden_origin', `This page's origin may not post comments for site "${site.id}".`);
  }
  const store = c.var.store;
  const parentId = input.parentId ?? null;
  if (parentId) {
    const parent = await store.locate(parentId);
    if (!parent || parent.site !== site.id || parent.thread !== input.thread) {
      throw new ApiError(400, 'parent_not_found', 'The comment you are replying to is not in this thread.', 'parentId');
    }
  }

  const token = newToken();
  const now = new Date().toISOString();
  const record: CommentRecord = {
    id: newCommentId(),
    site: site.id,
    thread: input.thread,
    parentId,
    author: input.author,
    email: input.email || null,
    website: input.website || null,
    body: input.body,
    html: renderMarkdown(input.body),
    status: site.moderation === 'none' ? 'approved' : 'pending',
    createdAt: now,
    updatedAt: now,
    tokenHash: await sha256Hex(token),
  };
  await store.create(record);
  const body: CreateCommentResponse = { comment: { ...toPublic(record), status: record.status }, token };
  return c.json(body, 201);
});
