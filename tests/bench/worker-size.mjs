#!/usr/bin/env node
// The Worker's bundle size, as deployed: bundles it with `wrangler deploy --dry-run` (nothing is
// uploaded) and reports the bundle raw, gzip and brotli, what Wrangler itself counts, and which
// packages and source folders the bytes come from (esbuild's metafile).
//
//   node tests/bench/worker-size.mjs            report
//   node tests/bench/worker-size.mjs --check    report, and exit 1 when the gzipped bundle is over
//                                               WORKER_GZIP_BUDGET (1 MB; --budget-kb N to change)
//   node tests/bench/worker-size.mjs --json     the report as JSON
//
// Cloudflare's limits on the compressed Worker: 3 MB on the free plan, 10 MB on a paid plan.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compressedSizes } from '../../widget/scripts/size-report.mjs';
import { benchTmpDir, bundleWorker } from './lib/build.mjs';

/** Our own ceiling for the gzipped Worker: a third of the free plan's 3 MB, ~8x today's size. */
export const WORKER_GZIP_BUDGET = 1024 * 1024;
/** Cloudflare's limit on the compressed Worker on the free plan. */
export const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;

/** Groups the metafile's inputs: `pkg` for node_modules/pkg, else the first two folders of the path. */
function origin(path) {
  const inModules = path.split('node_modules/');
  if (inModules.length > 1) {
    const parts = inModules.at(-1).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  // worker/src/routes/comments.ts → worker/src/routes (also from a copy of the sources elsewhere).
  const inSource = /(?:^|\/)(worker\/src\/[^/]+)/.exec(path);
  if (inSource) return inSource[1];
  const parts = path.replace(/^(\.\.\/)+/, '').split('/');
  return parts.length > 3 ? parts.slice(0, 3).join('/') : parts.join('/');
}

/**
 * Measures a bundle directory written by `wrangler deploy --dry-run --outdir DIR --metafile`:
 * index.js sizes and the bytes each package or source folder contributes to it.
 */
export async function measureBundle(dir, wranglerOutput = '') {
  const bytes = await readFile(join(dir, 'index.js'));
  const meta = JSON.parse(await readFile(join(dir, 'bundle-meta.json'), 'utf8'));
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('index.js'))?.[1];
  const byOrigin = {};
  for (const [path, input] of Object.entries(output?.inputs ?? {})) byOrigin[origin(path)] = (byOrigin[origin(path)] ?? 0) + input.bytesInOutput;
  const contributors = Object.entries(byOrigin)
    .sort((a, b) => b[1] - a[1])
    .map(([name, raw]) => ({ name, raw }));
  // Wrangler's own figure, e.g. "Total Upload: 451.26 KiB / gzip: 118.42 KiB".
  const upload = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(wranglerOutput);
  return {
    ...compressedSizes(bytes),
    wrangler: upload ? { rawKiB: Number(upload[1]), gzipKiB: Number(upload[2]) } : null,
    contributors,
    budget: { gzip: WORKER_GZIP_BUDGET, freePlanGzip: FREE_PLAN_GZIP_LIMIT },
  };
}

/** Bundles the Worker into a fresh directory and measures it. `keep` leaves the directory (else deleted). */
export async function workerSize({ outDir, keep = false } = {}) {
  const base = outDir ?? (await mkdtemp(join(await benchTmpDir(), 'worker-size-')));
  const bundleDir = join(base, 'worker');
  const emptyAssets = join(base, 'no-assets');
  await mkdir(emptyAssets, { recursive: true });
  try {
    const { output } = await bundleWorker(bundleDir, emptyAssets);
    return await measureBundle(bundleDir, output);
  } finally {
    if (!keep && !outDir) await rm(base, { recursive: true, force: true });
  }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function formatWorkerSize(size, { top = 8 } = {}) {
  const lines = [`worker bundle: ${kb(size.raw)} raw, ${kb(size.gzip)} gzip, ${kb(size.brotli)} brotli` + (size.wrangler ? ` (wrangler counts ${size.wrangler.gzipKiB} KiB gzip)` : '') + `; budget ${kb(size.budget.gzip)} gzip, free-plan limit ${kb(size.budget.freePlanGzip)} gzip`];
  const shown = size.contributors.slice(0, top).map(({ name, raw }) => `${name} ${kb(raw)}`);
  lines.push(`  largest parts (raw, before compression): ${shown.join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const budgetArg = args.indexOf('--budget-kb');
  const size = await workerSize();
  if (budgetArg >= 0) size.budget.gzip = Number(args[budgetArg + 1]) * 1024;
  console.log(args.includes('--json') ? JSON.stringify(size, null, 2) : formatWorkerSize(size));
  if (args.includes('--check') && size.gzip > size.budget.gzip) {
    console.error(`The Worker bundle is ${kb(size.gzip)} gzipped, over its budget of ${kb(size.budget.gzip)}. See which parts grew above.`);
    process.exit(1);
  }
}
