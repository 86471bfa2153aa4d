// The widget in headless Chromium: how long from widget.js starting to the thread painted, the
// main thread's long tasks meanwhile, where the main thread's time goes (a trace), and what a
// first paint requests.
import { percentile, round } from './stats.mjs';

/**
 * Runs in every page before any of the page's scripts (Playwright's init script), and records,
 * in `performance.now()` milliseconds since navigation start:
 * - `start`: the init script itself (the document exists, no script of the page has run);
 * - `scriptStart`: widget.js's code running (its first read of `document.currentScript`);
 * - `mount`: the widget attaching its shadow root to `#comments`;
 * - `firstDom` / `firstPaint`: the first comments of the thread in the DOM, and the frame that
 *   shows them presented (the next requestAnimationFrame, then a task posted from it, which runs
 *   right after that frame's paint);
 * - `dom` / `paint`: the same for the whole thread: the last time comment elements
 *   (`article[id^="comment-"]`) were added, once `?expect=N` of them are there, or once the
 *   widget says it has loaded (`aria-busy="false"`) and no more have been added for 500 ms (it
 *   folds long reply chains, so it may never show all N; and it may render a long page a slice
 *   per task); `raf2` is the double-rAF estimate of `paint`;
 * - `longTasks`: every main-thread task over 50 ms ([start, duration]).
 * `window.__parleyBench.done` resolves when the whole thread is painted, or after 20 s with `timedOut`.
 */
export const INIT_SCRIPT = `(() => {
  performance.mark('parley-bench:init');
  const b = { start: performance.now(), expected: Number(new URLSearchParams(location.search).get('expect') || 1),
    scriptStart: null, mount: null, firstDom: null, firstPaint: null, dom: null, paint: null, raf2: null, count: 0,
    longTasks: [], timedOut: false, root: null };
  let finish;
  let finished = false;
  b.done = new Promise((resolve) => { finish = () => { if (!finished) { finished = true; performance.mark('parley-bench:painted'); resolve(); } }; });
  setTimeout(() => { if (!finished) { b.timedOut = true; finish(); } }, 20000);
  Object.defineProperty(window, '__parleyBench', { value: b });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  const current = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript');
  Object.defineProperty(Document.prototype, 'currentScript', { configurable: true, get() {
    const script = current.get.call(this);
    if (b.scriptStart === null && script && /widget\\.js/.test(script.src)) b.scriptStart = performance.now();
    return script;
  } });
  /** Calls fn(time) right after the next frame is presented. */
  const afterNextPaint = (fn) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn(performance.now());
    channel.port2.postMessage(0);
  });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    if (b.mount !== null) return root;
    b.mount = performance.now();
    b.root = root;
    let quiet;
    const observer = new MutationObserver(() => {
      if (finished) return;
      const count = root.querySelectorAll('article[id^="comment-"]').length;
      const loaded = count > 0 && root.querySelector('[aria-busy="false"]') !== null;
      if (count < b.expected && !loaded) return;
      if (count <= b.count && b.dom !== null) return;
      const now = performance.now();
      b.count = count;
      b.dom = now;
      if (b.firstDom === null) {
        b.firstDom = now;
        afterNextPaint((t) => { b.firstPaint = t; });
      }
      afterNextPaint((t) => {
        if (b.dom !== now) return;
        b.paint = t;
        requestAnimationFrame(() => { b.raf2 = performance.now(); });
        clearTimeout(quiet);
        if (count >= b.expected) finish();
        else quiet = setTimeout(finish, 500);
      });
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    return root;
  };
})();`;

/** Trace categories for the main-thread breakdown (what DevTools' Performance panel records). */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-v8.compile'];

/** Event names (and prefixes) to a kind of main-thread work. GC first: V8.GC* are also V8.*. */
const KINDS = [
  ['gc', /GC|Sweep|Mark/i],
  ['parse HTML', /^ParseHTML$/],
  // Compiling JavaScript on the main thread: functions compiled on their first call, in the middle of the task that calls them.
  ['compile', /^V8\.(Compile|Parse|PreParse)|^v8\.compile$/],
  ['style', /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation)$/],
  ['layout', /^(Layout|UpdateLayout|IntersectionObserverController::computeIntersections)$/],
  ['paint', /^(PrePaint|Paint|PaintImage|Layerize|UpdateLayer|UpdateLayerTree|CompositeLayers|Commit|Decode|Rasterize)/],
  ['script', /^(EvaluateScript|FunctionCall|TimerFire|FireAnimationFrame|RunMicrotasks|EventDispatch|v8\.|V8\.|CompileScript|CompileCode|CompileLazy|CacheScript|XHR|HandlePostMessage|ResourceReceivedData|ResourceFinish|ParseScript|Profile)/],
];

/**
 * Self time per kind of work on the page's main thread, in ms, from a Chrome trace, between the
 * init script's mark and the "painted" mark: nested events are subtracted from their parent, so
 * nothing is counted twice. `RunTask` self time (task overhead, DevTools and tracing traffic) is
 * left out.
 */
export function traceBreakdown(traceJson) {
  const all = traceJson.traceEvents ?? traceJson;
  const mark = (name) => all.find((e) => e.name === name);
  const from = mark('parley-bench:init');
  const to = mark('parley-bench:painted');
  const events = all.filter((e) => e.ph === 'X' || e.ph === 'M');
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const inWindow = (e) => (!from || (e.pid === from.pid && e.ts >= from.ts)) && (!to || e.ts <= to.ts);
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !mainThreads.has(`${e.pid}:${e.tid}`) || !(e.dur > 0) || !inWindow(e)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const self = {};
  const names = {};
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    const close = (until) => {
      while (stack.length && stack.at(-1).end <= until) {
        const done = stack.pop();
        names[done.name] = (names[done.name] ?? 0) + done.self;
      }
    };
    for (const e of list) {
      close(e.ts);
      const parent = stack.at(-1);
      if (parent) parent.self -= Math.min(e.dur, parent.end - e.ts);
      stack.push({ name: e.name, end: e.ts + e.dur, self: e.dur });
    }
    close(Infinity);
  }
  delete names.RunTask;
  for (const [name, us] of Object.entries(names)) {
    const kind = KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
    self[kind] = (self[kind] ?? 0) + us / 1000;
  }
  const topEvents = Object.entries(names)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, us]) => ({ name, ms: round(us / 1000, 1) }));
  return { window: from && to ? 'init script → painted' : 'whole trace', byKindMs: Object.fromEntries(Object.entries(self).map(([kind, ms]) => [kind, round(ms, 1)]).sort((a, b) => b[1] - a[1])), topEvents };
}

/** Long tasks that overlap [from, to], and the total blocking time (the part of each over 50 ms). */
function longTasksBetween(longTasks, from, to) {
  const during = longTasks.filter(([start, duration]) => start + duration >= from && start <= to);
  return {
    count: during.length,
    maxMs: round(Math.max(0, ...during.map(([, d]) => d)), 1),
    totalBlockingMs: round(during.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0), 1),
    tasks: during.map(([start, d]) => [round(start, 1), round(d, 1)]),
  };
}

/**
 * Opens `url` (which carries `?expect=N`) in a fresh context (cold cache, empty storage) and
 * measures the widget's load. With `trace`, also records a Chrome trace and returns its
 * breakdown (tracing slows the page: do not use its timings). `cpuSlowdown` > 1 throttles the CPU
 * through DevTools (4 is a common stand-in for a mid-range phone).
 */
export async function measureWidgetLoad(browser, url, { trace = false, cpuSlowdown = 1 } = {}) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    if (cpuSlowdown > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    }
    if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.goto(url);
    await page.evaluate(() => window.__parleyBench.done);
    // Long-task entries are delivered after their task ends: let them arrive.
    await page.waitForTimeout(250);
    const data = await page.evaluate(() => {
      const { root, done, ...b } = window.__parleyBench;
      const resources = performance.getEntriesByType('resource').map((r) => ({
        url: r.name,
        start: r.startTime,
        responseEnd: r.responseEnd,
        bodyBytes: r.encodedBodySize,
        decodedBytes: r.decodedBodySize,
      }));
      return { ...b, resources };
    });
    const breakdown = trace ? traceBreakdown(JSON.parse((await browser.stopTracing()).toString())) : null;
    const widgetJs = data.resources.find((r) => /\/widget\.js(\?|$)/.test(r.url));
    const api = data.resources.find((r) => /\/api\/comments\?/.test(r.url));
    const scriptStart = data.scriptStart ?? widgetJs?.responseEnd ?? null;
    return {
      expected: data.expected,
      shown: data.count,
      timedOut: data.timedOut,
      at: {
        initScript: round(data.start, 1),
        widgetJsLoaded: round(widgetJs?.responseEnd, 1),
        scriptStart: round(scriptStart, 1),
        mount: round(data.mount, 1),
        apiRequest: round(api?.start, 1),
        apiResponse: round(api?.responseEnd, 1),
        firstComments: round(data.firstPaint, 1),
        dom: round(data.dom, 1),
        painted: round(data.paint, 1),
        doubleRaf: round(data.raf2, 1),
      },
      /** The headline: widget.js starting to run → the thread on screen. */
      scriptToPaintMs: round(data.paint - scriptStart, 1),
      /** widget.js starting to run → its first comments on screen (the same unless it renders a long page in slices). */
      scriptToFirstCommentsMs: round(data.firstPaint - scriptStart, 1),
      /** Widget start-up: script running → the API request sent. */
      startupMs: round(api ? api.start - scriptStart : null, 1),
      /** The API's answer as the browser saw it (request sent → response received). */
      apiMs: round(api ? api.responseEnd - api.start : null, 1),
      /** Client-side cost of the thread: answer received → painted (JSON parse, render, style, layout, paint). */
      renderMs: round(api ? data.paint - api.responseEnd : null, 1),
      apiBytes: api?.decodedBytes ?? null,
      longTasks: longTasksBetween(data.longTasks, scriptStart ?? 0, (data.paint ?? Infinity) + 50),
      trace: breakdown,
    };
  } finally {
    await context.close();
  }
}

/** Repeats {@link measureWidgetLoad} and summarises: medians of the timings, worst long task. */
export async function widgetCase(browser, url, { runs = 5, cpuSlowdown = 1, trace = true } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measureWidgetLoad(browser, url, { cpuSlowdown }));
  const traced = trace ? await measureWidgetLoad(browser, url, { cpuSlowdown, trace: true }) : null;
  const med = (pick) => round(percentile(samples.map(pick).filter((v) => v !== null && v !== undefined), 50), 1);
  return {
    runs,
    cpuSlowdown,
    expected: samples[0].expected,
    shown: Math.min(...samples.map((s) => s.shown)),
    timedOut: samples.some((s) => s.timedOut),
    scriptToPaintMs: med((s) => s.scriptToPaintMs),
    scriptToFirstCommentsMs: med((s) => s.scriptToFirstCommentsMs),
    startupMs: med((s) => s.startupMs),
    apiMs: med((s) => s.apiMs),
    renderMs: med((s) => s.renderMs),
    apiBytes: samples[0].apiBytes,
    longTaskMaxMs: round(Math.max(...samples.map((s) => s.longTasks.maxMs)), 1),
    longTaskMedianMaxMs: med((s) => s.longTasks.maxMs),
    totalBlockingMs: med((s) => s.longTasks.totalBlockingMs),
    samples: samples.map((s) => ({ scriptToPaintMs: s.scriptToPaintMs, renderMs: s.renderMs, apiMs: s.apiMs, longTasks: s.longTasks.tasks })),
    trace: traced?.trace ?? null,
  };
}

/**
 * The host page's own long tasks, for telling them from the widget's: opens `url` (a page
 * without widget.js) in a fresh context, as {@link measureWidgetLoad} does, waits for its load
 * event, two frames and a second, and returns every main-thread task over 50 ms since navigation
 * ([start, duration] ms), the longest, and when the first frame was presented.
 */
export async function measureHostOnly(browser, url, { cpuSlowdown = 1 } = {}) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    if (cpuSlowdown > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    await page.goto(url, { waitUntil: 'load' });
    const firstFrame = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))));
    await page.waitForTimeout(1000);
    const longTasks = await page.evaluate(() => window.__parleyBench.longTasks);
    return { longTaskMaxMs: round(Math.max(0, ...longTasks.map(([, d]) => d)), 1), longTasks: longTasks.map(([start, d]) => [round(start, 1), round(d, 1)]), firstFrame: round(firstFrame, 1) };
  } finally {
    await context.close();
  }
}

/** Repeats {@link measureHostOnly}: the host page's longest task, worst and median of the loads. */
export async function hostCase(browser, url, { runs = 5, cpuSlowdown = 1 } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measureHostOnly(browser, url, { cpuSlowdown }));
  return {
    runs,
    cpuSlowdown,
    longTaskMaxMs: round(Math.max(...samples.map((s) => s.longTaskMaxMs)), 1),
    longTaskMedianMaxMs: round(percentile(samples.map((s) => s.longTaskMaxMs), 50), 1),
    samples: samples.map((s) => s.longTasks),
  };
}

/**
 * One "Load more" click, in the page (`window.__parleyClick`): clicks the button and resolves
 * with when the new comments were painted (the frame after the last addition, once nothing was
 * added for 300 ms), "empty" when the click settles without any, null after 20 s; and the longest
 * task meanwhile. New comments are counted from what each DOM change added, not by searching the
 * list: a search of 1,000 comments on every change was a cost of the benchmark that grew with the list.
 */
const CLICK_SCRIPT = `(() => {
  const b = window.__parleyBench;
  const longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const isComment = (el) => el.matches('article[id^="comment-"]');
  const added = (records) => records.reduce((n, r) => n + [...r.addedNodes].reduce((m, el) => m + (el.nodeType === 1 ? isComment(el) + el.querySelectorAll('article[id^="comment-"]').length : 0), 0), 0);
  window.__parleyShown = () => b.root.querySelectorAll('article[id^="comment-"]').length;
  window.__parleyFind = async () => {
    const find = () => [...b.root.querySelectorAll('button')].find((el) => /load more|more comments|older comments|next page/i.test(el.textContent ?? ''));
    let button = find();
    for (let wait = 0; button?.disabled && wait < 200; wait++) { await sleep(25); button = find(); }
    window.__parleyButton = button && !button.disabled ? button : null;
    return !!window.__parleyButton;
  };
  window.__parleyClick = async () => {
    const button = window.__parleyButton;
    const clicked = performance.now();
    let newComments = 0;
    const painted = await new Promise((resolve) => {
      let settled = false;
      const end = (value) => {
        if (settled) return;
        settled = true;
        observer.disconnect();
        clearInterval(poll);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => end(null), 20000);
      let quiet;
      const poll = setInterval(() => {
        if (newComments === 0 && performance.now() - clicked > 1000 && (!button.isConnected || !button.disabled)) end('empty');
      }, 50);
      const observer = new MutationObserver((records) => {
        const more = added(records);
        if (!more || settled) return;
        const count = (newComments += more);
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            if (newComments !== count) return;
            const at = performance.now();
            clearTimeout(quiet);
            quiet = setTimeout(() => end(at), 300);
          };
          channel.port2.postMessage(0);
        });
      });
      observer.observe(b.root, { childList: true, subtree: true });
      button.click();
    });
    await sleep(150);
    const ms = typeof painted === 'number' ? painted - clicked : null;
    const during = longTasks.filter(([start, d]) => start + d >= clicked && (ms === null || start <= painted + 50));
    return { ms, empty: painted === 'empty', longTaskMaxMs: Math.max(0, ...during.map(([, d]) => d)) };
  };
})()`;

/**
 * "Load more" after the first page, when this build of the widget has such a button (a button in
 * the widget whose text says "load more" or "more comments"): clicks it until the button goes
 * away or `maxClicks`, and times each click to the new comments painted, with the longest task
 * meanwhile (`cpuSlowdown` > 1 throttles the CPU). Null when there is no such button.
 *
 * Each click also has its **main-thread time**: the renderer's task time from Chromium's own
 * counters (`Performance.getMetrics`: TaskDuration, and of it script, style and layout), read
 * before the click and after it has settled. That is what a click costs the browser, whatever
 * the frame it happened to start in: a click's wall time is a count of frames (two or three at
 * full speed), and which count it gets depends on where in a frame the answer lands.
 */
export async function measureLoadMore(browser, url, { maxClicks = 60, cpuSlowdown = 1 } = {}) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    if (cpuSlowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    await cdp.send('Performance.enable');
    /** The main thread's time so far (ms): every task, and its script, style and layout. */
    const mainThread = async () => {
      const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value * 1000]));
      return { task: metrics.TaskDuration, script: metrics.ScriptDuration, style: metrics.RecalcStyleDuration, layout: metrics.LayoutDuration };
    };
    await page.goto(url);
    await page.evaluate(() => window.__parleyBench.done);
    await page.evaluate(CLICK_SCRIPT);
    if (!(await page.evaluate(() => window.__parleyFind()))) return null;
    const clicks = [];
    for (let i = 0; i < maxClicks; i++) {
      if (i && !(await page.evaluate(() => window.__parleyFind()))) break;
      const before = await page.evaluate(() => window.__parleyShown());
      const start = await mainThread();
      const click = await page.evaluate(() => window.__parleyClick());
      const end = await mainThread();
      const cost = Object.fromEntries(Object.keys(start).map((k) => [k, end[k] - start[k]]));
      clicks.push({ before, after: await page.evaluate(() => window.__parleyShown()), ...click, mainThread: cost });
      if (click.ms === null) break;
    }
    const loading = clicks.filter((c) => c.ms !== null);
    const median = (list, pick) => round(percentile(list.map(pick), 50), 1);
    const firstTen = loading.slice(0, 10);
    const lastTen = loading.slice(-10);
    return {
      cpuSlowdown,
      clicks: clicks.length,
      /** Clicks that showed nothing new (the button offered a page that turned out empty). */
      emptyClicks: clicks.filter((c) => c.empty).length,
      timedOutClicks: clicks.filter((c) => c.ms === null && !c.empty).length,
      shownAtEnd: clicks.at(-1)?.after ?? null,
      firstClickMs: round(loading[0]?.ms, 1),
      lastClickMs: round(loading.at(-1)?.ms, 1),
      medianClickMs: median(loading, (c) => c.ms),
      /** The last click (the most comments shown already) against the first: 1 when a click costs the same however many are shown. */
      lastToFirst: loading.length > 1 ? round(loading.at(-1).ms / loading[0].ms, 2) : null,
      /** The same from the medians of the first and the last ten clicks: one click's time varies by 2–5× on a busy machine. */
      firstTenMedianMs: median(firstTen, (c) => c.ms),
      lastTenMedianMs: median(lastTen, (c) => c.ms),
      lastTenToFirstTen: loading.length >= 20 ? round(percentile(lastTen.map((c) => c.ms), 50) / percentile(firstTen.map((c) => c.ms), 50), 2) : null,
      /**
       * Main-thread time of a click (medians of the first and the last ten; the first click, which
       * also brings widget-extra.js, is among the first ten), and last ten ÷ first ten: the cost
       * to compare with "the same at 1,000 comments shown as at 50".
       */
      mainThread: loading.length >= 20 ? {
        firstTen: Object.fromEntries(['task', 'script', 'style', 'layout'].map((k) => [k, median(firstTen, (c) => c.mainThread[k])])),
        lastTen: Object.fromEntries(['task', 'script', 'style', 'layout'].map((k) => [k, median(lastTen, (c) => c.mainThread[k])])),
        lastTenToFirstTen: round(percentile(lastTen.map((c) => c.mainThread.task), 50) / percentile(firstTen.map((c) => c.mainThread.task), 50), 2),
      } : null,
      longTaskMaxMs: round(Math.max(0, ...clicks.map((c) => c.longTaskMaxMs)), 1),
      perClick: clicks.map((c) => ({ before: c.before, after: c.after, ms: round(c.ms, 1), empty: c.empty || undefined, longTaskMaxMs: round(c.longTaskMaxMs, 1), mainThreadMs: round(c.mainThread.task, 1) })),
    };
  } finally {
    await context.close();
  }
}

/**
 * What the demo page requests until its thread is painted: every request, by whom (the page
 * itself, the widget, or a third party), and the bytes of each answer.
 */
export async function firstPaintRequests(browser, origin, expected) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    const requests = [];
    page.on('request', (request) => requests.push(request));
    await page.goto(`${origin}/?expect=${expected}`);
    await page.evaluate(() => window.__parleyBench.done);
    await page.waitForTimeout(250);
    const rows = [];
    for (const request of requests) {
      const url = new URL(request.url());
      if (url.protocol === 'data:') continue;
      const sizes = await request.sizes().catch(() => null);
      // The demo post also has a Follow box (its own chunk and the follower count): counted apart from the comments' two.
      const by =
        url.origin !== origin ? 'third party' : /^\/(widget-follow|api\/followers\/)/.test(url.pathname) ? 'the Follow box' : /^\/(widget\.js|api\/|i18n\/)/.test(url.pathname) ? 'widget' : 'page';
      rows.push({ by, method: request.method(), path: url.origin === origin ? url.pathname + url.search : request.url(), type: request.resourceType(), status: (await request.response())?.status() ?? null, bytes: sizes ? sizes.responseBodySize : null });
    }
    return {
      requests: rows,
      widgetRequests: rows.filter((r) => r.by === 'widget').length,
      thirdPartyRequests: rows.filter((r) => r.by === 'third party').length,
      widgetBytes: rows.filter((r) => r.by === 'widget').reduce((n, r) => n + (r.bytes ?? 0), 0),
    };
  } finally {
    await context.close();
  }
}
