import { html, raw } from 'hono/html';
import type { SiteConfig } from '../config/sites';
import type { FeedState, Follower, FollowerCounts, FollowerStatus, PostWithSend, SendState } from '../objects/followers/protocol';
import { nav, page, type Viewer } from './views';

/**
 * The dashboard's Followers and Posts pages (server-rendered like the rest of the dashboard: every
 * value escaped, no inline script or style, forms that work without script).
 */

const STATUS_WORDS: Record<FollowerStatus, string> = { confirmed: 'Confirmed', pending: 'Waiting for confirmation', bounced: 'Bounced', complained: 'Complained' };
const MODE_WORDS = { each: 'Each post', daily: 'Daily digest', weekly: 'Weekly digest' } as const;
const SOURCE_WORDS = { form: 'Follow box', import: 'Imported (asked to confirm)', 'import-consent': 'Imported with consent' } as const;

function siteChooser(action: string, sites: SiteConfig[], current: SiteConfig) {
  return html`<form class="filters" method="get" action="${action}">
  <label for="site">Site</label>
  <select id="site" name="site">${sites.map((site) => html`<option value="${site.id}"${site.id === current.id ? raw(' selected') : ''}>${site.name}</option>`)}</select>
  <button type="submit">Show</button>
</form>`;
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '';
}

export interface FollowersPageData {
  viewer: Viewer;
  sites: SiteConfig[];
  site: SiteConfig;
  counts: FollowerCounts;
  followers: Follower[];
  status?: FollowerStatus | 'suppressed';
  q?: string;
  next: string | null;
  notice?: string;
  back: string;
}

export function followersPage(data: FollowersPageData) {
  const { site, counts } = data;
  const tab = (status: FollowerStatus | 'suppressed' | undefined, label: string, count: number) => {
    const params = new URLSearchParams({ site: site.id, ...(status ? { status } : {}), ...(data.q ? { q: data.q } : {}) });
    return html`<a href="/admin/followers?${params.toString()}"${status === data.status ? raw(' aria-current="page"') : ''}>${label} <span class="badge">${count}</span></a>`;
  };
  const nextParams = data.next ? new URLSearchParams({ site: site.id, ...(data.status ? { status: data.status } : {}), ...(data.q ? { q: data.q } : {}), cursor: data.next }) : null;
  return page(
    'Followers',
    html`${nav(data.viewer, 'followers')}
<main>
<h1>Followers of ${site.name} <span class="count">(${counts.confirmed} confirmed)</span></h1>
${siteChooser('/admin/followers', data.sites, site)}
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
<nav class="tabs" aria-label="Followers by status">
  ${tab(undefined, 'All', counts.confirmed + counts.pending + counts.suppressed)}
  ${tab('confirmed', 'Confirmed', counts.confirmed)}
  ${tab('pending', 'Waiting for confirmation', counts.pending)}
  ${tab('suppressed', 'Bounced or complained', counts.suppressed)}
</nav>
<form class="filters" method="get" action="/admin/followers" role="search">
  <input type="hidden" name="site" value="${site.id}">
  ${data.status ? html`<input type="hidden" name="status" value="${data.status}">` : ''}
  <label for="q">Search</label>
  <input id="q" name="q" type="search" value="${data.q ?? ''}" placeholder="part of an address" size="24">
  <button type="submit">Search</button>
  <a class="button" href="/admin/followers.csv?site=${site.id}" download>Export CSV</a>
</form>
${
  data.followers.length === 0
    ? html`<p class="empty">No followers here yet.</p>`
    : html`<table>
<thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Gets</th><th scope="col">Came from</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${data.followers.map(
  (follower) => html`<tr><td>${follower.email || html`<span class="hint">(address erased; kept as a hash so it is never mailed again)</span>`}</td><td>${STATUS_WORDS[follower.status]}</td><td>${follower.status === 'confirmed' ? MODE_WORDS[follower.mode] : ''}</td><td>${SOURCE_WORDS[follower.source]}</td><td>${when(follower.confirmedAt ?? follower.createdAt)}</td>
<td><form method="post" action="/admin/followers/remove"><input type="hidden" name="site" value="${site.id}"><input type="hidden" name="id" value="${follower.emailHash}"><input type="hidden" name="back" value="${data.back}"><button type="submit" class="remove" aria-label="Remove ${follower.email || 'this address'}">Remove</button></form></td></tr>`,
)}
</tbody></table>`
}
${nextParams ? html`<p class="pager"><a href="/admin/followers?${nextParams.toString()}" rel="next">Next page of followers</a></p>` : ''}
<section aria-labelledby="import-heading">
<h2 id="import-heading">Import followers</h2>
<p class="hint">A CSV exported from WordPress.com (Users → Subscribers → Download subscribers as CSV), Jetpack or another service — any CSV with a column whose name holds “email” — or a plain list of addresses, one per line. Addresses already here are left as they are.</p>
<form method="post" action="/admin/followers/import" enctype="multipart/form-data" class="stack">
  <input type="hidden" name="site" value="${site.id}">
  <label for="file">CSV or text file</label>
  <input id="file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain">
  <label for="list">Or paste addresses</label>
  <textarea id="list" name="list" rows="5" placeholder="ann@example.com"></textarea>
  <label><input type="checkbox" name="consent" value="1"> Every one of these people agreed to get my posts by email (for example, they subscribed to this blog before). They follow at once.</label>
  <p class="hint">Without this, each gets one mail asking them to confirm, and follows only if they do.</p>
  <button type="submit" class="primary">Import</button>
</form>
</section>
</main>`,
  );
}

/** "queued", "sending: sent 40 of 300", "sent 298 of 300, failed 2", "paused: …". */
export function sendStatus(send: SendState | null): string {
  if (!send) return 'not mailed (nobody followed when it was learned of)';
  const failed = send.failed ? `, failed ${send.failed}` : '';
  switch (send.status) {
    case 'queued':
      return send.sent ? `queued: sent ${send.sent} of ${send.total}${failed}` : `queued (${send.total} to mail)`;
    case 'sending':
      return `sending: sent ${send.sent} of ${send.total}${failed}${send.error ? ` (retrying: ${send.error})` : ''}`;
    case 'sent':
      return `sent ${send.sent} of ${send.total}${failed}`;
    case 'paused':
      return `paused after ${send.attempts} failed attempts (${send.error ?? 'unknown error'}): sent ${send.sent} of ${send.total}${failed}`;
  }
}

function retryButton(site: SiteConfig, send: SendState | null) {
  if (!send || (send.failed === 0 && send.status !== 'paused')) return '';
  return html`<form method="post" action="/admin/posts/retry"><input type="hidden" name="site" value="${site.id}"><input type="hidden" name="send" value="${send.id}"><button type="submit">Retry${send.failed ? ` ${send.failed} failed` : ''}</button></form>`;
}

export interface PostsPageData {
  viewer: Viewer;
  sites: SiteConfig[];
  site: SiteConfig;
  posts: PostWithSend[];
  sends: SendState[];
  feed: FeedState;
  notice?: string;
}

export function postsPage(data: PostsPageData) {
  const { site, feed } = data;
  return page(
    'Posts',
    html`${nav(data.viewer, 'posts')}
<main>
<h1>Posts of ${site.name}</h1>
${siteChooser('/admin/posts', data.sites, site)}
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
<section aria-labelledby="feed-heading">
<h2 id="feed-heading">Feed</h2>
${
  site.feed
    ? html`<p>${site.feed} — ${feed.polledAt ? html`last read ${when(feed.polledAt)}, ${feed.entries} entries known` : 'not read yet (every 10 minutes)'}.</p>
${feed.error ? html`<p class="error" role="alert">The last poll failed: ${feed.error}</p>` : ''}`
    : html`<p class="hint">No feed is set for this site: set <code>feed</code> in its settings (docs/following.md), or announce each post below or with <code>npm run announce</code>.</p>`
}
</section>
<section aria-labelledby="announce-heading">
<h2 id="announce-heading">Announce a post</h2>
<form method="post" action="/admin/posts/announce" class="stack">
  <input type="hidden" name="site" value="${site.id}">
  <label for="url">Address of the post</label>
  <input id="url" name="url" type="url" required placeholder="${site.url ?? 'https://'}">
  <label for="title">Title</label>
  <input id="title" name="title" required maxlength="300">
  <label for="summary">Summary <span class="hint">(optional)</span></label>
  <textarea id="summary" name="summary" rows="3" maxlength="2000"></textarea>
  <button type="submit" class="primary">Mail it to the followers</button>
</form>
<p class="hint">A post is mailed once: announcing it again, or finding it in the feed later, mails nobody.</p>
</section>
<section aria-labelledby="posts-heading">
<h2 id="posts-heading">Sent and sending</h2>
${
  data.posts.length === 0
    ? html`<p class="empty">No posts yet.</p>`
    : html`<table>
<thead><tr><th scope="col">Post</th><th scope="col">Published</th><th scope="col">From</th><th scope="col">Mail</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${data.posts.map(
  (post) => html`<tr><td><a href="${post.url}" rel="noreferrer" target="_blank">${post.title}</a></td><td>${when(post.publishedAt)}</td><td>${post.source === 'feed' ? 'Feed' : 'Announced'}</td><td>${sendStatus(post.send)}</td><td>${retryButton(site, post.send)}</td></tr>`,
)}
</tbody></table>`
}
</section>
${
  data.sends.length
    ? html`<section aria-labelledby="digests-heading"><h2 id="digests-heading">Digests and invitations</h2><table>
<thead><tr><th scope="col">What</th><th scope="col">Started</th><th scope="col">Mail</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${data.sends.map(
        (send) =>
          html`<tr><td>${send.kind === 'invite' ? 'Invitations to confirm (import)' : `${send.kind === 'daily' ? 'Daily' : 'Weekly'} digest of ${send.period}, ${send.posts.length} post${send.posts.length === 1 ? '' : 's'}`}</td><td>${when(send.createdAt)}</td><td>${sendStatus(send)}</td><td>${retryButton(site, send)}</td></tr>`,
      )}</tbody></table></section>`
    : ''
}
</main>`,
  );
}
