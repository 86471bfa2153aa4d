import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { fields, parseOrThrow } from '../lib/fields';
import { readJsonBody } from '../lib/validate';
import { siteOrThrow } from '../services/sites';
import { followerLinks, readFollowerToken, type FollowerAction, type FollowerRef } from '../following/links';
import { followerOverview, followSite, saveFollowerSettings, stopEverything } from '../following/service';
import { confirmedPage, confirmPage, FOLLOWER_PAGE_CSS, invalidLinkPage, managePage, messagePage, stoppedPage, unsubscribedPage, unsubscribePage } from '../following/pages';
import { fill, text } from '../following/i18n';
import { originOf } from '../services/context';
import { FollowerCountStore } from '../storage/follower-count';
import type { FollowRequest } from '../wire';

/**
 * Following a site's posts by email: `POST /api/followers` (the Follow box) and
 * `GET /api/followers/count?site=S` (its "Join N other followers"). See docs/api.md.
 */
export const followersApiRoute = new Hono<AppEnv>();

const followSchema = v.object({ site: fields.site, email: fields.requiredEmail });

followersApiRoute.post('/', async (c) => {
  const input: FollowRequest = parseOrThrow(followSchema, await readJsonBody(c.req.raw));
  return c.json(await followSite(c, input), 202);
});

/** One KV read of the body the site's followers object published; cacheable a minute anywhere. */
followersApiRoute.get('/count', async (c) => {
  const site = siteOrThrow(c.var.sites, c.req.query('site'));
  const body = await new FollowerCountStore(c.env.PARLEY_KV).body(site.id);
  return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60' });
});

/**
 * The pages behind the links in follower mail: `/followers/confirm/:token`,
 * `/followers/manage/:token` and `/followers/unsubscribe/:token` (RFC 8058 one-click: a POST
 * unsubscribes). A GET only shows a page with a button; the POST acts.
 */
export const followerPagesRoute = new Hono<AppEnv>();

followerPagesRoute.use('*', async (c, next) => {
  await next();
  c.res.headers.set('Content-Security-Policy', "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.set('X-Frame-Options', 'DENY');
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
});

followerPagesRoute.get('/page.css', (c) => c.body(FOLLOWER_PAGE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

/** The follower a link names and its site, or a 403 page (forged, altered, expired, or of a site no longer served). */
async function linked(c: Context<AppEnv>, action: FollowerAction): Promise<{ ref: FollowerRef; site: ReturnType<typeof siteOrThrow> } | Response> {
  const ref = await readFollowerToken(c.env, c.req.param('token') ?? '', action);
  const site = ref ? c.var.sites.get(ref.site) : undefined;
  if (!ref || !site) return c.html(invalidLinkPage('en'), 403);
  return { ref, site };
}

followerPagesRoute.get('/confirm/:token', async (c) => {
  const found = await linked(c, 'confirm');
  if (found instanceof Response) return found;
  const follower = await c.var.stores.followers.call(found.site.id, (stub) => stub.follower(found.site.id, { emailHash: found.ref.emailHash }));
  const t = text(found.site.language);
  if (!follower || (follower.status !== 'pending' && follower.status !== 'confirmed')) return c.html(messagePage(found.site, t.notFollowingTitle, fill(t.notFollowingText, { site: found.site.name })), 404);
  if (follower.status === 'confirmed') return c.html(confirmedPage(found.site, (await followerLinks(c.env, originOf(c), found.ref)).manage));
  return c.html(confirmPage(found.site, follower.email));
});

followerPagesRoute.post('/confirm/:token', async (c) => {
  const found = await linked(c, 'confirm');
  if (found instanceof Response) return found;
  const { follower } = await c.var.stores.followers.call(found.site.id, (stub) => stub.confirm(found.site.id, { emailHash: found.ref.emailHash }));
  const t = text(found.site.language);
  if (!follower || follower.status !== 'confirmed') return c.html(messagePage(found.site, t.notFollowingTitle, fill(t.notFollowingText, { site: found.site.name })), 404);
  return c.html(confirmedPage(found.site, (await followerLinks(c.env, originOf(c), found.ref)).manage));
});

followerPagesRoute.get('/unsubscribe/:token', async (c) => {
  const found = await linked(c, 'manage');
  if (found instanceof Response) return found;
  const follower = await c.var.stores.followers.call(found.site.id, (stub) => stub.follower(found.site.id, { emailHash: found.ref.emailHash }));
  const links = await followerLinks(c.env, originOf(c), found.ref);
  if (!follower || follower.status !== 'confirmed') return c.html(unsubscribedPage(found.site, links.manage));
  return c.html(unsubscribePage(found.site, follower.email));
});

/** RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` here; a person presses the page's button. Either unsubscribes. */
followerPagesRoute.post('/unsubscribe/:token', async (c) => {
  const found = await linked(c, 'manage');
  if (found instanceof Response) return found;
  await c.var.stores.followers.call(found.site.id, (stub) => stub.unfollow(found.site.id, { emailHash: found.ref.emailHash }));
  return c.html(unsubscribedPage(found.site, (await followerLinks(c.env, originOf(c), found.ref)).manage));
});

followerPagesRoute.get('/manage/:token', async (c) => {
  const found = await linked(c, 'manage');
  if (found instanceof Response) return found;
  const overview = await followerOverview(c, found.ref);
  return c.html(managePage(overview, { saved: c.req.query('saved') === '1', action: `/followers/manage/${c.req.param('token')}` }));
});

followerPagesRoute.post('/manage/:token', async (c) => {
  const found = await linked(c, 'manage');
  if (found instanceof Response) return found;
  const form = await c.req.parseBody();
  const mode = form.mode === 'each' || form.mode === 'daily' || form.mode === 'weekly' ? form.mode : undefined;
  await saveFollowerSettings(c, found.ref, { mode, replies: form.replies === '1', threads: form.threads === '1' });
  return c.redirect(`/followers/manage/${c.req.param('token')}?saved=1`, 303);
});

followerPagesRoute.post('/manage/:token/stop', async (c) => {
  const found = await linked(c, 'manage');
  if (found instanceof Response) return found;
  await stopEverything(c, found.ref);
  return c.html(stoppedPage(found.site));
});

