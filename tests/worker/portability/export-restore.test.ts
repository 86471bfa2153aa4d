import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, allKeys, call, countingKv, errorOf, listAll, newCounter } from '../helpers/api';
import { exportSite, fromPage, importText, JSON_HEADERS, postImport, queue, restore } from './helpers';
import { restoreBatches, type ParleyExport, type RestoreResult } from '../../../worker/src/portability/parley-format';
import type { CreateCommentResponse } from '../../../worker/src/wire';
import edgeCases from '../../fixtures/imports/wordpress/parley-wxr-edge-cases.xml?raw';
import kkdai from '../../fixtures/imports/disqus/kkdai-evanlin-export-2021-excerpt.xml?raw';

afterEach(() => reset());

const GUARDED = 'https://guarded.example';
const TEMPLATE = '/2012/01/03/template-comments/';

/** A site with everything an export holds: imported comments of every status, a reader's own comment, likes, pins, a lock, edits, a subscription, an erasure. */
async function busySite(): Promise<void> {
  await importText(edgeCases, { site: 'guarded' });
  await importText(kkdai, { site: 'guarded' });
  // Imported threads are years old: this site auto-locks threads after 30 days, so the reader posts on a new one.
  const posted = await fromPage('/api/comments', { site: 'guarded', thread: '/fresh/', author: 'Reader', email: 'reader@example.com', body: 'Posted in Parley itself' }, { 'cf-connecting-ip': '198.51.100.7' }, GUARDED);
  expect(posted.status).toBe(201);
  const { comment } = await posted.json<CreateCommentResponse>();
  for (const ip of ['198.51.100.1', '198.51.100.2']) {
    const liked = await call(`/api/comments/${comment.id}/like`, { method: 'POST', headers: { origin: GUARDED, 'cf-connecting-ip': ip } });
    expect(liked.status).toBe(200);
  }
  const approved = await queue('approved', 'guarded');
  const greek = approved.find((c) => c.author === 'John Γιάννης Doe Κάποιος')!;
  expect((await admin(`/api/admin/comments/${greek.id}/pin`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ pinned: true }) })).status).toBe(200);
  expect((await admin('/api/admin/threads/lock', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ site: 'guarded', thread: '/maglev/', locked: true }) })).status).toBe(200);
  const padded = approved.find((c) => c.author === 'Padded Author')!;
  expect((await admin(`/api/admin/comments/${padded.id}`, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify({ body: 'Edited by a moderator.' }) })).status).toBe(200);
  const lost = approved.find((c) => c.author === 'Lost Reply')!;
  expect((await admin(`/api/admin/comments/${lost.id}`, { method: 'DELETE' })).status).toBe(200);
  expect((await fromPage('/api/subscriptions', { site: 'guarded', thread: TEMPLATE, email: 'follower@example.com' }, {}, GUARDED)).status).toBe(202);
  expect((await admin('/api/admin/erase?email=obrien@example.ie', { method: 'DELETE' })).status).toBe(200);
  await listAll('guarded', '/fresh/'); // the likes are counted at the view's recheck
}

function withoutTime(doc: ParleyExport) {
  return { ...doc, exportedAt: 'ignored' };
}

describe('GET /api/admin/export', () => {
  it('exports a whole site: every status, threads, audit log, subscriptions, erasures, settings', async () => {
    await busySite();
    const doc = await exportSite('guarded');
    expect(doc).toMatchObject({ format: 'parley', version: 1, next: null });
    expect(doc.comments).toHaveLength(24 + 189 + 1 - 1);
    const statuses = doc.comments.reduce<Record<string, number>>((counts, c) => ({ ...counts, [c.status]: (counts[c.status] ?? 0) + 1 }), {});
    expect(statuses).toEqual({ approved: 187, pending: 2, spam: 14, removed: 10 });
    expect(doc.comments.find((c) => c.author === 'Reader')!.likes).toBe(2);
    expect(doc.comments.find((c) => c.author === 'Lost Reply')!.expiresAt).toMatch(/^\d{4}-/);
    expect(doc.comments.find((c) => c.author === 'Padded Author')).toMatchObject({ body: 'Edited by a moderator.', editedBy: 'admin token (API)' });
    expect(doc.threads).toEqual(
      expect.arrayContaining([
        { thread: '/maglev/', locked: true, pinned: [] },
        { thread: TEMPLATE, locked: false, pinned: [doc.comments.find((c) => c.author === 'John Γιάννης Doe Κάποιος')!.id] },
      ]),
    );
    expect(doc.audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['import', 'pin', 'lock', 'edit', 'remove', 'erase']));
    expect(doc.subscriptions).toEqual([expect.objectContaining({ thread: TEMPLATE, email: 'follower@example.com', target: 'thread', confirmed: false })]);
    expect(doc.erased).toHaveLength(1);
    expect(doc.site).toMatchObject({ id: 'guarded', url: 'https://guarded.example', tombstoneDays: 7, hasWebhook: true });
  });

  it('carries no secrets: no token or IP hashes, no webhook URL, no admin token', async () => {
    await busySite();
    const text = JSON.stringify(await exportSite('guarded'));
    for (const secret of ['tokenHash', 'ipHash', 'hooks.example', '"webhook"', 'test-admin-token', 'test-hash-key', '198.51.100']) expect(text).not.toContain(secret);
    expect(text).not.toContain('obrien@example.ie');
  });

  it('requires the admin token and a known site', async () => {
    expect((await call('/api/admin/export?site=demo')).status).toBe(401);
    const unknown = await admin('/api/admin/export?site=nope');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('unknown_site');
  });
});

describe('restoring an export', () => {
  it('export → empty namespace → restore → export gives the same data, and readers see the same threads', async () => {
    await busySite();
    const before = await exportSite('guarded');
    const threadBefore = await listAll('guarded', TEMPLATE);
    const freshBefore = await listAll('guarded', '/fresh/');
    expect(freshBefore[0].likes).toBe(2);
    await reset();
    expect(await allKeys()).toEqual([]);

    const results = await restore(before);
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(before.comments.length);
    const after = await exportSite('guarded');
    expect(withoutTime(after)).toEqual(withoutTime(before));
    expect(await listAll('guarded', TEMPLATE)).toEqual(threadBefore);
    await listAll('guarded', '/fresh/'); // likes, again, show after the view's recheck
    expect(await listAll('guarded', '/fresh/')).toEqual(freshBefore);
    expect((await listAll('guarded', '/maglev/')).length).toBeGreaterThan(0);
  });

  it('restoring twice writes nothing the second time', async () => {
    await busySite();
    const doc = await exportSite('guarded');
    await reset();
    await restore(doc);
    const keys = await allKeys();
    const counter = newCounter();
    let unchanged = 0;
    for (const batch of restoreBatches(doc)) {
      const response = await call(
        '/api/admin/import',
        { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer test-admin-token' }, body: JSON.stringify(batch) },
        undefined,
        { PARLEY_KV: countingKv(env.PARLEY_KV, counter) },
      );
      expect(response.status).toBe(200);
      const result = await response.json<RestoreResult>();
      expect(result.created + result.updated + result.subscriptions + result.threads + result.audit + result.erased).toBe(0);
      unchanged += result.unchanged;
    }
    expect(unchanged).toBe(doc.comments.length);
    expect({ put: counter.put, delete: counter.delete }).toEqual({ put: 0, delete: 0 });
    expect(await allKeys()).toEqual(keys);
  });

  it('renders HTML again from each body: an export file cannot bring raw HTML in', async () => {
    await importText(edgeCases);
    const doc = await exportSite('demo');
    const tampered = { ...doc, comments: doc.comments.map((c) => ({ ...c, html: '<script>alert(1)</script>' })) };
    await reset();
    await restore(tampered);
    const shown = await listAll('demo', TEMPLATE);
    expect(shown.length).toBeGreaterThan(0);
    for (const comment of shown) expect(comment.html).not.toContain('<script');
  });

  it('takes a small export as downloaded, and asks for parts when one is too big', async () => {
    await importText(edgeCases);
    const doc = await exportSite('demo');
    await reset();
    expect((await postImport({ ...doc })).created).toBe(24);

    await importText(kkdai);
    const big = await exportSite('demo');
    const response = await admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(big) });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/at most 100 comments per request/);
    expect(restoreBatches(big).every((batch) => batch.comments.length <= 100)).toBe(true);
  });
});
