// Builds what a benchmark run measures in its own directory, never in dist/: a copy of the
// sources (widget/, demo/, worker/ and the root config files) is built there, the widget with the
// project's own vite config (so everything it writes "to ../dist" lands in the copy's dist/) and
// the Worker with `wrangler deploy --dry-run` (exactly what would be uploaded). `wrangler dev`
// then serves that bundle with --no-bundle, so an edit to the sources or a `npm run build` in the
// work tree during a run changes nothing in it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../worker/scripts/lib/wrangler-dev.mjs';

/** `.tmp/bench` (gitignored): KV state, Chromium profiles and build output of a run. Created on first use. */
export async function benchTmpDir() {
  const dir = join(PROJECT_ROOT, '.tmp', 'bench');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Runs a command in the project root; resolves with its output, rejects with it on failure. */
export function run(command, args, { env = {}, cwd = PROJECT_ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

/** JSON with comments (wrangler.jsonc) to JSON: drops // and /* *\/ comments and trailing commas, minding strings. */
export function stripJsonComments(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
    } else {
      out += char;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** The project's wrangler.jsonc as an object. */
export function readWranglerConfig() {
  return JSON.parse(stripJsonComments(readFileSync(join(PROJECT_ROOT, 'wrangler.jsonc'), 'utf8')));
}

/**
 * Writes `wrangler.json` into `dir`: the project's configuration with absolute paths, the
 * assets directory `assetsDir`, and `main` (a source entry, or an already bundled file when
 * `noBundle`); without `queueConsumers`, messages are still sent to the queues but nothing
 * consumes them. Returns its path.
 */
export async function writeConfig(dir, { main, assetsDir, noBundle = false, queueConsumers = true }) {
  const config = readWranglerConfig();
  delete config.$schema;
  if (!queueConsumers && config.queues) config.queues = { ...config.queues, consumers: [] };
  config.main = main;
  config.assets = { ...config.assets, directory: assetsDir };
  if (noBundle) {
    config.no_bundle = true;
    // The bundle is one ES module; a rule keeps wrangler from looking for others.
    config.rules = [{ type: 'ESModule', globs: ['**/*.js'] }];
  }
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'wrangler.json');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

const bin = (name) => join(PROJECT_ROOT, 'node_modules', '.bin', name);

/** What a build needs from the work tree. */
const SOURCES = ['widget', 'demo', 'worker', 'package.json', 'tsconfig.json', 'wrangler.jsonc'];

/**
 * Copies the sources into `dir` (which must be inside the project, so that node_modules is found
 * by walking up from it). Returns `dir`.
 */
export async function snapshotSources(dir) {
  await mkdir(dir, { recursive: true });
  for (const name of SOURCES) {
    await cp(join(PROJECT_ROOT, name), join(dir, name), { recursive: true, filter: (source) => !/[\\/](node_modules|\.wrangler)([\\/]|$)/.test(source) });
  }
  return dir;
}

/** Builds the widget of the sources in `srcRoot` (a {@link snapshotSources} copy) into `srcRoot`/dist with its own vite config. */
export async function buildWidget(srcRoot) {
  await run(bin('vite'), ['build', '-c', join(srcRoot, 'widget', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: srcRoot });
  return join(srcRoot, 'dist');
}

/**
 * Bundles the Worker of `srcRoot` (the work tree, or a {@link snapshotSources} copy) as
 * `wrangler deploy --dry-run` does into `outDir` (index.js, its source map and esbuild's
 * metafile). The dry run reads `assetsDir` (any directory will do).
 * Returns the bundle's path and what wrangler printed.
 */
export async function bundleWorker(outDir, assetsDir, srcRoot = PROJECT_ROOT) {
  const configPath = await writeConfig(join(outDir, '..', 'worker-config'), { main: join(srcRoot, 'worker', 'src', 'index.ts'), assetsDir });
  const output = await run(bin('wrangler'), ['deploy', '--dry-run', '--config', configPath, '--outdir', outDir, '--metafile', join(outDir, 'bundle-meta.json')], {
    env: { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', XDG_CONFIG_HOME: join(outDir, '..', 'xdg') },
  });
  return { path: join(outDir, 'index.js'), output };
}
