#!/usr/bin/env node
/*
 * Takes the README's screenshots of the widget: docs/screenshots/widget-light.png and
 * widget-dark.png. Run it after `npm run build`:
 *
 *   node tests/browser/screenshots/take.mjs
 *
 * It is a plain Node script (not part of `npm test`) that reuses the browser tests' harness
 * (tests/browser/support/, TypeScript, loaded through Vite's module runner): it starts its own
 * `wrangler dev` with an empty KV store, seeds a believable thread, opens the demo page in
 * headless Chromium and crops each picture to the widget. See take.ts.
 */
import { runnerImport } from 'vite';

const { module } = await runnerImport(new URL('./take.ts', import.meta.url).pathname);
try {
  await module.takeScreenshots();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
