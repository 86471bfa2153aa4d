import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { siteOrThrow } from '../services/sites';
import type { CountsResponse } from '../wire';
import { validQuery } from '../lib/validate';
import { countsQuery } from '../requests';

/**
 * `GET /api/counts?site=S&thread=A&thread=B` → `{"counts":{"A":n,"B":m}}`: comment counts for
 * an index page, in one request and one batched KV read of the threads' count keys.
 */
export const countsRoute = new Hono<AppEnv>();

countsRoute.get('/', validQuery(countsQuery), async (c) => {
  const { site: siteId, thread: threads } = c.req.valid('query');
  const site = siteOrThrow(c.var.sites, siteId);
  const counts = Object.fromEntries(await c.var.stores.published.readCounts(site.id, threads));
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ counts } satisfies CountsResponse);
});
