import { afterEach, describe, expect, it, vi } from 'vitest';
import { reset } from 'cloudflare:test';
import { announce, drain, followAndConfirm, importFollowers, MAIL_API, mailApi, NEWS_ORIGIN, recordingQueue, request } from '../following/support';

afterEach(() => {
  vi.restoreAllMocks();
  return reset();
});

const SAME_ORIGIN = 'https://parley.test';

/** The notice a dashboard form's redirect carries. */
const done = (response: Response) => new URL(response.headers.get('location')!, SAME_ORIGIN).searchParams.get('done');

async function session(queue: ReturnType<typeof recordingQueue>): Promise<string> {
  const response = await request(queue, '/admin/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN }, body: 'token=test-admin-token', redirect: 'manual' });
  return response.headers.get('set-cookie')!.split(';')[0];
}

describe('the Followers page', () => {
  it('shows the count, confirmed and pending followers, searches, exports CSV and removes', async () => {
    const queue = recordingQueue();
    const cookie = await session(queue);
    await followAndConfirm(queue, 'news', 'ann@example.com');
    await importFollowers(queue, 'news', ['=cmd|calc@example.com', 'bo@example.com'], true);
    await importFollowers(queue, 'news', ['cy@example.com'], false);
    const page = await request(queue, '/admin/followers?site=news', { headers: { cookie } });
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Followers of Field Notes <span class="count">(3 confirmed)</span>');
    expect(html).toMatch(/Waiting for confirmation <span class="badge">1<\/span>/);
    expect(html).toContain('cy@example.com');
    expect(html).not.toMatch(/<script(?! src="\/admin\/dashboard\.js")/);

    const found = await (await request(queue, '/admin/followers?site=news&q=bo%40', { headers: { cookie } })).text();
    const table = found.slice(found.indexOf('<table'), found.indexOf('</table>'));
    expect(table).toContain('bo@example.com');
    expect(table).not.toContain('ann@example.com');

    const csv = await request(queue, '/admin/followers.csv?site=news', { headers: { cookie } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('email,status,mode,source,created_at,confirmed_at');
    expect(rows).toHaveLength(5);
    // A cell a spreadsheet would run as a formula is made text.
    expect(rows.some((row) => row.startsWith("'=cmd|calc@example.com,confirmed"))).toBe(true);

    const id = /name="id" value="([0-9a-f]{32})"><input type="hidden" name="back" value="[^"]*"><button type="submit" class="remove" aria-label="Remove bo@example.com"/.exec(html)![1];
    const removed = await request(queue, '/admin/followers/remove', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ site: 'news', id, back: '/admin/followers?site=news' }).toString(), redirect: 'manual' });
    expect(removed.status).toBe(303);
    expect(await (await request(queue, '/api/followers/count?site=news')).json()).toEqual({ followers: 2 });
    // From another origin, nothing happens.
    const forged = await request(queue, '/admin/followers/remove', { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ site: 'news', id }).toString() });
    expect(forged.status).toBe(403);
  });

  it('imports a CSV file, asking each address to confirm unless the owner asserts consent', async () => {
    const queue = recordingQueue();
    const cookie = await session(queue);
    const form = new FormData();
    form.set('site', 'news');
    form.set('file', new File(['email,name\nann@example.com,Ann\nbo@example.com,Bo\n'], 'subscribers.csv', { type: 'text/csv' }));
    const response = await request(queue, '/admin/followers/import', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN }, body: form, redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(done(response)).toContain('0 following now, 2 asked to confirm');
    await drain(queue);
    const consented = new FormData();
    consented.set('site', 'news');
    consented.set('list', 'cy@example.com\ndee@example.com');
    consented.set('consent', '1');
    const second = await request(queue, '/admin/followers/import', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN }, body: consented, redirect: 'manual' });
    expect(done(second)).toContain('2 following now, 0 asked to confirm');
    expect(await (await request(queue, '/api/followers/count?site=news')).json()).toEqual({ followers: 2 });
  });
});

describe('the Posts page', () => {
  it('announces a post and shows each send: sent N of M, failed K, with Retry', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    const cookie = await session(queue);
    await importFollowers(queue, 'news', ['ok@example.com', 'bad@example.com'], true);
    const announced = await request(queue, '/admin/posts/announce', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ site: 'news', url: `${NEWS_ORIGIN}/posts/p/`, title: 'A <b>bold</b> title', summary: 'Sum' }).toString(), redirect: 'manual' });
    expect(announced.status).toBe(303);
    let html = await (await request(queue, '/admin/posts?site=news', { headers: { cookie } })).text();
    expect(html).toContain('queued (2 to mail)');
    expect(html).toContain('A &lt;b&gt;bold&lt;/b&gt; title');
    const api = mailApi((body) => (body.to === 'bad@example.com' ? new Response('invalid', { status: 422 }) : Response.json({ id: 'ok' })));
    await drain(queue, { extra: MAIL_API, outbound: api.fetcher });
    html = await (await request(queue, '/admin/posts?site=news', { headers: { cookie } })).text();
    expect(html).toContain('sent 1 of 2, failed 1');
    expect(html).toContain('Retry 1 failed');
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/p/`, title: 'Again' });
    const send = /name="send" value="(\d+)"/.exec(html)![1];
    const retried = await request(queue, '/admin/posts/retry', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ site: 'news', send }).toString(), redirect: 'manual' });
    expect(done(retried)).toContain('Retrying.');
    await drain(queue, { extra: MAIL_API, outbound: mailApi().fetcher });
    html = await (await request(queue, '/admin/posts?site=news', { headers: { cookie } })).text();
    expect(html).toContain('sent 2 of 2');
    expect(html).toContain('https://news.example/feed.xml — not read yet');
  });

  it('asks for sign-in without a session', async () => {
    const queue = recordingQueue();
    expect(await (await request(queue, '/admin/posts')).text()).toContain('Admin token');
    expect((await request(queue, '/admin/followers.csv?site=news')).status).toBe(401);
  });
});
