import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, allKeys, call, createComment, errorOf, TYPED } from '../helpers/api';
import { JSON_HEADERS, exportSite, postImport } from './helpers';
import { OutboxMailer } from '../../../worker/src/mail/mailer';
import type { RestoreResult } from '../../../worker/src/portability/parley-format';

afterEach(() => reset());

const base = { format: 'parley', version: 1, site: 'demo' } as const;
const comment = (fields: Record<string, unknown> = {}) => ({
  id: '0lq8zk3c0abcdefghij',
  thread: '/restored/',
  parentId: null,
  author: 'Ada',
  email: 'ada@example.com',
  website: null,
  body: 'Restored',
  status: 'approved',
  createdAt: '2020-01-01T00:00:00.000Z',
  updatedAt: '2020-01-01T00:00:00.000Z',
  ...fields,
});
const restoreRequest = (batch: Record<string, unknown>) => admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ ...base, ...batch }) });

describe('restore validates an export like any other input', () => {
  it('never takes a confirmed subscription on the file\'s word: it is restored unconfirmed, and said so', async () => {
    const result = await postImport<RestoreResult>({ ...base, subscriptions: [{ thread: '/posts/hello/', email: 'victim@example.com', target: 'thread', confirmed: true, createdAt: '2020-01-01T00:00:00.000Z', confirmedAt: '2020-01-01T00:00:00.000Z' }] });
    expect(result).toMatchObject({ subscriptions: 1, unconfirmed: 1 });
    expect((await exportSite()).subscriptions).toEqual([expect.objectContaining({ email: 'victim@example.com', confirmed: false })]);
    // A comment published in that thread mails no one.
    const posted = await call('/api/comments', { method: 'POST', headers: { ...JSON_HEADERS, origin: 'https://blog.example' }, body: JSON.stringify({ site: 'demo', thread: '/posts/hello/', author: 'A', body: 'news', ...TYPED }) }, undefined, { MAIL_QUEUE: undefined });
    const { comment: created } = await posted.json<{ comment: { id: string } }>();
    await call(`/api/admin/comments/${created.id}/approve`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } }, undefined, { MAIL_QUEUE: undefined });
    expect((await OutboxMailer.read(env.PARLEY_KV)).filter((mail) => mail.to === 'victim@example.com')).toEqual([]);
  });

  it('takes no third-party avatarUrl, and no Gravatar on a site with Gravatar off', async () => {
    const third = await restoreRequest({ comments: [comment({ avatarUrl: 'https://tracker.example/pixel.png?who=ada' })] });
    expect(await errorOf(third)).toMatchObject({ code: 'invalid_request', field: 'comments.0.avatarUrl' });
    const gravatar = `https://www.gravatar.com/avatar/${'a'.repeat(64)}?s=96&d=identicon`;
    const result = await postImport<RestoreResult>({ ...base, comments: [comment({ avatarUrl: gravatar })] });
    expect(result).toMatchObject({ created: 1, avatarUrlsDropped: 1 });
    expect((await exportSite()).comments[0].avatarUrl).toBeUndefined();
  });

  it('bounds likes like everything else: per comment and per request', async () => {
    const before = await allKeys();
    expect(await errorOf(await restoreRequest({ comments: [comment({ likes: 900 })] }))).toMatchObject({ code: 'invalid_request', field: 'comments.0.likes' });
    const many = Array.from({ length: 3 }, (_, i) => comment({ id: `0lq8zk3c0abcdefghi${i}`, likes: 200 }));
    expect(await errorOf(await restoreRequest({ comments: many }))).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('likes per request') });
    expect(await allKeys()).toEqual(before);
  });

  it('refuses ids and dates in the future', async () => {
    const future = Date.now() + 3 * 365 * 86_400_000;
    const futureId = `${future.toString(36).padStart(9, '0')}abcdefghij`;
    expect(await errorOf(await restoreRequest({ comments: [comment({ id: futureId })] }))).toEqual({ code: 'invalid_request', message: 'id is dated in the future', field: 'comments.0.id' });
    const later = new Date(future).toISOString();
    expect(await errorOf(await restoreRequest({ comments: [comment({ createdAt: later })] }))).toMatchObject({ message: 'createdAt is in the future', field: 'comments.0.createdAt' });
  });
});

describe('erasure by email also erases the address where moderators or mail wrote it', () => {
  it("clears a ban's reason naming the address, and the outbox's copies of mail to it", async () => {
    const { comment: troll } = await createComment({ author: 'Troll', email: 'troll@example.com', body: 'spam spam' });
    const banned = await admin('/api/admin/bans', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ commentId: troll.id, kind: 'email', reason: 'troll@example.com keeps spamming' }) });
    expect(banned.status).toBe(201);
    expect((await call('/api/subscriptions', { method: 'POST', headers: { ...JSON_HEADERS, origin: 'https://blog.example' }, body: JSON.stringify({ site: 'demo', thread: '/t/', email: 'troll@example.com' }) }, undefined, { MAIL_QUEUE: undefined })).status).toBe(202);
    expect((await OutboxMailer.read(env.PARLEY_KV)).some((mail) => mail.to === 'troll@example.com')).toBe(true);

    const erased = await (await admin('/api/admin/erase?email=TROLL@example.com', { method: 'DELETE' })).json<{ mentions: Record<string, number> }>();
    expect(erased.mentions).toMatchObject({ bans: 1, outbox: 1 });
    const bans = await (await admin('/api/admin/bans')).json<{ bans: { reason: string; label: string }[] }>();
    expect(bans.bans).toHaveLength(1); // the ban stays: it holds only a hash
    expect(JSON.stringify(bans)).not.toContain('troll@example.com');
    expect(JSON.stringify(await OutboxMailer.read(env.PARLEY_KV))).not.toContain('troll@example.com');
    expect(JSON.stringify(await (await admin('/api/admin/audit')).json())).not.toContain('troll@example.com');
  });
});
