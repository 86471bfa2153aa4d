// Seeds threads through the public HTTP API (the code path readers use), then publishes them
// through the admin API's bulk approve (the code path moderators use). Nothing is written to KV
// behind the Worker's back, so what is measured is what a real thread looks like in KV. (One
// thread whose comments are a week to two years old is restored through the admin API instead.)
import { createHash } from 'node:crypto';

/** A small deterministic PRNG (mulberry32), so every run seeds the same text. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a comment post thread reader we you it this that with for about from notebook binding paper glue ' +
  'spine stitch cover thanks agree really think little more why how when page moved service old new blog ' +
  'quiet lighter friendly markdown link quote tea moderation approve remove home rent chairs room public'
).split(' ');
const NAMES = ['Ada', 'Grace', 'Linus', 'Maren', 'Tomás', 'Yuki', 'Priya', 'Olu', 'Sven', 'Zoë', 'Hamid', 'Inès'];

/**
 * A comment body of roughly 120-450 characters of Markdown (sentences, sometimes emphasis,
 * inline code, a link or a quote), unique thanks to `n`.
 */
export function commentBody(random, n) {
  const sentence = () => {
    const length = 6 + Math.floor(random() * 14);
    const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]);
    if (random() < 0.25) words[2] = `*${words[2]}*`;
    if (random() < 0.1) words[4] = `\`${words[4]}\``;
    const text = words.join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  };
  const sentences = Array.from({ length: 1 + Math.floor(random() * 4) }, sentence);
  if (random() < 0.15) sentences.push(`See [this page](https://example.com/notes/${n}).`);
  if (random() < 0.1) sentences.unshift(`> ${sentence()}\n\n`);
  return `${sentences.join(' ')} (#${n})`;
}

/** An address-safe form of a name ("Zoë" → "zoe"). */
const ascii = (name) => name.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();

export function authorName(random) {
  return NAMES[Math.floor(random() * NAMES.length)];
}

/** Runs `fn` over `items` with at most `limit` in flight; resolves with the results in order. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function json(response, what) {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 400)}`);
  return JSON.parse(text);
}

let counter = 0;

/**
 * Posts one comment (no Origin header: a server-side client, which the API allows) and returns its
 * id. A dropped connection or a 503 (workerd restarting) is retried with a new body: the first
 * may have been saved, and the same body twice would be refused as a duplicate. A comment saved
 * that way stays pending, so it never shows.
 */
export async function postComment(origin, { site = 'demo', thread, parentId = null, random }) {
  for (let attempt = 0; ; attempt++) {
    const n = ++counter;
    const author = authorName(random);
    const body = {
      site,
      thread,
      parentId,
      author,
      body: commentBody(random, n),
      ...(random() < 0.5 ? { email: `${ascii(author)}.${n}@example.com` } : {}),
      ...(random() < 0.2 ? { website: `https://${ascii(author)}.example` } : {}),
    };
    let response;
    try {
      response = await fetch(`${origin}/api/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      if (attempt >= 3 || error.name === 'TimeoutError') throw new Error(`POST /api/comments (${thread}): ${error.message} (is wrangler dev still answering?)`);
      continue;
    }
    if (response.status === 503 && attempt < 3) {
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    return (await json(response, `POST /api/comments (${thread})`)).comment.id;
  }
}

/**
 * Restores a thread of `roots` top-level comments and `replies` direct replies (the same number
 * under each root, each root followed by its replies) whose ages span `years` years, oldest first, through
 * the admin API's restore (`POST /api/admin/import`, `"format": "parley"`: the one way to give
 * comments the ages of a real blog's; posting dates them now). Bodies as {@link commentBody}.
 */
export async function importAgedThread(server, thread, { roots, replies }, { site = 'demo', years = 2, seed = 2 } = {}) {
  const random = prng(seed);
  const now = Date.now();
  const span = years * 365 * 86_400_000;
  const records = [];
  const record = (index, parentId) => {
    // Oldest first, at least a week old, a millisecond apart at least (ids follow the order).
    const createdAt = now - 7 * 86_400_000 - Math.round(span * (1 - index / (roots + replies)));
    const date = new Date(createdAt).toISOString();
    const author = authorName(random);
    const id = createdAt.toString(36).padStart(9, '0').slice(-9) + Array.from({ length: 10 }, () => Math.floor(random() * 36).toString(36)).join('');
    records.push({ id, thread, parentId, author, email: null, website: null, body: commentBody(random, index), status: 'approved', createdAt: date, updatedAt: date, avatar: createHash('sha256').update(`${author}${index}`).digest('hex').slice(0, 16) });
    return id;
  };
  const perRoot = Math.ceil(replies / roots);
  for (let r = 0, index = 0, left = replies; r < roots; r++) {
    const root = record(index++, null);
    for (let k = 0; k < perRoot && left > 0; k++, left--) record(index++, root);
  }
  for (let start = 0; start < records.length; start += 100) {
    const response = await fetch(`${server.origin}/api/admin/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ format: 'parley', version: 1, site, comments: records.slice(start, start + 100), threads: [] }),
      signal: AbortSignal.timeout(120_000),
    });
    await json(response, `POST /api/admin/import (${thread})`);
  }
  return records.length;
}

/**
 * Approves up to 200 `ids` with the admin API's bulk action. Approving is idempotent, so a 503
 * (wrangler dev answers "Your worker restarted mid-request" when workerd restarts) is retried.
 */
async function bulkApprove(server, ids) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${server.origin}/api/admin/comments/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ ids, action: 'approve' }),
      signal: AbortSignal.timeout(180_000),
    });
    if (response.status === 503 && attempt < 3) {
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    const result = await json(response, 'POST /api/admin/comments/bulk');
    if (result.failed.length) throw new Error(`bulk approve failed for ${result.failed.length} comments: ${JSON.stringify(result.failed.slice(0, 3))}`);
    return;
  }
}

/** Approves every comment of each thread, 200 per call, one call at a time (the Worker runs one isolate). */
async function approveThreads(server, ids, threads) {
  for (const thread of threads) {
    const all = ids[thread];
    for (let start = 0; start < all.length; start += 200) await bulkApprove(server, all.slice(start, start + 200));
  }
}

/**
 * The shape of a seeded thread: `roots` top-level comments, and `replies` replies spread over
 * them (every fourth reply answers the previous reply, so threads nest up to a few levels).
 */
export function threadPlan(roots, replies) {
  return { roots, replies, total: roots + replies };
}

/**
 * Seeds every thread of `plans` ({thread: {roots, replies}}) and publishes it: posts the top-level
 * comments of all threads, `concurrency` requests in flight; then, while the threads without
 * replies are approved (bulk, 200 ids per call, one call at a time), posts the replies of the
 * others; then approves those. Returns the ids and timings.
 */
export async function seedThreads(server, plans, { concurrency = 32, seed = 1, log = () => {} } = {}) {
  const random = prng(seed);
  const ids = Object.fromEntries(Object.keys(plans).map((thread) => [thread, []]));
  const started = performance.now();
  const seconds = (from) => ((performance.now() - from) / 1000).toFixed(1);

  const rootJobs = Object.entries(plans).flatMap(([thread, plan]) => Array.from({ length: plan.roots }, () => ({ thread })));
  const rootIds = await pool(rootJobs, concurrency, ({ thread }) => postComment(server.origin, { thread, random }));
  rootJobs.forEach(({ thread }, index) => ids[thread].push(rootIds[index]));
  log(`  posted ${rootJobs.length} top-level comments in ${seconds(started)} s`);

  const flat = Object.keys(plans).filter((thread) => plans[thread].replies === 0);
  const nestedThreads = Object.keys(plans).filter((thread) => plans[thread].replies > 0);
  const approvingFlat = (async () => {
    const from = performance.now();
    await approveThreads(server, ids, flat);
    return seconds(from);
  })();
  // Keep the approvals' rejection handled until it is awaited below.
  approvingFlat.catch(() => {});

  // Replies: round-robin over the thread's roots; every fourth answers the reply before it.
  const repliesFrom = performance.now();
  const replyJobs = [];
  for (const thread of nestedThreads) {
    const plan = plans[thread];
    const roots = ids[thread].slice(0, plan.roots);
    for (let r = 0; r < plan.replies; r++) replyJobs.push({ thread, root: roots[r % roots.length], nested: r % 4 === 3 && r >= roots.length });
  }
  // Nested replies need their parent's id: roots' direct replies first.
  const direct = replyJobs.filter((job) => !job.nested);
  const nested = replyJobs.filter((job) => job.nested);
  const directIds = await pool(direct, concurrency, ({ thread, root }) => postComment(server.origin, { thread, parentId: root, random }));
  const lastReplyOf = new Map();
  direct.forEach((job, index) => {
    ids[job.thread].push(directIds[index]);
    lastReplyOf.set(job.root, directIds[index]);
  });
  const nestedIds = await pool(nested, concurrency, ({ thread, root }) => postComment(server.origin, { thread, parentId: lastReplyOf.get(root) ?? root, random }));
  nested.forEach((job, index) => ids[job.thread].push(nestedIds[index]));
  const postedCount = rootJobs.length + replyJobs.length;
  const postSeconds = (repliesFrom - started + performance.now() - repliesFrom) / 1000;
  log(`  posted ${replyJobs.length} replies in ${seconds(repliesFrom)} s (while approving the threads without replies)`);

  const flatSeconds = Number(await approvingFlat);
  log(`  approved ${flat.length} threads without replies in ${flatSeconds} s`);
  const nestedFrom = performance.now();
  await approveThreads(server, ids, nestedThreads);
  const nestedSeconds = (performance.now() - nestedFrom) / 1000;
  log(`  approved ${nestedThreads.length} threads with replies in ${nestedSeconds.toFixed(1)} s`);
  const done = performance.now();
  log(`  ${postedCount} comments posted and approved in ${seconds(started)} s`);
  return { ids, postedCount, postSeconds, approveSeconds: flatSeconds + nestedSeconds, totalSeconds: (done - started) / 1000 };
}
