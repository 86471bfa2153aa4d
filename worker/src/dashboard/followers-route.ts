import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { moderator, requireModerator, requireSameOrigin } from './dashboard-auth';
import { requireSiteAccess, sitesInScope } from '../team/access';
import { signInPage } from './team-routes';
import { parseOrThrow } from '../lib/fields';
import type { FollowerStatus } from '../objects/followers/protocol';
import type { SiteConfig } from '../config/sites';
import { followersCsv, parseFollowerList } from '../following/csv';
import { announcePost, importFollowerList, removeFollower, retrySend } from '../following/service';
import { announceSchema } from '../routes/followers-admin';
import { dashboardPath } from './dashboard-path';
import { followersPage, postsPage } from './followers-views';

/**
 * The dashboard's Followers page (count, confirmed and pending, search, remove, CSV export and
 * import) and Posts page (the feed, announcing, each post's send with Retry), mounted under
 * `/admin` by ./dashboard-route.ts, which adds the security headers and renders errors.
 */
export const followersDashboardRoute = new Hono<AppEnv>();

const STATUSES: readonly (FollowerStatus | 'suppressed')[] = ['pending', 'confirmed', 'bounced', 'complained', 'suppressed'];

/** A form post: from the dashboard's own pages, by a signed-in moderator. */
async function formGuard(c: Context<AppEnv>): Promise<void> {
  requireSameOrigin(c);
  await requireModerator(c);
}

/** The site a page or form names (403 if it is not the moderator's), or the first of theirs. */
function chosenSite(c: Context<AppEnv>, id: unknown): SiteConfig {
  const sites = sitesInScope(c, typeof id === 'string' && id !== '' ? id : undefined);
  if (sites.length === 0) throw new ApiError(404, 'unknown_site', 'No site is configured on this server that you moderate.');
  return sites[0];
}

/** {@link chosenSite}, for a form that changes something: the moderator must be able to write there. */
function siteToChange(c: Context<AppEnv>, id: unknown): SiteConfig {
  const site = chosenSite(c, id);
  requireSiteAccess(c, site.id, 'write');
  return site;
}

function back(c: Context<AppEnv>, to: string, done: string): Response {
  const url = new URL(dashboardPath(to), c.req.url);
  url.searchParams.set('done', done);
  return c.redirect(`${url.pathname}${url.search}`, 303);
}

followersDashboardRoute.get('/followers', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  const site = chosenSite(c, c.req.query('site'));
  const status = STATUSES.find((one) => one === c.req.query('status'));
  const q = c.req.query('q')?.trim() || undefined;
  const cursor = c.req.query('cursor');
  const [page, counts] = await Promise.all([
    c.var.stores.followers.call(site.id, (stub) => stub.list(site.id, { status, q, after: cursor && /^\d+\.[0-9a-f]{32}$/.test(cursor) ? cursor : undefined, limit: 100 })),
    c.var.stores.followers.call(site.id, (stub) => stub.counts(site.id)),
  ]);
  const url = new URL(c.req.url);
  url.searchParams.delete('done');
  return c.html(followersPage({ viewer, sites: sitesInScope(c), site, counts, followers: page.followers, status, q, next: page.next, notice: c.req.query('done'), back: `${url.pathname}${url.search}` }));
});

followersDashboardRoute.get('/followers.csv', async (c) => {
  await requireModerator(c);
  const site = chosenSite(c, c.req.query('site'));
  const all = [];
  let after: string | undefined;
  do {
    const page = await c.var.stores.followers.call(site.id, (stub) => stub.list(site.id, { after, limit: 5000 }));
    all.push(...page.followers);
    after = page.next ?? undefined;
  } while (after);
  return c.body(followersCsv(all), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="parley-followers-${site.id}-${new Date().toISOString().slice(0, 10)}.csv"`,
  });
});

followersDashboardRoute.post('/followers/remove', async (c) => {
  await formGuard(c);
  const form = await c.req.parseBody();
  const site = siteToChange(c, form.site);
  const id = String(form.id ?? '');
  if (!/^[0-9a-f]{32}$/.test(id)) throw new ApiError(400, 'invalid_request', 'Choose a follower to remove.');
  const removed = await removeFollower(c, site, { emailHash: id });
  return back(c, String(form.back ?? `/admin/followers?site=${site.id}`), removed ? 'Follower removed.' : 'That follower was already gone.');
});

followersDashboardRoute.post('/followers/import', async (c) => {
  await formGuard(c);
  const form = await c.req.parseBody();
  const site = siteToChange(c, form.site);
  const file = form.file instanceof File && form.file.size > 0 ? await form.file.text() : '';
  const text = [file, typeof form.list === 'string' ? form.list : ''].filter((part) => part.trim()).join('\n');
  if (!text.trim()) return back(c, `/admin/followers?site=${site.id}`, 'Choose a file or paste addresses first.');
  const parsed = parseFollowerList(text);
  if (parsed.emails.length > 5000) throw new ApiError(400, 'invalid_request', 'At most 5,000 addresses at once: split the list.');
  const outcome = await importFollowerList(c, site, parsed.emails, form.consent === '1');
  const done = `Imported: ${outcome.confirmed} following now, ${outcome.invited} asked to confirm, ${outcome.unchanged} already here${parsed.skipped ? `, ${parsed.skipped} rows left out (not an address, or not subscribed)` : ''}.`;
  return back(c, `/admin/followers?site=${site.id}`, done);
});

followersDashboardRoute.get('/posts', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  const site = chosenSite(c, c.req.query('site'));
  const [activity, feed] = await Promise.all([c.var.stores.followers.call(site.id, (stub) => stub.activity(site.id, { limit: 50 })), c.var.stores.followers.call(site.id, (stub) => stub.feedState(site.id))]);
  return c.html(postsPage({ viewer, sites: sitesInScope(c), site, posts: activity.posts, sends: activity.sends, feed, notice: c.req.query('done') }));
});

followersDashboardRoute.post('/posts/announce', async (c) => {
  await formGuard(c);
  const form = await c.req.parseBody();
  const site = siteToChange(c, form.site);
  const input = parseOrThrow(announceSchema, { url: form.url, title: form.title, summary: typeof form.summary === 'string' ? form.summary : '' });
  const result = await announcePost(c, site, { ...input, publishedAt: null });
  return back(c, `/admin/posts?site=${site.id}`, result.created ? `“${result.post.title}” is being mailed to the followers.` : `“${result.post.title}” was already known: nobody is mailed again.`);
});

followersDashboardRoute.post('/posts/retry', async (c) => {
  await formGuard(c);
  const form = await c.req.parseBody();
  const site = siteToChange(c, form.site);
  const send = Number(form.send);
  if (!Number.isInteger(send) || send < 1) throw new ApiError(400, 'invalid_request', 'Choose a send to retry.');
  const queued = await retrySend(c, site, send);
  return back(c, `/admin/posts?site=${site.id}`, queued ? 'Retrying.' : 'Nothing to retry.');
});
