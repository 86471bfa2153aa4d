#!/usr/bin/env node
// `npm run bench`: Parley's performance benchmarks. See docs/BENCHMARKS.md for the method.
//
// 1. copies the sources into .tmp/bench/run-*, builds the widget and bundles the Worker there
//    (never in dist/), and reports their sizes;
// 2. starts `wrangler dev` on that bundle with an empty KV store (RATE_LIMIT=0), seeds threads
//    through the HTTP API and publishes them with the admin API's bulk approve;
// 3. server: requests/s, p50/p90/p99 latency, CPU per request and workerd's memory for reading a
//    50-comment thread and for posting, on the bundle and on `npm start`'s own configuration side by
//    side; then reading threads of 0-10,000 comments (autocannon, a fixed number of connections);
// 4. widget: in headless Chromium, widget.js start → thread painted for 10, 200 and 2,000
//    comments (200 also with the CPU 4× slower), long tasks, where the main thread's time goes,
//    "Load more" (at full speed and 4× slower), and what the demo page requests for its first paint;
// 5. writes tests/bench/results/latest.json and latest.md, and stops wrangler, workerd and
//    Chromium whatever happens.
//
// Nothing here asserts a timing: limits that are crossed are flagged (⚠) in the output and in
// the results, and the run still succeeds. It fails only when something does not work.
//
// Environment (all optional):
//   BENCH_SECONDS=10          time for each of the two main server cases (read, post)
//   BENCH_GROWTH_SECONDS=3    time for each thread-size case (a later page: half of it)
//   BENCH_CONNECTIONS=10      concurrent connections of the load generator
//   BENCH_ROUNDS=3            compared server cases run interleaved in this many rounds
//   BENCH_GROWTH_SIZES=0,10,100,1000,10000   thread sizes for the growth cases
//   BENCH_WIDGET_SIZES=10,200,2000           comments per thread for the widget cases
//   BENCH_WIDGET_RUNS=5       page loads per widget case (medians are reported)
//   BENCH_CPU_SLOWDOWN=4      also load the 200-comment thread with the CPU throttled this much (0: skip)
//   BENCH_SEED_CONCURRENCY=32 posts in flight while seeding
//   BENCH_ONLY=size,server,growth,widget,followers   run only these parts
//   BENCH_FOLLOWERS=10000     followers of the send in the followers part
//   BENCH_OUT=tests/bench/results            where results go
//   BENCH_KEEP=1              keep the run's directory (.tmp/bench/run-*) for inspection
//   BENCH_TIMEOUT_MINUTES=15  give up (and clean up) after this long
//   CHROME_PATH               Chromium (else /usr/bin/chromium…); without it the widget part is skipped
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { formatSizeReport, sizeReport } from '../../widget/scripts/size-report.mjs';
import { formatWorkerSize, measureBundle } from './worker-size.mjs';
import { benchTmpDir, buildWidget, bundleWorker, run, snapshotSources, writeConfig } from './lib/build.mjs';
import { exitOnSignals, onAbnormalExit } from '../../worker/scripts/lib/process-group.mjs';
import { PROJECT_ROOT, startWranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { serverCpuMs, waitUntilIdle, workerdCpuMs, workerdRssBytes } from './lib/process-stats.mjs';
import { startOptions } from '../../worker/scripts/start.mjs';
import { importAgedThread, seedThreads } from './lib/seed.mjs';
import { loadCase, loadCases } from './lib/load.mjs';
import { findChromium, launchChromium } from '../support/chromium.mjs';
import { firstPaintRequests, hostCase, measureLoadMore, widgetCase } from './lib/widget.mjs';
import { formatMachine, machineInfo } from './lib/machine.mjs';
import { ratio, round } from './lib/stats.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { followersCase } from './lib/followers.mjs';

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const list = (name, fallback) => (env[name] ? env[name].split(',').map((s) => s.trim()).filter(Boolean) : fallback);
const config = {
  seconds: num('BENCH_SECONDS', 10),
  growthSeconds: num('BENCH_GROWTH_SECONDS', 3),
  connections: num('BENCH_CONNECTIONS', 10),
  growthSizes: list('BENCH_GROWTH_SIZES', ['0', '10', '100', '1000', '10000']).map(Number),
  widgetSizes: list('BENCH_WIDGET_SIZES', ['10', '200', '2000']).map(Number),
  widgetRuns: num('BENCH_WIDGET_RUNS', 5),
  cpuSlowdown: num('BENCH_CPU_SLOWDOWN', 4),
  rounds: num('BENCH_ROUNDS', 3),
  seedConcurrency: num('BENCH_SEED_CONCURRENCY', 32),
  only: new Set(list('BENCH_ONLY', ['size', 'server', 'growth', 'widget', 'followers'])),
  out: resolve(PROJECT_ROOT, env.BENCH_OUT || 'tests/bench/results'),
  keep: env.BENCH_KEEP === '1',
};

/** Rendering 200 comments should not block the main thread longer than this (the issue's target). */
const LONG_TASK_LIMIT_MS = 50;
/** What `npm start` should do, next to the deploy bundle: read throughput within this ratio, a post's CPU (ms), workerd's memory after the run (MiB). */
const NPM_START_TARGETS = { readThroughputRatio: 1.25, postCpuMs: 3, memoryMiB: 500 };
const READ_THREAD = '/bench/read-50';
const POST_THREAD = '/bench/post';
const DEMO_THREAD = '/';
const growthThread = (n) => `/bench/growth-${n}`;
const widgetThread = (n) => `/bench/widget-${n}`;
/** A page with nothing but the widget (its mount element and script tag), for thread `thread`. */
const BARE_HTML = (thread) =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Parley alone</title>\n</head>\n<body>\n<div id="comments"></div>\n<script src="/widget.js" data-site="demo" data-thread="${thread}" async></script>\n</body>\n</html>\n`;
const barePage = (n) => `/bench/bare/widget-${n}`;
/**
 * 200 comments whose ages span two years (as a real blog's: nearly every thread has comments
 * older than a week, which the widget dates differently), on a bare page, CPU slowed.
 */
const AGED_THREAD = '/bench/widget-200-aged';
const AGED_PAGE = '/bench/bare/widget-200-aged';
/** The demo post without widget.js. */
const HOST_ONLY_PAGE = '/bench/host-only';
/** A thread of n comments for the widget: mostly replies, so the first page (50 top-level comments) carries them all. */
const widgetPlan = (n) => (n <= 100 ? { roots: Math.ceil(n / 2), replies: Math.floor(n / 2) } : { roots: 50, replies: n - 50 });

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)}s`;
const log = (message) => console.log(message);
const step = (message) => console.log(`\n[${elapsed()}] ${message}`);
const flags = [];
const flag = (message) => {
  flags.push(message);
  console.log(`  ⚠ ${message}`);
};

exitOnSignals((signal) => console.error(`\n${signal}: stopping wrangler dev and Chromium, deleting the run's files`));

const results = { startedAt: new Date().toISOString(), config: { ...config, only: [...config.only], out: undefined, keep: undefined }, machine: machineInfo() };

const api = (origin, thread, extra = '') => `${origin}/api/comments?site=demo&thread=${encodeURIComponent(thread)}${extra}`;

async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return { body: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

/** A KV value of the running server's local store (through wrangler), or null. */
async function readKv(server, key) {
  try {
    const output = await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), ['kv', 'key', 'get', key, '--binding', 'PARLEY_KV', '--local', '--persist-to', server.persistTo, '--config', server.configPath, '--text'], {
      env: { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', XDG_CONFIG_HOME: join(server.persistTo, '..', 'xdg') },
    });
    const start = output.indexOf('{');
    return start >= 0 ? output.slice(start).trim() : null;
  } catch {
    return null;
  }
}

/** What one read of a thread costs the Worker in CPU, measured here in V8: parse the stored view, serialize one page. */
function parseCost(viewText, pageText) {
  const repeat = (fn) => {
    for (let i = 0; i < 3; i++) fn();
    const runs = Math.max(5, Math.min(200, Math.round(2e7 / viewText.length)));
    const started = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return (performance.now() - started) / runs;
  };
  const parsed = JSON.parse(pageText);
  return { parseViewMs: round(repeat(() => JSON.parse(viewText)), 3), stringifyPageMs: round(repeat(() => JSON.stringify(parsed)), 3) };
}

/**
 * Main-thread time per comment shown (script, style, layout, paint, GC in the traced load; the
 * page's own HTML parsing left out), from the cases that show the fewest and the most comments.
 * Not the render time: a widget that renders in slices spreads it over several frames.
 */
function perComment(cases) {
  const busy = (c) => (c.trace ? Object.entries(c.trace.byKindMs).reduce((n, [kind, ms]) => (kind === 'parse HTML' ? n : n + ms), 0) : null);
  const usable = cases.filter((c) => busy(c) !== null);
  if (usable.length < 2) return null;
  const sorted = [...usable].sort((a, b) => a.shown - b.shown);
  const [lo, hi] = [sorted[0], sorted.at(-1)];
  return hi.shown > lo.shown ? round((busy(hi) - busy(lo)) / (hi.shown - lo.shown), 3) : null;
}

async function main() {
  log(formatMachine(results.machine));
  const runDir = await mkdtemp(join(await benchTmpDir(), 'run-'));
  const forgetRunDir = config.keep ? () => {} : onAbnormalExit(() => rmSync(runDir, { recursive: true, force: true }));
  const srcRoot = join(runDir, 'src');
  let dist;
  let server;
  let startServer;
  let browser;
  try {
    // 1. Build and sizes.
    step('building the widget and the Worker from a copy of the sources (in .tmp/bench, not dist/)');
    await snapshotSources(srcRoot);
    dist = await buildWidget(srcRoot);
    const widgetSize = sizeReport(dist, join(srcRoot, 'demo'));
    log(formatSizeReport(widgetSize));
    if (widgetSize.budget.over > 0) flag(`widget.js is ${round(widgetSize.budget.over / 1024)} KB over its ${widgetSize.budget.gzip / 1024} KB gzip budget`);
    const { path: bundle, output } = await bundleWorker(join(runDir, 'worker'), dist, srcRoot);
    const workerSize = await measureBundle(join(runDir, 'worker'), output);
    log(formatWorkerSize(workerSize));
    results.size = { widget: widgetSize, worker: { ...workerSize, contributors: workerSize.contributors.slice(0, 12) } };
    // Followers: a send to 10,000 followers against the outbox, on a wrangler dev of its own (queue consumers on).
    if (config.only.has('followers')) {
      step(`followers: a send to ${num('BENCH_FOLLOWERS', 10_000)} followers through the follow queue, against the outbox`);
      results.followers = await followersCase({ followers: num('BENCH_FOLLOWERS', 10_000), log });
    }
    const needServer = ['server', 'growth', 'widget'].some((part) => config.only.has(part));
    if (!needServer) return;

    // Pages for the widget cases: the demo post, pointed at another thread; the same thread on a
    // bare page (only `#comments` and the script tag: what the widget itself costs, without the
    // demo page's own first layout); and the demo post without widget.js (the host's own tasks).
    const demoHtml = await readFile(join(dist, 'index.html'), 'utf8');
    const page = async (path, html) => {
      const dir = join(dist, ...path.split('/').filter(Boolean));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'index.html'), html);
    };
    const widgetScript = /<script src="\/widget\.js" data-site="demo" async><\/script>/;
    if (!widgetScript.test(demoHtml)) throw new Error("the demo page's widget.js script tag is not where the benchmark looks for it");
    for (const thread of [...config.widgetSizes.map(widgetThread), growthThread(1000)]) await page(thread, demoHtml.replace('data-site="demo"', `data-site="demo" data-thread="${thread}"`));
    for (const n of config.widgetSizes) await page(barePage(n), BARE_HTML(widgetThread(n)));
    await page(AGED_PAGE, BARE_HTML(AGED_THREAD));
    await page(HOST_ONLY_PAGE, demoHtml.replace(widgetScript, ''));

    // 2. Server and seed data.
    step('starting wrangler dev on the bundle (fresh KV, RATE_LIMIT=0)');
    // No queue consumer: locally it would run on the API's one workerd thread, working through a
    // mail job per approved comment (13,000 after seeding) during the measurements. The jobs are
    // still sent; in production the consumer is an invocation of its own.
    const devConfig = await writeConfig(join(runDir, 'dev'), { main: bundle, assetsDir: dist, noBundle: true, queueConsumers: false });
    server = await startWranglerDev({ configPath: devConfig, tmpDir: await benchTmpDir(), vars: { RATE_LIMIT: '0' } });
    log(`  ${server.origin} answered after ${(server.startupMs / 1000).toFixed(1)} s`);

    const plans = {};
    if (config.only.has('server')) plans[READ_THREAD] = { roots: 35, replies: 15 };
    if (config.only.has('growth')) for (const n of config.growthSizes) if (n > 0) plans[growthThread(n)] = { roots: n, replies: 0 };
    if (config.only.has('widget')) {
      plans[DEMO_THREAD] = { roots: 12, replies: 8 };
      for (const n of config.widgetSizes) plans[widgetThread(n)] = widgetPlan(n);
      plans[growthThread(1000)] ??= { roots: 1000, replies: 0 };
    }
    const total = Object.values(plans).reduce((n, p) => n + p.roots + p.replies, 0);
    step(`seeding ${Object.keys(plans).length} threads, ${total} comments (POST /api/comments, then bulk approve)`);
    const seeded = await seedThreads(server, plans, { concurrency: config.seedConcurrency, log });
    const agedCase = config.only.has('widget') && config.cpuSlowdown > 1 && config.widgetSizes.includes(200);
    const agedPlans = agedCase ? { [AGED_THREAD]: widgetPlan(200) } : {};
    if (agedCase) log(`  restored ${await importAgedThread(server, AGED_THREAD, agedPlans[AGED_THREAD])} comments a week to two years old into ${AGED_THREAD} (admin restore)`);
    results.seeding = { threads: Object.keys(plans).length, comments: seeded.postedCount, postSeconds: round(seeded.postSeconds, 1), approveSeconds: round(seeded.approveSeconds, 1), totalSeconds: round(seeded.totalSeconds, 1), postsPerSecond: round(seeded.postedCount / seeded.postSeconds, 0), note: 'approving the threads without replies overlaps posting the replies' };
    // A thread's object writes each KV key at most once a second and the last change by alarm, so
    // the view of a thread approved in many bulk calls may trail the last call by a second or two.
    for (const [thread, plan] of Object.entries({ ...plans, ...agedPlans })) {
      const expected = plan.roots + plan.replies;
      const deadline = Date.now() + 30_000;
      let total;
      for (;;) {
        total = (await getJson(api(server.origin, thread))).body.total;
        if (total === expected || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (total !== expected) throw new Error(`thread ${thread}: the API shows ${total} comments 30 s after seeding, ${expected} were approved`);
    }
    log('  every thread shows all its comments');
    const idleMs = await waitUntilIdle(server);
    if (idleMs !== null) log(`  the server was idle ${(idleMs / 1000).toFixed(1)} s later`);
    results.seeding.settleSeconds = idleMs === null ? null : round(idleMs / 1000, 1);

    // What one read costs: the stored view (all read by GET /api/comments) against the page it answers.
    results.views = [];
    for (const thread of Object.keys(plans).filter((t) => t === READ_THREAD || t.startsWith('/bench/widget-'))) {
      const first = await getJson(api(server.origin, thread));
      const viewText = await readKv(server, `view:demo:${encodeURIComponent(thread)}`);
      const row = { thread, comments: first.body.total, firstPageBytes: first.bytes, viewBytes: viewText ? Buffer.byteLength(viewText) : null, ...(viewText ? parseCost(viewText, JSON.stringify(first.body)) : {}) };
      results.views.push(row);
      log(`  ${thread}: first page ${row.firstPageBytes} B; the view read for it ${row.viewBytes ?? '?'} B (parse ${row.parseViewMs ?? '?'} ms, serialize the page ${row.stringifyPageMs ?? '?'} ms, in Node's V8)`);
    }

    // 3. Server. Cases that are compared run interleaved (see lib/load.mjs).
    const load = { connections: config.connections, rounds: config.rounds, cpuMs: () => serverCpuMs(server), runtimeCpuMs: () => workerdCpuMs(server) };
    if (config.only.has('server')) {
      // The same cases against `npm start`'s own configuration (worker/scripts/start.mjs): wrangler
      // dev bundling the sources, its log level and the queues' consumers, on the same machine at
      // the same time; RATE_LIMIT=0, as its docs say for load tests.
      step("starting npm start's configuration beside it (the sources, as `npm start` runs them; RATE_LIMIT=0)");
      startServer = await startWranglerDev({
        ...startOptions({ RATE_LIMIT: '0' }),
        configPath: join(srcRoot, 'wrangler.jsonc'),
        ip: '127.0.0.1',
        port: undefined,
        persistTo: undefined,
        output: 'capture',
        tmpDir: await benchTmpDir(),
      });
      log(`  ${startServer.origin} answered after ${(startServer.startupMs / 1000).toFixed(1)} s`);
      await seedThreads(startServer, { [READ_THREAD]: { roots: 35, replies: 15 } }, { concurrency: config.seedConcurrency, log });
      await waitUntilIdle(startServer);

      step(`server: read a 50-comment thread and post, on the bundle and on npm start, ${config.seconds} s each, interleaved in ${config.rounds} rounds, ${config.connections} connections`);
      let n = 0;
      // Every body is different: the API refuses the same body twice from one IP in a thread.
      const postCase = (target) => ({
        url: `${target.origin}/api/comments`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        seconds: config.seconds,
        cpuMs: () => serverCpuMs(target),
        runtimeCpuMs: () => workerdCpuMs(target),
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            site: 'demo',
            thread: POST_THREAD,
            author: 'Bench Reader',
            email: 'reader@example.com',
            body: `Posting benchmark, comment ${++n}: a sentence or two of *Markdown*, as readers write them, with a [link](https://example.com/notes/${n}).`,
          }),
        }),
      });
      const readCase = (target) => ({ url: api(target.origin, READ_THREAD), seconds: config.seconds, cpuMs: () => serverCpuMs(target), runtimeCpuMs: () => workerdCpuMs(target) });
      const [read, post, startRead, startPost] = await loadCases([readCase(server), postCase(server), readCase(startServer), postCase(startServer)], load);
      const memory = (target) => round((workerdRssBytes(target) ?? NaN) / 2 ** 20, 0);
      for (const [name, r] of [['bundle', { read, post }], ['npm start', { read: startRead, post: startPost }]]) {
        log(`  ${name} read:  ${r.read.rps} req/s, p50 ${r.read.latencyMs.p50} ms, p99 ${r.read.latencyMs.p99} ms, ${r.read.bytesPerResponse} B/response, CPU ${r.read.serverCpuMsPerRequest} ms/request (workerd ${r.read.runtimeCpuMsPerRequest}), failures ${r.read.failures}`);
        log(`  ${name} post:  ${r.post.rps} req/s, p50 ${r.post.latencyMs.p50} ms, p99 ${r.post.latencyMs.p99} ms, CPU ${r.post.serverCpuMsPerRequest} ms/request (workerd ${r.post.runtimeCpuMsPerRequest}), failures ${r.post.failures} ${JSON.stringify(r.post.statuses)}`);
      }
      for (const [name, r] of [['read', read], ['post', post], ['npm start read', startRead], ['npm start post', startPost]]) if (r.failures > 0) flag(`${name}: ${r.failures} requests failed (${JSON.stringify(r.statuses)})`);
      results.server = {
        read,
        post,
        memoryMiB: memory(server),
        ratios: {
          postToReadP50: ratio(post.latencyMs.p50, read.latencyMs.p50),
          postToReadP99: ratio(post.latencyMs.p99, read.latencyMs.p99),
          postToReadServerCpu: ratio(post.serverCpuMsPerRequest, read.serverCpuMsPerRequest),
          readToPostThroughput: ratio(read.rps, post.rps),
        },
      };
      results.npmStart = {
        read: startRead,
        post: startPost,
        /** workerd's resident memory after the run (MiB). */
        memoryMiB: memory(startServer),
        ratios: { bundleToStartReadThroughput: ratio(read.rps, startRead.rps), startToBundlePostCpu: ratio(startPost.serverCpuMsPerRequest, post.serverCpuMsPerRequest) },
        targets: NPM_START_TARGETS,
      };
      const { ratios, memoryMiB } = results.npmStart;
      log(`  post/read latency: ${results.server.ratios.postToReadP50}× at p50, ${results.server.ratios.postToReadP99}× at p99; reads/s ÷ posts/s: ${results.server.ratios.readToPostThroughput}`);
      log(`  npm start: the bundle reads ${ratios.bundleToStartReadThroughput}× as many per second; a post costs ${startPost.serverCpuMsPerRequest} ms of CPU; workerd holds ${memoryMiB} MiB (the bundle's: ${results.server.memoryMiB} MiB)`);
      if (ratios.bundleToStartReadThroughput > NPM_START_TARGETS.readThroughputRatio) flag(`npm start reads ${ratios.bundleToStartReadThroughput}× slower than the bundle (target: within ${NPM_START_TARGETS.readThroughputRatio}×)`);
      if (startPost.serverCpuMsPerRequest > NPM_START_TARGETS.postCpuMs) flag(`a post on npm start costs ${startPost.serverCpuMsPerRequest} ms of CPU (target: ${NPM_START_TARGETS.postCpuMs} ms)`);
      if (memoryMiB > NPM_START_TARGETS.memoryMiB) flag(`npm start's workerd holds ${memoryMiB} MiB after the run (target: under ${NPM_START_TARGETS.memoryMiB} MiB)`);
      await startServer.stop();
      startServer = undefined;
    }

    if (config.only.has('growth')) {
      step(`growth: read threads of ${config.growthSizes.join(', ')} comments, ${config.growthSeconds} s each (a later page: half that), interleaved in ${config.rounds} rounds`);
      const rows = [];
      const cases = [];
      for (const n of config.growthSizes) {
        const thread = growthThread(n);
        const first = await getJson(api(server.origin, thread));
        const viewText = n > 0 ? await readKv(server, `view:demo:${encodeURIComponent(thread)}`) : null;
        const row = {
          comments: n,
          firstPageComments: first.body.comments.length,
          firstPageBytes: first.bytes,
          viewBytes: viewText ? Buffer.byteLength(viewText) : null,
          ...(viewText ? parseCost(viewText, JSON.stringify(first.body)) : {}),
        };
        rows.push(row);
        cases.push({ row, key: 'first', url: api(server.origin, thread), seconds: config.growthSeconds });
        if (first.body.next !== null && first.body.next !== undefined) {
          cases.push({ row, key: 'later', url: api(server.origin, thread, `&page=${first.body.next}`), seconds: config.growthSeconds / 2 });
        }
      }
      const measured = await loadCases(cases, load);
      cases.forEach(({ row, key }, index) => {
        const m = measured[index];
        if (key === 'first') Object.assign(row, { rps: m.rps, latencyMs: m.latencyMs, serverCpuMsPerRequest: m.serverCpuMsPerRequest, failures: m.failures });
        else row.laterPage = { rps: m.rps, latencyMs: m.latencyMs, serverCpuMsPerRequest: m.serverCpuMsPerRequest, bytes: m.bytesPerResponse };
        if (m.failures > 0) flag(`growth ${row.comments}${key === 'later' ? ' (later page)' : ''}: ${m.failures} requests failed`);
      });
      for (const row of rows) {
        log(`  ${String(row.comments).padStart(6)} comments: first page ${row.firstPageComments} comments, ${row.firstPageBytes} B (view in KV ${row.viewBytes ?? '-'} B); ${row.rps} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, server CPU ${row.serverCpuMsPerRequest} ms/request${row.laterPage ? `; a later page: p50 ${row.laterPage.latencyMs.p50} ms` : ''}`);
      }
      const at = (n) => rows.find((r) => r.comments === n);
      const big = rows.filter((r) => r.comments >= 100);
      if (big.length > 1 && new Set(big.map((r) => r.firstPageComments)).size > 1) flag('the first page does not hold the same number of comments for every thread of 100+ comments');
      const largest = rows.at(-1);
      const smallest = rows.find((r) => r.comments > 0);
      const empty = at(0);
      results.growth = {
        rows,
        ratios: {
          largestToSmallestP50: ratio(largest?.latencyMs.p50, smallest?.latencyMs.p50),
          largestToSmallestP99: ratio(largest?.latencyMs.p99, smallest?.latencyMs.p99),
          smallestToEmptyP50: ratio(smallest?.latencyMs.p50, empty?.latencyMs.p50),
          largestTo100FirstPageBytes: ratio(largest?.firstPageBytes, at(100)?.firstPageBytes),
          largestToSmallestFirstPageBytes: ratio(largest?.firstPageBytes, smallest?.firstPageBytes),
        },
      };
      // Counts for an index page: one batched read of every listed thread's whole view.
      const listed = Object.keys(plans).filter((t) => t !== DEMO_THREAD);
      const countsUrl = `${server.origin}/api/counts?site=demo&${listed.map((t) => `thread=${encodeURIComponent(t)}`).join('&')}`;
      const counts = await loadCase({ ...load, rounds: 1, url: countsUrl, seconds: config.growthSeconds });
      const viewsRead = rows.reduce((n, r) => n + (r.viewBytes ?? 0), 0) + (results.views ?? []).reduce((n, r) => n + (r.viewBytes ?? 0), 0);
      results.growth.counts = { threads: listed.length, rps: counts.rps, latencyMs: counts.latencyMs, serverCpuMsPerRequest: counts.serverCpuMsPerRequest, bytesPerResponse: counts.bytesPerResponse, failures: counts.failures, viewBytesRead: viewsRead || null };
      log(`  counts of ${listed.length} threads in one request: ${counts.rps} req/s, p50 ${counts.latencyMs.p50} ms, p99 ${counts.latencyMs.p99} ms, server CPU ${counts.serverCpuMsPerRequest} ms/request (the listed threads' views total about ${viewsRead || "?"} B; the answer is ${counts.bytesPerResponse} B)`);
      log(`  ${largest.comments} vs ${smallest.comments} comments: read latency ${results.growth.ratios.largestToSmallestP50}× at p50; first page ${results.growth.ratios.largestTo100FirstPageBytes}× the size of the 100-comment thread's`);
    }

    // 4. Widget.
    if (config.only.has('widget')) {
      let found;
      try {
        found = findChromium();
      } catch (error) {
        // Under CI a missing browser throws; the benchmarks skip the widget part instead.
        found = { missing: error.message };
      }
      if (!found.path) {
        flag(`widget benchmarks skipped: ${found.missing}`);
      } else {
        browser = await launchChromium(found.path);
        results.machine.chromium = `Chromium ${browser.version()}`;
        step(`widget: ${results.machine.chromium}, ${config.widgetRuns} cold page loads per case`);
        const demo = await getJson(api(server.origin, DEMO_THREAD));
        const firstPaint = await firstPaintRequests(browser, server.origin, demo.body.comments.length);
        log(`  demo page: ${firstPaint.requests.map((r) => `${r.by}: ${r.method} ${r.path} (${r.bytes ?? '?'} B)`).join('; ')}`);
        if (firstPaint.widgetRequests !== 2) flag(`the widget made ${firstPaint.widgetRequests} requests for its first paint (expected 2: widget.js and the thread's first page)`);
        if (firstPaint.thirdPartyRequests > 0) flag(`the demo page made ${firstPaint.thirdPartyRequests} requests to other hosts`);
        const cases = [];
        const runCase = async (n, cpuSlowdown = 1, host = 'demo', aged = false) => {
          const { body } = await getJson(api(server.origin, aged ? AGED_THREAD : widgetThread(n)));
          const url = `${server.origin}${aged ? AGED_PAGE : host === 'bare' ? barePage(n) : widgetThread(n)}/?expect=${body.comments.length}`;
          const result = { comments: n, page: host, aged, ...(await widgetCase(browser, url, { runs: config.widgetRuns, cpuSlowdown })) };
          cases.push(result);
          const kinds = result.trace ? Object.entries(result.trace.byKindMs).map(([k, ms]) => `${k} ${ms}`).join(', ') : '';
          const on = `${host === 'bare' ? ' on a bare page' : ' on the demo page'}${aged ? ', comments a week to two years old' : ''}`;
          log(`  ${String(n).padStart(5)} comments${on}${cpuSlowdown > 1 ? ` (CPU ${cpuSlowdown}× slower)` : ''}: ${result.shown} shown of ${result.expected} sent; script → painted ${result.scriptToPaintMs} ms (first comments ${result.scriptToFirstCommentsMs}; start-up ${result.startupMs}, API ${result.apiMs}, render ${result.renderMs}); longest task ${result.longTaskMaxMs} ms (median of runs ${result.longTaskMedianMaxMs}); main thread (ms): ${kinds}`);
          if (result.timedOut) flag(`widget ${n}${on}: the thread was not painted within 20 s`);
          if (n === 200 && result.longTaskMaxMs > LONG_TASK_LIMIT_MS) {
            flag(`LONG TASK: rendering 200 comments${on}${cpuSlowdown > 1 ? ` with the CPU slowed ${cpuSlowdown}×` : ''} blocked the main thread for ${result.longTaskMaxMs} ms (limit ${LONG_TASK_LIMIT_MS} ms; median of the runs' longest: ${result.longTaskMedianMaxMs} ms)`);
          }
        };
        for (const n of config.widgetSizes) await runCase(n);
        let hostOnly = null;
        if (config.cpuSlowdown > 1 && config.widgetSizes.includes(200)) {
          // The widget's long tasks told from the host page's: the demo page (whose own first
          // layout can fall inside the measured window), the widget alone on a bare page, and the
          // demo page without widget.js; and the widget alone with its fewest comments, which tells
          // the long tasks of any first load (compiling, the first layout of text) from those of 200 comments.
          await runCase(200, config.cpuSlowdown);
          const fewest = Math.min(...config.widgetSizes);
          if (fewest < 200) await runCase(fewest, config.cpuSlowdown, 'bare');
          await runCase(200, config.cpuSlowdown, 'bare');
          if (agedCase) await runCase(200, config.cpuSlowdown, 'bare', true);
          hostOnly = await hostCase(browser, `${server.origin}${HOST_ONLY_PAGE}/`, { runs: config.widgetRuns, cpuSlowdown: config.cpuSlowdown });
          log(`  the demo page without widget.js (CPU ${config.cpuSlowdown}× slower): its own longest task ${hostOnly.longTaskMaxMs} ms (median of runs ${hostOnly.longTaskMedianMaxMs})`);
        }
        const loadMoreUrl = `${server.origin}${growthThread(1000)}/?expect=50`;
        const loadMore = await measureLoadMore(browser, loadMoreUrl);
        const loadMoreSlow = config.cpuSlowdown > 1 && loadMore ? await measureLoadMore(browser, loadMoreUrl, { cpuSlowdown: config.cpuSlowdown }) : null;
        for (const run of [loadMore, loadMoreSlow].filter(Boolean)) {
          const speed = run.cpuSlowdown > 1 ? ` (CPU ${run.cpuSlowdown}× slower)` : '';
          log(`  "Load more" on a 1,000-comment thread${speed}: ${run.clicks} clicks to ${run.shownAtEnd} comments; first click ${run.firstClickMs} ms, median ${run.medianClickMs} ms, last ${run.lastClickMs} ms (last ÷ first ${run.lastToFirst}); median of the first ten ${run.firstTenMedianMs} ms, of the last ten ${run.lastTenMedianMs} ms (÷ ${run.lastTenToFirstTen}); longest task ${run.longTaskMaxMs} ms`);
          const main = run.mainThread;
          if (main) log(`    main-thread time of a click (the browser's own counters, whatever frame the click fell in): median of the first ten ${main.firstTen.task} ms (script ${main.firstTen.script}, style ${main.firstTen.style}, layout ${main.firstTen.layout}), of the last ten ${main.lastTen.task} ms (script ${main.lastTen.script}, style ${main.lastTen.style}, layout ${main.lastTen.layout}): ÷ ${main.lastTenToFirstTen}`);
          if (run.emptyClicks) flag(`"Load more"${speed} was offered ${run.emptyClicks} time(s) for a page that had no comments`);
          if (run.timedOutClicks) flag(`a "Load more" click${speed} showed nothing within 20 s`);
          if (run.shownAtEnd !== null && run.shownAtEnd < 1000) flag(`"Load more"${speed} stopped at ${run.shownAtEnd} of 1000 comments`);
          if (run.longTaskMaxMs > LONG_TASK_LIMIT_MS) flag(`LONG TASK: "Load more"${speed} blocked the main thread for ${run.longTaskMaxMs} ms (limit ${LONG_TASK_LIMIT_MS} ms)`);
        }
        if (!loadMore) log('  "Load more": this build of the widget has no such button');
        const byN = (n) => cases.find((c) => c.comments === n && c.cpuSlowdown === 1 && c.page === 'demo');
        const lo = byN(Math.min(...config.widgetSizes));
        const hi = byN(Math.max(...config.widgetSizes));
        results.widget = {
          firstPaint,
          cases,
          hostOnly,
          loadMore,
          loadMoreSlow,
          ratios: {
            largestToSmallestScriptToPaint: ratio(hi?.scriptToPaintMs, lo?.scriptToPaintMs),
            largestToSmallestRender: ratio(hi?.renderMs, lo?.renderMs),
            // From the cases that show every comment they were sent, fewest against most.
            mainThreadMsPerShownComment: perComment(cases.filter((c) => c.cpuSlowdown === 1 && c.page === 'demo' && c.shown === c.expected)),
          },
        };
      }
    }
  } catch (error) {
    if (server) error.message += `\n--- the last lines wrangler dev printed ---\n${server.log().trim().split('\n').slice(-40).join('\n')}`;
    if (startServer) error.message += `\n--- the last lines npm start's wrangler dev printed ---\n${startServer.log().trim().split('\n').slice(-40).join('\n')}`;
    throw error;
  } finally {
    results.totalSeconds = round((performance.now() - t0) / 1000, 1);
    results.machine.loadAverageAtEnd = loadavg().map((n) => round(n, 2));
    results.flags = flags;
    await browser?.close().catch(() => {});
    await startServer?.stop();
    await server?.stop();
    if (!config.keep) await rm(runDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
    else log(`kept ${runDir}`);
    forgetRunDir();
  }
}

// A watchdog: a run that stops making progress (wrangler dev has been seen to stop answering,
// workerd spinning in its garbage collector) ends with an error instead of hanging.
const watchdogMinutes = num('BENCH_TIMEOUT_MINUTES', 15);
const watchdog = setTimeout(() => {
  console.error(`\nThe benchmark run did not finish within ${watchdogMinutes} minutes (BENCH_TIMEOUT_MINUTES); stopping it.`);
  results.error = `timed out after ${watchdogMinutes} minutes`;
  results.flags = flags;
  try {
    writeFileSync(join(config.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  } catch {
    // The results directory may not exist yet.
  }
  process.exit(1);
}, watchdogMinutes * 60_000);
watchdog.unref();

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  results.error = String(error?.stack ?? error);
  console.error(`\nThe benchmark run failed: ${error?.stack ?? error}`);
}
await mkdir(config.out, { recursive: true });
await writeFile(join(config.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(join(config.out, 'latest.md'), renderMarkdown(results));
step(`done in ${results.totalSeconds} s; results in ${join(config.out, 'latest.json').replace(PROJECT_ROOT, '')} and latest.md`);
if (flags.length) console.log(`\n${flags.length} flag(s):\n${flags.map((f) => `  ⚠ ${f}`).join('\n')}`);
process.exit(failed ? 1 : 0);
