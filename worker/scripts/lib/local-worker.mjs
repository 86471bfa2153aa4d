// Finds the Parley server that `npm start` runs, or starts a temporary one on the same local KV
// state (`wrangler dev --persist-to .wrangler/state`), so the import CLI writes exactly where
// the local server reads.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devSecretVars } from './dev-secrets.mjs';

/** The development token `npm start` uses when ADMIN_TOKEN is not set (worker/scripts/start.mjs). */
export const DEV_ADMIN_TOKEN = 'parley-dev-token';

/**
 * Asks a server whether it is Parley, takes this token, and has this site: an empty import
 * (it checks all three and writes nothing).
 */
export async function probe(origin, token, site) {
  try {
    const response = await fetch(`${origin}/api/admin/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'wordpress', site, comments: [] }),
      signal: AbortSignal.timeout(3000),
    });
    const body = await response.text();
    let error;
    try {
      error = JSON.parse(body).error;
    } catch {
      // Not JSON: not Parley.
    }
    return { reachable: true, status: response.status, error };
  } catch {
    return { reachable: false };
  }
}

/** Explains a probe that did not answer 200. */
export function probeProblem(origin, result, site) {
  if (result.status === 401) return `${origin} refused the admin token (${result.error?.message ?? 'unauthorized'}). Pass --token, or set ADMIN_TOKEN.`;
  if (result.status === 404 && result.error?.code === 'unknown_site') return `${origin} has no site "${site}". Add it in the dashboard (${origin}/admin/sites) or in SITES (wrangler.jsonc, see docs/configuration.md) first.`;
  return `${origin} did not answer like a Parley server (HTTP ${result.status}).`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `wrangler dev` on a free port of 127.0.0.1 with `--persist-to <persistTo>`, and waits
 * until it answers. Returns `{ origin, token, stop }`. It gets the admin token `npm start` uses
 * (ADMIN_TOKEN, else the development token) and the same development HASH_KEY and
 * LINK_SIGNING_KEY (./dev-secrets.mjs), so what is imported now matches what `npm start` serves.
 */
export async function startTemporaryWorker({ root, persistTo, site, token = process.env.ADMIN_TOKEN || DEV_ADMIN_TOKEN, log = () => {} }) {
  const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
  if (!existsSync(wrangler)) throw new Error(`${wrangler} is missing: run \`npm ci\` first.`);
  // wrangler dev serves dist/ as static assets and refuses to start without the folder.
  mkdirSync(join(root, 'dist'), { recursive: true });
  const xdg = join(root, '.wrangler', 'xdg');
  mkdirSync(xdg, { recursive: true });
  mkdirSync(persistTo, { recursive: true });
  const port = await freePort();
  const inspectorPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--persist-to', persistTo, '--show-interactive-dev-session=false', '--var', `ADMIN_TOKEN:${token}`, ...devSecretVars(root)];
  let output = '';
  const child = spawn(wrangler, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false', XDG_CONFIG_HOME: xdg, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const append = (chunk) => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    kill('SIGTERM');
    for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
    if (exited === null) kill('SIGKILL');
  };

  log(`Starting a temporary local Parley on ${origin} (KV state: ${persistTo})…`);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== null) throw new Error(`wrangler dev exited (code ${exited}) before it answered.\n${output}`);
    const result = await probe(origin, token, site);
    if (result.reachable && result.status === 200) return { origin, token, stop };
    if (result.reachable && result.status !== 200) {
      await stop();
      throw new Error(probeProblem(origin, result, site));
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 90 s.\n${output}`);
    }
    await sleep(250);
  }
}
