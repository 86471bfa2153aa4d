import { afterEach, describe, expect, it } from 'vitest';
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { admin, approve, call, createComment, errorOf, listAll, listThread, newCounter, pending, postComment, TYPED, type KvCounter } from '../helpers/api';
import { importThread, shape, chain, watchObjectKv, threadStub, rowsReadWhile } from './support';
import type { AdminListResponse, CreateCommentResponse, ListCommentsResponse } from '../../../worker/src/wire';
import { env } from 'cloudflare:workers';
import { wrapObjectKv } from '../../../worker/src/objects/kv-access';
import { ThreadObject } from '../../../worker/src/objects/thread-object';

let stopWatching: (() => void) | undefined;
afterEach(async () => {
  stopWatching?.();
  stopWatching = undefined;
  await reset();
});

const OPEN = { origin: 'https://open.example' };
const DAY_BODY = 'A comment with a few words in it.';

function publish(thread: string, body: string, extra: Record<string, unknown> = {}) {
  return postComment({ site: 'open', thread, author: 'Reader', body, ...extra }, OPEN);
}

describe('what a request costs', () => {
  it("reads only a post's own rows to remember it for the duplicate check, however many came that day", async () => {
    for (let i = 0; i < 30; i++) expect((await postComment({ site: 'open', thread: '/day', author: 'Reader', body: `${DAY_BODY} (${i})` }, { ...OPEN, 'cf-connecting-ip': `192.0.2.${i + 1}` })).status).toBe(201);
    const rowsRead = await rowsReadWhile(threadStub('open', '/day'), () =>
      runInDurableObject(threadStub('open', '/day'), (instance) => {
        (instance as unknown as { state: { rememberPost(poster: string, bodyHash: string, at: number): void } }).state.rememberPost('poster-31', 'hash-31', Date.now());
      }),
    );
    // Forgetting posts older than a day finds none among the 30 (an index on the time, not a scan of the table).
    expect(rowsRead).toBeLessThan(5);
  });

  it('does not count a long thread again at each post: a post reads a few rows, not one per comment', async () => {
    await importThread('demo', '/long', shape(300, 2));
    // A comment that waits for moderation (the demo site holds every comment).
    const rowsRead = await rowsReadWhile(threadStub('demo', '/long'), async () => {
      expect((await postComment({ site: 'demo', thread: '/long', author: 'Reader', body: 'One more, after 900 comments.' }, { origin: 'https://blog.example' })).status).toBe(201);
    });
    // Counting the thread's 900 approved comments read 900 index entries at each post.
    expect(rowsRead).toBeGreaterThan(0);
    expect(rowsRead).toBeLessThan(100);
  });

  it('keeps its approved count equal to a count of the rows through approvals, spam, removal and erasure', async () => {
    await importThread('demo', '/kept', shape(5, 1));
    const stub = threadStub('demo', '/kept');
    type Counting = { state: { sql: SqlStorage; approvedCount(): number } };
    const counts = () =>
      runInDurableObject(stub, (instance) => {
        const { state } = instance as unknown as Counting;
        return [state.approvedCount(), state.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM comments WHERE status = 'approved'").one().n];
      });
    expect(await counts()).toEqual([10, 10]);
    const posted = [];
    for (const author of ['Ada', 'Bea', 'Cy']) posted.push((await createComment({ thread: '/kept', author, email: `${author.toLowerCase()}@example.com`, body: `From ${author}` })).comment.id);
    for (const id of posted) await approve(id);
    expect(await counts()).toEqual([13, 13]);
    expect((await admin(`/api/admin/comments/${posted[0]}/spam`, { method: 'POST' })).status).toBe(200);
    expect((await admin(`/api/admin/comments/${posted[1]}`, { method: 'DELETE' })).status).toBe(200);
    expect((await admin('/api/admin/erase?email=cy@example.com', { method: 'DELETE' })).status).toBe(200);
    expect(await counts()).toEqual([10, 10]);
    // Out of spam, then approved.
    expect((await admin(`/api/admin/comments/${posted[0]}/restore`, { method: 'POST' })).status).toBe(200);
    await approve(posted[0]);
    expect(await counts()).toEqual([11, 11]);
    // What readers are told matches.
    expect((await listThread('demo', '/kept')).total).toBe(11);
  });

  it('reads a thread with 1 KV read, no list() and no object call, at any size', async () => {
    await importThread('demo', '/small', shape(3, 1));
    await importThread('demo', '/large', shape(300, 2));
    await importThread('demo', '/conversation', shape(1, 2000));
    for (const thread of ['/small', '/large', '/conversation', '/nobody-commented']) {
      for (const sort of ['oldest', 'newest', 'top']) {
        const counter = newCounter(true);
        const response = await call(`/api/comments?site=demo&thread=${encodeURIComponent(thread)}&sort=${sort}`, {}, counter);
        expect(response.status).toBe(200);
        expect({ thread, sort, ...counter }).toEqual({ thread, sort, get: 0, getWithMetadata: 1, put: 0, delete: 0, list: 0, objects: 0 });
      }
    }
  });

  it('posts with one object call and the same few KV writes whatever the thread size', async () => {
    await importThread('open', '/big', shape(400, 1));
    const costOf = async (thread: string) => {
      const objectKv = newCounter();
      stopWatching = watchObjectKv(objectKv);
      const counter = newCounter(true);
      const response = await call('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://open.example' }, body: JSON.stringify({ site: 'open', thread, author: 'A', body: `to ${thread}`, ...TYPED }) }, counter);
      stopWatching();
      expect(response.status).toBe(201);
      return { worker: counter, objects: objectKv };
    };
    const empty = await costOf('/empty');
    const big = await costOf('/big');
    expect(big.worker.objects, JSON.stringify({ empty, big })).toBe(1);
    // The Worker reads bans (and the poster's activity), and writes nothing itself.
    expect(big.worker.put, JSON.stringify({ empty, big })).toBe(0);
    // The thread's object writes the record (one key), the view, the count and the comment's page
    // (and, when the comment opens a new page, the page before it once more: it is no longer the last).
    expect(empty.objects.put).toBe(4);
    expect(big.objects.put).toBeGreaterThanOrEqual(4);
    expect(big.objects.put).toBeLessThanOrEqual(5);
    expect(big.objects.list + empty.objects.list).toBe(0);
  });

  it('approves and removes with a constant number of calls and writes, whatever the thread size', async () => {
    const costs: KvCounter[] = [];
    for (const [thread, roots] of [['/tiny', 2], ['/huge', 600]] as const) {
      await importThread('demo', thread, shape(roots, 1));
      const waiting = (await createComment({ thread, body: `waiting in ${thread}` })).comment.id;
      for (const action of ['approve', 'remove'] as const) {
        const objectKv = newCounter(true);
        stopWatching = watchObjectKv(objectKv);
        const response = await call(action === 'approve' ? `/api/admin/comments/${waiting}/approve` : `/api/admin/comments/${waiting}`, { method: action === 'approve' ? 'POST' : 'DELETE', headers: { authorization: 'Bearer test-admin-token' } }, objectKv);
        stopWatching();
        expect(response.status).toBe(200);
        expect(objectKv.list).toBe(0);
        costs.push(objectKv);
      }
    }
    const [approveTiny, removeTiny, approveHuge, removeHuge] = costs;
    // One call to the thread's object each, and the same KV traffic for 5 comments and for 1,201:
    // the record, the view, the count, the comment's page, the audit entry (and, when the approved
    // comment opens a new page, the page before it once more).
    for (const cost of costs) expect(cost.objects).toBe(1);
    expect(approveTiny.put).toBe(5);
    expect(approveHuge.put - approveTiny.put).toBeGreaterThanOrEqual(0);
    expect(approveHuge.put - approveTiny.put).toBeLessThanOrEqual(1);
    expect(removeHuge.put).toBe(removeTiny.put);
    expect(removeHuge.delete + removeTiny.delete).toBe(0);
  });
});

describe('bounded pages', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text).length;

  /** Every page a reader can be served of a thread: the three first pages, every block, every page of replies. */
  async function everyPage(thread: string): Promise<{ name: string; bytes: number }[]> {
    const pages: { name: string; bytes: number }[] = [];
    const base = `/api/comments?site=demo&thread=${encodeURIComponent(thread)}`;
    const roots = new Map<string, number>();
    for (const sort of ['oldest', 'newest', 'top']) {
      const text = await (await call(`${base}&sort=${sort}`)).text();
      pages.push({ name: `first ${sort}`, bytes: utf8(text) });
      const first = JSON.parse(text) as ListCommentsResponse;
      for (const comment of first.comments) if (comment.parentId === null && comment.replies) roots.set(comment.id, comment.replies);
      for (let next = first.next; next !== null && sort === 'oldest'; ) {
        const pageText = await (await call(`${base}&page=${next}`)).text();
        pages.push({ name: `page ${next}`, bytes: utf8(pageText) });
        const page = JSON.parse(pageText) as ListCommentsResponse;
        for (const comment of page.comments) if (comment.parentId === null && comment.replies) roots.set(comment.id, comment.replies);
        next = page.next;
      }
    }
    for (const root of roots.keys()) {
      for (let page: number | null = 0; page !== null; ) {
        const text = await (await call(`/api/comments/replies?site=demo&thread=${encodeURIComponent(thread)}&root=${root}&page=${page}`)).text();
        pages.push({ name: `replies of ${root} page ${page}`, bytes: utf8(text) });
        page = (JSON.parse(text) as { next: number | null }).next;
      }
    }
    return pages;
  }

  it('keeps every page under 64 KB and reaches every comment, whatever the thread looks like', async () => {
    const longBody = `${'<b>&"</b> '.repeat(499)}end`; // 5,000 characters that HTML escaping makes as long as it can
    const shapes: [string, ReturnType<typeof shape>][] = [
      ['/2000-replies', shape(1, 2000)],
      ['/1000-roots', shape(1000)],
      ['/deep-chain', chain(400)],
      ['/long-comments', shape(60, 5, longBody)],
    ];
    for (const [thread, comments] of shapes) {
      await importThread('demo', thread, comments);
      const pages = await everyPage(thread);
      const largest = pages.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      expect(largest.bytes, `${thread}: ${largest.name}`).toBeLessThan(64 * 1024);
      const first = await listThread('demo', thread);
      const queues = await (await admin('/api/admin/counts?site=demo')).json();
      expect(first.total, `${thread} ${JSON.stringify(queues)}`).toBe(comments.length);
      const all = await listAll('demo', thread);
      expect(all.filter((comment) => !comment.deleted).length, thread).toBe(comments.length);
    }
  });

  it('shows a conversation of 2,000 replies with its first replies inline and the rest on pages of replies', async () => {
    await importThread('demo', '/talk', shape(1, 2000));
    const first = await listThread('demo', '/talk');
    const root = first.comments[0];
    expect(root.replies).toBe(2000);
    expect(first.comments.length).toBeLessThanOrEqual(4);
    const page = await (await call(`/api/comments/replies?site=demo&thread=%2Ftalk&root=${root.id}&page=1`)).json<{ comments: unknown[]; next: number | null; page: number }>();
    expect(page.page).toBe(1);
    expect(page.comments.length).toBeGreaterThan(10);
    expect(page.next).toBe(2);
    expect((await call(`/api/comments/replies?site=demo&thread=%2Ftalk&root=not-an-id&page=0`)).status).toBe(400);
  });
});

describe('links to a comment that is not on the first page', () => {
  it('say where it is: the page of its top-level comment, and its page of replies', async () => {
    const comments = shape(30, 60);
    await importThread('demo', '/far', comments);
    const deepReply = comments[30 * 61 - 1]; // the last reply of the last top-level comment
    const place = await (await call(`/api/comments/${deepReply.id}/place`)).json<{ thread: string; root: string; page: number; replyPage: number }>();
    expect(place).toEqual({ thread: '/far', root: comments[29 * 61].id, page: place.page, replyPage: 1 });
    const page = await (await call(`/api/comments?site=demo&thread=%2Ffar&page=${place.page}`)).json<ListCommentsResponse>();
    expect(page.comments.some((c) => c.id === place.root)).toBe(true);
    const replies = await (await call(`/api/comments/replies?site=demo&thread=%2Ffar&root=${place.root}&page=${place.replyPage}`)).json<{ comments: { id: string }[] }>();
    expect(replies.comments.some((c) => c.id === deepReply.id)).toBe(true);
    const pendingOne = (await createComment({ thread: '/far', body: 'not shown' })).comment.id;
    expect((await call(`/api/comments/${pendingOne}/place`)).status).toBe(404);
  });
});

describe('failures in the middle of a change', () => {
  it('answers 503 when KV fails after the decision is saved, and a retry publishes it', async () => {
    const { comment } = await createComment({ thread: '/flaky' });
    const counter = newCounter();
    stopWatching = watchObjectKv(counter, (method, key) => method === 'put' && key.startsWith('view:'));
    const first = await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' });
    expect(first.status).toBe(503);
    expect(await errorOf(first)).toMatchObject({ code: 'not_published' });
    expect((await errorOf(await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' }))).message).toMatch(/saved/);
    // The decision is saved: the approved queue has it, the pending one does not; readers do not see it yet.
    expect((await pending('demo')).comments).toEqual([]);
    expect((await listThread('demo', '/flaky')).total).toBe(0);
    stopWatching();
    // The same request again completes it.
    expect((await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' })).status).toBe(200);
    expect((await listThread('demo', '/flaky')).comments.map((c) => c.id)).toEqual([comment.id]);
  });

  it('publishes on its own, by alarm, what a failed write left behind', async () => {
    const { comment } = await createComment({ thread: '/alarm' });
    stopWatching = watchObjectKv(newCounter(), (method, key) => method === 'put' && key.startsWith('view:'));
    expect((await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' })).status).toBe(503);
    stopWatching();
    expect((await listThread('demo', '/alarm')).total).toBe(0);
    expect(await runDurableObjectAlarm(threadStub('demo', '/alarm'))).toBe(true);
    expect((await listThread('demo', '/alarm')).total).toBe(1);
  });

  it('publishes after a restart what it was still writing when it stopped (a deploy, an eviction)', async () => {
    const first = (await createComment({ thread: '/stopped', body: 'the first' })).comment.id;
    await approve(first);
    const second = (await createComment({ thread: '/stopped', body: 'the second' })).comment.id;
    // The view's write never finishes: the object stops while it is in flight.
    let reached!: () => void;
    const writeStarted = new Promise<void>((resolve) => (reached = resolve));
    let dropWrite: ((error: Error) => void) | undefined;
    wrapObjectKv(
      (kv) =>
        ({
          get: kv.get.bind(kv),
          getWithMetadata: kv.getWithMetadata.bind(kv),
          list: kv.list.bind(kv),
          delete: kv.delete.bind(kv),
          put: (key: string, ...rest: unknown[]) => {
            if (!key.startsWith('view:')) return (kv.put as (...a: unknown[]) => Promise<void>)(key, ...rest);
            reached();
            return new Promise<void>((_, reject) => (dropWrite = reject));
          },
        }) as unknown as KVNamespace,
    );
    stopWatching = () => wrapObjectKv(null);
    const approving = admin(`/api/admin/comments/${second}/approve`, { method: 'POST' });
    try {
      await writeStarted;
      wrapObjectKv(null);
      // A second instance on the same storage stands for the object started again: nothing of the first one's memory.
      await runInDurableObject(threadStub('demo', '/stopped'), async (_, state) => {
        // Set before the writes began: the alarm would start the object again within a minute.
        const alarm = await state.storage.getAlarm();
        expect(alarm).not.toBeNull();
        expect(alarm! - Date.now()).toBeLessThanOrEqual(60_000);
        const restarted = new ThreadObject(state, env as never);
        // The reconciler's visit (the alarm's flush publishes the same way).
        await restarted.verify({ site: 'demo', thread: '/stopped' }, { siteRev: Number.MAX_SAFE_INTEGER });
      });
      expect((await listThread('demo', '/stopped')).comments.map((c) => c.id)).toEqual([first, second]);
    } finally {
      // The stopped object's write is lost for good; the request it served learns so (503), nothing more.
      dropWrite?.(new Error('the object stopped (simulated)'));
    }
    expect((await approving).status).toBe(503);
    expect((await listThread('demo', '/stopped')).comments.map((c) => c.id)).toEqual([first, second]);
  });

  it('once everything is published, its alarm writes nothing and sets no other', async () => {
    const { comment } = await createComment({ thread: '/quiet' });
    await approve(comment.id);
    const shown = await listThread('demo', '/quiet');
    const stub = threadStub('demo', '/quiet');
    // The alarm set when the approval began publishing is left in place (a write to delete it costs more than letting it fire).
    const counter = newCounter();
    stopWatching = watchObjectKv(counter);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(counter.put).toBe(0);
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
    expect(await listThread('demo', '/quiet')).toEqual(shown);
  });

  it('retries a failing write less and less often, up to every five minutes', async () => {
    const { comment } = await createComment({ thread: '/outage' });
    stopWatching = watchObjectKv(newCounter(), (method, key) => method === 'put' && key.startsWith('view:'));
    const alarmIn = () => runInDurableObject(threadStub('demo', '/outage'), async (_, state) => ((await state.storage.getAlarm()) ?? NaN) - Date.now());
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await admin(`/api/admin/comments/${comment.id}/approve`, { method: 'POST' })).status).toBe(503);
      delays.push(await alarmIn());
    }
    // 2 s, 10 s, a minute, five minutes (give or take the time the test takes).
    expect(delays.map((ms) => Math.round(ms / 1000))).toEqual([2, 10, 60, 300]);
  });

  it('answers 503 when the thread object fails before saving, saves nothing, and a retry saves once', async () => {
    // The object's first start reads the thread's KV records; make that fail.
    stopWatching = watchObjectKv(newCounter(), (method) => method === 'list');
    const failed = await postComment({ site: 'demo', thread: '/down', author: 'A', body: 'first try' }, { 'idempotency-key': 'attempt-0001' });
    expect(failed.status).toBe(503);
    expect(await errorOf(failed)).toMatchObject({ code: 'storage_unavailable' });
    stopWatching();
    expect((await pending('demo')).comments).toEqual([]);
    const retried = await postComment({ site: 'demo', thread: '/down', author: 'A', body: 'first try' }, { 'idempotency-key': 'attempt-0001' });
    expect(retried.status).toBe(201);
    expect((await pending('demo')).comments.map((c) => c.body)).toEqual(['first try']);
  });

  it('answers a retried post (same Idempotency-Key) with the same comment and token, saved once', async () => {
    const send = () => postComment({ site: 'demo', thread: '/retry', author: 'A', body: 'sent twice by a flaky network' }, { 'idempotency-key': 'c0ffee-retry-1' });
    const [a, b] = await Promise.all([send(), send()]);
    const bodies = [await a.json<CreateCommentResponse>(), await b.json<CreateCommentResponse>()];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(bodies[0].comment.id).toBe(bodies[1].comment.id);
    expect(bodies[0].token).toBe(bodies[1].token);
    expect((await pending('demo')).comments).toHaveLength(1);
  });
});

describe('one writer per thread', () => {
  it('accepts one of five identical comments sent at once by one reader, and refuses the rest as duplicates', async () => {
    // Five: a sixth within ten seconds would meet the per-client burst limit (429) first.
    const responses = await Promise.all(Array.from({ length: 5 }, () => postComment({ site: 'demo', thread: '/same', author: 'A', body: DAY_BODY }, { 'cf-connecting-ip': '192.0.2.7' })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('never lets a post in after a lock it raced with', async () => {
    const lock = admin('/api/admin/threads/lock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'open', thread: '/race', locked: true }) });
    await lock;
    const posts = await Promise.all(Array.from({ length: 5 }, (_, i) => publish('/race', `after the lock ${i}`)));
    expect(posts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await listThread('open', '/race')).total).toBe(0);
  });

  it('writes a busy thread\'s view at most once a second, and the last state by alarm', async () => {
    await importThread('open', '/busy', shape(2));
    const stub = threadStub('open', '/busy');
    // KV allows about one write a second per key; here the object waits a minute between two writes of a key.
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as { publisher: { deps: { minIntervalMs: number } } }).publisher.deps.minIntervalMs = 60_000;
    });
    const counter = newCounter();
    stopWatching = watchObjectKv(counter);
    const views = () => counter.put; // every put is counted; views are the only key written on every post here
    for (let i = 0; i < 5; i++) expect((await publish('/busy', `burst ${i}`)).status).toBe(201);
    stopWatching();
    // Five posts: each writes its own record, but the view, count and page wait for the alarm.
    expect(views()).toBe(5);
    expect((await listThread('open', '/busy')).total).toBe(2);
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as { publisher: { deps: { minIntervalMs: number } } }).publisher.deps.minIntervalMs = 0;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await listThread('open', '/busy')).total).toBe(7);
  });
});

describe('moderation queues of any size', () => {
  it('pages through every comment of a queue with a cursor, and searches the whole queue', async () => {
    const all = shape(260).map((comment) => ({ ...comment, status: 'pending' as const }));
    all[257].body = 'The needle: a word nobody else wrote (zanzibar).';
    await importThread('demo', '/queue-a', all.slice(0, 130));
    await importThread('demo', '/queue-b', all.slice(130));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AdminListResponse = await (await admin(`/api/admin/comments?status=pending&site=demo&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json<AdminListResponse>();
      seen.push(...page.comments.map((c) => c.id));
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(260);
    expect(seen).toEqual([...seen].sort());
    const found = await (await admin('/api/admin/comments?status=pending&site=demo&q=ZANZIBAR')).json<AdminListResponse>();
    expect(found.comments.map((c) => c.id)).toEqual([all[257].id]);
    const counts = await (await admin('/api/admin/counts?site=demo')).json<{ counts: Record<string, number> }>();
    expect(counts.counts.pending).toBe(260);
    expect((await admin('/api/admin/comments?status=pending&cursor=bad')).status).toBe(400);
  });

  it('pages the dashboard queue with a "Next page" link', async () => {
    await importThread('demo', '/dash', shape(70).map((comment) => ({ ...comment, status: 'pending' as const })));
    const login = await call('/admin/login', { method: 'POST', headers: { origin: 'https://parley.test', 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=test-admin-token&name=Ada' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const first = await (await call('/admin?status=pending', { headers: { cookie } })).text();
    const next = /<a href="([^"]+)" rel="next">/.exec(first)?.[1].replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    expect(first).toContain('50 of 70 on this page');
    const second = await (await call(next!, { headers: { cookie } })).text();
    expect(second).toContain('20 of 70 on this page');
    expect(second).not.toContain('rel="next"');
  });
});

describe('the approve link in chat', () => {
  it('acts only while the comment is as it was when the link was sent', async () => {
    const sent: string[] = [];
    const outbound: typeof fetch = async (_input, init) => {
      sent.push(String(init?.body));
      return new Response('ok');
    };
    const created = await call('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://guarded.example' }, body: JSON.stringify({ site: 'guarded', thread: '/t', author: 'Ada', body: 'visit http://a.example http://b.example http://c.example' }) }, undefined, {}, outbound);
    const { comment } = await created.json<CreateCommentResponse>();
    const approveUrl = /Approve: (\S+)/.exec(JSON.parse(sent[0]).text)![1];
    expect((await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' })).status).toBe(200);
    const page = await call(new URL(approveUrl).pathname);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('no longer applies');
    const post = await call(new URL(approveUrl).pathname, { method: 'POST', headers: { origin: 'https://parley.test' } });
    expect(post.status).toBe(409);
    expect(await post.text()).toMatch(/removed now[\s\S]*Nothing was changed/);
    const removed = await (await admin('/api/admin/comments?status=removed&site=guarded')).json<AdminListResponse>();
    expect(removed.comments.map((c) => c.id)).toEqual([comment.id]);
  });
});

describe('posting', () => {
  it('refuses a reply to a comment of another thread, and to one that does not exist', async () => {
    const elsewhere = (await publish('/one', 'in thread one').then((r) => r.json<CreateCommentResponse>())).comment;
    const wrongThread = await publish('/two', 'a reply in the wrong place', { parentId: elsewhere.id });
    expect(wrongThread.status).toBe(400);
    expect((await errorOf(wrongThread)).code).toBe('parent_not_found');
    expect((await publish('/two', 'a reply to nothing', { parentId: '0000000000000000000' })).status).toBe(400);
    expect((await approve(elsewhere.id).then(() => listThread('open', '/two'))).total).toBe(0);
  });
});
