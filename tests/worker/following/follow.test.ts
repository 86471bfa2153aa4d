import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { errorOf } from '../helpers/api';
import { ADMIN, announce, drain, followAndConfirm, followerCount, followRequest, importFollowers, linkIn, mailTo, NEWS_ORIGIN, outbox, recordingQueue, request } from './support';

afterEach(() => reset());

describe('following a site by email (double opt-in)', () => {
  it('mails a confirmation first, counts nobody until the reader confirms, then counts them', async () => {
    const queue = recordingQueue();
    const response = await followRequest(queue, 'news', 'reader@example.com');
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'confirmation_sent' });
    await drain(queue);
    const [confirmation] = await mailTo('reader@example.com');
    expect(confirmation.subject).toBe('Confirm: follow Field Notes');
    expect(confirmation.text).toContain('every new post on Field Notes');
    expect(await followerCount(queue, 'news')).toBe(0);

    // A GET only shows the question (mail scanners open links); the POST confirms.
    const path = linkIn(confirmation, 'confirm');
    const page = await request(queue, path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('reader@example.com');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await followerCount(queue, 'news')).toBe(0);
    const done = await request(queue, path, { method: 'POST' });
    expect(await done.text()).toContain('You follow Field Notes');
    expect(await followerCount(queue, 'news')).toBe(1);
  });

  it('answers the same whether or not the address already follows, and tells only the address', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'known@example.com');
    const known = await followRequest(queue, 'news', 'known@example.com');
    const unknown = await followRequest(queue, 'news', 'new@example.com');
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    await drain(queue);
    // The address that follows gets a reminder with its manage link, not a second confirmation.
    const reminder = (await mailTo('known@example.com')).find((mail) => mail.subject.startsWith('You already follow'))!;
    expect(reminder.text).toContain('/followers/manage/');
    expect(reminder.headers['List-Unsubscribe']).toMatch(/^<https:\/\/parley\.test\/followers\/unsubscribe\/\S+>$/);
    expect(await followerCount(queue, 'news')).toBe(1);
  });

  it('sends an address few confirmations however often it is asked (the site object throttle)', async () => {
    const queue = recordingQueue();
    for (let n = 0; n < 6; n++) expect((await followRequest(queue, 'news', 'pester@example.com')).status).toBe(202);
    await drain(queue);
    expect(await mailTo('pester@example.com')).toHaveLength(3);
  });

  it('refuses bad input with the documented errors and writes nothing', async () => {
    const queue = recordingQueue();
    expect(await errorOf(await followRequest(queue, 'news', 'not-an-address'))).toMatchObject({ code: 'invalid_request', field: 'email' });
    expect(await errorOf(await followRequest(queue, 'nowhere', 'a@example.com'))).toMatchObject({ code: 'unknown_site' });
    const foreign = await followRequest(queue, 'news', 'a@example.com', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(queue.messages).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it('serves the count as a public body cacheable for a minute', async () => {
    const queue = recordingQueue();
    const response = await request(queue, '/api/followers/count?site=news');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ followers: 0 });
    expect((await request(queue, '/api/followers/count?site=nowhere')).status).toBe(404);
  });

  it('a forged or altered link does nothing', async () => {
    const queue = recordingQueue();
    expect((await followRequest(queue, 'news', 'reader@example.com')).status).toBe(202);
    await drain(queue);
    const path = linkIn((await mailTo('reader@example.com'))[0], 'confirm');
    const altered = path.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await request(queue, altered, { method: 'POST' })).status).toBe(403);
    // A confirm token is not a manage token.
    expect((await request(queue, path.replace('/confirm/', '/manage/'))).status).toBe(403);
    expect(await followerCount(queue, 'news')).toBe(0);
  });
});

describe('a follower leaves or changes what they get', () => {
  async function postMailTo(queue: ReturnType<typeof recordingQueue>, email: string) {
    await followAndConfirm(queue, 'news', email);
    expect((await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/first/`, title: 'First post' })).status).toBe(201);
    await drain(queue);
    return (await mailTo(email)).find((mail) => mail.subject === '[Field Notes] First post')!;
  }

  it('one click (RFC 8058 POST from the mail client) unsubscribes, and the count drops', async () => {
    const queue = recordingQueue();
    const mail = await postMailTo(queue, 'leaver@example.com');
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /^<https:\/\/parley\.test(\/followers\/unsubscribe\/\S+)>$/.exec(mail.headers['List-Unsubscribe'])![1];
    expect(await followerCount(queue, 'news')).toBe(1);
    // A GET (a scanner) changes nothing.
    expect(await (await request(queue, url)).text()).toContain('Stop emailing leaver@example.com');
    expect(await followerCount(queue, 'news')).toBe(1);
    const done = await request(queue, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(await done.text()).toContain('no more mail from Field Notes');
    expect(await followerCount(queue, 'news')).toBe(0);
    expect((await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/second/`, title: 'Second post' })).status).toBe(201);
    await drain(queue);
    expect((await mailTo('leaver@example.com')).filter((m) => m.subject.includes('Second post'))).toEqual([]);
  });

  it('the manage page switches to a weekly digest: the next post is not mailed on its own', async () => {
    const queue = recordingQueue();
    const mail = await postMailTo(queue, 'weekly@example.com');
    const manage = linkIn(mail, 'manage');
    const page = await (await request(queue, manage)).text();
    expect(page).toContain('Each post, as it is published');
    expect(page).toMatch(/value="each" checked/);
    const saved = await request(queue, manage, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mode=weekly' });
    expect(saved.status).toBe(303);
    const after = await (await request(queue, saved.headers.get('location')!)).text();
    expect(after).toMatch(/value="weekly" checked/);
    expect(after).toContain('Saved.');
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/second/`, title: 'Second post' });
    await drain(queue);
    expect((await mailTo('weekly@example.com')).filter((m) => m.subject.includes('Second post'))).toEqual([]);
    expect(await followerCount(queue, 'news')).toBe(1);
  });

  it('the manage page follows replies to the reader’s own comments, and stops everything', async () => {
    const queue = recordingQueue();
    const email = 'commenter@example.com';
    const mail = await postMailTo(queue, email);
    // The reader commented on the site with the same address (the comment waits for moderation).
    const posted = await (
      await request(queue, '/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', origin: NEWS_ORIGIN }, body: JSON.stringify({ site: 'news', thread: '/posts/first/', author: 'Cam', email, body: 'My thoughts', elapsedMs: 60_000 }) })
    ).json<{ comment: { id: string } }>();
    const manage = linkIn(mail, 'manage');
    expect(await (await request(queue, manage)).text()).not.toMatch(/name="replies" value="1" checked/);
    await request(queue, manage, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mode=each&replies=1' });
    expect(await (await request(queue, manage)).text()).toMatch(/name="replies" value="1" checked/);
    const subs = await (await request(queue, `/api/admin/export?site=news`, { headers: ADMIN })).json<{ subscriptions: { target: string; email: string; confirmed: boolean }[] }>();
    expect(subs.subscriptions).toEqual([expect.objectContaining({ target: posted.comment.id, email, confirmed: true })]);

    const stopped = await request(queue, `${manage}/stop`, { method: 'POST' });
    expect(await stopped.text()).toContain('no more mail from Field Notes');
    expect(await followerCount(queue, 'news')).toBe(0);
    const after = await (await request(queue, `/api/admin/export?site=news`, { headers: ADMIN })).json<{ subscriptions: unknown[]; followers: unknown[] }>();
    expect(after.subscriptions).toEqual([]);
    expect(after.followers).toEqual([]);
  });
});

describe('mail and pages in the site’s language', () => {
  it('a German site mails and shows its pages in German', async () => {
    const queue = recordingQueue();
    expect((await followRequest(queue, 'nachrichten', 'leser@example.com', 'https://nachrichten.example')).status).toBe(202);
    await drain(queue);
    const [confirmation] = await mailTo('leser@example.com');
    expect(confirmation.subject).toBe('Bestätigen: Feldnotizen folgen');
    const page = await (await request(queue, linkIn(confirmation, 'confirm'))).text();
    expect(page).toContain('<html lang="de" dir="ltr">');
    expect(page).toContain('Bestätigen');
  });

  it('an Arabic site’s pages are right to left', async () => {
    const queue = recordingQueue();
    expect((await followRequest(queue, 'longform', 'qari@example.com', 'https://longform.example')).status).toBe(202);
    await drain(queue);
    const [confirmation] = await mailTo('qari@example.com');
    expect(confirmation.subject).toBe('تأكيد: متابعة Longform');
    expect(await (await request(queue, linkIn(confirmation, 'confirm'))).text()).toContain('<html lang="ar" dir="rtl">');
  });

  it('a site that chose full text mails the whole post (as text), in its language', async () => {
    const queue = recordingQueue();
    await importFollowers(queue, 'longform', ['qari@example.com'], true);
    const content = '<h2>Part one</h2><p>The <em>whole</em> text, with <a href="https://longform.example/more">a link</a>.</p><script>alert(1)</script><p>And a second paragraph.</p>';
    expect((await announce(queue, 'longform', { url: 'https://longform.example/posts/long/', title: 'مقال طويل', summary: 'ملخص قصير', content, author: 'Maren', publishedAt: '2026-05-04T10:00:00Z' })).status).toBe(201);
    await drain(queue);
    const [mail] = await mailTo('qari@example.com');
    expect(mail.subject).toBe('[Longform] مقال طويل');
    expect(mail.text).toContain('*whole* text, with [a link](https://longform.example/more).');
    expect(mail.text).toContain('And a second paragraph.');
    expect(mail.text).not.toContain('ملخص قصير');
    expect(mail.text).not.toContain('alert');
    expect(mail.text).toContain('اقرأ التدوينة: https://longform.example/posts/long/');
    expect(mail.text).toContain('Maren · ');
  });
});

