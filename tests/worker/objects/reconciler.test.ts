import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createScheduledController, reset, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../../worker/src/index';
import { admin, allKeys, approve, call, createComment, listThread, postComment } from '../helpers/api';
import { queue } from '../portability/helpers';
import { publishedKeys } from '../../../worker/src/storage/published';
import type { ReconcileRun } from '../../../worker/src/objects/site/protocol';
import type { CreateCommentResponse } from '../../../worker/src/wire';

afterEach(async () => {
  vi.useRealTimers();
  await reset();
});

/** What the Cron Trigger does every 10 minutes (wrangler.jsonc), run now. */
async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '*/10 * * * *', scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Moves the clock on (Date only, here and in the objects, which run in this isolate). */
function later(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ms);
}

async function lastRun(site: string): Promise<ReconcileRun> {
  const { sites } = await (await admin('/api/admin/reconciler')).json<{ sites: { site: string; runs: ReconcileRun[] }[] }>();
  return sites.find((entry) => entry.site === site)!.runs[0];
}

describe('the reconciler', () => {
  it('repairs a published view that drifted from its thread, and says so in the dashboard', async () => {
    const { comment } = await createComment({ thread: '/drift' });
    await approve(comment.id);
    // Something (a bug, a hand edit, a lost write) leaves readers an empty thread.
    const viewKey = await publishedKeys.view('demo', '/drift');
    await env.PARLEY_KV.put(viewKey, '{"locked":false,"total":0,"followers":0,"sort":"oldest","pageSize":20,"next":null,"comments":[]}');
    expect((await listThread('demo', '/drift')).total).toBe(0);

    later(5 * 60_000); // past the time KV takes to show a write everywhere
    await runCron();
    expect((await listThread('demo', '/drift')).comments.map((c) => c.id)).toEqual([comment.id]);
    const run = await lastRun('demo');
    expect(run.repaired).toBeGreaterThanOrEqual(1);
    expect(run.detail).toContain(viewKey);

    const login = await call('/admin/login', { method: 'POST', headers: { origin: 'https://parley.test', 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=test-admin-token&name=Ada' });
    const page = await (await call('/admin/audit', { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0] } })).text();
    expect(page).toMatch(/<strong>demo<\/strong>: last ran <time[^>]*>[^<]+<\/time>, checked \d+ keys in \d+ threads, repaired [1-9]/);
  });

  it('leaves a thread whose views are right alone', async () => {
    const { comment } = await createComment({ thread: '/fine' });
    await approve(comment.id);
    const before = await allKeys();
    later(5 * 60_000);
    await runCron();
    expect((await lastRun('demo')).repaired).toBe(0);
    expect(await allKeys()).toEqual(before);
  });

  it('fills the site index in again when it fell behind its threads', async () => {
    const waiting = (await createComment({ thread: '/index' })).comment.id;
    const site = env.SITE_OBJECTS.get(env.SITE_OBJECTS.idFromName('demo'));
    await runInDurableObject(site, (instance) => {
      const sql = (instance as unknown as { sql: SqlStorage }).sql;
      sql.exec('DELETE FROM comments');
      sql.exec('UPDATE threads SET rev = 0');
    });
    expect(await queue('pending')).toEqual([]);
    await runCron();
    expect((await queue('pending')).map((c) => c.id)).toEqual([waiting]);
    expect((await lastRun('demo')).reindexed).toBe(1);
  });

  it('deletes tombstones for good when the site keeps them no longer', async () => {
    const response = await postComment({ site: 'guarded', thread: '/t', author: 'Ada', body: 'short-lived' }, { origin: 'https://guarded.example' });
    const { comment } = await response.json<CreateCommentResponse>();
    await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' });
    expect((await queue('removed', 'guarded')).map((c) => c.id)).toEqual([comment.id]);
    later(8 * 86_400_000); // the site keeps removed comments 7 days
    await runCron();
    expect(await queue('removed', 'guarded')).toEqual([]);
    expect((await allKeys()).filter((key) => key.includes(comment.id))).toEqual([]);
    expect((await lastRun('guarded')).purged).toBe(1);
  });
});
