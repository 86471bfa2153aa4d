import { isCommentId } from '../lib/ids';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError, renderError } from '../errors';
import { endSession, startSession, tokenMatches } from '../lib/admin-auth';
import { moderator, requireModerator, requireSameOrigin } from './dashboard-auth';
import { parseStatus, lockSchema } from '../routes/admin-api';
import { fields, parseField, parseOrThrow } from '../lib/fields';
import { requireSecrets } from '../lib/secrets';
import { dashboardPath } from './dashboard-path';
import { applyBulk, applyStatusAction, banAuthor, bansInScope, currentRecord, editComment, locateComment, setPinned, setThreadLock, unban, STATUS_ACTIONS, type StatusAction } from '../services/moderating';
import { readAudit } from '../services/audit';
import { coversSite, requireOwner, requireSiteAccess, sitesInScope } from '../team/access';
import { memberPrincipal, setPrincipal, webhookPrincipal } from '../team/principal';
import { limitPerClient } from '../lib/rate-limit';
import { teamDashboardRoute, signInPage } from './team-routes';
import { QUEUE_PAGE, QUEUE_PAGE_MAX, queueCounts, readQueue, reconcilerRuns } from '../services/queues';
import { readModerationLink } from '../moderation/links';
import { mailerFor } from '../mail/mailer';
import type { CommentStatus } from '../wire';
import { DASHBOARD_CSS, DASHBOARD_CSS_EXTRA, DASHBOARD_CSS_PHONE, DASHBOARD_CSS_SITES } from './dashboard-css';
import { DASHBOARD_JS } from './dashboard-js';
import { followersDashboardRoute } from './followers-route';
import { sitesDashboardRoute } from './sites-route';
import { outboxPage, auditPage, bansPage, commentCard, confirmLinkPage, editPage, messagePage, queuePage, STATUS_LABELS } from './views';

/**
 * The moderator dashboard at `/admin`: server-rendered HTML forms that work without script;
 * one small same-origin script adds keyboard shortcuts. Its CSP allows no inline script.
 * Sign-in sets an HttpOnly, SameSite=Strict session cookie; every POST checks its origin.
 */
export const dashboardRoute = new Hono<AppEnv>();

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

dashboardRoute.use('*', async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
});

dashboardRoute.onError((error, c) => {
  // The passkey script's calls ask for JSON: they get the API's error shape, which it shows.
  if (error instanceof ApiError && !c.req.header('accept')?.includes('application/json')) {
    c.status(error.status);
    return c.html(messagePage('Something is not right', error.message));
  }
  return renderError(error, c);
});

dashboardRoute.get('/dashboard.css', (c) => {
  c.header('Content-Type', 'text/css; charset=utf-8');
  return c.body(DASHBOARD_CSS + DASHBOARD_CSS_EXTRA + DASHBOARD_CSS_SITES + DASHBOARD_CSS_PHONE);
});
dashboardRoute.get('/favicon.svg', (c) => {
  c.header('Content-Type', 'image/svg+xml');
  c.header('Cache-Control', 'public, max-age=86400');
  return c.body('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M2 2h12v9H7l-3 3v-3H2z" fill="#0b5cad"/></svg>');
});
dashboardRoute.get('/dashboard.js', (c) => {
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  return c.body(DASHBOARD_JS);
});


// Sign-in attempts, whatever the way (admin token, passkey, email link, invitation), are counted per client.
const signInLimit = limitPerClient({ binding: 'SIGNIN_RATE_LIMITER', name: 'sign-in attempts', methods: ['POST'] });
for (const path of ['/login', '/passkeys/sign-in/*', '/sign-in-link', '/sign-in/*', '/join/*']) dashboardRoute.use(path, requireSecrets(), signInLimit);

// Accounts, passkeys, sessions, tokens, the team (team-routes.ts).
dashboardRoute.route('/', teamDashboardRoute);

/** Where to go back to after a form: the dashboard page the form was on (see {@link dashboardPath}). */
function backTo(c: Context<AppEnv>, form: Record<string, unknown>, done: string): string {
  const url = new URL(dashboardPath(form.back), c.req.url);
  url.searchParams.set('done', done);
  return `${url.pathname}${url.search}`;
}

dashboardRoute.get('/', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  const status = parseStatus(c.req.query('status'));
  const cursor = c.req.query('cursor');
  const limit = Number(c.req.query('limit'));
  const filter = {
    status,
    site: c.req.query('site') || undefined,
    thread: c.req.query('thread') ? parseField(fields.thread, c.req.query('thread'), 'thread') : undefined,
    q: c.req.query('q') || undefined,
    after: cursor && isCommentId(cursor) ? cursor : undefined,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, QUEUE_PAGE_MAX) : QUEUE_PAGE,
  };
  const [queue, counts] = await Promise.all([readQueue(c, filter), queueCounts(c, filter.site)]);
  const back = `/admin${new URL(c.req.url).search.replace(/([?&])done=[^&]*&?/, '$1').replace(/[?&]$/, '')}`;
  return c.html(
    queuePage({
      viewer,
      filter,
      counts,
      sites: sitesInScope(c),
      notice: c.req.query('done'),
      cards: queue.comments.map((record) => commentCard(record, c.var.sites.get(record.site), back)),
      back,
      next: queue.next,
      indexing: queue.indexing,
    }),
  );
});

/**
 * The owner's ADMIN_TOKEN: the first sign-in makes the owner's account (name and email from the
 * form); later, it is the break-glass way in. Sessions it starts end when the token is rotated.
 */
dashboardRoute.post('/login', async (c) => {
  requireSameOrigin(c);
  const form = await c.req.parseBody();
  const token = typeof form.token === 'string' ? form.token : '';
  const name = typeof form.name === 'string' ? form.name.replace(/\s+/g, ' ').trim().slice(0, 64) : '';
  const email = typeof form.email === 'string' && form.email.trim() ? parseField(fields.requiredEmail, form.email, 'email') : null;
  if (!token || !(await tokenMatches(c, token))) {
    c.status(401);
    return c.html(await signInPage(c, 'That admin token is not right.'));
  }
  const owner = await c.var.stores.team.read((team) => team.ensureOwner({ name: name || 'Owner', email }));
  await startSession(c, owner, 'admin-token');
  return c.redirect('/admin', 303);
});

dashboardRoute.post('/logout', async (c) => {
  requireSameOrigin(c);
  await endSession(c);
  return c.redirect('/admin', 303);
});

const DONE: Record<string, string> = {
  approve: 'Comment approved.',
  remove: 'Comment removed. It can be restored from Removed.',
  spam: 'Comment marked as spam.',
  restore: 'Comment restored.',
  pin: 'Comment pinned.',
  unpin: 'Comment unpinned.',
  'ban-email': 'Email banned.',
  'ban-ip': 'IP banned.',
};

dashboardRoute.post('/bulk', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody({ all: true });
  const ids = ([] as unknown[]).concat(form.ids ?? []).filter((id): id is string => typeof id === 'string');
  const name = String(form.action ?? '');
  if (!(STATUS_ACTIONS as readonly string[]).includes(name)) throw new ApiError(400, 'invalid_request', 'Choose an action.');
  if (ids.length === 0) return c.redirect(backTo(c, form, 'Select some comments first.'), 303);
  const { done, failed } = await applyBulk(c, ids, name as StatusAction);
  return c.redirect(backTo(c, form, `${done.length} comment${done.length === 1 ? '' : 's'}: ${name} done.${failed.length ? ` ${failed.length} failed.` : ''}`), 303);
});

dashboardRoute.get('/comments/:id/edit', async (c) => {
  await requireModerator(c);
  const record = await currentRecord(c, c.req.param('id'));
  requireSiteAccess(c, record.site, 'read');
  return c.html(editPage(record, dashboardPath(c.req.query('back'))));
});

dashboardRoute.post('/comments/:id/edit', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody();
  await editComment(c, c.req.param('id'), { author: String(form.author ?? ''), body: String(form.body ?? '') }, form.approve === '1');
  return c.redirect(backTo(c, form, form.approve === '1' ? 'Comment edited and approved.' : 'Comment edited.'), 303);
});

dashboardRoute.post('/comments/:id/:action', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody();
  const id = c.req.param('id');
  const name = c.req.param('action');
  if ((STATUS_ACTIONS as readonly string[]).includes(name)) {
    await applyStatusAction(c, id, name as StatusAction);
  } else if (name === 'pin' || name === 'unpin') {
    await setPinned(c, id, name === 'pin');
  } else if (name === 'ban-email' || name === 'ban-ip') {
    const days = form.days === 'forever' ? null : Number(form.days ?? 30);
    if (days !== null && !(days > 0 && days <= 3650)) throw new ApiError(400, 'invalid_request', 'Choose how long the ban lasts.');
    await banAuthor(c, id, name === 'ban-email' ? 'email' : 'ip', days, parseField(fields.reason, form.reason ?? '', 'reason'));
  } else {
    throw new ApiError(404, 'not_found', 'No such action.');
  }
  return c.redirect(backTo(c, form, DONE[name]), 303);
});

dashboardRoute.post('/threads/lock', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody();
  const { site, thread, locked } = parseOrThrow(lockSchema, { site: form.site, thread: form.thread, locked: form.locked === '1' });
  await setThreadLock(c, site, thread, locked);
  return c.redirect(backTo(c, form, locked ? 'Thread locked.' : 'Thread unlocked.'), 303);
});

dashboardRoute.get('/bans', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  return c.html(bansPage(viewer, bansInScope(c, await c.var.stores.moderation.listBans()), c.req.query('done')));
});

dashboardRoute.post('/bans/:kind/:hash/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const kind = c.req.param('kind');
  if (kind !== 'email' && kind !== 'ip') throw new ApiError(404, 'not_found', 'No such ban.');
  const form = await c.req.parseBody();
  await unban(c, kind, c.req.param('hash'), typeof form.site === 'string' && form.site ? form.site : undefined);
  return c.redirect('/admin/bans?done=Ban+lifted.', 303);
});

/** The audit log of the moderator's sites, filtered by moderator and site, and the reconciler's status of those sites. */
dashboardRoute.get('/audit', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  const by = c.req.query('by') || undefined;
  const site = c.req.query('site') || undefined;
  const cursor = c.req.query('cursor') || undefined;
  const [{ entries, next }, reconciler, members] = await Promise.all([
    readAudit(c, { by, site, cursor }),
    reconcilerRuns(c, 1, site),
    c.var.stores.team.read((team) => team.members()),
  ]);
  const nextUrl = next ? `/admin/audit?${new URLSearchParams({ ...(by ? { by } : {}), ...(site ? { site } : {}), cursor: next }).toString()}` : null;
  return c.html(auditPage(viewer, entries, reconciler, { members: members.map(({ id, name }) => ({ id, name })), sites: sitesInScope(c), by, site, next: nextUrl }));
});

/** The development mail catcher: the owner's only (it holds every reader's and moderator's mail, sign-in links included). */
dashboardRoute.get('/outbox', async (c) => {
  const viewer = await moderator(c);
  if (!viewer) return c.html(await signInPage(c));
  requireOwner(c);
  const entries = await c.var.stores.outbox.read();
  return c.html(outboxPage(viewer, entries, mailerFor(c.env, c.env.PARLEY_KV, c.var.outbound).name));
});

// Sites: add and change them without a redeploy (./sites-route.ts).
dashboardRoute.route('/sites', sitesDashboardRoute);

/**
 * One-click moderation links from notifications. GET only shows what the link will do, with
 * one button: chat apps fetch links to preview them, and a preview must never approve anything.
 * The POST needs no session: the signed link is the credential, for this comment and action only.
 */
// A signed link is a credential: without the secrets that make and check it, nothing is shown or done.
dashboardRoute.use('/act/*', requireSecrets());

dashboardRoute.get('/act/:signed', async (c) => {
  const link = await readModerationLink(c.env, c.req.param('signed'));
  if (await c.var.stores.moderation.linkUsed(link.n)) throw new ApiError(410, 'link_used', 'This link has already been used.');
  const record = await currentRecord(c, link.c);
  if (link.s && record.status !== link.s) {
    c.status(409);
    return c.html(messagePage('This link no longer applies', `${record.author}'s comment on ${record.thread} is ${STATUS_LABELS[record.status].toLowerCase()} now (changed ${record.updatedAt.slice(0, 16).replace('T', ' ')} UTC). Nothing was changed.`));
  }
  return c.html(confirmLinkPage(record, link.a, c.req.param('signed')));
});

dashboardRoute.post('/act/:signed', async (c) => {
  requireSameOrigin(c);
  const link = await readModerationLink(c.env, c.req.param('signed'));
  if (await c.var.stores.moderation.linkUsed(link.n)) throw new ApiError(410, 'link_used', 'This link has already been used.');
  // The link acts as the moderator it was mailed to, while they still moderate the comment's site; a webhook's as "webhook".
  const where = await locateComment(c, link.c);
  if (link.m) {
    const member = await c.var.stores.team.read((team) => team.member(link.m!));
    const principal = member ? memberPrincipal(member, 'signed-link') : null;
    if (!principal || !coversSite(principal, where.site)) throw new ApiError(403, 'forbidden_site', 'This link was sent to someone who no longer moderates this site.');
    setPrincipal(c, principal);
  } else {
    setPrincipal(c, webhookPrincipal(where.site));
  }
  let record;
  try {
    // The thread's object applies it only if the comment is still as it was when the link was sent.
    record = await applyStatusAction(c, link.c, link.a, link.s ? { expect: link.s } : {});
  } catch (error) {
    if (error instanceof ApiError && error.code === 'link_stale') {
      c.status(409);
      return c.html(messagePage('This link no longer applies', `${error.message} Nothing was changed.`));
    }
    throw error;
  }
  await c.var.stores.moderation.markLinkUsed(link.n, link.e);
  return c.html(messagePage(link.a === 'approve' ? 'Comment approved' : 'Comment removed', `${record.author}'s comment on ${record.thread} is now ${STATUS_LABELS[record.status as CommentStatus].toLowerCase()}.`));
});

// Followers and Posts (following a site's posts by email): their own module, under the same headers and error pages.
dashboardRoute.route('/', followersDashboardRoute);
