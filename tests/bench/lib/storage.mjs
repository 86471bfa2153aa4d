// The storage benchmark (issue: one writer per thread): for threads of 10, 1,000 and 10,000
// comments and a conversation of 2,000 replies to one comment, what a read, a post, an approval
// and a removal cost the server in CPU and time, and how large the pages a reader can be served
// are. Threads are built through the import endpoint (100 comments a request), as a site moving
// from WordPress would; reads, posts, approvals and removals go through the public and admin
// APIs, ten at a time, and each case's CPU is divided by its number of requests.
import { serverCpuMs, workerdCpuMs } from './process-stats.mjs';
import { percentile, round } from './stats.mjs';

/** The shapes measured: name → top-level comments and replies to the first of them. */
export const STORAGE_SHAPES = [
  { name: '10 comments', thread: '/bench/storage-10', roots: 10, replies: 0 },
  { name: '1,000 comments', thread: '/bench/storage-1000', roots: 1000, replies: 0 },
  { name: '10,000 comments', thread: '/bench/storage-10000', roots: 10_000, replies: 0 },
  { name: '2,000-reply conversation', thread: '/bench/storage-conversation', roots: 1, replies: 2000 },
];

const JSON_HEADERS = { 'content-type': 'application/json' };

function idAt(ms, n) {
  return `${Math.floor(ms).toString(36).padStart(9, '0')}${n.toString(36).padStart(10, '0')}`;
}

async function request(url, init = {}) {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

/** Imports a thread of `roots` top-level comments, the first with `replies` replies. */
async function seedThread(server, { thread, roots, replies }, offset) {
  const base = Date.now() - 30 * 86_400_000;
  const comments = [];
  for (let n = 0; n < roots + replies; n++) {
    const parent = n > 0 && n <= replies ? comments[0].id : null;
    comments.push({ id: idAt(base + n, offset + n), thread, parentId: parent, author: `Reader ${n}`, email: null, website: null, body: `Comment ${n}: a sentence or two, as readers write them, with *Markdown* and a [link](https://example.com/${n}).`, status: 'approved', createdAt: new Date(base + n).toISOString() });
  }
  // Replies come right after their parent, so every import batch names parents it or an earlier batch holds.
  for (let start = 0; start < comments.length; start += 100) {
    const response = await request(`${server.origin}/api/admin/import`, { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${server.adminToken}` }, body: JSON.stringify({ format: 'wordpress', site: 'demo', comments: comments.slice(start, start + 100) }) });
    if (response.status !== 200) throw new Error(`importing into ${thread}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  }
  return comments;
}

/** Requests in flight at once, as the other server cases (several readers and moderators at a time). */
const CONCURRENCY = 10;

/** CPU (ms) and latency of `count` requests, CONCURRENCY at a time. */
async function measure(server, count, send) {
  const latencies = [];
  const statuses = {};
  const before = [serverCpuMs(server), workerdCpuMs(server)];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      for (let n = next++; n < count; n = next++) {
        const result = await send(n);
        latencies.push(result.ms);
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      }
    }),
  );
  const after = [serverCpuMs(server), workerdCpuMs(server)];
  const perRequest = (index) => (before[index] === null || after[index] === null ? null : round((after[index] - before[index]) / count, 2));
  return {
    requests: count,
    /** The whole server: workerd and wrangler's proxy (what the other server cases measure). */
    cpuMsPerRequest: perRequest(0),
    /** workerd alone: the Worker, its objects, and the local KV and storage it simulates. */
    workerdCpuMsPerRequest: perRequest(1),
    latencyMs: { p50: round(percentile(latencies, 50), 2), p90: round(percentile(latencies, 90), 2), max: round(Math.max(...latencies), 2) },
    statuses,
  };
}

/**
 * Runs the storage cases on a running server (`{origin, adminToken, pid}` from startWranglerDev).
 * `replies` says whether the server pages replies (`GET /api/comments/replies`), as releases with
 * thread objects do; the sizes of a reply page are measured only then.
 */
export async function storageCases(server, { log = () => {}, reads = 400, writes = 100, shapes = STORAGE_SHAPES } = {}) {
  const rows = [];
  let offset = 0;
  for (const shape of shapes) {
    const seedStarted = performance.now();
    const seeded = await seedThread(server, shape, offset);
    offset += seeded.length;
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    const url = (extra = '') => `${server.origin}/api/comments?site=demo&thread=${encodeURIComponent(shape.thread)}${extra}`;

    // A busy thread's view is written at most once a second (the rest by the object's alarm): wait for the last.
    for (let waited = 0; ; waited += 250) {
      const body = JSON.parse((await request(url())).text);
      if (body.total === seeded.length) break;
      if (waited > 20_000) throw new Error(`${shape.thread}: shows ${body.total} of ${seeded.length} comments`);
      await new Promise((done) => setTimeout(done, 250));
    }
    // Page sizes: the first page of each order, and the largest page of replies a reader can open.
    const firstPageBytes = {};
    for (const sort of ['oldest', 'newest', 'top']) {
      const page = await request(url(`&sort=${sort}`));
      if (page.status !== 200) throw new Error(`${shape.thread}: HTTP ${page.status}`);
      firstPageBytes[sort] = Buffer.byteLength(page.text);
      if (sort === 'oldest') {
        const body = JSON.parse(page.text);
        if (body.total !== seeded.length) throw new Error(`${shape.thread}: shows ${body.total} of ${seeded.length} comments`);
      }
    }
    let replyPageBytes = null;
    if (shape.replies > 0) {
      const probe = await request(`${server.origin}/api/comments/replies?site=demo&thread=${encodeURIComponent(shape.thread)}&root=${seeded[0].id}&page=0`);
      if (probe.status === 200) {
        replyPageBytes = 0;
        for (let page = 0; page !== null; ) {
          const result = await request(`${server.origin}/api/comments/replies?site=demo&thread=${encodeURIComponent(shape.thread)}&root=${seeded[0].id}&page=${page}`);
          const body = JSON.parse(result.text);
          replyPageBytes = Math.max(replyPageBytes, Buffer.byteLength(result.text));
          page = body.next;
        }
      }
    }

    const read = await measure(server, reads, () => request(url()));
    const posted = [];
    const post = await measure(server, writes, async (n) => {
      const result = await request(`${server.origin}/api/comments`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ site: 'demo', thread: shape.thread, author: 'Bench', body: `Benchmark comment ${n} on ${shape.thread}.`, elapsedMs: 10_000 }) });
      if (result.status === 201) posted.push(JSON.parse(result.text).comment.id);
      return result;
    });
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const approve = await measure(server, posted.length, (n) => request(`${server.origin}/api/admin/comments/${posted[n]}/approve`, { method: 'POST', headers: admin }));
    const remove = await measure(server, posted.length, (n) => request(`${server.origin}/api/admin/comments/${posted[n]}`, { method: 'DELETE', headers: admin }));
    const row = { shape: shape.name, comments: seeded.length, seedSeconds, firstPageBytes, replyPageBytes, read, post, approve, remove };
    rows.push(row);
    log(
      `  ${shape.name}: first page ${Math.max(...Object.values(firstPageBytes))} B${replyPageBytes ? `, largest page of replies ${replyPageBytes} B` : ''}; CPU per request (workerd / with proxy): read ${read.workerdCpuMsPerRequest} / ${read.cpuMsPerRequest} ms, post ${post.workerdCpuMsPerRequest} / ${post.cpuMsPerRequest} ms, approve ${approve.workerdCpuMsPerRequest} / ${approve.cpuMsPerRequest} ms, remove ${remove.workerdCpuMsPerRequest} / ${remove.cpuMsPerRequest} ms; approve p50 ${approve.latencyMs.p50} ms (seeded in ${seedSeconds} s)`,
    );
  }
  return rows;
}
