// The one way Parley starts `wrangler dev`: for `npm start`, the import CLI's temporary server,
// the browser and widget tests, and the benchmarks. Types: ./wrangler-dev.d.mts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { devSecretVars } from './dev-secrets.mjs';
import { freePort, killGroupOnExit, onAbnormalExit, portAnswers, stopGroup } from './process-group.mjs';

/** The repository's root directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Logs kept for `log()` (the tail, in characters). */
const MAX_LOG_CHARS = 200_000;

/**
 * Environment for a `wrangler dev` that works offline and says nothing it need not: no
 * metrics, no banner, no request to Cloudflare for `request.cf`, its own config directory
 * (never the user's ~/.config/.wrangler), no colours in captured output.
 */
export function offlineEnv(xdgConfigHome, { colour = false } = {}) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    XDG_CONFIG_HOME: xdgConfigHome,
    ...(colour ? {} : { NO_COLOR: '1', FORCE_COLOR: '0' }),
  };
}

/** The default readiness check: the demo site's home thread answers 200. */
export async function demoThreadAnswers(origin) {
  const response = await fetch(`${origin}/api/comments?site=demo&thread=%2F`, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  if (response.status === 200) return true;
  // An answer that is not 200 is worth waiting on only while wrangler is still reloading.
  if (response.status >= 500) return false;
  throw new Error(`GET /api/comments?site=demo&thread=/ answered ${response.status}`);
}

/**
 * Starts `node_modules/.bin/wrangler dev` in its own process group and waits until it answers.
 *
 * By default: on a free port of 127.0.0.1 (and a free inspector port, so several can run at
 * once), with a fresh KV store in a throwaway directory (`persistTo` keeps one instead), a random
 * admin token, `--log-level warn`, its output captured for `log()`. `vars` become
 * `--var NAME:value` (any number: RATE_LIMIT, SITES, secrets generated for development…).
 * `stop()` stops wrangler and workerd together and deletes the throwaway directory; both also
 * happen if this process exits first.
 *
 * @param {import('./wrangler-dev.d.mts').StartWranglerDevOptions} [options]
 * @returns {Promise<import('./wrangler-dev.d.mts').WranglerDev>}
 *
 * @example
 * const server = await startWranglerDev({ vars: { RATE_LIMIT: '0' } });
 * try { await fetch(`${server.origin}/api/comments?site=demo&thread=/`); } finally { await server.stop(); }
 */
export async function startWranglerDev(options = {}) {
  // A free port is found by binding port 0 and letting it go; something else (an outgoing
  // connection, another test's server) can take it before wrangler binds it. Ports chosen here
  // are chosen again, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const ownPorts = options.port === undefined && options.inspectorPort === undefined;
      if (!ownPorts || attempt >= 3 || !/Address already in use/i.test(String(error?.message))) throw error;
    }
  }
}

/** One attempt of {@link startWranglerDev}. */
async function startOnce(options) {
  const {
    root = PROJECT_ROOT,
    configPath,
    ip = '127.0.0.1',
    vars = {},
    logLevel = 'warn',
    output = 'capture',
    args: extraArgs = [],
    ready = demoThreadAnswers,
    readyTimeoutMs = 90_000,
    needsDist = !configPath,
  } = options;
  const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
  if (!existsSync(wrangler)) throw new Error(`${wrangler} is missing: run \`npm ci\` first.`);
  if (needsDist && !existsSync(join(root, 'dist', 'widget.js'))) throw new Error('dist/widget.js is missing: run `npm run build` first (`npm test` and `npm start` build before starting).');
  // A port the caller chose (npm start's 8787) may be another server's, even a Parley already
  // running: its answers would pass the readiness check below before wrangler gave up on the port.
  if (options.port !== undefined && (await portAnswers(options.port, ip ?? 'localhost'))) {
    throw new Error(`Port ${options.port} is in use: another server (Parley already running?) answers on it. Stop that server or choose another port.`);
  }
  const started = performance.now();

  // A throwaway directory for the KV state and wrangler's config, unless the state is kept.
  const tmpRoot = options.tmpDir ?? join(root, '.tmp', 'wrangler-dev');
  let workDir = null;
  if (!options.persistTo) {
    mkdirSync(tmpRoot, { recursive: true });
    workDir = await mkdtemp(join(tmpRoot, 'run-'));
  }
  const persistTo = options.persistTo ?? join(workDir, 'state');
  const xdg = workDir ? join(workDir, 'xdg') : join(root, '.wrangler', 'xdg');
  mkdirSync(persistTo, { recursive: true });
  mkdirSync(xdg, { recursive: true });
  const forgetWorkDir = workDir ? onAbnormalExit(() => rmSync(workDir, { recursive: true, force: true })) : () => {};

  const port = options.port ?? (await freePort());
  const inspectorPort = options.inspectorPort ?? (await freePort());
  const adminToken = options.adminToken ?? randomBytes(24).toString('hex');
  const origin = `http://${ip ?? 'localhost'}:${port}`;
  const args = ['dev', '--port', String(port), '--inspector-port', String(inspectorPort), '--persist-to', persistTo, '--show-interactive-dev-session=false', '--log-level', logLevel];
  if (ip) args.push('--ip', ip);
  if (configPath) args.push('--config', configPath);
  // Parley needs its secrets (it never falls back to a public key): the checkout's development
  // HASH_KEY and LINK_SIGNING_KEY (./dev-secrets.mjs), unless `vars` gives others.
  args.push(...devSecretVars(root, process.env, Object.keys(vars)));
  for (const [name, value] of Object.entries({ ADMIN_TOKEN: adminToken, ...vars })) args.push('--var', `${name}:${value}`);
  args.push(...extraArgs);

  let log = '';
  const append = (chunk) => {
    log += chunk.toString();
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
  };
  const captured = output === 'capture';
  const child = spawn(wrangler, args, {
    cwd: root,
    // Its own process group: stop() ends workerd too, and Ctrl-C in a terminal reaches only us.
    detached: true,
    stdio: ['ignore', captured ? 'pipe' : 'inherit', captured ? 'pipe' : 'inherit'],
    env: offlineEnv(xdg, { colour: !captured }),
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitStatus = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve((exitStatus ??= { code, signal })));
    child.once('error', (error) => {
      append(`\n[spawn error] ${error.message}\n`);
      resolve((exitStatus ??= { code: null, signal: null }));
    });
  });
  const pid = child.pid;
  const forgetGroup = pid ? killGroupOnExit(pid) : () => {};

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (pid) await stopGroup(pid);
      forgetGroup();
      await Promise.race([exited, sleep(2_000)]);
      if (workDir) await rm(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
      forgetWorkDir();
    })());

  const server = { origin, port, inspectorPort, adminToken, pid, persistTo, configPath, startupMs: 0, log: () => log, exited, stop };
  const deadline = Date.now() + readyTimeoutMs;
  let lastProblem = 'no answer yet';
  try {
    for (;;) {
      if (exitStatus) throw new Error(`wrangler dev exited (code ${exitStatus.code}, signal ${exitStatus.signal}) before it answered.${captured ? `\n--- wrangler log ---\n${log}` : ''}`);
      try {
        if (await ready(origin)) {
          server.startupMs = performance.now() - started;
          return server;
        }
        lastProblem = 'not ready yet';
      } catch (error) {
        // Refused connections mean "not listening yet"; anything else the check throws ends the wait.
        if (!(error instanceof TypeError) && error?.name !== 'TimeoutError') throw error;
        lastProblem = error.cause?.code ?? error.message;
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev on ${origin} was not ready within ${readyTimeoutMs} ms (last: ${lastProblem}).${captured ? `\n--- wrangler log ---\n${log}` : ''}`);
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
