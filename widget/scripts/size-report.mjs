#!/usr/bin/env node
// Reports, after every build, what Parley costs a host page: widget.js (its CSS is inlined, Preact
// included) raw, gzip and brotli, every file the widget loads lazily (translations in
// dist/i18n/*.json, widget-extra.js), and the total a first paint downloads; and where widget.js's
// bytes come from (Preact, the CSS, each module), from its source map. (Lazy files include the
// Follow box's widget-follow.js and its translations, widget-follow/LANG.js.) Fails the build when
// widget.js passes its gzip limit, 11 KB (11,264 B). The demo page's own files (copied from demo/) are not the
// widget's and are not counted.
//
//   node widget/scripts/size-report.mjs [DIST_DIR] [--json]
//   node widget/scripts/size-report.mjs --update-docs   also rewrites the generated section of docs/BENCHMARKS.md
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode } from '@jridgewell/sourcemap-codec';

/** Issue 14's goal for widget.js (JS + CSS + Preact, every current feature), gzipped: 11 KB. */
export const WIDGET_GZIP_TARGET = 11 * 1024;
/** The hard limit for widget.js, gzipped: the build fails above it. It is the goal itself (11,264 B). */
export const WIDGET_GZIP_BUDGET = WIDGET_GZIP_TARGET;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'widget.js';
/** Files that configure how dist/ is served (Workers static assets) and are never downloaded, and source maps. */
const CONFIG_FILES = /^(_headers|_redirects|_routes\.json|\.assetsignore)$|\.map$/;

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

/** What a source of widget.js is called in the report: Preact, the CSS, or its path under widget/src. */
function partName(source) {
  if (/node_modules\/preact\//.test(source)) return 'Preact';
  const inWidget = /widget\/src\/(.+)$/.exec(source);
  if (inWidget) return inWidget[1];
  const inRepo = /\.\.\/(worker\/src\/.+)$/.exec(source);
  return inRepo ? inRepo[1] : source;
}

/**
 * Where the inlined stylesheet sits in the minified code, quotes included: the string literal
 * that holds `:host{` (whichever quotes the minifier chose: it turns the template literal vite
 * writes into a plain string), or null. Its bytes map to no source.
 */
export function stylesheetSpan(code) {
  const at = code.indexOf(':host{');
  if (at < 0) return null;
  const escaped = (index) => {
    let backslashes = 0;
    while (code[index - 1 - backslashes] === '\\') backslashes++;
    return backslashes % 2 === 1;
  };
  let start = at;
  while (start > 0 && !(`"'\``.includes(code[start - 1]) && !escaped(start - 1))) start--;
  const quote = code[start - 1];
  let end = at;
  while (end < code.length && !(code[end] === quote && !escaped(end))) end++;
  return start > 0 && end < code.length ? { start: start - 1, end: end + 1 } : null;
}

/**
 * Where widget.js's bytes come from: each byte of the minified file belongs to the module its
 * source map names (the inlined stylesheet, which it maps to no module, is found by its text:
 * {@link stylesheetSpan}; the rest, the bundle's own glue). Gzip bytes are attributed in file order: each run of bytes
 * is charged what it adds to the gzip of everything before it, so the figures add up to the
 * file's gzip size. Gzip shares what it has seen: a module late in the file costs less than it
 * would alone (Preact, first, gets no such help).
 */
export function attributeBytes(code, map) {
  const owner = new Array(code.length).fill('(bundle glue)');
  let offset = 0;
  const lines = code.split('\n');
  decode(map.mappings).forEach((segments, line) => {
    const length = lines[line].length;
    segments.forEach((segment, index) => {
      const end = index + 1 < segments.length ? segments[index + 1][0] : length;
      if (segment.length > 1) for (let column = segment[0]; column < end; column++) owner[offset + column] = partName(map.sources[segment[1]]);
    });
    offset += length + 1;
  });
  const css = stylesheetSpan(code);
  if (css) owner.fill('styles/widget.css', css.start, css.end);
  const parts = new Map();
  let start = 0;
  let before = gzipSync('', { level: 9 }).length;
  for (let index = 1; index <= code.length; index++) {
    if (index < code.length && owner[index] === owner[start]) continue;
    const gzip = gzipSync(code.slice(0, index), { level: 9 }).length;
    const part = parts.get(owner[start]) ?? { name: owner[start], raw: 0, gzip: 0 };
    part.raw += index - start;
    part.gzip += gzip - before;
    parts.set(part.name, part);
    [start, before] = [index, gzip];
  }
  return [...parts.values()].sort((a, b) => b.gzip - a.gzip);
}

/**
 * Measures a built dist directory. Every file is one of:
 * - `entry`: widget.js, loaded by the page's script tag;
 * - `locale`: a translation (i18n/*.json), loaded before the first paint on a page in that language;
 * - `lazy`: any other file of the widget (widget-extra.js), loaded only when needed;
 * - `demo`: the demo page's own files (the same path exists in demo/, which vite copies), not the widget's;
 * - `config`: `_headers` and the like (how static assets are served; never downloaded), source maps.
 * - `dashboard`: the dashboard's own scripts (admin/…, e.g. the passkey ceremony), never loaded by the widget.
 *
 * `firstPaint` is what the widget downloads before it can show a thread, besides the API's
 * answer: widget.js, plus one translation when the page is not in English (the largest is
 * counted, as the worst case). `parts` is where widget.js's bytes come from ({@link attributeBytes}).
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
  const mapPath = join(distDir, `${ENTRY}.map`);
  const parts = existsSync(mapPath) ? attributeBytes(readFileSync(join(distDir, ENTRY), 'utf8'), JSON.parse(readFileSync(mapPath, 'utf8'))) : null;
  const locales = files.filter((file) => file.kind === 'locale');
  const largestLocale = locales.reduce((max, file) => (!max || file.gzip > max.gzip ? file : max), null);
  const sum = (list) => ({ raw: list.reduce((n, f) => n + f.raw, 0), gzip: list.reduce((n, f) => n + f.gzip, 0), brotli: list.reduce((n, f) => n + f.brotli, 0) });
  return {
    budget: { file: ENTRY, gzip: WIDGET_GZIP_BUDGET, over: Math.max(0, entry.gzip - WIDGET_GZIP_BUDGET), target: WIDGET_GZIP_TARGET, overTarget: Math.max(0, entry.gzip - WIDGET_GZIP_TARGET) },
    files,
    parts,
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
  lines.push(`widget.js: ${sizes(entry)} (${entry.gzip} B gzip; hard limit ${report.budget.gzip} B, ${left >= 0 ? `${left} B left` : `${-left} B over`})`);
  if (report.parts) lines.push(`  from: ${report.parts.map((part) => `${part.name} ${part.gzip}`).join(', ')} (B gzip)`);
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

/** Markers of the generated section in docs/BENCHMARKS.md. */
const DOCS_START = '<!-- widget-size:start (generated by `node widget/scripts/size-report.mjs --update-docs`; do not edit) -->';
const DOCS_END = '<!-- widget-size:end -->';

/** Where widget.js's bytes go, as a Markdown table (docs/BENCHMARKS.md). */
export function sizeMarkdown(report) {
  const entry = report.files.find((file) => file.kind === 'entry');
  const extra = report.files.find((file) => file.name === 'widget-extra.js');
  const follow = report.files.find((file) => file.name === 'widget-follow.js');
  const followWords = report.files.filter((file) => file.name.startsWith('widget-follow/'));
  const rows = report.parts.map((part) => `| ${part.name === 'Preact' || part.name.startsWith('(') ? part.name : `\`${part.name}\``} | ${part.raw.toLocaleString('en')} | ${part.gzip.toLocaleString('en')} | ${((part.gzip / entry.gzip) * 100).toFixed(1)}% |`);
  return [
    `widget.js is **${entry.gzip.toLocaleString('en')} B gzip** (${entry.raw.toLocaleString('en')} B raw, ${entry.brotli.toLocaleString('en')} B brotli): the build's hard limit is 11 KB (${report.budget.gzip.toLocaleString('en')} B), ${report.budget.over ? `passed by ${report.budget.over.toLocaleString('en')} B` : `${(report.budget.gzip - entry.gzip).toLocaleString('en')} B left`}.${extra ? ` widget-extra.js, loaded on first use (the comment form, everything that writes, and the features only some readers use), is ${extra.gzip.toLocaleString('en')} B gzip.` : ''}${follow ? ` widget-follow.js, the Follow box (only on pages with \`[data-parley-follow]\`: its code, stylesheet and English), is ${follow.gzip.toLocaleString('en')} B gzip${followWords.length ? `, plus ${Math.min(...followWords.map((file) => file.gzip))}–${Math.max(...followWords.map((file) => file.gzip))} B for its words in another language (\`widget-follow/LANG.js\`)` : ''}.` : ''}`,
    '',
    '| part of widget.js | raw B | gzip B | of the gzip |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Gzip bytes are charged in file order (each part pays what it adds to the gzip of everything before it), so they add up to the file; a part late in the file costs less than it would alone.',
  ].join('\n');
}

/** Rewrites the generated section of `docsPath` with {@link sizeMarkdown}. */
export function updateDocs(report, docsPath = join(ROOT, 'docs', 'BENCHMARKS.md')) {
  const docs = readFileSync(docsPath, 'utf8');
  const start = docs.indexOf(DOCS_START);
  const end = docs.indexOf(DOCS_END);
  if (start < 0 || end < start) throw new Error(`${docsPath} has no generated section (${DOCS_START} … ${DOCS_END})`);
  writeFileSync(docsPath, `${docs.slice(0, start + DOCS_START.length)}\n${sizeMarkdown(report)}\n${docs.slice(end)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const dir = args.find((arg) => !arg.startsWith('--'));
  const report = sizeReport(dir ? resolve(dir) : undefined);
  console.log(args.includes('--json') ? JSON.stringify(report, null, 2) : formatSizeReport(report));
  if (args.includes('--update-docs')) updateDocs(report);
  if (report.budget.over > 0) {
    console.error(`widget.js is over its size budget by ${report.budget.over} B gzipped.`);
    process.exit(1);
  }
}
