import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { isCommentId } from '../lib/ids';
import { parseOrThrow, readJsonBody, validQuery } from '../lib/validate';
import { createCommentSchema, repliesQuery, threadQuery } from '../requests';
import { requireSecrets } from '../lib/secrets';
import { limitPerClient } from '../lib/rate-limit';
import { postComment } from '../services/posting';
import { firstPageJson, laterPageJson, repliesPageJson } from '../services/reading';
import { siteOrThrow } from '../services/sites';
import type { CommentPlaceResponse } from '../wire';

/** Public comment API: `/api/comments`. */
export const commentsRoute = new Hono<AppEnv>();

const JSON_NO_CACHE = { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-cache' };

/**
 * The approved comments of a thread (`?site=S&thread=T[&sort=][&page=N]`): the first page, or
 * a later one. One KV read, answered as stored.
 */
commentsRoute.get('/', validQuery(threadQuery), async (c) => {
  const { site: siteId, thread, sort, page } = c.req.valid('query');
  const site = siteOrThrow(c.var.sites, siteId);
  const body = page === undefined ? await firstPageJson(c, site, thread, sort) : await laterPageJson(c, site, thread, sort, page);
  return c.body(body, 200, JSON_NO_CACHE);
});

/** More replies to one top-level comment (`?site=S&thread=T&root=ID&page=N`): one KV read. */
commentsRoute.get('/replies', validQuery(repliesQuery), async (c) => {
  const { site: siteId, thread, root, page } = c.req.valid('query');
  const body = await repliesPageJson(c, siteOrThrow(c.var.sites, siteId), thread, root, page);
  return c.body(body, 200, JSON_NO_CACHE);
});

/**
 * Where a comment is on the thread's pages (`/api/comments/:id/place`), for a link that names a
 * comment not on the first page: `{thread, root, page, replyPage}`, or 404 when it is not shown.
 * One KV read and one call to the thread's object: only such links need it.
 */
commentsRoute.get('/:id/place', async (c) => {
  const id = c.req.param('id');
  const where = isCommentId(id) ? await c.var.stores.records.locate(id) : null;
  const place = where && (await c.var.stores.threads.of(where.site, where.thread).read((stub, ref) => stub.place(ref, { id })));
  if (!where || !place) throw new ApiError(404, 'not_found', 'No comment with that id is shown.');
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ thread: where.thread, ...place } satisfies CommentPlaceResponse);
});

/** A new comment or reply. Send `Idempotency-Key` to make a retry safe: the same key gets the same answer. */
commentsRoute.post('/', requireSecrets(), limitPerClient({ binding: ['POST_BURST_LIMITER', 'POST_RATE_LIMITER'], name: 'comments' }), async (c) => {
  const input = parseOrThrow(createCommentSchema, await readJsonBody(c.req.raw));
  const requestId = idempotencyKey(c.req.header('idempotency-key'));
  return c.json(await postComment(c, input, requestId), 201);
});

/** A client's idempotency key, if it sent a usable one. */
function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,100}$/.test(value)) throw new ApiError(400, 'invalid_request', 'Idempotency-Key must be 8-100 visible ASCII characters', 'Idempotency-Key');
  return value;
}
