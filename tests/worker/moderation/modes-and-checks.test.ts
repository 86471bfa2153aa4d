import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, call, createComment, errorOf, listThread, outboundRecorder, postComment, TYPED } from '../helpers/api';
import { TURNSTILE_VERIFY_URL } from '../../../worker/src/moderation/turnstile';
import type { CreateCommentResponse } from '../../../worker/src/wire';

afterEach(() => reset());

const GUARDED = { origin: 'https://guarded.example' };

function post(site: string, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  const origins: Record<string, string> = { trusted: 'https://trusted.example', guarded: 'https://guarded.example', open: 'https://open.example', captcha: 'https://captcha.example' };
  return postComment({ site, thread: '/t', author: 'Ada', body: 'A thoughtful comment', ...fields }, { origin: origins[site] ?? 'https://blog.example', ...headers });
}

async function statusOf(id: string): Promise<string> {
  for (const status of ['pending', 'approved', 'spam', 'removed']) {
    const list = await (await admin(`/api/admin/comments?status=${status}`)).json<{ comments: { id: string }[] }>();
    if (list.comments.some((c) => c.id === id)) return status;
  }
  return 'missing';
}

describe('moderation mode "first"', () => {
  it('publishes at once for a commenter who proves, with an edit token, an earlier approved comment', async () => {
    const first = await (await post('trusted', { body: 'my first comment' })).json<CreateCommentResponse>();
    expect(first.comment.status).toBe('pending');
    await admin(`/api/admin/comments/${first.comment.id}/approve`, { method: 'POST' });

    const second = await (await post('trusted', { body: 'back again', proof: { id: first.comment.id, token: first.token } })).json<CreateCommentResponse>();
    expect(second.comment.status).toBe('approved');
    expect((await listThread('trusted', '/t')).total).toBe(2);
  });

  it('keeps waiting a commenter whose proof is wrong, unapproved, or only an email address', async () => {
    const first = await (await post('trusted', { body: 'one', email: 'ada@example.com' })).json<CreateCommentResponse>();
    // Not approved yet: the proof is right but proves nothing.
    expect((await (await post('trusted', { body: 'two', proof: { id: first.comment.id, token: first.token } })).json<CreateCommentResponse>()).comment.status).toBe('pending');
    await admin(`/api/admin/comments/${first.comment.id}/approve`, { method: 'POST' });
    // A wrong token, and a matching email without a token, are not trusted.
    expect((await (await post('trusted', { body: 'three', proof: { id: first.comment.id, token: 'guess' } })).json<CreateCommentResponse>()).comment.status).toBe('pending');
    expect((await (await post('trusted', { body: 'four', email: 'ada@example.com' })).json<CreateCommentResponse>()).comment.status).toBe('pending');
  });

  it('does not accept proof from another site', async () => {
    const elsewhere = await createComment({ site: 'demo' });
    await admin(`/api/admin/comments/${elsewhere.comment.id}/approve`, { method: 'POST' });
    const attempt = await (await post('trusted', { proof: { id: elsewhere.comment.id, token: elsewhere.token } })).json<CreateCommentResponse>();
    expect(attempt.comment.status).toBe('pending');
  });
});

describe('spam checks (on by default)', () => {
  it('marks a filled honeypot as spam while answering like any pending comment', async () => {
    const response = await post('open', { hp: 'http://bot.example' });
    const created = await response.json<CreateCommentResponse>();
    expect(response.status).toBe(201);
    expect(created.comment.status).toBe('pending');
    expect(await statusOf(created.comment.id)).toBe('spam');
    expect((await listThread('open', '/t')).total).toBe(0);
  });

  it('marks blocklisted words and domains as spam, case-insensitively, in any field', async () => {
    for (const fields of [{ body: 'Best CASINO bonus' }, { website: 'https://www.spam.example/x' }, { author: 'casino king' }]) {
      const created = await (await post('guarded', fields, { 'cf-connecting-ip': `10.0.0.${Math.floor(Math.random() * 250)}` })).json<CreateCommentResponse>();
      expect(created.comment.status).toBe('pending');
      expect(await statusOf(created.comment.id)).toBe('spam');
    }
  });

  it('holds for a moderator a comment with too many links, even where comments publish at once', async () => {
    const created = await (await post('guarded', { body: 'https://a.example https://b.example https://c.example' })).json<CreateCommentResponse>();
    expect(created.comment.status).toBe('pending');
    const queue = await (await admin('/api/admin/comments?status=pending&site=guarded')).json<{ comments: { flags: string[] }[] }>();
    expect(queue.comments[0].flags).toEqual(['has 3 links (more than 2)']);
  });

  it('holds a comment sent without saying how long it took (a script that skips the form)', async () => {
    const created = await (await post('open', { elapsedMs: undefined, body: 'no timing' })).json<CreateCommentResponse>();
    expect(created.comment.status).toBe('pending');
    const queue = await (await admin('/api/admin/comments?status=pending&site=open')).json<{ comments: { id: string; flags: string[] }[] }>();
    expect(queue.comments.find((c) => c.id === created.comment.id)?.flags).toEqual(['sent without the time it took to write (no elapsedMs)']);
  });

  it('holds a comment sent faster than a person could type it', async () => {
    const fast = await (await post('open', { elapsedMs: 400 })).json<CreateCommentResponse>();
    expect(fast.comment.status).toBe('pending');
    const human = await (await post('open', { elapsedMs: 45_000, body: 'typed slowly' })).json<CreateCommentResponse>();
    expect(human.comment.status).toBe('approved');
  });
});

describe('rate limit and duplicates', () => {
  const ip = { 'cf-connecting-ip': '203.0.113.9' };

  it('answers 429 with Retry-After past the per-IP limit, and saves nothing for the refused post', async () => {
    for (let i = 0; i < 3; i++) expect((await post('guarded', { body: `comment ${i}` }, ip)).status).toBe(201);
    const refused = await post('guarded', { body: 'one too many' }, ip);
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await listThread('guarded', '/t')).total).toBe(3);
    // Another reader is not affected.
    expect((await post('guarded', { body: 'someone else' }, { 'cf-connecting-ip': '198.51.100.1' })).status).toBe(201);
  });

  it('stops a burst at the Rate Limiting binding before touching KV, even when the site allows more', async () => {
    const send = (i: number) =>
      call(
        '/api/comments',
        { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.77' }, body: JSON.stringify({ site: 'open', thread: '/burst', author: 'A', body: `burst ${i}`, ...TYPED }) },
        undefined,
        { RATE_LIMIT: '1000' },
      );
    // The bindings count 5 per 10-second window (and 20 a minute). A burst may straddle a window
    // boundary, so send up to 11: some window then holds 6, and the 6th there must be refused.
    const statuses: number[] = [];
    for (let i = 0; i < 11 && !statuses.includes(429); i++) statuses.push((await send(i)).status);
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThanOrEqual(5); // never before 5 posts
    expect(statuses.slice(0, firstRefusal).every((status) => status === 201)).toBe(true);
  });

  it('turns the limit off with RATE_LIMIT=0', async () => {
    for (let i = 0; i < 6; i++) {
      const response = await call(
        '/api/comments',
        { method: 'POST', headers: { 'content-type': 'application/json', ...ip }, body: JSON.stringify({ site: 'guarded', thread: '/t', author: 'A', body: `load ${i}`, ...TYPED }) },
        undefined,
        { RATE_LIMIT: '0' },
      );
      expect(response.status).toBe(201);
    }
  });

  it('refuses the same comment twice from the same reader in the same thread', async () => {
    const reader = { 'cf-connecting-ip': '203.0.113.10' };
    expect((await post('guarded', { body: 'Great post!' }, reader)).status).toBe(201);
    const again = await post('guarded', { body: '  great   POST ' }, reader);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('duplicate_comment');
    expect((await post('guarded', { body: 'Great post!', thread: '/another' }, reader)).status).toBe(201);
  });
});

describe('locked and pinned threads', () => {
  it('refuses new comments on a locked thread and tells readers it is locked', async () => {
    const lock = await admin('/api/admin/threads/lock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'open', thread: '/t', locked: true }) });
    expect(lock.status).toBe(200);
    expect((await listThread('open', '/t')).locked).toBe(true);
    const refused = await post('open', {});
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('thread_locked');
    await admin('/api/admin/threads/lock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'open', thread: '/t', locked: false }) });
    expect((await post('open', {})).status).toBe(201);
  });

  it('auto-locks a thread whose first comment is older than the site allows', async () => {
    // A thread whose first comment is 31 days old (imported with its date; the site locks after 30).
    const old = new Date(Date.now() - 31 * 86_400_000);
    const imported = await admin('/api/admin/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'wordpress', site: 'guarded', comments: [{ id: `${old.getTime().toString(36).padStart(9, '0')}aaaaaaaaaa`, thread: '/t', parentId: null, author: 'Old', email: null, website: null, body: 'old news', status: 'approved', createdAt: old.toISOString() }] }),
    });
    expect(imported.status).toBe(200);
    expect((await listThread('guarded', '/t')).locked).toBe(true);
    const refused = await post('guarded', { body: 'too late' });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('thread_locked');
    // A thread whose first comment is recent takes comments.
    expect((await post('guarded', { body: 'fresh', thread: '/fresh' })).status).toBe(201);
    expect((await listThread('guarded', '/fresh')).locked).toBe(false);
  });

  it('marks pinned comments for the widget to show first', async () => {
    const a = await (await post('open', { body: 'a' })).json<CreateCommentResponse>();
    const b = await (await post('open', { body: 'b', author: 'Bo' })).json<CreateCommentResponse>();
    const pin = await admin(`/api/admin/comments/${b.comment.id}/pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pinned":true}' });
    expect(pin.status).toBe(200);
    const thread = await listThread('open', '/t');
    expect(thread.comments[0]).toMatchObject({ id: b.comment.id, pinned: true }); // first, though posted second
    expect(thread.comments.find((c) => c.id === a.comment.id)?.pinned).toBeUndefined();
    await admin(`/api/admin/comments/${b.comment.id}/pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pinned":false}' });
    expect((await listThread('open', '/t')).comments.some((c) => c.pinned)).toBe(false);
  });
});

describe('Turnstile (the verify call to Cloudflare is replaced; our code path is real)', () => {
  function postWithTurnstile(token: string | undefined, answer: boolean) {
    const recorder = outboundRecorder(() => Response.json({ success: answer }));
    const response = call(
      '/api/comments',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://captcha.example', 'cf-connecting-ip': '192.0.2.7' },
        body: JSON.stringify({ site: 'captcha', thread: '/t', author: 'A', body: 'b', turnstileToken: token, ...TYPED }),
      },
      undefined,
      {},
      recorder.fetcher,
    );
    return { response, recorder };
  }

  it('verifies the token server-side with the secret and the reader IP before saving', async () => {
    const { response, recorder } = postWithTurnstile('token-from-widget', true);
    expect((await response).status).toBe(201);
    expect(recorder.sent).toHaveLength(1);
    expect(recorder.sent[0].url).toBe(TURNSTILE_VERIFY_URL);
    expect(recorder.sent[0].body).toContain('test-turnstile-secret');
    expect(recorder.sent[0].body).toContain('token-from-widget');
    expect(recorder.sent[0].body).toContain('192.0.2.7');
  });

  it('refuses a missing or failed challenge and saves nothing', async () => {
    for (const [token, answer] of [[undefined, true], ['bad', false]] as const) {
      const { response } = postWithTurnstile(token, answer);
      const refused = await response;
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).code).toBe('captcha_failed');
    }
    expect((await listThread('captcha', '/t')).total).toBe(0);
  });
});

describe('what readers never see', () => {
  it('keeps emails, IP hashes, token hashes and flags out of every public response', async () => {
    const created = await post('open', { email: 'secret@example.com', body: 'visible' }, { 'cf-connecting-ip': '203.0.113.50' });
    const text = (await created.text()) + JSON.stringify(await listThread('open', '/t'));
    for (const secret of ['secret@example.com', 'ipHash', 'tokenHash', 'flags', 'email', '203.0.113.50']) expect(text).not.toContain(secret);
  });
});
