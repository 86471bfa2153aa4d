import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { validQuery } from '../lib/validate';
import { feedQuery } from '../requests';
import { FEED_ENTRIES, renderAtom, type FeedComment } from '../portability/atom';
import { siteOrThrow } from '../services/sites';

/**
 * Atom feeds of approved comments: `/feeds/{site}.atom` (the site's latest 50) and
 * `/feeds/{site}.atom?thread=/path/` (one thread's latest 50).
 *
 * Both come from the site's index (one call to the site's object, no KV operation); responses
 * may be cached for 5 minutes.
 */
export const feedsRoute = new Hono<AppEnv>();

feedsRoute.get('/:file', validQuery(feedQuery), async (c) => {
  const file = c.req.param('file');
  if (!file.endsWith('.atom')) throw new ApiError(404, 'not_found', 'Feeds are at /feeds/{site}.atom.');
  const site = siteOrThrow(c.var.sites, file.slice(0, -'.atom'.length));
  const { thread } = c.req.valid('query');
  const url = new URL(c.req.url);
  const selfUrl = `${url.origin}/feeds/${encodeURIComponent(site.id)}.atom${thread ? `?thread=${encodeURIComponent(thread)}` : ''}`;

  // The site's index keeps every approved comment with its thread: one call, newest first.
  const latest = await c.var.stores.sites.call(site.id, (stub) => stub.latestApproved(site.id, { thread, limit: FEED_ENTRIES }));
  const comments: FeedComment[] = latest.map((record) => ({
    id: record.id,
    parentId: record.parentId,
    author: record.author,
    website: record.website,
    html: record.html,
    createdAt: record.createdAt,
    thread: record.thread,
  }));
  return c.body(renderAtom({ site, thread, selfUrl, comments }), 200, {
    'Content-Type': 'application/atom+xml; charset=utf-8',
    'Cache-Control': 'public, max-age=300',
    'Access-Control-Allow-Origin': '*',
  });
});
