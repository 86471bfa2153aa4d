#!/usr/bin/env node
// Reports widget.js's size (raw, gzip, brotli) after every build, and fails the build when
// the gzipped size passes the budget. The widget's CSS is inlined in widget.js, so this is
// the whole cost of Parley to a host page.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Budget for widget.js (JS + CSS + Preact), gzipped. */
export const WIDGET_GZIP_BUDGET = 12 * 1024;

const file = fileURLToPath(new URL('../../dist/widget.js', import.meta.url));
const bytes = readFileSync(file);
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`widget.js: ${kb(bytes.length)} raw, ${kb(gzip)} gzip, ${kb(brotli)} brotli (budget ${kb(WIDGET_GZIP_BUDGET)} gzip)`);
if (gzip > WIDGET_GZIP_BUDGET) {
  console.error(`widget.js is over its size budget by ${kb(gzip - WIDGET_GZIP_BUDGET)} gzipped.`);
  process.exit(1);
}
