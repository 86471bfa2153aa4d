import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { admin, allKeys, approve, call, createComment, errorOf, listAll } from '../helpers/api';
import { allComments, exportSite, fromPage, importText, JSON_HEADERS } from './helpers';
import type { AuditEntry } from '../../../worker/src/storage/audit-log';
import isso from '../../fixtures/imports/wordpress/isso-wordpress.xml?raw';

afterEach(() => reset());

const POST = '/2014/test/';

async function auditLog(): Promise<AuditEntry[]> {
  return (await (await admin('/api/admin/audit')).json<{ entries: AuditEntry[] }>()).entries;
}

/** isso's export: "Tester" (info@posativ.org) wrote five comments on /2014/test/ (a chain three deep) and one on /?p=4. */
async function importIsso() {
  await importText(isso);
  const comments = await allComments();
  const tester = comments.filter((c) => c.email === 'info@posativ.org');
  expect(tester).toHaveLength(6);
  return { comments, tester, zweiter: tester.find((c) => c.body === 'Zweiter.')! };
}

describe('DELETE /api/admin/erase?email= (GDPR)', () => {
  it('erases every comment of that email: records, pointers, queue markers gone, views rebuilt', async () => {
    const { tester, zweiter } = await importIsso();
    // Someone else answered one of Tester's comments; the answer stays, under a placeholder.
    const answer = await createComment({ thread: POST, parentId: zweiter.id, author: 'Ada', email: 'ada@example.com', body: 'An answer that stays' });
    await approve(answer.comment.id);
    expect((await admin(`/api/admin/comments/${zweiter.id}/pin`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ pinned: true }) })).status).toBe(200);

    const response = await admin('/api/admin/erase?email=%20INFO@posativ.org%20', { method: 'DELETE' });
    expect(response.status).toBe(200);
    const result = await response.json<{ erased: { id: string }[]; next: string | null; scanned: number }>();
    expect(result.erased.map((e) => e.id).sort()).toEqual(tester.map((c) => c.id).sort());
    expect(result.next).toBeNull();

    const keys = await allKeys();
    for (const { id } of tester) {
      // Only the erasure marker names them, and the page of replies under Zweiter's placeholder
      // (its id is all that is left of it, and readers see it on the placeholder anyway).
      const kept = (key: string) => key.startsWith('erased:') || (id === zweiter.id && key.startsWith('vrep:'));
      expect(keys.filter((key) => key.includes(id) && !kept(key))).toEqual([]);
      expect(keys).toContain(`erased:demo:${id}`);
    }
    expect((await allComments()).map((c) => c.author).sort()).toEqual(['Ada', 'Multiline Author', 'Ohai']);
    const thread = await listAll('demo', POST);
    const placeholder = thread.find((c) => c.id === zweiter.id)!;
    expect(placeholder).toMatchObject({ deleted: true, author: '', html: '' });
    expect(thread.find((c) => c.id === answer.comment.id)!.parentId).toBe(zweiter.id);
    expect(await listAll('demo', '/?p=4')).toEqual([]);
  });

  it('writes an audit entry with a masked email, and scrubs the entries that named the comments', async () => {
    const { zweiter } = await importIsso();
    expect((await admin(`/api/admin/comments/${zweiter.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await auditLog()).find((e) => e.commentId === zweiter.id)!.detail).toContain('Tester');
    await admin('/api/admin/erase?email=info@posativ.org', { method: 'DELETE' });
    const log = await auditLog();
    const erasure = log.find((e) => e.action === 'erase')!;
    expect(erasure).toMatchObject({ who: 'admin token (API)', site: 'demo', detail: 'i***@posativ.org: 6 comments erased' });
    expect(log.find((e) => e.commentId === zweiter.id)!.detail).toBe('(erased)');
    expect(JSON.stringify(log)).not.toContain('info@posativ.org');
    expect(JSON.stringify(await exportSite('demo'))).not.toContain('info@posativ.org');
  });

  it('erases the email subscriptions of that address too', async () => {
    await importIsso();
    expect((await fromPage('/api/subscriptions', { site: 'demo', thread: POST, email: 'info@posativ.org' })).status).toBe(202);
    expect((await fromPage('/api/subscriptions', { site: 'demo', thread: POST, email: 'other@example.com' })).status).toBe(202);
    expect((await exportSite('demo')).subscriptions.map((s) => s.email).sort()).toEqual(['info@posativ.org', 'other@example.com']);
    const result = await (await admin('/api/admin/erase?email=info@posativ.org', { method: 'DELETE' })).json<{ subscriptions: number }>();
    expect(result.subscriptions).toBe(1);
    expect((await exportSite('demo')).subscriptions.map((s) => s.email)).toEqual(['other@example.com']);
  });

  it('never brings erased comments back on a re-import', async () => {
    await importIsso();
    await admin('/api/admin/erase?email=info@posativ.org', { method: 'DELETE' });
    const again = await importText(isso);
    expect(again.erased).toHaveLength(6);
    expect(again.skipped.erased).toBe(6);
    expect(again.unchanged).toBe(2);
    expect((await allComments()).map((c) => c.author).sort()).toEqual(['Multiline Author', 'Ohai']);
  });

  it('can be limited to one site, needs an email and the admin token', async () => {
    await importIsso();
    await importText(isso, { site: 'open' });
    const result = await (await admin('/api/admin/erase?email=info@posativ.org&site=open', { method: 'DELETE' })).json<{ erased: unknown[] }>();
    expect(result.erased).toHaveLength(6);
    expect((await allComments('demo')).filter((c) => c.email === 'info@posativ.org')).toHaveLength(6);
    const bad = await admin('/api/admin/erase?email=', { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('email');
    expect((await call('/api/admin/erase?email=info@posativ.org', { method: 'DELETE' })).status).toBe(401);
  });
});

describe('POST /api/comments/erase (a reader erases their own comments)', () => {
  function erase(items: { id: string; token: string }[], origin = 'https://blog.example') {
    return fromPage('/api/comments/erase', { items }, {}, origin);
  }

  it('erases the comments whose edit tokens match, whatever their status and age', async () => {
    const first = await createComment({ author: 'Bo', email: 'bo@example.com', body: 'first' });
    const second = await createComment({ author: 'Bo', email: 'bo@example.com', body: 'second', parentId: first.comment.id });
    await approve(first.comment.id);
    const other = await createComment({ author: 'Cy', body: 'a reply to Bo', parentId: first.comment.id });
    await approve(other.comment.id);

    const response = await erase([
      { id: first.comment.id, token: first.token },
      { id: second.comment.id, token: second.token },
      { id: '0000000000000000000', token: 'whatever' },
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ erased: [first.comment.id, second.comment.id], gone: ['0000000000000000000'] });
    expect((await allComments()).map((c) => c.author)).toEqual(['Cy']);
    const thread = await listAll();
    expect(thread.find((c) => c.id === first.comment.id)).toMatchObject({ deleted: true });
    const entry = (await auditLog()).find((e) => e.action === 'erase-own')!;
    expect(entry).toMatchObject({ who: 'author', detail: "at the author's request: 2 comments erased" });
  });

  it('refuses the whole request when one token is wrong, and erases nothing', async () => {
    const first = await createComment({ body: 'first' });
    const second = await createComment({ body: 'second' });
    const keys = await allKeys();
    const response = await erase([
      { id: first.comment.id, token: first.token },
      { id: second.comment.id, token: first.token },
    ]);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', field: 'items.1.token' });
    expect(await allKeys()).toEqual(keys);
  });

  it('refuses imported comments (they have no edit token), other origins and bad bodies', async () => {
    await importText(isso);
    const imported = (await allComments())[0];
    expect((await erase([{ id: imported.id, token: 'guess' }])).status).toBe(401);
    const mine = await createComment({ body: 'mine' });
    expect((await erase([{ id: mine.comment.id, token: mine.token }], 'https://evil.example')).status).toBe(403);
    expect((await erase([])).status).toBe(400);
    expect((await erase([{ id: 'nope', token: 'x' }])).status).toBe(400);
    expect((await allComments()).map((c) => c.id)).toContain(mine.comment.id);
  });
});
