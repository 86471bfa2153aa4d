import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppEnv } from '../app-env';
import { siteOrThrow } from '../services/sites';
import type { ListCommentsResponse, PublicComment } from '../wire';
import { firstPageJson } from '../services/reading';
import { threadUrl } from '../lib/thread-url';
import { validQuery } from '../lib/validate';
import { threadHtmlQuery } from '../requests';

/**
 * The approved thread as plain, semantic HTML for search engines and readers without
 * JavaScript: `GET /api/threads/html?site=S&thread=T` gives a fragment a site can include
 * server-side; add `&document=1` for a whole page (for a `<noscript>` link). First page only
 * (its top-level comments and their first replies); one KV read.
 */
export const threadHtmlRoute = new Hono<AppEnv>();

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

function renderTree(comments: PublicComment[], parentId: string | null, byParent: Map<string | null, PublicComment[]>): Html {
  const children = byParent.get(parentId) ?? [];
  if (children.length === 0) return html``;
  return html`<ol>${children.map(
    (comment) => html`<li><article id="comment-${comment.id}" itemscope itemtype="https://schema.org/Comment">
${
  comment.deleted
    ? html`<p><em>This comment was removed.</em></p>`
    : html`<header><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">${
        comment.website ? html`<a href="${comment.website}" rel="nofollow ugc noopener" itemprop="url">${comment.author}</a>` : comment.author
      }</span></span> · <time itemprop="dateCreated" datetime="${comment.createdAt}">${comment.createdAt.slice(0, 10)}</time></header>
<div itemprop="text">${raw(comment.html)}</div>`
}
${renderTree(comments, comment.id, byParent)}</article></li>`,
  )}</ol>`;
}

threadHtmlRoute.get('/html', validQuery(threadHtmlQuery), async (c) => {
  const query = c.req.valid('query');
  const site = siteOrThrow(c.var.sites, query.site);
  const thread = query.thread;
  const firstPage = JSON.parse(await firstPageJson(c, site, thread, 'oldest')) as ListCommentsResponse;
  const comments = firstPage.comments;
  const ids = new Set(comments.map((comment) => comment.id));
  const byParent = new Map<string | null, PublicComment[]>();
  for (const comment of comments) {
    const parent = comment.parentId && ids.has(comment.parentId) ? comment.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), comment]);
  }
  const total = firstPage.total;
  const fragment = html`<section class="parley-comments" aria-label="Comments">
<h2>${total === 1 ? '1 comment' : `${total} comments`}</h2>
${total === 0 ? html`<p>No comments yet.</p>` : renderTree(comments, null, byParent)}
</section>`;
  c.header('Cache-Control', 'public, max-age=60');
  c.header('Content-Security-Policy', "default-src 'none'");
  c.header('Access-Control-Allow-Origin', '*');
  if (query.document === '1') {
    // The post's address on the site, built from the site's url (on that origin only): a thread id never becomes an href by itself.
    const post = threadUrl(site, thread);
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comments · ${site.name}</title>${post ? html`<link rel="canonical" href="${post}">` : ''}</head>
<body>${post ? html`<p><a href="${post}">Back to the post</a></p>` : ''}${fragment}</body></html>`);
  }
  return c.html(fragment);
});
