#!/usr/bin/env node
// `node tests/bench/storage.mjs [--project DIR] [--label NAME]`: the storage cases alone (also a
// part of `npm run bench`), against `wrangler dev` of a project's sources: this one by default,
// or another checkout (e.g. an earlier release, to compare). Writes
// tests/bench/results/storage-NAME.json and prints a summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, startWranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { storageCases } from './lib/storage.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const project = resolve(option('project', PROJECT_ROOT));
const label = option('label', 'current');

const server = await startWranglerDev({ configPath: join(project, 'wrangler.jsonc'), vars: { RATE_LIMIT: '0' } });
let rows;
try {
  console.log(`wrangler dev of ${project} on ${server.origin}`);
  rows = await storageCases(server, { log: console.log });
} finally {
  await server.stop();
}
const out = join(PROJECT_ROOT, 'tests', 'bench', 'results');
await mkdir(out, { recursive: true });
await writeFile(join(out, `storage-${label}.json`), `${JSON.stringify({ label, project, measuredAt: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`results in tests/bench/results/storage-${label}.json`);
