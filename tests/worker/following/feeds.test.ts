import { afterEach, describe, expect, it, vi } from 'vitest';
import { reset } from 'cloudflare:test';
import { ADMIN, cron, drain, FEED_URL, feedHost, followAndConfirm, mailTo, NEWS_ORIGIN, recordingQueue, request } from './support';
import { MAX_FEED_BYTES } from '../../../worker/src/following/feed';

afterEach(() => {
  vi.restoreAllMocks();
  return reset();
});

interface Item {
  id: string;
  title: string;
  date: string;
  url?: string;
}

/** Feeds written the way blogs write them: RSS 2.0 (WordPress), Atom (Hugo, Jekyll) and JSON Feed (micro.blog). */
const rss = (items: Item[]) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Field Notes</title><link>${NEWS_ORIGIN}/</link><description>Notes</description>
${items
  .map(
    (item) => `<item><title>${item.title}</title><link>${item.url ?? `${NEWS_ORIGIN}/posts/${item.id}/`}</link>
<guid isPermaLink="false">${NEWS_ORIGIN}/?p=${item.id}</guid><pubDate>${new Date(item.date).toUTCString()}</pubDate>
<dc:creator><![CDATA[Maren Okafor]]></dc:creator><description><![CDATA[<p>Summary of ${item.title}.</p>]]></description>
<content:encoded><![CDATA[<p>The whole of ${item.title}, with <a href="${NEWS_ORIGIN}/x">a link</a>.</p>]]></content:encoded></item>`,
  )
  .join('\n')}
</channel></rss>`;

const atom = (items: Item[]) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Field Notes</title><id>${NEWS_ORIGIN}/</id><updated>2026-05-04T10:00:00Z</updated>
${items
  .map(
    (item) => `<entry><title>${item.title}</title><id>tag:news.example,2026:${item.id}</id><link rel="alternate" href="${item.url ?? `${NEWS_ORIGIN}/posts/${item.id}/`}"/>
<published>${item.date}</published><updated>${item.date}</updated><author><name>Maren Okafor</name></author><summary>Summary of ${item.title}.</summary></entry>`,
  )
  .join('\n')}
</feed>`;

const jsonFeed = (items: Item[]) =>
  JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Field Notes',
    items: items.map((item) => ({ id: `${item.id}`, url: item.url ?? `${NEWS_ORIGIN}/posts/${item.id}/`, title: item.title, summary: `Summary of ${item.title}.`, content_html: `<p>${item.title}</p>`, date_published: item.date, authors: [{ name: 'Maren Okafor' }] })),
  });

const FORMATS = { 'RSS 2.0': rss, Atom: atom, 'JSON Feed': jsonFeed } as const;

const first: Item[] = [
  { id: '2', title: 'Second post', date: '2026-04-20T09:00:00Z' },
  { id: '1', title: 'First post', date: '2026-04-10T09:00:00Z' },
];

async function postsPage(queue: ReturnType<typeof recordingQueue>) {
  return (await request(queue, '/api/admin/sites/news/posts', { headers: ADMIN })).json<{ posts: { title: string; url: string; author: string; send: { status: string; sent: number; total: number } | null }[]; feed: { error: string | null; entries: number } }>();
}

describe.each(Object.entries(FORMATS))('polling a %s feed', (_name, write) => {
  it('records what exists on the first poll and mails nothing; mails each new entry once after that', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'reader@example.com');
    let body = write(first);
    const host = feedHost({ [FEED_URL]: () => new Response(body) });

    const baseline = await cron(queue, host.fetcher);
    expect(baseline.feed).toMatchObject({ state: 'baseline', posts: 0 });
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'))).toEqual([]);
    expect((await postsPage(queue)).posts).toEqual([]);

    body = write([{ id: '3', title: 'Third post', date: '2026-05-04T09:00:00Z' }, ...first]);
    const second = await cron(queue, host.fetcher);
    expect(second.feed).toMatchObject({ state: 'posts', posts: 1 });
    await drain(queue);
    const mails = (await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'));
    expect(mails.map((m) => m.subject)).toEqual(['[Field Notes] Third post']);
    expect(mails[0].text).toContain(`${NEWS_ORIGIN}/posts/3/`);
    expect(mails[0].text).toContain('Maren Okafor · May 4, 2026');
    expect(mails[0].text).toContain('Summary of Third post.');

    // Polling again, the same feed: nothing more.
    await cron(queue, host.fetcher);
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'))).toHaveLength(1);
    const page = await postsPage(queue);
    expect(page.posts.map((p) => [p.title, p.send?.status, p.send?.sent, p.send?.total])).toEqual([['Third post', 'sent', 1, 1]]);
  });

  it('knows entries by their id: reordered entries and changed dates are not new posts', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'reader@example.com');
    let body = write(first);
    const host = feedHost({ [FEED_URL]: () => new Response(body) });
    await cron(queue, host.fetcher);
    // The blog edits its posts: new dates (later than any seen), the order flips, a title changes.
    body = write([
      { id: '1', title: 'First post (updated)', date: '2026-05-10T09:00:00Z' },
      { id: '2', title: 'Second post', date: '2026-05-09T09:00:00Z' },
    ]);
    const run = await cron(queue, host.fetcher);
    expect(run.feed).toMatchObject({ state: 'unchanged', posts: 0 });
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'))).toEqual([]);
  });
});

describe('feeds that cannot be used', () => {
  it('refuses a malformed feed with a logged error, mails nothing and keeps what it knew', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'reader@example.com');
    let body = rss(first);
    const host = feedHost({ [FEED_URL]: () => new Response(body) });
    await cron(queue, host.fetcher);
    body = '<rss version="2.0"><channel><title>Broken<item><title>x</item></channel>';
    const run = await cron(queue, host.fetcher);
    expect(run.feed).toMatchObject({ state: 'error' });
    expect(run.feed!.error).toMatch(/not an RSS, Atom or JSON feed/);
    expect(errors.mock.calls.flat().join(' ')).toMatch(/feed https:\/\/news\.example\/feed\.xml refused/);
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'))).toEqual([]);
    expect((await postsPage(queue)).feed).toMatchObject({ error: expect.stringMatching(/not an RSS/), entries: 2 });
    // An HTML page where the feed should be is refused the same way.
    body = '<!doctype html><html><body>Moved</body></html>';
    expect((await cron(queue, host.fetcher)).feed).toMatchObject({ state: 'error' });
    // Fixed: entries already known stay known, nothing is mailed.
    body = rss(first);
    expect((await cron(queue, host.fetcher)).feed).toMatchObject({ state: 'unchanged' });
  });

  it('refuses a feed larger than the limit without reading it all', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    const huge = `${rss(first).replace('</channel></rss>', '')}${'<!-- padding -->'.repeat(Math.ceil(MAX_FEED_BYTES / 16) + 10)}</channel></rss>`;
    // Without Content-Length (streamed): the reader stops at the limit.
    const stream = () => new Response(new Blob([huge]).stream());
    const host = feedHost({ [FEED_URL]: stream });
    const run = await cron(queue, host.fetcher);
    expect(run.feed).toMatchObject({ state: 'error', error: expect.stringMatching(/more than 2097152 bytes/) });
    expect(errors).toHaveBeenCalled();
    expect((await postsPage(queue)).feed.entries).toBe(0);
  });

  it('a feed that answers 304 costs nothing: its validators are sent back', async () => {
    const queue = recordingQueue();
    const host = feedHost({
      [FEED_URL]: (req) => (req.headers.get('if-none-match') === '"v1"' ? new Response(null, { status: 304 }) : new Response(rss(first), { headers: { etag: '"v1"' } })),
    });
    expect((await cron(queue, host.fetcher)).feed?.state).toBe('baseline');
    expect((await cron(queue, host.fetcher)).feed?.state).toBe('not-modified');
    expect(host.requests[1].headers.get('if-none-match')).toBe('"v1"');
  });

  it('a feed whose entries all changed their ids at once is recorded without mailing anyone', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'reader@example.com');
    const items = Array.from({ length: 12 }, (_, n) => ({ id: `${n}`, title: `Post ${n}`, date: `2026-04-${String(n + 1).padStart(2, '0')}T09:00:00Z` }));
    let body = rss(items);
    const host = feedHost({ [FEED_URL]: () => new Response(body) });
    await cron(queue, host.fetcher);
    body = rss(items.map((item) => ({ ...item, id: `new-${item.id}`, url: `${NEWS_ORIGIN}/moved/${item.id}/` })));
    const run = await cron(queue, host.fetcher);
    expect(run.feed).toMatchObject({ state: 'error', error: expect.stringMatching(/12 new entries at once/) });
    expect(errors).toHaveBeenCalled();
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => !m.subject.startsWith('Confirm'))).toEqual([]);
  });
});

describe('a post is mailed once, whatever the polls, retries and announcements', () => {
  it('announcing the same URL again, or after the feed had it, mails nobody again', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'reader@example.com');
    let body = rss(first);
    const host = feedHost({ [FEED_URL]: () => new Response(body) });
    await cron(queue, host.fetcher);
    const post = { url: `${NEWS_ORIGIN}/posts/3/`, title: 'Third post', summary: 'Announced from CI.' };
    const announced = await request(queue, '/api/admin/sites/news/posts', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(post) });
    expect(announced.status).toBe(201);
    expect(await announced.json()).toMatchObject({ created: true, post: { url: post.url, title: 'Third post' }, send: { status: 'queued', total: 1 } });
    const again = await request(queue, '/api/admin/sites/news/posts', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ ...post, title: 'Third post, again' }) });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false });
    // The feed then lists it (under its own guid): known by URL, not mailed again.
    body = rss([{ id: '3', title: 'Third post', date: '2026-05-04T09:00:00Z' }, ...first]);
    await cron(queue, host.fetcher);
    // The queue delivers a message twice (at least once): still one mail.
    queue.messages.push({ ...queue.messages[0] });
    await drain(queue);
    expect((await mailTo('reader@example.com')).filter((m) => m.subject.includes('Third post'))).toHaveLength(1);
  });

  it('refuses an announcement of a page off the site, or without a title', async () => {
    const queue = recordingQueue();
    const off = await request(queue, '/api/admin/sites/news/posts', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://evil.example/phish', title: 'Hi' }) });
    expect(off.status).toBe(400);
    expect(await off.json()).toMatchObject({ error: { code: 'invalid_request', field: 'url' } });
    const untitled = await request(queue, '/api/admin/sites/news/posts', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ url: `${NEWS_ORIGIN}/x/`, title: ' ' }) });
    expect(await untitled.json()).toMatchObject({ error: { field: 'title' } });
    const anonymous = await request(queue, '/api/admin/sites/news/posts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${NEWS_ORIGIN}/x/`, title: 'x' }) });
    expect(anonymous.status).toBe(401);
    expect(queue.messages).toEqual([]);
  });
});
