import { afterEach, describe, expect, it } from 'vitest';
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, allKeys, approve, call, countingKv, errorOf, listAll, newCounter } from '../helpers/api';
import { allComments, importText, JSON_HEADERS, postImport, queue } from './helpers';
import { threadStub } from '../objects/support';
import { RecordStore } from '../../../worker/src/storage/records';
import { ImportCheckError, ImportInterruptedError } from '../../../worker/src/portability/run-import';
import type { ImportedComment } from '../../../worker/src/portability/model';
import type { AdminListResponse } from '../../../worker/src/wire';
import edgeCases from '../../fixtures/imports/wordpress/parley-wxr-edge-cases.xml?raw';
import malformedWxr from '../../fixtures/imports/wordpress/parley-wxr-malformed.xml?raw';
import malformedDisqus from '../../fixtures/imports/disqus/malformed-remark42-disqus.xml?raw';
import isso from '../../fixtures/imports/wordpress/isso-wordpress.xml?raw';

afterEach(() => reset());

function comment(n: number, fields: Partial<ImportedComment> = {}): ImportedComment {
  return {
    id: `0${(1_600_000_000_000 + n * 1000).toString(36)}${String(n).padStart(10, '0')}`.slice(0, 19),
    thread: '/posts/imported/',
    parentId: null,
    author: `Author ${n}`,
    email: `author${n}@example.com`,
    website: null,
    body: `Comment number ${n}`,
    status: 'approved',
    createdAt: new Date(1_600_000_000_000 + n * 1000).toISOString(),
    ...fields,
  };
}

describe('malformed files', () => {
  it('names the line and column, writes nothing, and says re-running is safe', async () => {
    const error = await importText(malformedWxr, { fileName: 'parley-wxr-malformed.xml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportCheckError);
    const message = (error as Error).message;
    expect(message).toMatch(/^parley-wxr-malformed\.xml: line 35, column \d+: unexpected close tag/);
    expect(message).toContain('Nothing was imported');
    expect(message).toContain('run the same command again');
    expect(await allKeys()).toEqual([]);
  });

  it('refuses a Disqus export with text before its XML declaration, at line 1', async () => {
    const error = await importText(malformedDisqus, { fileName: 'malformed-remark42-disqus.xml' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^malformed-remark42-disqus\.xml: line 1, column \d+: text data outside of root node/);
    expect(await allKeys()).toEqual([]);
  });

  it('refuses a truncated file and a file that is not an export', async () => {
    const truncated = edgeCases.slice(0, edgeCases.indexOf('Pingbacks'));
    const error = await importText(truncated).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/line \d+, column \d+: unclosed tag/);
    const notExport = await importText('<?xml version="1.0"?><html><body>hi</body></html>').catch((e: unknown) => e);
    expect((notExport as Error).message).toContain('not a WordPress <rss> or Disqus <disqus> export');
    expect(await allKeys()).toEqual([]);
  });

  it('reports a batch the Worker refused as an interrupted import that can be re-run', async () => {
    const error = await importText(isso, { site: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInterruptedError);
    expect((error as Error).message).toContain('404');
    expect((error as Error).message).toContain('Run the same command again');
  });
});

describe('idempotency', () => {
  it('imports twice: the same counts, no duplicates, nothing written the second time', async () => {
    const first = await importText(edgeCases);
    const keysAfterFirst = await allKeys();
    const commentsAfterFirst = await allComments();
    const counter = newCounter();
    const second = await importText(edgeCases, {
      send: async (batch) => {
        const init = { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer test-admin-token' }, body: JSON.stringify(batch) };
        const response = await call('/api/admin/import', init, undefined, { PARLEY_KV: countingKv(env.PARLEY_KV, counter) });
        return response.json();
      },
    });
    expect(second).toMatchObject({ found: first.found, sent: first.sent, created: 0, updated: 0, unchanged: 24, skipped: first.skipped });
    expect({ put: counter.put, delete: counter.delete, list: counter.list }).toEqual({ put: 0, delete: 0, list: 0 });
    expect(counter.get).toBe(2); // pointers and erasure markers: one bulk read each (the thread objects compare with what they hold)
    expect(await allKeys()).toEqual(keysAfterFirst);
    expect(await allComments()).toEqual(commentsAfterFirst);
    // One audit entry for the first import, none for the re-run that changed nothing.
    const audit = await (await admin('/api/admin/audit')).json<{ entries: { action: string }[] }>();
    expect(audit.entries.filter((entry) => entry.action === 'import')).toHaveLength(1);
  });

  it('keeps what moderators did since: an approval survives a re-import', async () => {
    await importText(edgeCases);
    const waiting = (await queue('pending')).find((c) => c.author === 'Anonymous User')!;
    await approve(waiting.id);
    const again = await importText(edgeCases);
    expect(again.unchanged).toBe(24);
    expect((await queue('approved')).map((c) => c.id)).toContain(waiting.id);
    expect((await queue('pending')).map((c) => c.id)).not.toContain(waiting.id);
  });

  it('moves comments when the mapping changes, leaving no copy behind', async () => {
    await importText(isso);
    const again = await importText(isso, { mapping: { prefixes: [{ from: 'http://example.tld/', to: '/blog/' }] } });
    expect(again).toMatchObject({ created: 0, updated: 8 });
    expect(await listAll('demo', '/2014/test/')).toEqual([]);
    expect(await listAll('demo', '/blog/2014/test/')).toHaveLength(7);
    expect(await allComments()).toHaveLength(8);
    const keys = await allKeys();
    expect(keys.filter((key) => key.startsWith('ptr:'))).toHaveLength(8);
    expect(keys.filter((key) => key.startsWith('rec:'))).toEqual([]);
  });

  it("keeps a moved comment's record when the thread it left publishes later", async () => {
    await importText(isso);
    // The thread the comments leave waits a minute between two writes of a key: anything it still
    // had to write about them would come by alarm, after the new thread wrote their records.
    const left = threadStub('demo', '/2014/test/');
    type Throttled = { publisher: { deps: { minIntervalMs: number } } };
    await runInDurableObject(left, (instance) => void ((instance as unknown as Throttled).publisher.deps.minIntervalMs = 60_000));
    // A moderator's removal just before: its record waits for the alarm too.
    const [first] = await listAll('demo', '/2014/test/');
    expect((await admin(`/api/admin/comments/${first.id}`, { method: 'DELETE' })).status).toBe(200);
    await importText(isso, { mapping: { prefixes: [{ from: 'http://example.tld/', to: '/blog/' }] } });
    await runInDurableObject(left, (instance) => void ((instance as unknown as Throttled).publisher.deps.minIntervalMs = 0));
    await runDurableObjectAlarm(left);
    const moved = [...(await listAll('demo', '/blog/2014/test/')).map((comment) => comment.id), first.id];
    const records = await new RecordStore(env.PARLEY_KV).getMany(moved);
    expect(moved.map((id) => records.get(id)?.thread)).toEqual(moved.map(() => '/blog/2014/test/'));
    // The dashboard (the site's index) lists them under the thread they moved to, and only there.
    const listed = async (status: string) => (await (await admin(`/api/admin/comments?site=demo&status=${status}&thread=${encodeURIComponent('/blog/2014/test/')}`)).json<AdminListResponse>()).comments.map((comment) => comment.id);
    expect([...(await listed('approved')), ...(await listed('removed'))].sort()).toEqual([...moved].sort());
  });
});

describe('POST /api/admin/import', () => {
  it('requires the admin token', async () => {
    const response = await call('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ format: 'wordpress', site: 'demo', comments: [] }) });
    expect(response.status).toBe(401);
  });

  it('refuses bad batches with the field at fault, and writes nothing', async () => {
    const cases: [unknown, number, string, string?][] = [
      [{ format: 'blogger', site: 'demo', comments: [] }, 400, 'invalid_request', 'format'],
      [{ format: 'wordpress', site: 'nope', comments: [comment(1)] }, 404, 'unknown_site', 'site'],
      [{ format: 'wordpress', site: 'demo', comments: [comment(1, { id: 'BAD' })] }, 400, 'invalid_request', 'comments.0.id'],
      [{ format: 'wordpress', site: 'demo', comments: [comment(1, { status: 'published' as never })] }, 400, 'invalid_request', 'comments.0.status'],
      [{ format: 'wordpress', site: 'demo', comments: [comment(1, { website: 'javascript:alert(1)' })] }, 400, 'invalid_request', 'comments.0.website'],
      [{ format: 'wordpress', site: 'demo', comments: [comment(1), comment(1)] }, 400, 'invalid_request', 'comments.1.id'],
      [{ format: 'wordpress', site: 'demo', comments: Array.from({ length: 101 }, (_, n) => comment(n)) }, 400, 'invalid_request', 'comments'],
    ];
    for (const [body, status, code, field] of cases) {
      const response = await admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      if (field) expect(error.field).toBe(field);
    }
    expect(await allKeys()).toEqual([]);
  });

  it('answers an empty batch (the CLI checks token and site with one) and writes nothing', async () => {
    expect(await postImport({ format: 'disqus', site: 'demo', comments: [] })).toEqual({ created: 0, updated: 0, unchanged: 0, erased: [], threads: 0 });
    expect(await allKeys()).toEqual([]);
  });

  it('never overwrites a comment of another site', async () => {
    await postImport({ format: 'wordpress', site: 'demo', comments: [comment(1)] });
    const response = await admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ format: 'wordpress', site: 'open', comments: [comment(1)] }) });
    expect(response.status).toBe(409);
    expect((await allComments('demo'))[0].site).toBe('demo');
  });

  it('stays well inside a Worker request budget of 1,000 KV operations for 100 comments', async () => {
    // The CLI puts at most 25 threads in one request; the Worker takes up to 50.
    // Budgets include one count-key write per thread whose count changed.
    for (const [threads, budget] of [[1, 450], [25, 600], [50, 700]]) {
      const counter = newCounter();
      const batch = { format: 'wordpress', site: 'demo', comments: Array.from({ length: 100 }, (_, n) => comment(n + threads * 1000, { thread: `/t/${n % threads}/` })) };
      const response = await call(
        '/api/admin/import',
        { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer test-admin-token' }, body: JSON.stringify(batch) },
        undefined,
        { PARLEY_KV: countingKv(env.PARLEY_KV, counter) },
      );
      expect(response.status).toBe(200);
      const total = counter.get + counter.put + counter.delete + counter.list + counter.getWithMetadata;
      expect(total, `${threads} thread(s): ${JSON.stringify(counter)}`).toBeLessThan(budget);
    }
    const tooSpread = { format: 'wordpress', site: 'demo', comments: Array.from({ length: 51 }, (_, n) => comment(n, { thread: `/spread/${n}/` })) };
    const response = await admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(tooSpread) });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe('at most 50 threads per request');
  });
});
