import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, call, createComment, errorOf, listThread, outboundRecorder, postComment, TYPED } from '../helpers/api';
import { RecordStore } from '../../../worker/src/storage/records';
import { moderationLink } from '../../../worker/src/moderation/links';
import type { CreateCommentResponse } from '../../../worker/src/wire';

afterEach(() => reset());

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function queue(status: string, query = '') {
  return (await (await admin(`/api/admin/comments?status=${status}${query}`)).json<{ comments: { id: string; author: string; body: string }[] }>()).comments;
}

describe('bans', () => {
  it('bans an email (by keyed hash, case-insensitively) and refuses that email afterwards', async () => {
    const { comment } = await createComment({ email: 'Troll@Example.com' });
    const ban = await admin('/api/admin/bans', json({ commentId: comment.id, kind: 'email', days: 7, reason: 'abuse' }));
    expect(ban.status).toBe(201);
    const refused = await postComment({ site: 'demo', thread: '/x', author: 'New name', email: 'troll@example.COM', body: 'hi' }, { origin: 'https://blog.example' });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('banned');
    // Stored as a hash: the address itself is nowhere in KV's keys or values.
    const { keys: stored } = await env.PARLEY_KV.list({ prefix: 'ban:' });
    expect(stored).toHaveLength(1);
    expect(stored[0].name).not.toContain('troll');
    expect(await env.PARLEY_KV.get(stored[0].name)).not.toContain('troll@');
  });

  it('bans an IP by keyed hash, never storing the IP', async () => {
    const ip = { 'cf-connecting-ip': '198.51.100.23', origin: 'https://blog.example' };
    const created = await (await postComment({ site: 'demo', thread: '/x', author: 'A', body: 'first' }, ip)).json<CreateCommentResponse>();
    expect((await admin('/api/admin/bans', json({ commentId: created.comment.id, kind: 'ip', days: null }))).status).toBe(201);
    const refused = await postComment({ site: 'demo', thread: '/y', author: 'B', body: 'again' }, ip);
    expect((await errorOf(refused)).code).toBe('banned');
    expect((await postComment({ site: 'demo', thread: '/y', author: 'C', body: 'other reader' }, { ...ip, 'cf-connecting-ip': '198.51.100.24' })).status).toBe(201);
    const everything = await env.PARLEY_KV.list();
    for (const key of everything.keys) {
      expect(key.name).not.toContain('198.51.100.23');
      expect((await env.PARLEY_KV.get(key.name)) ?? '').not.toContain('198.51.100.23');
    }
  });

  it('lets a ban expire, lists bans, and lifts one', async () => {
    const { comment } = await createComment({ email: 'a@example.com' });
    await admin('/api/admin/bans', json({ commentId: comment.id, kind: 'email', days: 7 }));
    const { bans } = await (await admin('/api/admin/bans')).json<{ bans: { label: string; hash: string; until: string }[] }>();
    expect(bans.map((b) => b.label)).toEqual(['a***@example.com']);
    // An expired ban (KV would delete it; here its end date is already past) lets the reader in.
    const key = `ban:e:${bans[0].hash}`;
    const stored = JSON.parse((await env.PARLEY_KV.get(key))!);
    await env.PARLEY_KV.put(key, JSON.stringify({ ...stored, until: new Date(Date.now() - 1000).toISOString() }));
    expect((await createComment({ email: 'a@example.com', thread: '/later' })).comment.status).toBe('pending');
    await env.PARLEY_KV.put(key, JSON.stringify(stored), { metadata: stored });
    expect((await admin(`/api/admin/bans/email/${bans[0].hash}`, { method: 'DELETE' })).status).toBe(200);
    expect((await createComment({ email: 'a@example.com', thread: '/later2' })).comment.status).toBe('pending');
  });
});

describe('tombstones, spam and restore', () => {
  it('keeps a removed comment, restorable to where it was, and expires it after the site period', async () => {
    const response = await postComment({ site: 'guarded', thread: '/t', author: 'Ada', body: 'keep me' }, { origin: 'https://guarded.example' });
    const { comment } = await response.json<CreateCommentResponse>();
    expect((await listThread('guarded', '/t')).total).toBe(1);
    await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' });
    expect((await listThread('guarded', '/t')).total).toBe(0);
    const recordKey = RecordStore.pointerKey(comment.id);
    const { keys: stored } = await env.PARLEY_KV.list({ prefix: recordKey });
    // The tombstone is purged after the site's tombstoneDays (7); its KV record expires 30 days
    // after that even if nothing purges it (until the purge, it is how a request by id finds it).
    const expiration = stored[0].expiration!;
    expect(expiration * 1000 - Date.now()).toBeGreaterThan(36.9 * 86_400_000);
    expect(expiration * 1000 - Date.now()).toBeLessThan(37.1 * 86_400_000);

    const restored = await admin(`/api/admin/comments/${comment.id}/restore`, { method: 'POST' });
    expect((await restored.json<{ comment: { status: string } }>()).comment.status).toBe('approved');
    expect((await listThread('guarded', '/t')).total).toBe(1);
    const { keys: after } = await env.PARLEY_KV.list({ prefix: recordKey });
    expect(after[0].expiration).toBeUndefined();
  });

  it('restores a pending comment marked as spam back to pending', async () => {
    const { comment } = await createComment();
    await admin(`/api/admin/comments/${comment.id}/spam`, { method: 'POST' });
    expect((await queue('spam')).map((c) => c.id)).toEqual([comment.id]);
    await admin(`/api/admin/comments/${comment.id}/restore`, { method: 'POST' });
    expect((await queue('pending')).map((c) => c.id)).toEqual([comment.id]);
    const refused = await admin(`/api/admin/comments/${comment.id}/restore`, { method: 'POST' });
    expect(refused.status).toBe(409);
  });
});

describe('edit before approving, bulk, search and counts', () => {
  it('edits the body (rendered again) and approves in one step', async () => {
    const { comment } = await createComment({ body: 'Buy cheap pills at spam dot com. Also: nice post!' });
    const response = await admin(`/api/admin/comments/${comment.id}`, { ...json({ body: 'Nice *post*!', approve: true }), method: 'PATCH' });
    expect(response.status).toBe(200);
    const thread = await listThread();
    expect(thread.comments[0].html).toBe('<p>Nice <em>post</em>!</p>\n');
    const bad = await admin(`/api/admin/comments/${comment.id}`, { ...json({ body: '' }), method: 'PATCH' });
    expect(bad.status).toBe(400);
  });

  it('approves many at once with one view rebuild per thread', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await createComment({ body: `c${i}` })).comment.id);
    const response = await admin('/api/admin/comments/bulk', json({ ids: [...ids, '0000000000000000000'], action: 'approve' }));
    const result = await response.json<{ comments: unknown[]; failed: { id: string }[] }>();
    expect(result.comments).toHaveLength(5);
    expect(result.failed.map((f) => f.id)).toEqual(['0000000000000000000']);
    expect((await listThread()).total).toBe(5);
  });

  it('searches by author, email or text, filters by thread, and counts each queue', async () => {
    await createComment({ author: 'Ada Lovelace', email: 'ada@example.com', body: 'engines' });
    await createComment({ author: 'Bo', body: 'looms and ENGINES', thread: '/other' });
    await createComment({ author: 'Cy', body: 'nothing' });
    expect((await queue('pending', '&q=engines')).map((c) => c.author)).toEqual(['Ada Lovelace', 'Bo']);
    expect((await queue('pending', '&q=ADA@EXAMPLE')).map((c) => c.author)).toEqual(['Ada Lovelace']);
    expect((await queue('pending', '&thread=/other')).map((c) => c.author)).toEqual(['Bo']);
    const { counts } = await (await admin('/api/admin/counts')).json<{ counts: Record<string, number> }>();
    expect(counts).toEqual({ pending: 3, approved: 0, spam: 0, removed: 0 });
  });
});

describe('audit log', () => {
  it('records who did what to which comment, newest first', async () => {
    const { comment } = await createComment({ author: 'Ada' });
    await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' });
    await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' });
    const { entries } = await (await admin('/api/admin/audit')).json<{ entries: { who: string; action: string; commentId: string; detail: string }[] }>();
    expect(entries.map((e) => e.action)).toEqual(['remove', 'approve']);
    expect(entries[0]).toMatchObject({ who: 'admin token (API)', commentId: comment.id, detail: 'Ada: approved → removed' });
  });
});

describe('webhook notifications and signed links', () => {
  async function postWaiting() {
    const recorder = outboundRecorder();
    const response = await call(
      '/api/comments',
      { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://guarded.example' }, body: JSON.stringify({ site: 'guarded', thread: '/t', author: 'Ada', body: 'see https://a.example https://b.example https://c.example', ...TYPED }) },
      undefined,
      {},
      recorder.fetcher,
    );
    const created = await response.json<CreateCommentResponse>();
    return { created, recorder };
  }

  it('posts a Slack- and Discord-compatible message with approve and remove links for a waiting comment', async () => {
    const { created, recorder } = await postWaiting();
    expect(created.comment.status).toBe('pending');
    expect(recorder.sent).toHaveLength(1);
    expect(recorder.sent[0].url).toBe('https://hooks.example/parley');
    const message = JSON.parse(recorder.sent[0].body) as { text: string; content: string };
    // The same message for both, but Slack's escaping the quote marks ('&gt;').
    expect(message.text).toBe(message.content.replace(/>/g, '&gt;'));
    expect(message.text).toContain('New comment waiting on Guarded blog (https://guarded.example/t) by Ada');
    expect(message.text).toMatch(/Approve: https:\/\/parley\.test\/admin\/act\/\S+/);
    expect(message.text).toMatch(/Remove: https:\/\/parley\.test\/admin\/act\/\S+/);
  });

  it('sends nothing for comments published at once', async () => {
    const recorder = outboundRecorder();
    await call('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'guarded', thread: '/t', author: 'A', body: 'plain', ...TYPED }) }, undefined, {}, recorder.fetcher);
    expect(recorder.sent).toHaveLength(0);
  });

  it('approves with the link once, without signing in, after a confirmation page that changes nothing', async () => {
    const { created, recorder } = await postWaiting();
    const approveUrl = /Approve: (\S+)/.exec(JSON.parse(recorder.sent[0].body).text)![1];
    const path = new URL(approveUrl).pathname;

    const confirm = await call(path);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await confirm.text()).toContain('Approve this comment?');
    expect((await listThread('guarded', '/t')).total).toBe(0); // a link preview approves nothing

    const done = await call(path, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(done.status).toBe(200);
    expect((await listThread('guarded', '/t')).comments.map((c) => c.id)).toEqual([created.comment.id]);

    const reused = await call(path, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('already been used');
    const { entries } = await (await admin('/api/admin/audit')).json<{ entries: { who: string }[] }>();
    expect(entries[0]).toMatchObject({ who: 'webhook (signed link)', by: 'webhook' });
  });

  it('refuses an expired link and a tampered one, and a link cannot act on another comment', async () => {
    const { created } = await postWaiting();
    const other = await createComment();
    const expired = await moderationLink(env, 'https://parley.test', created.comment.id, 'approve', 'pending', Date.now() - 8 * 86_400_000);
    const expiredResponse = await call(new URL(expired).pathname, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(expiredResponse.status).toBe(410);
    expect(await expiredResponse.text()).toContain('expired');

    const valid = new URL(await moderationLink(env, 'https://parley.test', created.comment.id, 'approve', 'pending')).pathname;
    const [payload, signature] = valid.slice('/admin/act/'.length).split('.');
    const forged = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    forged.c = other.comment.id;
    const forgedPayload = btoa(JSON.stringify(forged)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    // Change the signature's last hex digit (to a different one, whatever it was).
    const alteredSignature = `${valid.slice(0, -1)}${valid.endsWith('0') ? '1' : '0'}`;
    for (const path of [`/admin/act/${forgedPayload}.${signature}`, alteredSignature, '/admin/act/garbage']) {
      const response = await call(path, { method: 'POST', headers: { origin: 'https://parley.test' } });
      expect(response.status, path).toBe(403);
    }
    expect((await listThread('guarded', '/t')).total).toBe(0);
    expect((await listThread()).total).toBe(0);
  });
});
