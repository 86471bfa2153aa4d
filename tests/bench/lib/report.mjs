// The results of a run as Markdown tables (tests/bench/results/latest.md).

const kb = (n) => (n === null || n === undefined ? '–' : `${(n / 1024).toFixed(1)} KB`);
const v = (n, unit = '') => (n === null || n === undefined ? '–' : `${n}${unit}`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

export function renderMarkdown(r) {
  const out = [];
  const m = r.machine;
  out.push(`# Parley benchmark results`);
  out.push('');
  out.push(`Run ${r.startedAt}, ${v(r.totalSeconds, ' s')} in all. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; load average ${m.loadAverageAtStart?.join(' ')} at start, ${m.loadAverageAtEnd?.join(' ') ?? '?'} at end.`);
  out.push(`Versions: Node ${m.node}, wrangler ${m.wrangler} (workerd ${m.workerd}), ${m.chromium ?? 'no Chromium'}, autocannon ${m.autocannon}, playwright-core ${m.playwrightCore}, vite ${m.vite}, preact ${m.preact}. Code: ${m.commit}${m.uncommittedFiles ? ` + ${m.uncommittedFiles} uncommitted files` : ''}.`);
  const c = r.config;
  out.push(`Settings: ${c.seconds} s per main server case, ${c.growthSeconds} s per thread size, compared cases interleaved in ${c.rounds} rounds, ${c.connections} connections; ${c.widgetRuns} page loads per widget case.`);
  if (r.error) out.push('', '**The run failed:**', '', '```', r.error, '```');
  if (r.flags?.length) out.push('', '**Flags:**', '', ...r.flags.map((f) => `- ⚠ ${f}`));

  if (r.size) {
    const w = r.size.widget;
    const entry = w.files.find((f) => f.kind === 'entry');
    out.push('', '## Size', '');
    const rows = [[`widget.js (budget ${kb(w.budget.gzip)} gzip)`, kb(entry.raw), kb(entry.gzip), kb(entry.brotli)]];
    for (const f of w.files.filter((f) => f.kind === 'locale' || f.kind === 'lazy')) rows.push([`${f.name} (${f.kind === 'locale' ? 'translation' : 'lazy'})`, kb(f.raw), kb(f.gzip), kb(f.brotli)]);
    rows.push(['**first paint** (widget.js)', kb(w.firstPaint.english.raw), kb(w.firstPaint.english.gzip), kb(w.firstPaint.english.brotli)]);
    if (w.firstPaint.translated) rows.push([`first paint, translated (+ ${w.firstPaint.translated.files[1]})`, kb(w.firstPaint.translated.raw), kb(w.firstPaint.translated.gzip), kb(w.firstPaint.translated.brotli)]);
    const k = r.size.worker;
    rows.push([`Worker bundle (free plan: ${kb(k.budget.freePlanGzip)} gzip)`, kb(k.raw), kb(k.gzip), kb(k.brotli)]);
    out.push(table(['file', 'raw', 'gzip', 'brotli'], rows));
    out.push('', `Largest parts of the Worker (raw): ${k.contributors.slice(0, 8).map((p) => `${p.name} ${kb(p.raw)}`).join(', ')}.`);
  }

  if (r.seeding) {
    const s = r.seeding;
    out.push('', '## Seeding', '', `${s.comments} comments in ${s.threads} threads: posting took ${s.postSeconds} s (${s.postsPerSecond}/s), approving ${s.approveSeconds} s (200 per bulk call); ${s.totalSeconds} s in all, as approving the threads without replies overlaps posting the replies.`);
  }

  if (r.server) {
    const { read, post, ratios } = r.server;
    out.push('', `## Server (wrangler dev on loopback, ${read.connections} connections)`, '');
    const row = (name, x) => [name, v(x.rps), v(x.latencyMs.p50), v(x.latencyMs.p90), v(x.latencyMs.p99), v(x.latencyMs.max), v(x.serverCpuMsPerRequest), v(x.runtimeCpuMsPerRequest), v(x.bytesPerResponse), v(x.requests), v(x.failures)];
    const rows = [row('bundle: read a 50-comment thread', read), row('bundle: post a comment', post)];
    if (r.npmStart) rows.push(row('npm start: read a 50-comment thread', r.npmStart.read), row('npm start: post a comment', r.npmStart.post));
    out.push(table(['case', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'CPU ms/request (wrangler + workerd)', 'of which workerd', 'bytes/response', 'requests', 'failed'], rows));
    out.push('', `Ratios: post ÷ read latency **${ratios.postToReadP50}×** at p50, ${ratios.postToReadP99}× at p99; server CPU per request ${v(ratios.postToReadServerCpu, '×')}; read ÷ post throughput ${ratios.readToPostThroughput}×.`);
    if (r.npmStart) {
      const n = r.npmStart;
      out.push('', `**npm start against the bundle**: the bundle reads **${n.ratios.bundleToStartReadThroughput}×** as many per second (target ≤ ${n.targets.readThroughputRatio}×); a post costs **${v(n.post.serverCpuMsPerRequest, ' ms')}** of CPU on npm start (target ≤ ${n.targets.postCpuMs} ms); workerd's memory after the run: **${v(n.memoryMiB, ' MiB')}** on npm start (target < ${n.targets.memoryMiB} MiB), ${v(r.server.memoryMiB, ' MiB')} on the bundle.`);
    }
  }

  if (r.growth) {
    out.push('', '## Thread size', '');
    out.push(
      table(
        ['comments', 'first page: comments', 'first page bytes', 'view in KV bytes', 'parse view ms', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/request', 'later page p50 ms'],
        r.growth.rows.map((x) => [v(x.comments), v(x.firstPageComments), v(x.firstPageBytes), v(x.viewBytes), v(x.parseViewMs), v(x.rps), v(x.latencyMs.p50), v(x.latencyMs.p99), v(x.serverCpuMsPerRequest), v(x.laterPage?.latencyMs.p50)]),
      ),
    );
    if (r.growth.counts) {
      const k = r.growth.counts;
      out.push('', `Counts for an index page (\`GET /api/counts\`, ${k.threads} of these threads in one request): ${k.rps} req/s, p50 ${k.latencyMs.p50} ms, p99 ${k.latencyMs.p99} ms, server CPU ${v(k.serverCpuMsPerRequest, ' ms')} per request; the answer is ${v(k.bytesPerResponse, ' B')}, the listed threads' views total about ${v(k.viewBytesRead, ' B')}.`);
    }
    const g = r.growth.ratios;
    out.push('', `Ratios: largest ÷ smallest thread read latency **${g.largestToSmallestP50}×** at p50 (${g.largestToSmallestP99}× at p99); smallest thread ÷ no thread at all ${v(g.smallestToEmptyP50, '×')}; first page bytes, largest ÷ 100 comments: **${g.largestTo100FirstPageBytes}×**.`);
  }

  if (r.views?.length) {
    out.push('', '## Stored views', '');
    out.push(table(['thread', 'comments', 'first page bytes', 'view in KV bytes', 'parse view ms', 'serialize page ms'], r.views.map((x) => [x.thread, v(x.comments), v(x.firstPageBytes), v(x.viewBytes), v(x.parseViewMs), v(x.stringifyPageMs)])));
  }

  if (r.widget) {
    const w = r.widget;
    out.push('', '## Widget (headless Chromium, cold page loads, medians)', '');
    out.push(`First paint of the demo page: ${w.firstPaint.requests.map((q) => `${q.by} \`${q.method} ${q.path}\` ${v(q.bytes, ' B')}`).join(', ')} — **${w.firstPaint.widgetRequests} widget requests, ${w.firstPaint.thirdPartyRequests} to other hosts**.`, '');
    out.push(
      table(
        ['comments in thread', 'page', 'sent / shown', 'CPU', 'script → painted ms', 'script → first comments ms', 'start-up ms', 'API ms', 'render ms', 'longest task ms (worst / median)', 'blocking ms', 'main thread: script / compile / style / layout / paint / gc ms'],
        w.cases.map((x) => {
          const k = x.trace?.byKindMs ?? {};
          return [v(x.comments), `${x.page === 'bare' ? 'bare (widget alone)' : 'demo post'}${x.aged ? ', comments a week to two years old' : ''}`, `${x.expected} / ${x.shown}`, x.cpuSlowdown > 1 ? `${x.cpuSlowdown}× slower` : 'full', v(x.scriptToPaintMs), v(x.scriptToFirstCommentsMs), v(x.startupMs), v(x.apiMs), v(x.renderMs), `${v(x.longTaskMaxMs)} / ${v(x.longTaskMedianMaxMs)}`, v(x.totalBlockingMs), [k.script, k.compile, k.style, k.layout, k.paint, k.gc].map((n) => v(n)).join(' / ')];
        }),
      ),
    );
    if (w.hostOnly) out.push('', `The demo page without widget.js, CPU ${w.hostOnly.cpuSlowdown}× slower: its own longest task **${w.hostOnly.longTaskMaxMs} ms worst, ${w.hostOnly.longTaskMedianMaxMs} ms median** of ${w.hostOnly.runs} loads (on the demo page, such a task falls in the widget's window when widget.js runs before the page's first frame; the bare page has none).`);
    for (const run of [w.loadMore, w.loadMoreSlow].filter(Boolean)) {
      const timed = run.perClick.filter((c) => c.ms !== null);
      out.push('', `"Load more" on a 1,000-comment thread (demo post)${run.cpuSlowdown > 1 ? `, CPU ${run.cpuSlowdown}× slower` : ''}: ${run.clicks} clicks to ${run.shownAtEnd} comments${run.emptyClicks ? ` (${run.emptyClicks} of them loaded an empty page)` : ''}; click → painted: first (${v(timed[0]?.before)} shown) ${run.firstClickMs} ms, median ${run.medianClickMs} ms, last (${v(timed.at(-1)?.before)} shown) ${run.lastClickMs} ms, **last ÷ first ${v(run.lastToFirst, '×')}**; median of the first ten clicks ${v(run.firstTenMedianMs, ' ms')}, of the last ten ${v(run.lastTenMedianMs, ' ms')}, **÷ ${v(run.lastTenToFirstTen, '×')}**; longest task ${run.longTaskMaxMs} ms.${run.mainThread ? ` Main-thread time of a click (Chromium's counters; whatever frame it fell in): first ten ${run.mainThread.firstTen.task} ms (script ${run.mainThread.firstTen.script}, layout ${run.mainThread.firstTen.layout}), last ten ${run.mainThread.lastTen.task} ms (script ${run.mainThread.lastTen.script}, layout ${run.mainThread.lastTen.layout}), **÷ ${v(run.mainThread.lastTenToFirstTen, '×')}**.` : ''}`);
    }
    if (!w.loadMore) out.push('', '"Load more": not in this build of the widget.');
    const q = w.ratios;
    out.push('', `Ratios: largest ÷ smallest thread, script → painted **${q.largestToSmallestScriptToPaint}×**, render ${q.largestToSmallestRender}×; about ${v(q.mainThreadMsPerShownComment, ' ms')} of main-thread work per comment shown.`);
  }
  if (r.followers) {
    const f = r.followers;
    out.push('', '## Followers', '', `A send to ${f.total} followers (outbox, batches of 40): **${f.status} in ${v(f.seconds, ' s')}** (${f.mailsPerSecond} mails/s; ${f.sent} sent, ${f.failed} failed), ${v(f.serverCpuMsPerMail, ' ms')} of server CPU per mail. Per follower: ${f.perFollower.kvWrites} KV writes, ${f.perFollower.kvReads} reads, ${f.perFollower.kvLists} lists, ${f.perFollower.queueMessages} queue messages (${f.perFollower.queueOperations} operations), ${f.perFollower.objectCalls} object calls.`);
  }
  return `${out.join('\n')}\n`;
}
