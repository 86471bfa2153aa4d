import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { admin, allKeys, call, createComment, errorOf, listThread } from '../helpers/api';

afterEach(() => reset());

const routes: [string, string][] = [
  ['GET', '/api/admin/comments?status=pending'],
  ['POST', '/api/admin/comments/0000000000000000000/approve'],
  ['DELETE', '/api/admin/comments/0000000000000000000'],
];

describe('admin authentication', () => {
  it.each(routes)('%s %s refuses a missing, malformed or wrong token with 401', async (method, path) => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: 'test-admin-token' }, { authorization: 'Basic dGVzdA==' }] as Record<string, string>[]) {
      const response = await call(path, { method, headers });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
  });

  it('refuses everything when the server has no ADMIN_TOKEN secret, whatever is sent', async () => {
    for (const token of ['', 'undefined', 'test-admin-token']) {
      const response = await call('/api/admin/comments', { headers: { authorization: `Bearer ${token}` } }, undefined, { ADMIN_TOKEN: undefined });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('admin_disabled');
    }
  });

  it('refuses a wrong token that differs only in its last character', async () => {
    const response = await admin('/api/admin/comments', {}, 'test-admin-tokeN');
    expect(response.status).toBe(401);
  });
});

describe('moderation', () => {
  it('lists the pending queue with what a moderator needs, oldest first, filtered by site', async () => {
    const first = await createComment({ author: 'Ada', email: 'ada@example.com', body: 'one' });
    const second = await createComment({ author: 'Bo', thread: '/other', body: 'two' });
    const response = await admin('/api/admin/comments?status=pending&site=demo');
    expect(response.status).toBe(200);
    const { comments } = await response.json<{ comments: Record<string, unknown>[] }>();
    expect(comments.map((c) => c.id)).toEqual([first.comment.id, second.comment.id]);
    expect(comments[0]).toMatchObject({ author: 'Ada', email: 'ada@example.com', body: 'one', thread: '/posts/hello/', site: 'demo', status: 'pending' });
    expect(JSON.stringify(comments)).not.toContain('tokenHash');
    const none = await admin('/api/admin/comments?status=pending&site=open');
    expect((await none.json<{ comments: unknown[] }>()).comments).toEqual([]);
  });

  it('approves and removes by id, and readers see each change', async () => {
    const { comment } = await createComment();
    const approved = await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect((await approved.json<{ comment: { status: string } }>()).comment.status).toBe('approved');
    expect((await listThread()).total).toBe(1);
    const removed = await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' });
    expect((await removed.json<{ comment: { status: string } }>()).comment.status).toBe('removed');
    expect((await listThread()).total).toBe(0);
  });

  it('answers unknown ids, bad ids and bad filters with clear errors and writes nothing', async () => {
    const before = await allKeys();
    for (const [method, path, status, code] of [
      ['POST', '/api/admin/comments/0000000000000000000/approve', 404, 'not_found'],
      ['DELETE', '/api/admin/comments/not-an-id', 404, 'not_found'],
      ['GET', '/api/admin/comments?status=everything', 400, 'invalid_request'],
      ['GET', '/api/admin/comments?site=nope', 404, 'unknown_site'],
    ] as const) {
      const response = await admin(path, { method });
      expect(response.status, path).toBe(status);
      expect((await errorOf(response)).code).toBe(code);
    }
    expect(await allKeys()).toEqual(before);
  });
});
