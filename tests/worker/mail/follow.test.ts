import { afterEach, describe, expect, it } from 'vitest';
import { reset, createMessageBatch, createExecutionContext, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, call, errorOf, listThread, TYPED } from '../helpers/api';
import { OutboxMailer, type OutboxEntry } from '../../../worker/src/mail/mailer';
import worker from '../../../worker/src/index';
import type { MailJob } from '../../../worker/src/mail/follow';
import { hashEmail } from '../../../worker/src/moderation/identity';
import type { CreateCommentResponse } from '../../../worker/src/wire';

afterEach(() => reset());

// Mail jobs run inline (no queue binding) so each test sees its own mail; the queue path is tested at the end.
const NO_QUEUE = { MAIL_QUEUE: undefined };

function send(path: string, body: unknown, origin = 'https://blog.example') {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ ...TYPED, ...(body as object) }) }, undefined, NO_QUEUE);
}

async function outbox(): Promise<OutboxEntry[]> {
  return OutboxMailer.read(env.PARLEY_KV);
}

function linkIn(mail: OutboxEntry, kind: 'confirm' | 'unsubscribe'): string {
  const match = new RegExp(`https://parley\\.test(/subscriptions/${kind}/\\S+)`).exec(mail.text);
  if (!match) throw new Error(`no ${kind} link in: ${mail.text}`);
  return match[1];
}

async function approveInline(id: string) {
  const response = await call(`/api/admin/comments/${id}/approve`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } }, undefined, NO_QUEUE);
  expect(response.status).toBe(200);
}

async function followThread(email: string) {
  const response = await send('/api/subscriptions', { site: 'demo', thread: '/posts/hello/', email });
  expect(response.status).toBe(202);
  const mail = (await outbox()).find((m) => m.to === email && m.subject.startsWith('Confirm'))!;
  const confirmPath = linkIn(mail, 'confirm');
  expect((await call(confirmPath)).status).toBe(200); // the page only asks
  const confirmed = await call(confirmPath, { method: 'POST', headers: { origin: 'https://parley.test' } });
  expect(await confirmed.text()).toContain('Subscription confirmed');
}

describe('following a thread by email', () => {
  it('sends a confirmation first, and mails nothing until the reader confirms', async () => {
    expect((await send('/api/subscriptions', { site: 'demo', thread: '/posts/hello/', email: 'fan@example.com' })).status).toBe(202);
    const [confirmation] = await outbox();
    expect(confirmation.to).toBe('fan@example.com');
    expect(confirmation.subject).toMatch(/^Confirm: follow comments on Demo/);

    const created = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', body: 'New comment!' })).json<CreateCommentResponse>();
    await approveInline(created.comment.id);
    expect((await outbox()).filter((m) => !m.subject.startsWith('Confirm'))).toEqual([]);
  });

  it('mails confirmed followers once when a comment is published, with one-click unsubscribe', async () => {
    await followThread('fan@example.com');
    const created = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', email: 'ada@example.com', body: 'Worth reading' })).json<CreateCommentResponse>();
    expect((await outbox()).filter((m) => m.subject.includes('commented'))).toEqual([]); // pending: nobody is told yet
    await approveInline(created.comment.id);
    const notices = (await outbox()).filter((m) => m.subject.includes('commented'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ to: 'fan@example.com', subject: 'Ada commented on Demo' });
    expect(notices[0].text).toContain('> Worth reading');
    expect(notices[0].text).not.toContain('ada@example.com');
    expect(notices[0].headers['List-Unsubscribe']).toMatch(/^<https:\/\/parley\.test\/subscriptions\/unsubscribe\/\S+>$/);
    expect(notices[0].headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // Removing and restoring the comment tells nobody twice.
    await admin(`/api/admin/comments/${created.comment.id}`, { method: 'DELETE' });
    await call(`/api/admin/comments/${created.comment.id}/restore`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } }, undefined, NO_QUEUE);
    expect((await outbox()).filter((m) => m.subject.includes('commented'))).toHaveLength(1);

    // One click (RFC 8058 POST from the mail client) unsubscribes.
    const unsubscribe = linkIn(notices[0], 'unsubscribe');
    const done = await call(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(await done.text()).toContain('no more email');
    const next = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Bo', body: 'Another' })).json<CreateCommentResponse>();
    await approveInline(next.comment.id);
    expect((await outbox()).filter((m) => m.subject.includes('commented'))).toHaveLength(1);
  });

  it('shows the follower count to readers', async () => {
    await followThread('one@example.com');
    await followThread('two@example.com');
    expect((await listThread()).followers).toBe(2);
  });

  it('mails "notify me of replies" only about replies to that comment, and never about your own', async () => {
    const mine = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', email: 'ada@example.com', body: 'Question?', notify: true })).json<CreateCommentResponse>();
    const confirmation = (await outbox()).find((m) => m.to === 'ada@example.com')!;
    expect(confirmation.subject).toMatch(/^Confirm: follow replies/);
    await call(linkIn(confirmation, 'confirm'), { method: 'POST', headers: { origin: 'https://parley.test' } });
    await approveInline(mine.comment.id);

    const other = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Bo', body: 'Unrelated' })).json<CreateCommentResponse>();
    const reply = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Grace', body: 'Answer!', parentId: mine.comment.id })).json<CreateCommentResponse>();
    const ownReply = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', email: 'ADA@example.com', body: 'Thanks', parentId: mine.comment.id })).json<CreateCommentResponse>();
    for (const id of [other.comment.id, reply.comment.id, ownReply.comment.id]) await approveInline(id);
    const notices = (await outbox()).filter((m) => !m.subject.startsWith('Confirm'));
    expect(notices.map((m) => m.subject)).toEqual(['Grace replied to you on Demo']);
  });

  it('refuses a bad email, a comment from another thread, and answers the same whether or not already following', async () => {
    expect((await errorOf(await send('/api/subscriptions', { site: 'demo', thread: '/x', email: 'nope' }))).field).toBe('email');
    const elsewhere = await (await send('/api/comments', { site: 'demo', thread: '/other', author: 'A', body: 'b' })).json<CreateCommentResponse>();
    expect((await errorOf(await send('/api/subscriptions', { site: 'demo', thread: '/x', email: 'a@example.com', commentId: elsewhere.comment.id }))).code).toBe('parent_not_found');
    await followThread('fan@example.com');
    const again = await send('/api/subscriptions', { site: 'demo', thread: '/posts/hello/', email: 'fan@example.com' });
    expect(again.status).toBe(202);
    expect((await outbox()).filter((m) => m.subject.startsWith('Confirm'))).toHaveLength(1);
  });

  it('refuses forged or altered confirmation links', async () => {
    await send('/api/subscriptions', { site: 'demo', thread: '/posts/hello/', email: 'fan@example.com' });
    const path = linkIn((await outbox())[0], 'confirm');
    const altered = `${path.slice(0, -1)}${path.endsWith('0') ? '1' : '0'}`; // the signature's last digit changed
    for (const bad of [altered, '/subscriptions/confirm/forged.0000', path.replace('/confirm/', '/unsubscribe/')]) {
      expect((await call(bad, { method: 'POST', headers: { origin: 'https://parley.test' } })).status, bad).toBe(403);
    }
  });

  it('lets moderators read every message in the dashboard outbox', async () => {
    await send('/api/subscriptions', { site: 'demo', thread: '/posts/hello/', email: 'fan@example.com' });
    const login = await call('/admin/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://parley.test' }, body: 'token=test-admin-token', redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await (await call('/admin/outbox', { headers: { cookie } })).text();
    expect(page).toContain('Confirm: follow comments on Demo');
    expect(page).toContain('fan@example.com');
  });
});

describe('threads nobody follows', () => {
  it('queue no mail job when a comment is published (so no subscription lookup either)', async () => {
    // The queue binding is observed, not replaced in behaviour: it records what the Worker sends to it.
    const queued: unknown[] = [];
    const recordingQueue = { send: async (body: unknown) => void queued.push(body), sendBatch: async (batch: { body: unknown }[]) => void queued.push(...batch.map((m) => m.body)) };
    const approveWithQueue = (id: string) =>
      call(`/api/admin/comments/${id}/approve`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } }, undefined, { MAIL_QUEUE: recordingQueue });
    const quiet = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', body: 'hello' })).json<CreateCommentResponse>();
    await approveWithQueue(quiet.comment.id);
    expect(queued).toEqual([]);

    await followThread('fan@example.com');
    const followed = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Bo', body: 'now followed' })).json<CreateCommentResponse>();
    await approveWithQueue(followed.comment.id);
    expect(queued).toEqual([{ type: 'notify', site: 'demo', thread: '/posts/hello/', commentId: followed.comment.id, origin: 'https://parley.test' }]);
  });
});

describe('the mail queue', () => {
  it('acks jobs that ran and retries, with a delay, jobs whose sending failed', async () => {
    // Subscribe and confirm, then make the mail API fail: the send job must be retried, not lost.
    await followThread('fan@example.com');
    const created = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Ada', body: 'hi' })).json<CreateCommentResponse>();
    await approveInline(created.comment.id);
    const emailHash = (await hashEmail(env, 'fan@example.com'))!;
    const failingEnv = { ...env, MAIL_API_URL: 'http://127.0.0.1:9/send', MAIL_API_KEY: 'k', MAIL_QUEUE: undefined };
    const batch = createMessageBatch<MailJob>('parley-mail', [
      { id: 'ok', timestamp: new Date(), attempts: 1, body: { type: 'notify', site: 'demo', thread: '/posts/hello/', commentId: '0000000000000000000', origin: 'https://parley.test' } },
      { id: 'fails', timestamp: new Date(), attempts: 2, body: { type: 'send', site: 'demo', thread: '/posts/hello/', emailHash, target: 'thread', commentId: created.comment.id, origin: 'https://parley.test' } },
    ]);
    const ctx = createExecutionContext();
    // The HTTP mailer's real fetch to a closed local port fails, as a mail-service outage would.
    await worker.queue(batch, failingEnv as never);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['ok']);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: 'fails' })]);
  });
});

describe('mail names a post by what the site configured, never by reader text alone', () => {
  const confirmationFor = async (site: string, thread: string, origin: string) => {
    const email = `reader-${Math.random().toString(36).slice(2)}@example.com`;
    expect((await send('/api/subscriptions', { site, thread, email }, origin)).status).toBe(202);
    return (await outbox()).find((mail) => mail.to === email)!;
  };

  it('without a site URL, names the site, not the thread id a page made up', async () => {
    const mail = await confirmationFor('demo', 'https://evil.example/verify-your-account', 'https://blog.example');
    expect(mail.text).not.toContain('evil.example');
    expect(mail.text).toContain('new comments on a post on Demo');
    const page = await (await call(linkIn(mail, 'confirm'))).text();
    expect(page).not.toContain('evil.example');
  });

  it("with a site URL, gives the post's address on that site, and never one off it", async () => {
    const own = await confirmationFor('guarded', '/posts/looms/', 'https://guarded.example');
    expect(own.text).toContain('new comments on https://guarded.example/posts/looms/');
    for (const thread of ['//evil.example/phish', '/\\evil.example/phish', 'https://evil.example/phish', 'javascript:alert(1)']) {
      const mail = await confirmationFor('guarded', thread, 'https://guarded.example');
      expect(mail.text, thread).not.toMatch(/evil\.example|javascript:/);
      expect(mail.text, thread).toContain('new comments on a post on Guarded blog');
    }
  });

  it("keeps a commenter's name from forming a link in a notification", async () => {
    await followThread('fan@example.com');
    const created = await (await send('/api/comments', { site: 'demo', thread: '/posts/hello/', author: 'Visit https://evil.example/login now', body: 'Hello' })).json<CreateCommentResponse>();
    await approveInline(created.comment.id);
    const mail = (await outbox()).find((m) => m.to === 'fan@example.com' && !m.subject.startsWith('Confirm'))!;
    expect(mail.subject).not.toContain('https://evil.example');
    expect(mail.text).not.toContain('https://evil.example');
    expect(mail.text.replace(/\u200b/g, '')).toContain('Visit https://evil.example/login now wrote on a post on Demo');
  });
});
