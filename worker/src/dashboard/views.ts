import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { SiteConfig } from '../config/sites';
import type { CommentRecord } from '../storage/records';
import type { Ban } from '../storage/moderation-store';
import type { AuditEntry } from '../storage/audit-log';
import type { ReconcileRun } from '../objects/site/protocol';
import type { CommentStatus } from '../wire';
import { QUEUE_PAGE, type QueueFilter } from '../services/queues';
import type { OutboxEntry } from '../mail/mailer';
import { threadPath, threadUrl } from '../lib/thread-url';
import { dashboardPath } from './dashboard-path';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const STATUS_LABELS: Record<CommentStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  spam: 'Spam',
  removed: 'Removed',
};

/** The page shell: no inline script or style anywhere (the CSP forbids both). */
export function page(title: string, body: Html, options: { script?: boolean; passkeys?: boolean } = {}) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Parley moderation</title>
<link rel="stylesheet" href="/admin/dashboard.css">
<link rel="icon" href="/admin/favicon.svg" type="image/svg+xml">
${options.script ? html`<script src="/admin/dashboard.js" defer></script>` : ''}
${options.passkeys ? html`<script src="/admin/passkeys.js" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>`;
}

export function messagePage(title: string, message: string) {
  return page(title, html`<main class="narrow"><h1>${title}</h1><p>${message}</p><p><a href="/admin">Go to the dashboard</a></p></main>`);
}

/**
 * The sign-in page: a passkey (the script unhides its button where the browser supports
 * passkeys), a sign-in link by email, and, for the owner, ADMIN_TOKEN (the first sign-in, and
 * break-glass). The first sign-in with the token makes the owner's account from name and email.
 */
export function loginPage(error?: string, options: { ownerExists?: boolean; notice?: string } = {}) {
  return page(
    'Sign in',
    html`<main class="narrow">
<h1>Parley moderation</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
<section aria-labelledby="with-passkey">
  <h2 id="with-passkey">Sign in with a passkey</h2>
  <button type="button" class="primary" data-passkey="sign-in" hidden>Sign in with a passkey</button>
  <p id="passkey-status" role="status" class="hint">Use the passkey you registered on this dashboard.</p>
</section>
<section aria-labelledby="with-link">
  <h2 id="with-link">Or get a sign-in link by email</h2>
  <form method="post" action="/admin/sign-in-link" class="stack">
    <label for="link-email">Your email address</label>
    <input id="link-email" name="email" type="email" autocomplete="email" required>
    <button type="submit">Email me a sign-in link</button>
  </form>
</section>
<details class="owner-token"${error === 'That admin token is not right.' ? raw(' open') : ''}>
  <summary>Owner: sign in with the admin token</summary>
  <form method="post" action="/admin/login" class="stack">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required>
    ${
      options.ownerExists
        ? html`<p class="hint">The admin token is the owner’s break-glass credential: register a passkey once signed in.</p>`
        : html`<label for="name">Your name <span class="hint">(the owner’s account is made now, shown in the audit log)</span></label>
    <input id="name" name="name" type="text" autocomplete="name" maxlength="64">
    <label for="owner-email">Your email address <span class="hint">(for sign-in links and notifications)</span></label>
    <input id="owner-email" name="email" type="email" autocomplete="email">`
    }
    <button type="submit">Sign in with the admin token</button>
  </form>
</details>
</main>`,
    { passkeys: true },
  );
}

/** Who is looking at a page: their name, and whether they are the owner (the Team and Outbox pages are the owner's). */
export interface Viewer {
  name: string;
  owner: boolean;
}

/** The dashboard's header: its pages, and who is signed in (wraps onto more lines on a phone). */
export function nav(viewer: Viewer, current: string) {
  const link = (href: string, label: string, id: string) => html`<a href="${href}"${id === current ? raw(' aria-current="page"') : ''}>${label}</a>`;
  return html`<header class="top">
  <a class="brand" href="/admin">Parley moderation</a>
  <nav aria-label="Dashboard">${link('/admin', 'Queue', 'queue')} ${link('/admin/bans', 'Bans', 'bans')} ${link('/admin/audit', 'Audit log', 'audit')} ${viewer.owner ? html`${link('/admin/team', 'Team', 'team')} ${link('/admin/outbox', 'Outbox', 'outbox')} ${link('/admin/sites', 'Sites', 'sites')} ` : ''}${link('/admin/followers', 'Followers', 'followers')} ${link('/admin/posts', 'Posts', 'posts')} ${link('/admin/account', 'Your account', 'account')}</nav>
  <form method="post" action="/admin/logout" class="signout"><span class="who">${viewer.name}</span> <button type="submit">Sign out</button></form>
</header>`;
}

/** The navigation bar, for pages built elsewhere (team-views.ts). */
export { nav as dashboardNav };

function queueUrl(filter: QueueFilter, changes: Partial<QueueFilter>): string {
  const params = new URLSearchParams();
  const { after, limit, ...next } = { ...filter, after: undefined, ...changes };
  for (const [key, value] of Object.entries(next)) if (value) params.set(key, String(value));
  if (limit && limit !== QUEUE_PAGE) params.set('limit', String(limit));
  if (after) params.set('cursor', after);
  return `/admin?${params.toString()}`;
}

export interface QueuePageData {
  viewer: Viewer;
  filter: QueueFilter;
  counts: Record<CommentStatus, number>;
  sites: SiteConfig[];
  notice?: string;
  cards: Html[];
  back: string;
  /** The id to continue after for the next page of this queue, or null on the last page. */
  next: string | null;
  /** Comments of an earlier release are still being indexed: the queue may be incomplete. */
  indexing: boolean;
}

export function queuePage(data: QueuePageData) {
  const { filter } = data;
  const statuses = Object.keys(STATUS_LABELS) as CommentStatus[];
  return page(
    `${STATUS_LABELS[filter.status]} comments`,
    html`${nav(data.viewer, 'queue')}
<main>
<nav class="tabs" aria-label="Queues">
  ${statuses.map(
    (status) =>
      html`<a href="${queueUrl(filter, { status })}"${status === filter.status ? raw(' aria-current="page"') : ''}>${STATUS_LABELS[status]} <span class="badge">${data.counts[status]}</span></a>`,
  )}
</nav>
<form class="filters" method="get" action="/admin" role="search">
  <input type="hidden" name="status" value="${filter.status}">
  <label for="site">Site</label>
  <select id="site" name="site">
    <option value="">All sites</option>
    ${data.sites.map((site) => html`<option value="${site.id}"${site.id === filter.site ? raw(' selected') : ''}>${site.name}</option>`)}
  </select>
  <label for="thread">Thread</label>
  <input id="thread" name="thread" value="${filter.thread ?? ''}" placeholder="/posts/…" size="16">
  <label for="q">Search</label>
  <input id="q" name="q" type="search" value="${filter.q ?? ''}" placeholder="author, email or text" size="20">
  <button type="submit">Filter</button>
</form>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
<h1>${STATUS_LABELS[filter.status]} comments <span class="count">(${!filter.after && !data.next ? data.cards.length : filter.q || filter.thread ? `${data.cards.length} on this page` : `${data.cards.length} of ${data.counts[filter.status]} on this page`})</span></h1>
${data.indexing ? html`<p class="notice" role="status">Taking in comments stored by an earlier version of Parley: this queue may not show all of them yet. Reload in a minute.</p>` : ''}
${
  data.cards.length === 0
    ? html`<p class="empty">Nothing here.${filter.status === 'pending' ? ' The queue is clear.' : ''}</p>`
    : html`<form id="bulk" method="post" action="/admin/bulk" class="bulk">
  <input type="hidden" name="back" value="${data.back}">
  <span>With selected:</span>
  <button type="submit" name="action" value="approve">Approve selected</button>
  <button type="submit" name="action" value="remove">Remove selected</button>
  <button type="submit" name="action" value="spam">Mark selected as spam</button>
</form>
<ol class="comments">${data.cards.map((card) => html`<li>${card}</li>`)}</ol>`
}
${data.next ? html`<p class="pager"><a href="${queueUrl(filter, { after: data.next })}" rel="next">Next page of ${STATUS_LABELS[filter.status].toLowerCase()} comments</a></p>` : ''}
<p class="shortcuts">Keyboard: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>a</kbd> approve, <kbd>r</kbd> remove, <kbd>s</kbd> spam, <kbd>e</kbd> edit, <kbd>x</kbd> select, <kbd>/</kbd> search.</p>
</main>`,
    { script: true },
  );
}

/**
 * The thread of a comment, linked where it can be: to its page on the site (built from the site's
 * `url`, on that origin only), else, for a thread id that is a plain path, to that path here. A
 * thread id that would make a protocol-relative or non-http(s) link is shown as text.
 */
function threadLink(record: CommentRecord, site: SiteConfig | undefined) {
  const onSite = threadUrl(site, record.thread, record.id);
  if (onSite) return html`<a href="${onSite}" rel="noreferrer" target="_blank">${record.thread}</a>`;
  const here = site?.url ? null : threadPath(record.thread, record.id);
  if (here) return html`<a href="${here}" target="_blank">${record.thread}</a>`;
  return html`${record.thread}`;
}

function button(id: string, action: string, label: string, back: string, className = '', key = '') {
  return html`<form method="post" action="/admin/comments/${id}/${action}"><input type="hidden" name="back" value="${back}"><button type="submit" class="${className}"${key ? raw(` data-key="${key}"`) : ''}>${label}</button></form>`;
}

/** One comment in a queue, with every action that applies to it. */
export function commentCard(record: CommentRecord, site: SiteConfig | undefined, back: string) {
  const actions: Html[] = [];
  if (record.status === 'pending') actions.push(button(record.id, 'approve', 'Approve', back, 'approve', 'a'));
  if (record.status === 'removed' || record.status === 'spam') actions.push(button(record.id, 'restore', 'Restore', back, 'approve', 'a'));
  if (record.status !== 'removed') actions.push(button(record.id, 'remove', 'Remove', back, 'remove', 'r'));
  if (record.status !== 'spam') actions.push(button(record.id, 'spam', 'Spam', back, '', 's'));
  actions.push(html`<a class="button" href="/admin/comments/${record.id}/edit?back=${encodeURIComponent(back)}" data-key="e">Edit</a>`);
  if (record.status === 'approved') actions.push(button(record.id, 'pin', 'Pin', back), button(record.id, 'unpin', 'Unpin', back));
  const bans: Html[] = [];
  if (record.email) bans.push(html`<button type="submit" formaction="/admin/comments/${record.id}/ban-email">Ban email</button>`);
  if (record.ipHash) bans.push(html`<button type="submit" formaction="/admin/comments/${record.id}/ban-ip">Ban IP</button>`);
  return html`<article class="comment" id="comment-${record.id}" tabindex="-1" aria-labelledby="author-${record.id}">
  <header>
    ${record.status === 'pending' || record.status === 'approved' ? html`<input type="checkbox" name="ids" value="${record.id}" form="bulk" aria-label="Select comment by ${record.author}">` : ''}
    <strong id="author-${record.id}">${record.author}</strong>
    ${record.email ? html`<span class="email">${record.email}</span>` : ''}
    ${record.website ? html`<a class="website" href="${record.website}" rel="nofollow noreferrer">${record.website}</a>` : ''}
    <span class="where">on <span class="site">${site?.name ?? record.site}</span> · ${threadLink(record, site)}</span>
    <time datetime="${record.createdAt}">${record.createdAt.replace('T', ' ').slice(0, 16)} UTC</time>
    ${record.parentId ? html`<span class="reply-to"><a href="#comment-${record.parentId}">in reply to a comment</a></span>` : ''}
  </header>
  ${record.flags?.length ? html`<p class="flags">Flagged: ${record.flags.join('; ')}</p>` : ''}
  <div class="body">${raw(record.html)}</div>
  ${record.editedBy ? html`<p class="hint">Edited by ${record.editedBy}</p>` : ''}
  <div class="actions">${actions}</div>
  <details class="more">
    <summary>Ban or lock</summary>
    ${
      bans.length
        ? html`<form class="ban" method="post" action="/admin/comments/${record.id}/ban-email">
      <input type="hidden" name="back" value="${back}">
      <label>Ban for <select name="days"><option value="1">1 day</option><option value="7">7 days</option><option value="30" selected>30 days</option><option value="365">1 year</option><option value="forever">ever</option></select></label>
      <label>Reason <input name="reason" maxlength="200" size="14"></label>
      ${bans}
    </form>`
        : html`<p class="hint">No email or IP on record to ban.</p>`
    }
    <form class="lock" method="post" action="/admin/threads/lock">
      <input type="hidden" name="back" value="${back}"><input type="hidden" name="site" value="${record.site}"><input type="hidden" name="thread" value="${record.thread}">
      <button type="submit" name="locked" value="1">Lock thread</button> <button type="submit" name="locked" value="0">Unlock thread</button>
    </form>
  </details>
</article>`;
}

export function editPage(record: CommentRecord, back: string) {
  return page(
    'Edit comment',
    html`<main class="narrow">
<h1>Edit comment</h1>
<p>On ${record.site} · ${record.thread} · ${STATUS_LABELS[record.status]}</p>
<form method="post" action="/admin/comments/${record.id}/edit" class="stack">
  <input type="hidden" name="back" value="${back}">
  <label for="author">Name</label>
  <input id="author" name="author" value="${record.author}" maxlength="64" required>
  <label for="body">Comment (Markdown)</label>
  <textarea id="body" name="body" rows="10" maxlength="5000" required>${record.body}</textarea>
  <div class="actions">
    <button type="submit" name="approve" value="0">Save</button>
    ${record.status !== 'approved' ? html`<button type="submit" name="approve" value="1" class="primary">Save and approve</button>` : ''}
    <a class="button" href="${dashboardPath(back)}">Cancel</a>
  </div>
</form>
</main>`,
  );
}

export function bansPage(viewer: Viewer, bans: Ban[], notice?: string) {
  return page(
    'Bans',
    html`${nav(viewer, 'bans')}
<main>
<h1>Bans <span class="count">(${bans.length})</span></h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${
  bans.length === 0
    ? html`<p class="empty">No one is banned. Ban an email or an IP from a comment in the queue.</p>`
    : html`<table>
<thead><tr><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">Where</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col">Until</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${bans.map(
  (ban) => html`<tr><td>${ban.label}</td><td>${ban.kind}</td><td>${ban.site ?? 'every site'}</td><td>${ban.reason}</td><td>${ban.by}</td><td>${ban.until ? ban.until.slice(0, 16).replace('T', ' ') : 'forever'}</td>
<td><form method="post" action="/admin/bans/${ban.kind}/${ban.hash}/delete">${ban.site ? html`<input type="hidden" name="site" value="${ban.site}">` : ''}<button type="submit">Lift ban</button></form></td></tr>`,
)}
</tbody></table>`
}
<p class="hint">IP addresses and emails are stored only as keyed hashes.</p>
</main>`,
  );
}

export interface AuditFilters {
  /** Members to filter by: id and name. */
  members: { id: string; name: string }[];
  sites: SiteConfig[];
  by?: string;
  site?: string;
  /** The link to the next page of entries, or null. */
  next: string | null;
}

export function auditPage(viewer: Viewer, entries: AuditEntry[], reconciler: { site: string; runs: ReconcileRun[] }[] = [], filters?: AuditFilters) {
  return page(
    'Audit log',
    html`${nav(viewer, 'audit')}
<main>
<h1>Audit log</h1>
<section aria-labelledby="reconciler">
<h2 id="reconciler">Reconciler</h2>
<p class="hint">Every 10 minutes it compares what readers are served with each thread's own state and repairs any difference.</p>
<ul class="reconciler">${reconciler.map(({ site, runs }) => {
      const last = runs[0];
      return html`<li><strong>${site}</strong>: ${
        last
          ? html`last ran <time datetime="${last.at}">${last.at.slice(0, 16).replace('T', ' ')} UTC</time>, checked ${last.checked} keys in ${last.threads} threads, repaired ${last.repaired}${last.detail.length ? html` (${last.detail.join(', ')})` : ''}${last.reindexed ? `, reindexed ${last.reindexed}` : ''}${last.purged ? `, purged ${last.purged} expired` : ''}${last.errors ? `, ${last.errors} errors` : ''}.`
          : 'has not run yet.'
      }</li>`;
    })}</ul>
</section>
<h2>Moderation</h2>
${
  filters
    ? html`<form class="filters" method="get" action="/admin/audit" role="search">
  <label for="audit-by">Moderator</label>
  <select id="audit-by" name="by">
    <option value="">Anyone</option>
    ${filters.members.map((member) => html`<option value="${member.id}"${member.id === filters.by ? raw(' selected') : ''}>${member.name}</option>`)}
    <option value="webhook"${filters.by === 'webhook' ? raw(' selected') : ''}>Webhook links</option>
    <option value="admin-token"${filters.by === 'admin-token' ? raw(' selected') : ''}>Admin token</option>
  </select>
  <label for="audit-site">Site</label>
  <select id="audit-site" name="site">
    <option value="">All your sites</option>
    ${filters.sites.map((site) => html`<option value="${site.id}"${site.id === filters.site ? raw(' selected') : ''}>${site.name}</option>`)}
  </select>
  <button type="submit">Filter</button>
</form>`
    : ''
}
${
  entries.length === 0
    ? html`<p class="empty">No moderation yet.</p>`
    : html`<table>
<thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Comment</th><th scope="col">Where</th><th scope="col">Detail</th></tr></thead>
<tbody>
${entries.map(
  (entry) =>
    html`<tr><td><time datetime="${entry.at}">${entry.at.slice(0, 19).replace('T', ' ')}</time></td><td>${entry.who}</td><td>${entry.action}</td><td>${entry.commentId ?? ''}</td><td>${entry.site ? `${entry.site} ${entry.thread ?? ''}` : ''}</td><td>${entry.detail ?? ''}</td></tr>`,
)}
</tbody></table>`
}
${filters?.next ? html`<p class="pager"><a href="${filters.next}" rel="next">Older entries</a></p>` : ''}
</main>`,
  );
}

export function confirmLinkPage(record: CommentRecord, action: 'approve' | 'remove', signed: string) {
  const label = action === 'approve' ? 'Approve' : 'Remove';
  return page(
    `${label} comment`,
    html`<main class="narrow">
<h1>${label} this comment?</h1>
<article class="comment">
  <header><strong>${record.author}</strong> <span class="where">on ${record.site} · ${record.thread}</span> <span class="badge">${STATUS_LABELS[record.status]}</span></header>
  <div class="body">${raw(record.html)}</div>
</article>
<form method="post" action="/admin/act/${signed}">
  <button type="submit" class="primary ${action === 'approve' ? 'approve' : 'remove'}" autofocus>${label}</button>
</form>
<p class="hint">This link works once and only for this comment.</p>
</main>`,
  );
}

/** The development mail catcher: every message the outbox mailer kept. */
export function outboxPage(viewer: Viewer, entries: OutboxEntry[], mailer: string) {
  return page(
    'Outbox',
    html`${nav(viewer, 'outbox')}
<main>
<h1>Outbox <span class="count">(${entries.length})</span></h1>
<p class="hint">${
      mailer === 'outbox'
        ? 'No mail service is configured, so notification mail is kept here instead of being sent (set MAIL_API_URL and MAIL_API_KEY, or a SEND_EMAIL binding, to send it).'
        : `Mail is sent through ${mailer}; this list shows only messages kept before that.`
    }</p>
${
  entries.length === 0
    ? html`<p class="empty">No mail yet.</p>`
    : entries.map(
        (entry) => html`<article class="comment mail">
  <header><strong>${entry.subject}</strong> <span>to ${entry.to}</span> <time datetime="${entry.at}">${entry.at.slice(0, 19).replace('T', ' ')} UTC</time></header>
  ${entry.headers['List-Unsubscribe'] ? html`<p class="hint">List-Unsubscribe: ${entry.headers['List-Unsubscribe']}</p>` : ''}
  <pre>${entry.text}</pre>
</article>`,
      )
}
</main>`,
  );
}
