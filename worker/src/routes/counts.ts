import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { siteOrThrow } from '../services/sites';
import type { CountsResponse } from '../wire';
import { fields, parseField } from '../lib/fields';

/** Most threads one counts request may ask for. */
export const MAX_COUNT_THREADS = 50;

/**
 * `GET /api/counts?site=S&thread=A&thread=B` → `{"counts":{"A":n,"B":m}}`: comment counts for
 * an index page, in one request and one batched KV read of the threads' count keys.
 */
export const countsRoute = new Hono<AppEnv>();

countsRoute.get('/', async (c) => {
  const site = siteOrThrow(c.var.sites, c.req.query('site'));
  const threads = [...new Set(c.req.queries('thread') ?? [])];
  if (threads.length === 0) throw new ApiError(400, 'invalid_request', 'thread is required', 'thread');
  if (threads.length > MAX_COUNT_THREADS) throw new ApiError(400, 'invalid_request', `At most ${MAX_COUNT_THREADS} threads per request.`, 'thread');
  for (const thread of threads) parseField(fields.thread, thread, 'thread');
  const counts = Object.fromEntries(await c.var.stores.published.readCounts(site.id, threads));
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ counts } satisfies CountsResponse);
});
