import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { fields, parseField } from '../lib/fields';
import { FEED_ENTRIES, renderAtom, type FeedComment } from '../portability/atom';
import { siteOrThrow } from './comments';

/**
 * Atom feeds of approved comments: `/feeds/{site}.atom` (the site's latest 50) and
 * `/feeds/{site}.atom?thread=/path/` (one thread's latest 50).
 *
 * KV cost: a thread's feed is one read (two for a thread of more than one page). The
 * site-wide feed lists the approved queue (one list() per 1,000 approved comments of all
 * sites) and reads the 50 newest in one bulk read; responses may be cached for 5 minutes.
 */
export const feedsRoute = new Hono<AppEnv>();

feedsRoute.get('/:file', async (c) => {
  const file = c.req.param('file');
  if (!file.endsWith('.atom')) throw new ApiError(404, 'not_found', 'Feeds are at /feeds/{site}.atom.');
  const site = siteOrThrow(c.var.sites, file.slice(0, -'.atom'.length));
  const query = c.req.query('thread');
  const thread = query === undefined ? undefined : parseField(fields.thread, query, 'thread');
  const url = new URL(c.req.url);
  const selfUrl = `${url.origin}/feeds/${encodeURIComponent(site.id)}.atom${thread ? `?thread=${encodeURIComponent(thread)}` : ''}`;

  let comments: FeedComment[];
  if (thread) {
    const approved = (await c.var.store.readApproved(site.id, thread)) ?? [];
    comments = approved
      .filter((comment) => !comment.deleted)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
      .slice(0, FEED_ENTRIES)
      .map((comment) => ({ ...comment, thread }));
  } else {
    comments = (await c.var.store.latestApproved(site.id, FEED_ENTRIES)).map((record) => ({
      id: record.id,
      parentId: record.parentId,
      author: record.author,
      website: record.website,
      html: record.html,
      createdAt: record.createdAt,
      thread: record.thread,
    }));
  }
  return c.body(renderAtom({ site, thread, selfUrl, comments }), 200, {
    'Content-Type': 'application/atom+xml; charset=utf-8',
    'Cache-Control': 'public, max-age=300',
    'Access-Control-Allow-Origin': '*',
  });
});
