// Starts `wrangler dev` for the benchmarks: the same approach as tests/browser/support/wrangler-dev.ts
// (own process group, free port on 127.0.0.1, fresh KV state in a throwaway directory, random admin
// token), in plain JavaScript so `node tests/bench/run.mjs` needs no TypeScript loader.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { devSecretVars } from '../../../worker/scripts/lib/dev-secrets.mjs';

/** The repository's root directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** `.tmp/bench` (gitignored): KV state, Chromium profiles and build output of a run. Created on first use. */
export async function benchTmpDir() {
  const dir = join(PROJECT_ROOT, '.tmp', 'bench');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForGroupExit(pid, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return true;
    await sleep(100);
  }
  return !groupAlive(pid);
}

/** Every process group started here, so a signal or an uncaught error still takes workerd down. */
const running = new Set();
/** Synchronous clean-ups (deleting throwaway directories) for an exit by signal or error. */
const cleanups = new Set();

/** Runs `fn` (synchronous) if the process exits before it is unregistered; returns the unregister function. */
export function onAbnormalExit(fn) {
  hookExit();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  const cleanUp = () => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
    for (const fn of cleanups) {
      try {
        fn();
      } catch {
        // Best effort.
      }
    }
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping wrangler dev and Chromium, deleting the run's files`);
      process.exit(130);
    });
  }
}

/**
 * Starts `wrangler dev` (with `configPath`, else the project's wrangler.jsonc) on a free port
 * with an empty KV store and waits until
 * `GET /api/comments?site=demo&thread=/` answers 200.
 *
 * @param {{ configPath?: string, vars?: Record<string, string>, readyTimeoutMs?: number, logLevel?: string }} options
 * @returns {Promise<{ origin: string, port: number, adminToken: string, pid: number, persistTo: string, configPath?: string, log(): string, stop(): Promise<void>, startupMs: number }>}
 */
export async function startWranglerDev(options = {}) {
  if (!options.configPath && !existsSync(join(PROJECT_ROOT, 'dist', 'widget.js'))) throw new Error('dist/widget.js is missing: run `npm run build` first.');
  const wrangler = join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');
  if (!existsSync(wrangler)) throw new Error(`${wrangler} is missing: run \`npm ci\` first.`);
  hookExit();

  const started = performance.now();
  const workDir = await mkdtemp(join(await benchTmpDir(), 'wrangler-'));
  const persistTo = join(workDir, 'state');
  const xdg = join(workDir, 'xdg');
  await Promise.all([mkdir(persistTo), mkdir(xdg)]);
  const port = await freePort();
  const inspectorPort = await freePort();
  const adminToken = randomBytes(24).toString('hex');
  const origin = `http://127.0.0.1:${port}`;

  const args = [
    'dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--inspector-port', String(inspectorPort),
    '--persist-to', persistTo,
    '--show-interactive-dev-session=false',
    // Request logging goes through wrangler's Node process: keep it out of the measurements.
    '--log-level', options.logLevel ?? 'warn',
    '--var', `ADMIN_TOKEN:${adminToken}`,
    ...devSecretVars(PROJECT_ROOT),
  ];
  if (options.configPath) args.push('--config', options.configPath);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);

  let output = '';
  const append = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-200_000);
  };
  const child = spawn(wrangler, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      XDG_CONFIG_HOME: xdg,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      append(Buffer.from(`\n[spawn error] ${error.message}\n`));
      exited ??= { code: null, signal: null };
      resolve();
    });
  });
  const pid = child.pid;
  if (pid) running.add(pid);
  const forget = onAbnormalExit(() => rmSync(workDir, { recursive: true, force: true }));

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (pid) {
        killGroup(pid, 'SIGTERM');
        if (!(await waitForGroupExit(pid, 5_000))) {
          killGroup(pid, 'SIGKILL');
          await waitForGroupExit(pid, 5_000);
        }
        running.delete(pid);
      }
      await Promise.race([exit, sleep(2_000)]);
      await rm(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
      forget();
    })();
    return stopped;
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const deadline = Date.now() + readyTimeoutMs;
  const probe = `${origin}/api/comments?site=demo&thread=%2F`;
  let lastProblem = 'no answer yet';
  try {
    while (true) {
      if (exited) throw new Error(`wrangler dev exited (code ${exited.code}, signal ${exited.signal}) before it answered.\n--- wrangler log ---\n${output}`);
      try {
        const response = await fetch(probe, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) {
          await response.arrayBuffer();
          return { origin, port, inspectorPort, adminToken, pid, persistTo, configPath: options.configPath, log: () => output, stop, startupMs: performance.now() - started };
        }
        lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`;
      } catch (error) {
        lastProblem = error.message;
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer ${probe} within ${readyTimeoutMs} ms (last: ${lastProblem}).\n--- wrangler log ---\n${output}`);
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** CPU time (ms) used so far by wrangler and workerd (every process of the group), or null without Linux /proc. */
export function serverCpuMs(server) {
  return existsSync('/proc/self/stat') ? groupCpuMs(server.pid) : null;
}

/** CPU time (ms) used so far by every process in the process group `pgid` (Linux /proc). */
/**
 * CPU time (ms) used so far by the workerd processes of a server's process group alone: the
 * runtime running the Worker, its Durable Objects and the local KV and storage simulators,
 * without wrangler's Node.js proxy in front of it. Null where /proc is missing.
 */
export function workerdCpuMs(server) {
  return existsSync('/proc/self/stat') ? groupCpuMs(server.pid, (comm) => comm.includes('workerd')) : null;
}

function groupCpuMs(pgid, only = () => true) {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[2] is pgrp; [11] utime and [12] stime, in clock ticks (100 per second on Linux).
      if (Number(fields[2]) === pgid && only(comm)) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended.
    }
  }
  return ticks * 10;
}

/**
 * Waits until wrangler and workerd are idle (under `threshold` of one core for three
 * half-second samples in a row), at most `maxMs`. Returns how long it waited, or null where
 * /proc cannot be read.
 */
export async function waitUntilIdle(server, { threshold = 0.1, maxMs = 120_000 } = {}) {
  if (!existsSync('/proc/self/stat')) return null;
  const started = performance.now();
  let quiet = 0;
  let last = groupCpuMs(server.pid);
  while (quiet < 3 && performance.now() - started < maxMs) {
    await sleep(500);
    const now = groupCpuMs(server.pid);
    quiet = (now - last) / 500 < threshold ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - started;
}
