#!/usr/bin/env node
/**
 * Where a request's CPU goes inside workerd: a V8 CPU profile of `wrangler dev` (the same launcher
 * as `npm start`) while reads and posts run one at a time, split by call stack into
 *
 * - **the Worker**: JavaScript under the Worker's own code (worker/src, outside the Durable Objects);
 * - **the thread object**: under worker/src/objects (its SQLite and publishing, which on Cloudflare
 *   run in the object's own isolate, billed as the object's CPU, not the request's);
 * - **other JavaScript**: the bundle's libraries reached outside our frames, wrangler's
 *   local-dev shims (the KV simulator's client side), Hono's plumbing before our handler;
 * - **(program)** and **(garbage collector)**: the runtime itself (HTTP, the isolate, native
 *   crypto and SQLite), which the profile cannot attribute to a frame.
 *
 * `node tests/bench/cpu-profile.mjs [--posts 200] [--reads 500]`; needs `npm run build` first.
 * `PROFILE_TOP=30` also prints the 30 functions with the most self time per request (stderr).
 * A benchmark, not a test: it prints milliseconds per request and asserts nothing. The profiler
 * and the machine's load inflate every figure; compare the parts' shares, not their milliseconds.
 */
import WebSocket from 'ws';
import { decode } from '@jridgewell/sourcemap-codec';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startWranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';

const { values } = parseArgs({ options: { posts: { type: 'string', default: '200' }, reads: { type: 'string', default: '500' } } });
const POSTS = Number(values.posts);
const READS = Number(values.reads);

const server = await startWranglerDev({ vars: { RATE_LIMIT: '0' } });

/**
 * Which source file a frame of wrangler dev's bundle comes from: its source map, written beside the
 * bundle (`.wrangler/tmp/dev-*\/index.js.map`, deleted when wrangler stops).
 */
function sourceOfFrames() {
  const tmp = join(process.cwd(), '.wrangler', 'tmp');
  const bundles = existsSync(tmp) ? readdirSync(tmp).map((name) => join(tmp, name, 'index.js.map')).filter(existsSync) : [];
  if (!bundles.length) throw new Error(`no wrangler dev bundle with a source map under ${tmp}`);
  const newest = bundles.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const map = JSON.parse(readFileSync(newest, 'utf8'));
  const lines = decode(map.mappings);
  return ({ lineNumber, columnNumber }) => {
    let source = '';
    for (const segment of lines[lineNumber] ?? []) {
      if (segment[0] > columnNumber) break;
      if (segment.length > 1) source = map.sources[segment[1]];
    }
    return source;
  };
}

try {
  const sourceOf = sourceOfFrames();
  const targets = await (await fetch(`http://127.0.0.1:${server.inspectorPort}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl ?? `ws://127.0.0.1:${server.inspectorPort}/ws`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let id = 0;
  const pending = new Map();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    message.error ? waiting.reject(new Error(JSON.stringify(message.error))) : waiting.resolve(message.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => (pending.set(++id, { resolve, reject }), ws.send(JSON.stringify({ id, method, params }))));
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 100 });

  /** Runs `fn` `n` times, one at a time, under the profiler; returns ms of CPU per request by part. */
  async function profile(n, fn) {
    for (let i = 0; i < Math.min(20, n); i++) await fn(i); // warm up: compiled, caches filled
    await send('Profiler.start');
    const started = performance.now();
    for (let i = 0; i < n; i++) await fn(i);
    const wallMs = performance.now() - started;
    const { profile: result } = await send('Profiler.stop');
    const nodes = new Map(result.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of result.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const part = new Map();
    const partOf = (nodeId) => {
      if (part.has(nodeId)) return part.get(nodeId);
      const { functionName, url } = nodes.get(nodeId).callFrame;
      let found;
      if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(functionName)) found = functionName;
      else {
        found = 'other JavaScript';
        for (let at = nodeId; at !== undefined; at = parent.get(at)) {
          const frame = nodes.get(at).callFrame;
          const source = frame.url ? sourceOf(frame) : '';
          if (source.includes('worker/src/objects/')) { found = 'the thread object'; break; }
          if (source.includes('worker/src/')) found = 'the Worker';
        }
      }
      part.set(nodeId, found);
      return found;
    };
    const microseconds = {};
    result.samples.forEach((sample, i) => {
      const name = partOf(sample);
      microseconds[name] = (microseconds[name] ?? 0) + (result.timeDeltas[i] ?? 0);
    });
    const perRequest = Object.fromEntries(Object.entries(microseconds).filter(([name]) => name !== '(idle)' && name !== '(root)').map(([name, us]) => [name, Math.round(us / n) / 1000]));
    if (process.env.PROFILE_TOP) {
      const self = new Map();
      result.samples.forEach((sample, i) => { const frame = nodes.get(sample).callFrame; const key = `${frame.functionName || '(anonymous)'} ${frame.url ? sourceOf(frame).split('/').slice(-3).join('/') : ''} [${partOf(sample)}]`; self.set(key, (self.get(key) ?? 0) + (result.timeDeltas[i] ?? 0)); });
      console.error([...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP)).map(([key, us]) => `${(us / n / 1000).toFixed(3)} ms  ${key}`).join('\n'));
    }
    const busy = Object.values(perRequest).reduce((sum, ms) => sum + ms, 0);
    return { requests: n, wallMsPerRequest: Math.round((wallMs / n) * 100) / 100, busyMsPerRequest: Math.round(busy * 1000) / 1000, ...perRequest };
  }

  const api = `${server.origin}/api/comments`;
  const thread = `/cpu-${Date.now()}/`;
  const post = (i) =>
    fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', thread, author: `Reader ${i}`, body: `Comment ${i}: *some* Markdown, a [link](https://example.com/${i}) and \`code\`. ${Math.random()}`, elapsedMs: 20_000 }) }).then(async (response) => {
      if (response.status !== 201) throw new Error(`post answered ${response.status}: ${await response.text()}`);
    });
  const read = () => fetch(`${api}?site=demo&thread=${encodeURIComponent(thread)}`).then((response) => response.arrayBuffer());

  const results = { posts: await profile(POSTS, post), reads: await profile(READS, read) };
  ws.close();
  console.log(JSON.stringify({ machine: { loadavg: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100) }, ...results }, null, 2));
} finally {
  await server.stop();
}
