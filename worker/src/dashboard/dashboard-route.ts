import { Hono, type Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { endSession, hasSession, sameOriginRequest, startSession, tokenMatches } from '../lib/admin-auth';
import { isCommentId } from '../lib/ids';
import { parseStatus } from '../routes/admin-api';
import type { CommentRecord } from '../storage/comment-store';
import type { CommentStatus } from '../wire';
import { DASHBOARD_CSS } from './dashboard-css';

/**
 * The moderator dashboard at `/admin`: plain server-rendered HTML forms, no script at all,
 * so its Content-Security-Policy can forbid every script. Sign-in sets an HttpOnly,
 * SameSite=Strict session cookie; every POST checks that it came from this origin.
 */
export const dashboardRoute = new Hono<AppEnv>();

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

dashboardRoute.use('*', async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
});

dashboardRoute.get('/dashboard.css', (c) => {
  c.header('Content-Type', 'text/css; charset=utf-8');
  return c.body(DASHBOARD_CSS);
});

const STATUS_LABELS: Record<CommentStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  spam: 'Spam',
  removed: 'Removed',
};

function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Parley moderation</title>
<link rel="stylesheet" href="/admin/dashboard.css">
</head>
<body>
${body}
</body>
</html>`;
}

function loginPage(error?: string) {
  return page(
    'Sign in',
    html`<main class="login">
<h1>Parley moderation</h1>
<form method="post" action="/admin/login">
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <button type="submit">Sign in</button>
</form>
</main>`,
  );
}

function threadLink(c: Context<AppEnv>, record: CommentRecord) {
  const site = c.var.sites.get(record.site);
  if (site?.url) {
    const href = new URL(record.thread, site.url).toString();
    return html`<a href="${href}#comment-${record.id}" rel="noreferrer">${record.thread}</a>`;
  }
  if (/^\//.test(record.thread)) return html`<a href="${record.thread}#comment-${record.id}">${record.thread}</a>`;
  return html`${record.thread}`;
}

function commentCard(c: Context<AppEnv>, record: CommentRecord, back: string) {
  const site = c.var.sites.get(record.site);
  const actions: HtmlEscapedString[] = [];
  if (record.status !== 'approved') {
    actions.push(html`<form method="post" action="/admin/comments/${record.id}/approve?back=${encodeURIComponent(back)}"><button type="submit" class="approve">Approve</button></form>` as HtmlEscapedString);
  }
  if (record.status !== 'removed') {
    actions.push(html`<form method="post" action="/admin/comments/${record.id}/remove?back=${encodeURIComponent(back)}"><button type="submit" class="remove">Remove</button></form>` as HtmlEscapedString);
  }
  return html`<article class="comment" id="comment-${record.id}" aria-labelledby="author-${record.id}">
  <header>
    <strong id="author-${record.id}">${record.author}</strong>
    ${record.email ? html`<span class="email">&lt;${record.email}&gt;</span>` : ''}
    ${record.website ? html`<a class="website" href="${record.website}" rel="nofollow noreferrer">${record.website}</a>` : ''}
    <span class="where">on <span class="site">${site?.name ?? record.site}</span> · ${threadLink(c, record)}</span>
    <time datetime="${record.createdAt}">${record.createdAt.replace('T', ' ').slice(0, 16)} UTC</time>
    ${record.parentId ? html`<span class="reply-to">reply to ${record.parentId}</span>` : ''}
  </header>
  <div class="body">${raw(record.html)}</div>
  <div class="actions">${actions}</div>
</article>`;
}

dashboardRoute.get('/', async (c) => {
  if (!(await hasSession(c))) return c.html(loginPage());
  const status = parseStatus(c.req.query('status'));
  const siteFilter = c.req.query('site') || undefined;
  if (siteFilter && !c.var.sites.has(siteFilter)) throw new ApiError(404, 'unknown_site', `No site "${siteFilter}" is configured.`);
  const records = await c.var.store.listByStatus(status, { site: siteFilter });
  const back = new URL(c.req.url).search;
  const notice = c.req.query('done');
  return c.html(
    page(
      `${STATUS_LABELS[status]} comments`,
      html`<header class="top">
  <h1>Parley moderation</h1>
  <form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>
</header>
<main>
<form class="filters" method="get" action="/admin">
  <label for="status">Status</label>
  <select id="status" name="status">
    ${Object.entries(STATUS_LABELS).map(([value, label]) => html`<option value="${value}"${value === status ? raw(' selected') : ''}>${label}</option>`)}
  </select>
  <label for="site">Site</label>
  <select id="site" name="site">
    <option value="">All sites</option>
    ${[...c.var.sites.values()].map((site) => html`<option value="${site.id}"${site.id === siteFilter ? raw(' selected') : ''}>${site.name}</option>`)}
  </select>
  <button type="submit">Show</button>
</form>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<h2>${STATUS_LABELS[status]} comments <span class="count">(${records.length})</span></h2>
${records.length === 0 ? html`<p class="empty">Nothing here. ${status === 'pending' ? 'The queue is clear.' : ''}</p>` : records.map((record) => commentCard(c, record, back))}
</main>`,
    ),
  );
});

dashboardRoute.post('/login', async (c) => {
  if (!sameOriginRequest(c)) throw new ApiError(403, 'forbidden_origin', 'Sign in from the dashboard page itself.');
  const form = await c.req.parseBody();
  const token = typeof form.token === 'string' ? form.token : '';
  if (!token || !(await tokenMatches(c, token))) {
    c.status(401);
    return c.html(loginPage('That admin token is not right.'));
  }
  await startSession(c);
  return c.redirect('/admin', 303);
});

dashboardRoute.post('/logout', async (c) => {
  if (!sameOriginRequest(c)) throw new ApiError(403, 'forbidden_origin', 'Sign out from the dashboard page itself.');
  endSession(c);
  return c.redirect('/admin', 303);
});

const ACTIONS: Record<string, { status: CommentStatus; done: string }> = {
  approve: { status: 'approved', done: 'Comment approved.' },
  remove: { status: 'removed', done: 'Comment removed.' },
};

dashboardRoute.post('/comments/:id/:action', async (c) => {
  if (!(await hasSession(c))) throw new ApiError(401, 'unauthorized', 'Sign in first.');
  if (!sameOriginRequest(c)) throw new ApiError(403, 'forbidden_origin', 'Moderation requests must come from the dashboard itself.');
  const action = ACTIONS[c.req.param('action')];
  const id = c.req.param('id');
  if (!action || !isCommentId(id)) throw new ApiError(404, 'not_found', 'No such comment or action.');
  const record = await c.var.store.setStatus(id, action.status);
  if (!record) throw new ApiError(404, 'not_found', 'No comment with that id.');
  const back = new URLSearchParams(c.req.query('back') ?? '');
  back.set('done', action.done);
  return c.redirect(`/admin?${back.toString()}`, 303);
});
