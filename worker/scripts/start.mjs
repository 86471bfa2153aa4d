#!/usr/bin/env node
// `npm start`: serves the demo page, widget.js, the API and the dashboard with `wrangler dev`
// on http://localhost:8787, with local KV persisted on disk in .wrangler/state (it survives
// restarts). Reads PORT, ADMIN_TOKEN, RATE_LIMIT and PARLEY_LOG from the environment;
// `npm start -- --log-level info` (or PARLEY_LOG=info) shows every request.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEV_ADMIN_TOKEN } from './lib/local-worker.mjs';
import { PROJECT_ROOT, startWranglerDev } from './lib/wrangler-dev.mjs';

/** wrangler's log levels, quietest last. */
const LOG_LEVELS = ['debug', 'info', 'log', 'warn', 'error', 'none'];

/**
 * How `npm start` runs `wrangler dev` (the benchmarks measure this same configuration): quiet
 * (`--log-level warn`: wrangler logs every request at `info`, which costs each request a third
 * of its time) unless PARLEY_LOG or `--log-level` asks for more.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {string[]} argv the arguments after `npm start --`
 * @returns {import('./lib/wrangler-dev.d.mts').StartWranglerDevOptions}
 */
export function startOptions(env = process.env, argv = []) {
  const flag = argv.indexOf('--log-level');
  const logLevel = (flag >= 0 ? argv[flag + 1] : env.PARLEY_LOG) || 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`Unknown log level "${logLevel}": use one of ${LOG_LEVELS.join(', ')}.`);
  const vars = {};
  if (env.RATE_LIMIT !== undefined) vars.RATE_LIMIT = env.RATE_LIMIT;
  return {
    ip: null,
    port: Number(env.PORT || 8787),
    adminToken: env.ADMIN_TOKEN || DEV_ADMIN_TOKEN,
    persistTo: join(PROJECT_ROOT, '.wrangler', 'state'),
    vars,
    logLevel,
    // `curl http://localhost:8787/__scheduled` runs the Cron Trigger's work (the reconciler, feed
    // polling, digests; see docs/following.md), which wrangler dev does not run on its own.
    args: ['--test-scheduled'],
    output: 'inherit',
  };
}

async function main() {
  const options = startOptions(process.env, process.argv.slice(2));
  let server;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Parley…');
    await server?.stop();
    process.exit(130);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, stop);
  // `npm start` runs this through `sh -c`, which does not pass on a SIGTERM sent to npm (by
  // `timeout`, a process manager, `docker stop`): left without its parent, stop too, rather than
  // keep wrangler and workerd running with nobody to stop them.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(), 1000).unref();
  console.log(`Starting Parley on http://localhost:${options.port} …`);
  // Up once the API answers at all (SITES may not have the demo site).
  server = await startWranglerDev({ ...options, ready: async (origin) => (await fetch(`${origin}/api/comments?site=demo&thread=%2F`)).status < 500 });
  const { port } = server;
  console.log(`
  Parley is running on http://localhost:${port}
    demo blog post   http://localhost:${port}/
    dashboard        http://localhost:${port}/admin
    run the cron     curl http://localhost:${port}/__scheduled   (feeds, digests, the reconciler)
    admin token      ${process.env.ADMIN_TOKEN ? '(from ADMIN_TOKEN)' : `${DEV_ADMIN_TOKEN}  (development default; set ADMIN_TOKEN to choose your own)`}
                     the owner signs in with it once (Owner: sign in with the admin token), then
                     registers a passkey under "Your account" and invites moderators under "Team"
    local KV         .wrangler/state (kept between restarts)
    logs             ${options.logLevel === 'warn' ? 'warnings and errors (PARLEY_LOG=info shows every request)' : `level ${options.logLevel}`}
  Ctrl-C stops it.
`);
  const { code, signal } = await server.exited;
  if (stopping) return;
  console.error(`wrangler dev stopped (${signal ?? `exit code ${code}`}).`);
  process.exit(code ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.message);
    const busy = /^Port (\d+) is in use/.exec(error.message);
    if (busy) console.error(`For another port: PORT=${Number(busy[1]) + 1} npm start`);
    process.exit(1);
  });
}
