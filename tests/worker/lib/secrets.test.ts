import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { allKeys, approve, call, createComment, errorOf, ORIGIN } from '../helpers/api';
import { sign } from '../../../worker/src/lib/signing';

afterEach(() => reset());

/** A Worker whose owner forgot every `wrangler secret put`. */
const NO_SECRETS = { ADMIN_TOKEN: undefined, LINK_SIGNING_KEY: undefined, HASH_KEY: undefined };
/** What the old code signed with when neither LINK_SIGNING_KEY nor ADMIN_TOKEN was set: a public value. */
const PUBLIC_FALLBACK_KEY = 'links:';
const later = () => Math.floor(Date.now() / 1000) + 3600;

function bare(path: string, init: RequestInit = {}, overrides: Record<string, unknown> = NO_SECRETS) {
  return call(path, init, undefined, overrides);
}

function postAs(overrides: Record<string, unknown>, body: Record<string, unknown> = {}) {
  return bare(
    '/api/comments',
    { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, 'cf-connecting-ip': '192.0.2.7' }, body: JSON.stringify({ site: 'demo', thread: '/posts/hello/', author: 'Ada', email: 'ada@example.com', body: 'Hi', elapsedMs: 9000, ...body }) },
    overrides,
  );
}

describe('a Worker started with no secrets at all', () => {
  it('still serves readers: comments, counts, feeds and thread HTML', async () => {
    const { comment } = await createComment();
    await approve(comment.id);
    const list = await bare('/api/comments?site=demo&thread=%2Fposts%2Fhello%2F');
    expect(list.status).toBe(200);
    expect((await list.json<{ total: number }>()).total).toBe(1);
    expect((await bare('/api/counts?site=demo&thread=%2Fposts%2Fhello%2F')).status).toBe(200);
    expect((await bare('/feeds/demo.atom')).status).toBe(200);
    expect((await bare('/api/threads/html?site=demo&thread=%2Fposts%2Fhello%2F')).status).toBe(200);
  });

  it('refuses a post with 503 naming every secret the owner must set, and writes nothing', async () => {
    const before = await allKeys();
    const response = await postAs(NO_SECRETS);
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe('not_configured');
    for (const name of ['ADMIN_TOKEN', 'LINK_SIGNING_KEY', 'HASH_KEY']) expect(error.message).toContain(name);
    expect(await allKeys()).toEqual(before);
  });

  it('never hashes an IP or an email without HASH_KEY, even when the other secrets are set', async () => {
    const response = await postAs({ HASH_KEY: undefined });
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'not_configured' });
    expect(error.message).toContain('HASH_KEY');
    expect(error.message).not.toContain('ADMIN_TOKEN');
  });

  it('refuses likes, subscriptions and erase requests the same way', async () => {
    const { comment, token } = await createComment();
    await approve(comment.id);
    const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, 'cf-connecting-ip': '192.0.2.8' }, body: JSON.stringify(body) });
    const responses = [
      await bare(`/api/comments/${comment.id}/like`, { method: 'POST', headers: { origin: ORIGIN, 'cf-connecting-ip': '192.0.2.8' } }),
      await bare('/api/subscriptions', json({ site: 'demo', thread: '/posts/hello/', email: 'fan@example.com' })),
      await bare('/api/comments/erase', json({ items: [{ id: comment.id, token }] })),
    ];
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe('not_configured');
    }
  });

  it('refuses every admin request, naming what is missing', async () => {
    const response = await bare('/api/admin/comments', { headers: { authorization: 'Bearer anything' } });
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error.code).toBe('admin_disabled');
    for (const name of ['ADMIN_TOKEN', 'LINK_SIGNING_KEY', 'HASH_KEY']) expect(error.message).toContain(name);
  });

  it('says on /admin which secrets are missing', async () => {
    const page = await (await bare('/admin')).text();
    expect(page).toMatch(/ADMIN_TOKEN, LINK_SIGNING_KEY and HASH_KEY secrets/);
    const noLinkKey = await bare('/admin', {}, { LINK_SIGNING_KEY: undefined });
    expect(noLinkKey.status).toBe(503);
    expect(await noLinkKey.text()).toMatch(/must set the LINK_SIGNING_KEY secret/);
  });

  it('does not accept a moderation link signed with the old public fallback key', async () => {
    const { comment } = await createComment();
    const forged = await sign(PUBLIC_FALLBACK_KEY, 'link', { c: comment.id, a: 'approve', e: later(), n: 'forged-nonce-0001' });
    const shown = await bare(`/admin/act/${forged}`);
    expect(shown.status).toBe(503);
    expect(await shown.text()).toContain('LINK_SIGNING_KEY');
    const acted = await bare(`/admin/act/${forged}`, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(acted.status).toBe(503);
    const queue = await call('/api/admin/comments?status=pending', { headers: { authorization: 'Bearer test-admin-token' } });
    expect((await queue.json<{ comments: { id: string }[] }>()).comments.map((c) => c.id)).toEqual([comment.id]);
  });

  it('does not confirm a subscription from a link signed with the old public fallback key', async () => {
    const forged = await sign(PUBLIC_FALLBACK_KEY, 'subscription', { s: 'demo', t: '/posts/hello/', h: 'f'.repeat(32), g: 'thread', a: 'confirm', e: later() });
    const before = await allKeys();
    const response = await bare(`/subscriptions/confirm/${forged}`, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('LINK_SIGNING_KEY');
    expect(await allKeys()).toEqual(before);
  });

  it('starts no dashboard session without LINK_SIGNING_KEY, even with the right admin token', async () => {
    const response = await bare(
      '/admin/login',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://parley.test' }, body: 'token=test-admin-token', redirect: 'manual' },
      { LINK_SIGNING_KEY: undefined },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('ends every dashboard session when ADMIN_TOKEN or LINK_SIGNING_KEY is rotated', async () => {
    const login = await call('/admin/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://parley.test' }, body: 'token=test-admin-token&name=Ada', redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const queue = (overrides: Record<string, unknown>) => bare('/admin', { headers: { cookie } }, overrides).then((response) => response.text());
    expect(await queue({})).toContain('Pending comments');
    expect(await queue({ ADMIN_TOKEN: 'rotated-admin-token' })).toContain('Admin token');
    expect(await queue({ LINK_SIGNING_KEY: 'rotated-link-key' })).toContain('Admin token');
  });
});
