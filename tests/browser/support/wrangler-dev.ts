import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT, projectTmpDir } from './tmp-dir';
import { devSecretVars } from '../../../worker/scripts/lib/dev-secrets.mjs';

/** A `wrangler dev` serving the built demo page, widget.js, the API and the dashboard. */
export interface WranglerDev {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  port: number;
  /** The random ADMIN_TOKEN this server was started with. */
  adminToken: string;
  /** Everything wrangler (and workerd) printed so far. */
  log(): string;
  /** Stops wrangler and every process it started, then deletes its KV state. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartWranglerDevOptions {
  /** How long to wait for the API to answer. Default 90 s (the first start bundles the Worker). */
  readyTimeoutMs?: number;
  /** Extra `--var NAME:value` pairs (ADMIN_TOKEN is always set). */
  vars?: Record<string, string>;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe server'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

const MAX_LOG_CHARS = 200_000;

/** Whether any process is left in the process group led by `pid`. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForGroupExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return true;
    await sleep(100);
  }
  return !groupAlive(pid);
}

/**
 * Starts `node_modules/.bin/wrangler dev` on a free port of 127.0.0.1 with a fresh, empty
 * KV store (its own `--persist-to` directory, never `.wrangler/state`) and a random admin
 * token, and waits until `GET /api/comments?site=demo&thread=/` answers 200.
 *
 * Wrangler runs in its own process group, so `stop()` ends workerd too.
 * Needs `dist/` built (`npm run build`); `npm test` builds before running the tests.
 *
 * @example
 * const server = await startWranglerDev();
 * try { await fetch(`${server.origin}/api/comments?site=demo&thread=/`); } finally { await server.stop(); }
 */
export async function startWranglerDev(options: StartWranglerDevOptions = {}): Promise<WranglerDev> {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'widget.js'))) {
    throw new Error('dist/widget.js is missing: run `npm run build` first (`npm test` builds before running the tests).');
  }
  const wrangler = join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');
  if (!existsSync(wrangler)) throw new Error(`${wrangler} is missing: run \`npm ci\` first.`);

  const workDir = await mkdtemp(join(await projectTmpDir(), 'wrangler-'));
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
    '--var', `ADMIN_TOKEN:${adminToken}`,
    ...devSecretVars(PROJECT_ROOT),
  ];
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };

  const child: ChildProcess = spawn(wrangler, args, {
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
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
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
  // If the test runner goes away without calling stop(), take workerd with it.
  const onExit = () => {
    if (pid) killGroup(pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      if (pid) {
        killGroup(pid, 'SIGTERM');
        if (!(await waitForGroupExit(pid, 5_000))) {
          killGroup(pid, 'SIGKILL');
          await waitForGroupExit(pid, 5_000);
        }
      }
      await Promise.race([exit, sleep(2_000)]);
      await rm(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
    })();
    return stopped;
  };

  const server: WranglerDev = { origin, port, adminToken, log: () => output, stop };
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const deadline = Date.now() + readyTimeoutMs;
  const probe = `${origin}/api/comments?site=demo&thread=%2F`;
  let lastProblem = 'no answer yet';
  try {
    while (true) {
      if (exited) {
        throw new Error(`wrangler dev exited (code ${exited.code}, signal ${exited.signal}) before it answered.\n--- wrangler log ---\n${output}`);
      }
      try {
        const response = await fetch(probe, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) {
          await response.arrayBuffer();
          return server;
        }
        lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`wrangler dev did not answer GET ${probe} with 200 within ${readyTimeoutMs} ms (last: ${lastProblem}).\n--- wrangler log ---\n${output}`);
      }
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
