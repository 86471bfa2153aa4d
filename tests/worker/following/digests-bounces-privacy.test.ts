import { afterEach, describe, expect, it, vi } from 'vitest';
import { reset } from 'cloudflare:test';
import { ADMIN, announce, cron, drain, env, feedHost, followAndConfirm, followerCount, followRequest, importFollowers, linkIn, mailTo, NEWS_ORIGIN, recordingQueue, request } from './support';

afterEach(() => {
  vi.restoreAllMocks();
  return reset();
});

const DAY = 86_400_000;
const noFeed = feedHost({}).fetcher;

async function setMode(queue: ReturnType<typeof recordingQueue>, email: string, mode: 'daily' | 'weekly') {
  const reminder = await followRequest(queue, 'news', email);
  expect(reminder.status).toBe(202);
  await drain(queue);
  const mail = (await mailTo(email)).find((m) => m.subject.startsWith('You already follow'))!;
  await request(queue, linkIn(mail, 'manage'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `mode=${mode}` });
}

describe('digests', () => {
  it('a daily digest groups the posts of the day, mailed after the day ends; each-post followers get them one by one', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'daily@example.com');
    await followAndConfirm(queue, 'news', 'each@example.com');
    await setMode(queue, 'daily@example.com', 'daily');
    const now = Date.now();
    await cron(queue, noFeed, { now }); // the digests' periods start here
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/a/`, title: 'Post A', summary: 'About A.' });
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/b/`, title: 'Post B', summary: 'About B.' });
    await drain(queue);
    expect((await mailTo('each@example.com')).filter((m) => m.subject.startsWith('[Field Notes]')).map((m) => m.subject).sort()).toEqual(['[Field Notes] Post A', '[Field Notes] Post B']);
    expect((await mailTo('daily@example.com')).filter((m) => m.subject.includes('Post'))).toEqual([]);

    // The day is not over: nothing yet. The next day's first run: one digest with both posts.
    await cron(queue, noFeed, { now });
    await drain(queue);
    expect((await mailTo('daily@example.com')).filter((m) => m.subject.includes('digest'))).toEqual([]);
    await cron(queue, noFeed, { now: now + DAY });
    await drain(queue);
    const digests = (await mailTo('daily@example.com')).filter((m) => m.subject.includes('digest'));
    expect(digests.map((m) => m.subject)).toEqual(['Field Notes: daily digest (2 new posts)']);
    expect(digests[0].text.indexOf('Post A')).toBeLessThan(digests[0].text.indexOf('Post B'));
    expect(digests[0].text).toContain(`${NEWS_ORIGIN}/posts/b/`);
    expect(digests[0].headers['List-Unsubscribe']).toMatch(/followers\/unsubscribe/);
    // Runs later the same day send it again to no one; the each-post follower gets no digest.
    await cron(queue, noFeed, { now: now + DAY + 600_000 });
    await drain(queue);
    expect((await mailTo('daily@example.com')).filter((m) => m.subject.includes('digest'))).toHaveLength(1);
    expect((await mailTo('each@example.com')).filter((m) => m.subject.includes('digest'))).toEqual([]);
  });

  it('a weekly digest comes on Monday with the week’s posts; a week without posts sends nothing', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'weekly@example.com');
    await setMode(queue, 'weekly@example.com', 'weekly');
    const now = Date.now();
    await cron(queue, noFeed, { now });
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/w/`, title: 'Weekly post' });
    await drain(queue);
    expect((await mailTo('weekly@example.com')).filter((m) => m.subject.includes('Weekly post'))).toEqual([]);
    await cron(queue, noFeed, { now: now + 7 * DAY });
    await drain(queue);
    const [digest] = (await mailTo('weekly@example.com')).filter((m) => m.subject.includes('digest'));
    expect(new Date(digest.at).getTime()).toBeGreaterThan(0);
    expect(digest.subject).toBe('Field Notes: weekly digest (1 new post)');
    expect(digest.text).toContain('Weekly post');
    // The week after, without posts: no digest.
    await cron(queue, noFeed, { now: now + 14 * DAY });
    await drain(queue);
    expect((await mailTo('weekly@example.com')).filter((m) => m.subject.includes('digest'))).toHaveLength(1);
  });
});

/** A Resend webhook delivery signed as Svix signs it. */
async function signed(secret: string, body: unknown, at = Math.floor(Date.now() / 1000)) {
  const text = JSON.stringify(body);
  const key = await crypto.subtle.importKey('raw', Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`msg_1.${at}.${text}`)))));
  return { method: 'POST', headers: { 'content-type': 'application/json', 'svix-id': 'msg_1', 'svix-timestamp': String(at), 'svix-signature': `v1,${mac}` }, body: text };
}

const SECRET = `whsec_${btoa('a webhook secret of 24 b')}`;

describe('the bounce and complaint webhook (Resend)', () => {
  it('a hard bounce unsubscribes the address from posts and comments everywhere, and it is never mailed again', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'gone@example.com');
    await followAndConfirm(queue, 'nachrichten', 'gone@example.com', 'https://nachrichten.example');
    expect(await followerCount(queue, 'news')).toBe(1);
    const event = { type: 'email.bounced', created_at: new Date().toISOString(), data: { email_id: 'e1', to: ['gone@example.com'], subject: 'x', bounce: { type: 'Permanent', subType: 'General', message: 'No such user' } } };
    const response = await request(queue, '/api/webhooks/resend', await signed(SECRET, event), { RESEND_WEBHOOK_SECRET: SECRET });
    expect(await response.json()).toEqual({ event: 'email.bounced', action: 'unsubscribed', addresses: 1 });
    expect(await followerCount(queue, 'news')).toBe(0);
    expect(await followerCount(queue, 'nachrichten')).toBe(0);
    // Following again sends nothing to a bounced address (the answer is the same).
    const before = (await mailTo('gone@example.com')).length;
    expect((await followRequest(queue, 'news', 'gone@example.com')).status).toBe(202);
    await drain(queue);
    expect(await mailTo('gone@example.com')).toHaveLength(before);
    const list = await (await request(queue, '/api/admin/followers?site=news&status=suppressed', { headers: ADMIN })).json<{ followers: { status: string; email: string }[] }>();
    expect(list.followers).toEqual([expect.objectContaining({ status: 'bounced', email: '' })]);
  });

  it('a complaint unsubscribes; a soft bounce does not', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'soft@example.com');
    await followAndConfirm(queue, 'news', 'angry@example.com');
    const soft = { type: 'email.bounced', data: { to: ['soft@example.com'], bounce: { type: 'Transient', message: 'Mailbox full' } } };
    expect(await (await request(queue, '/api/webhooks/resend', await signed(SECRET, soft), { RESEND_WEBHOOK_SECRET: SECRET })).json()).toMatchObject({ action: 'ignored' });
    const complaint = { type: 'email.complained', data: { to: ['Angry Reader <angry@example.com>'] } };
    expect(await (await request(queue, '/api/webhooks/resend', await signed(SECRET, complaint), { RESEND_WEBHOOK_SECRET: SECRET })).json()).toMatchObject({ action: 'unsubscribed' });
    const confirmed = await (await request(queue, '/api/admin/followers?site=news&status=confirmed', { headers: ADMIN })).json<{ followers: { email: string }[] }>();
    expect(confirmed.followers.map((f) => f.email)).toEqual(['soft@example.com']);
  });

  it('refuses a wrong or stale signature, and everything without the secret', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'kept@example.com');
    const event = { type: 'email.complained', data: { to: ['kept@example.com'] } };
    const forged = await signed(`whsec_${btoa('another secret, not ours')}`, event);
    expect((await request(queue, '/api/webhooks/resend', forged, { RESEND_WEBHOOK_SECRET: SECRET })).status).toBe(401);
    const stale = await signed(SECRET, event, Math.floor(Date.now() / 1000) - 3600);
    expect((await request(queue, '/api/webhooks/resend', stale, { RESEND_WEBHOOK_SECRET: SECRET })).status).toBe(401);
    const unset = await request(queue, '/api/webhooks/resend', await signed(SECRET, event));
    expect(unset.status).toBe(503);
    expect(await unset.json()).toMatchObject({ error: { code: 'not_configured', message: expect.stringContaining('RESEND_WEBHOOK_SECRET') } });
    expect(await followerCount(queue, 'news')).toBe(1);
  });
});

describe('privacy: export and erasure include followers', () => {
  it('the export lists followers; erasure removes the address from every site’s followers', async () => {
    const queue = recordingQueue();
    await followAndConfirm(queue, 'news', 'private@example.com');
    await importFollowers(queue, 'news', ['other@example.com'], true);
    const exported = await (await request(queue, '/api/admin/export?site=news', { headers: ADMIN })).json<{ followers: { email: string; status: string }[] }>();
    expect(exported.followers.map((f) => [f.email, f.status]).sort()).toEqual([
      ['other@example.com', 'confirmed'],
      ['private@example.com', 'confirmed'],
    ]);
    const erased = await request(queue, '/api/admin/erase?email=Private@Example.com', { method: 'DELETE', headers: ADMIN });
    expect(await erased.json()).toMatchObject({ followers: 1 });
    const after = await (await request(queue, '/api/admin/export?site=news', { headers: ADMIN })).json<{ followers: { email: string }[] }>();
    expect(after.followers.map((f) => f.email)).toEqual(['other@example.com']);
    expect(await followerCount(queue, 'news')).toBe(1);
    // The development outbox's copies of mail to the address are erased too.
    expect(await mailTo('private@example.com')).toEqual([]);
    void env;
  });
});
