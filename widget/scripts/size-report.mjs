#!/usr/bin/env node
// Reports, after every build, what Parley costs a host page: widget.js (its CSS is inlined, Preact
// included) raw, gzip and brotli, every file the widget loads lazily (translations in
// dist/i18n/*.json, any code-split chunk), and the total a first paint downloads. Fails the build
// when widget.js passes its gzip budget. The demo page's own files (copied from demo/) are not
// the widget's and are not counted.
//
//   node widget/scripts/size-report.mjs [DIST_DIR] [--json]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Budget for widget.js (JS + CSS + Preact), gzipped. */
export const WIDGET_GZIP_BUDGET = 12 * 1024;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'widget.js';
/** Files that configure how dist/ is served (Workers static assets) and are never downloaded, and source maps. */
const CONFIG_FILES = /^(_headers|_redirects|_routes\.json)$|\.map$/;

/** Sizes of one file's bytes: raw, gzip -9 and brotli -11 (what a CDN serves at best). */
export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * Measures a built dist directory. Every file is one of:
 * - `entry`: widget.js, loaded by the page's script tag;
 * - `locale`: a translation (i18n/*.json), loaded before the first paint on a page in that language;
 * - `lazy`: any other file of the widget (a code-split chunk…), loaded only when needed;
 * - `demo`: the demo page's own files (the same path exists in demo/, which vite copies), not the widget's;
 * - `config`: `_headers` and the like (how static assets are served; never downloaded), source maps.
 * - `dashboard`: the dashboard's own scripts (admin/…, e.g. the passkey ceremony), never loaded by the widget.
 *
 * `firstPaint` is what the widget downloads before it can show a thread, besides the API's
 * answer: widget.js, plus one translation when the page is not in English (the largest is
 * counted, as the worst case).
 */
export function sizeReport(distDir = join(ROOT, 'dist'), demoDir = join(ROOT, 'demo')) {
  const files = listFiles(distDir)
    .map((path) => {
      const name = relative(distDir, path).split(sep).join('/');
      const kind =
        name === ENTRY ? 'entry' : /^i18n\/[^/]+\.json$/.test(name) ? 'locale' : CONFIG_FILES.test(name) ? 'config' : name.startsWith('admin/') ? 'dashboard' : existsSync(join(demoDir, name)) ? 'demo' : 'lazy';
      return { name, kind, ...compressedSizes(readFileSync(path)) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const entry = files.find((file) => file.kind === 'entry');
  if (!entry) throw new Error(`${join(distDir, ENTRY)} is missing: build the widget first.`);
  const locales = files.filter((file) => file.kind === 'locale');
  const largestLocale = locales.reduce((max, file) => (!max || file.gzip > max.gzip ? file : max), null);
  const sum = (list) => ({ raw: list.reduce((n, f) => n + f.raw, 0), gzip: list.reduce((n, f) => n + f.gzip, 0), brotli: list.reduce((n, f) => n + f.brotli, 0) });
  return {
    budget: { file: ENTRY, gzip: WIDGET_GZIP_BUDGET, over: Math.max(0, entry.gzip - WIDGET_GZIP_BUDGET) },
    files,
    firstPaint: {
      english: { files: [ENTRY], ...sum([entry]) },
      translated: largestLocale ? { files: [ENTRY, largestLocale.name], ...sum([entry, largestLocale]) } : null,
    },
    lazyTotal: sum(files.filter((file) => file.kind === 'lazy' || file.kind === 'locale')),
  };
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const sizes = (s) => `${kb(s.raw)} raw, ${kb(s.gzip)} gzip, ${kb(s.brotli)} brotli`;

/** The report as printed after a build. */
export function formatSizeReport(report) {
  const lines = [];
  const entry = report.files.find((file) => file.kind === 'entry');
  const left = report.budget.gzip - entry.gzip;
  lines.push(`widget.js: ${sizes(entry)} (budget ${kb(report.budget.gzip)} gzip, ${left >= 0 ? `${left} B left` : `${-left} B over`})`);
  const lazy = report.files.filter((file) => file.kind === 'locale' || file.kind === 'lazy');
  for (const file of lazy) lines.push(`  ${file.kind === 'locale' ? 'translation' : 'lazy'} ${file.name}: ${sizes(file)}`);
  if (lazy.length > 1) lines.push(`  all lazily loaded files: ${sizes(report.lazyTotal)}`);
  const { english, translated } = report.firstPaint;
  lines.push(`first paint downloads ${kb(english.gzip)} gzip / ${kb(english.brotli)} brotli (widget.js) + the thread's first page from the API`);
  if (translated) lines.push(`  on a page in another language: ${kb(translated.gzip)} gzip / ${kb(translated.brotli)} brotli (+ ${translated.files[1]}, the largest translation)`);
  const demo = report.files.filter((file) => file.kind === 'demo');
  const config = report.files.filter((file) => file.kind === 'config');
  if (demo.length || config.length) {
    lines.push(`  (not counted: ${[demo.length ? `the demo page's own ${demo.map((file) => file.name).join(', ')}` : '', config.length ? `never downloaded ${config.map((file) => file.name).join(', ')}` : ''].filter(Boolean).join('; ')})`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const dir = args.find((arg) => !arg.startsWith('--'));
  const report = sizeReport(dir ? resolve(dir) : undefined);
  console.log(args.includes('--json') ? JSON.stringify(report, null, 2) : formatSizeReport(report));
  if (report.budget.over > 0) {
    console.error(`widget.js is over its size budget by ${kb(report.budget.over)} gzipped.`);
    process.exit(1);
  }
}
