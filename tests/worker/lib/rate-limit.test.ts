import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { allKeys, approve, call, createComment, errorOf, newCounter, ORIGIN, type KvCounter } from '../helpers/api';

afterEach(() => reset());

/** A client address no other test uses: the Rate Limiting binding's counters outlive a test. */
function freshIp(): string {
  return `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
}
function freshV6Prefix(): string {
  return `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
}

function like(id: string, ip: string, method: 'POST' | 'DELETE' = 'POST', counter?: KvCounter) {
  return call(`/api/comments/${id}/like`, { method, headers: { origin: ORIGIN, 'cf-connecting-ip': ip } }, counter);
}
function json(path: string, body: unknown, ip: string, env: Record<string, unknown> = {}, counter?: KvCounter) {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip }, body: JSON.stringify(body) }, counter, env);
}

/**
 * Sends requests one after another until one is refused; returns the statuses. A binding
 * counts in fixed windows, so a run may straddle a boundary: it may then take up to twice the
 * limit before the refusal.
 */
async function untilRefused(send: (i: number) => Promise<Response>, max: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < max && !statuses.includes(429); i++) statuses.push((await send(i)).status);
  return statuses;
}

describe('reader actions are limited per client, before any KV write', () => {
  it('likes: 20 a minute per client; the refused toggle touches no KV', async () => {
    const { comment } = await createComment();
    await approve(comment.id);
    const ip = freshIp();
    const statuses = await untilRefused((i) => like(comment.id, ip, i % 2 ? 'DELETE' : 'POST'), 41);
    const refusedAt = statuses.indexOf(429);
    expect(refusedAt, statuses.join(' ')).toBeGreaterThanOrEqual(20);
    expect(statuses.slice(0, refusedAt).every((status) => status === 200)).toBe(true);
    const counter = newCounter();
    const refused = await like(comment.id, ip, 'POST', counter);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('likes') });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(counter).toMatchObject({ get: 0, put: 0, delete: 0, list: 0 });
  });

  it('counts every address of one IPv6 /64 as one voter and one client', async () => {
    const { comment } = await createComment();
    await approve(comment.id);
    const prefix = freshV6Prefix();
    const first = await (await like(comment.id, `${prefix}::1`)).json<{ changed: boolean }>();
    expect(first.changed).toBe(true);
    for (let n = 2; n <= 20; n++) {
      const again = await like(comment.id, `${prefix}:${n.toString(16)}::${n}`);
      if (again.status === 429) break; // the same client, counted as one: its limit may end the run
      expect((await again.json<{ changed: boolean }>()).changed, `address ${n} of the /64`).toBe(false);
    }
    const elsewhere = await (await like(comment.id, `${freshV6Prefix()}::1`)).json<{ changed: boolean }>();
    expect(elsewhere.changed).toBe(true);
  });

  it('subscriptions: 12 threads followed at once from one client do not send 12 confirmation mails', async () => {
    const ip = freshIp();
    const before = (await allKeys()).length;
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => json('/api/subscriptions', { site: 'demo', thread: `/post-${i}/`, email: 'victim@example.com' }, ip, { MAIL_QUEUE: undefined }).then((r) => r.status)),
    );
    const accepted = statuses.filter((status) => status === 202).length;
    expect(accepted, statuses.join(' ')).toBeLessThanOrEqual(6); // 3 a minute; twice that if the burst straddles a window
    expect(statuses.filter((status) => status !== 202).every((status) => status === 429)).toBe(true);
    // One confirmation each for the accepted, and at most 3 an hour to one address from one site
    // (subscriptions themselves live in the threads' objects, not in KV); the refused wrote nothing.
    const mails = (await allKeys()).filter((key) => key.startsWith('outbox:'));
    expect(mails.length).toBe(Math.min(accepted, 3));
    expect((await allKeys()).length).toBe(before + mails.length);
  });

  it('erase requests: a few a minute per client', async () => {
    const ip = freshIp();
    const { comment, token } = await createComment();
    const statuses = await untilRefused(() => json('/api/comments/erase', { items: [{ id: comment.id, token }] }, ip), 11);
    const refusedAt = statuses.indexOf(429);
    expect(refusedAt, statuses.join(' ')).toBeGreaterThanOrEqual(5);
  });

  it('previews: 30 a minute per client, then 429 with nothing rendered', async () => {
    const ip = freshIp();
    const statuses = await untilRefused(() => json('/api/comments/preview', { body: '**bold**' }, ip), 61);
    const refusedAt = statuses.indexOf(429);
    expect(refusedAt, statuses.join(' ')).toBeGreaterThanOrEqual(30);
    const refused = await json('/api/comments/preview', { body: '**bold**' }, ip);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('previews') });
    expect((await json('/api/comments/preview', { body: '**bold**' }, freshIp())).status).toBe(200);
  });

  it('posts: a burst sent at once from one client cannot outrun the limit', async () => {
    const ip = freshIp();
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => json('/api/comments', { site: 'open', thread: '/burst-at-once', author: 'Bot', body: `burst ${i}`, elapsedMs: 9000 }, ip, {}).then((r) => r.status)),
    );
    const accepted = statuses.filter((status) => status === 201).length;
    // 5 in any 10 s at the binding (twice that across a window boundary), and the site's own 5 a minute.
    expect(accepted, statuses.join(' ')).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status !== 201).every((status) => status === 429)).toBe(true);
  });

  it('turns every per-client limit off with RATE_LIMIT=0 (load tests)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 8; i++) {
      expect((await json('/api/subscriptions', { site: 'demo', thread: `/load-${i}/`, email: `load${i}@example.com` }, ip, { RATE_LIMIT: '0', MAIL_QUEUE: undefined })).status).toBe(202);
    }
  });
});
