// The followers benchmark (issue 11): a send to 10,000 followers against the outbox, through the
// real queue consumer of `wrangler dev` (Cloudflare Queues' local implementation). It imports the
// followers (the owner asserting consent), announces one post, and waits until the send is done.
// Reported: the time from the announcement to the last mail, mails per second, and the operations
// the consumer counted itself (KV reads, writes and lists, queue messages, object calls) per
// follower. Nothing here asserts a timing.
import { join } from 'node:path';
import { PROJECT_ROOT, startWranglerDev } from '../../../worker/scripts/lib/wrangler-dev.mjs';
import { serverCpuMs } from './process-stats.mjs';
import { round } from './stats.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

async function api(server, path, init = {}) {
  const response = await fetch(`${server.origin}${path}`, { ...init, headers: { ...JSON_HEADERS, authorization: `Bearer ${server.adminToken}`, ...(init.headers ?? {}) }, signal: AbortSignal.timeout(300_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Runs the case on its own `wrangler dev` (this project's wrangler.jsonc, queue consumers on, an
 * empty KV store). `followers` defaults to 10,000; BENCH_FOLLOWERS changes it.
 */
export async function followersCase({ followers = 10_000, log = () => {}, timeoutMs = 20 * 60_000 } = {}) {
  const server = await startWranglerDev({ configPath: join(PROJECT_ROOT, 'wrangler.jsonc'), vars: { RATE_LIMIT: '0' } });
  try {
    log(`  wrangler dev on ${server.origin} (queue consumers on)`);
    const importStarted = performance.now();
    for (let start = 0; start < followers; start += 5000) {
      const emails = Array.from({ length: Math.min(5000, followers - start) }, (_, i) => `follower${start + i}@bench.example`);
      await api(server, '/api/admin/followers', { method: 'POST', body: JSON.stringify({ site: 'demo', emails, consent: true }) });
    }
    const importSeconds = (performance.now() - importStarted) / 1000;
    const count = await (await fetch(`${server.origin}/api/followers/count?site=demo`)).json();
    log(`  imported ${followers} followers in ${importSeconds.toFixed(1)} s (count: ${count.followers})`);

    const cpuBefore = serverCpuMs(server);
    const started = performance.now();
    const announced = await api(server, '/api/admin/sites/demo/posts', { method: 'POST', body: JSON.stringify({ url: 'http://localhost:8787/posts/bench/', title: 'A post for ten thousand readers', summary: 'The benchmark post.', author: 'Bench' }) });
    let send = announced.send;
    let lastLog = 0;
    while (send.status !== 'sent' && send.status !== 'paused') {
      if (performance.now() - started > timeoutMs) throw new Error(`the send was not done after ${timeoutMs / 60_000} minutes: ${JSON.stringify(send)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const page = await api(server, '/api/admin/sites/demo/posts');
      send = page.posts.find((post) => post.id === announced.post.id).send;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`    ${send.status}: sent ${send.sent} of ${send.total}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = serverCpuMs(server) - cpuBefore;
    const newest = await api(server, '/api/admin/outbox?limit=1');
    const per = (n) => round(n / send.total, 4);
    const queueOps = send.ops.queueSends * 2 + send.ops.deliveries; // write + read (each delivery) + delete (ack)
    const result = {
      followers,
      importSeconds: round(importSeconds, 1),
      status: send.status,
      sent: send.sent,
      failed: send.failed,
      total: send.total,
      seconds: round(seconds, 1),
      mailsPerSecond: round(send.sent / seconds, 0),
      serverCpuMsPerMail: cpuMs === null || Number.isNaN(cpuMs) ? null : round(cpuMs / send.sent, 3),
      ops: send.ops,
      perFollower: {
        kvReads: per(send.ops.kvReads),
        kvWrites: per(send.ops.kvWrites),
        kvLists: per(send.ops.kvLists),
        queueMessages: per(send.ops.queueSends),
        queueOperations: per(queueOps),
        objectCalls: per(send.ops.objectCalls),
      },
      lastMailSubject: newest.messages[0]?.subject ?? null,
    };
    log(`  send to ${send.total}: ${send.status} in ${result.seconds} s (${result.mailsPerSecond} mails/s); sent ${send.sent}, failed ${send.failed}`);
    log(`  per follower: ${result.perFollower.kvWrites} KV writes (the outbox), ${result.perFollower.kvReads} KV reads, ${result.perFollower.kvLists} lists, ${result.perFollower.queueMessages} queue messages (${result.perFollower.queueOperations} queue operations), ${result.perFollower.objectCalls} object calls`);
    return result;
  } finally {
    await server.stop();
  }
}
