// Where a command-line tool (`npm run import`, `npm run announce`) sends its requests: a deployed
// Worker (--remote URL, with --token or ADMIN_TOKEN), the running local server (`npm start`, or
// --url), or else a temporary local one started on the same KV state (--persist-to, by default
// .wrangler/state), so what the tool writes is what `npm start` serves.
import { join, resolve } from 'node:path';
import { DEV_ADMIN_TOKEN, probe, probeProblem, startTemporaryWorker } from './local-worker.mjs';

/**
 * Connects to a Parley server that takes the admin token and has the site.
 * Returns `{ origin, token, where, stop }`; `stop` ends a temporary server (and does nothing otherwise).
 */
export async function connect(options, { root, say = () => {} }) {
  if (options.remote) {
    const token = options.token ?? process.env.ADMIN_TOKEN;
    if (!token) throw new Error('--remote needs a token: pass --token (an API token with write access to the site, made under Your account in the dashboard, or ADMIN_TOKEN), or set ADMIN_TOKEN.');
    const result = await probe(options.remote, token, options.site);
    if (!result.reachable) throw new Error(`${options.remote} could not be reached.`);
    if (result.status !== 200) throw new Error(probeProblem(options.remote, result, options.site));
    return { origin: options.remote, token, where: options.remote, stop: async () => {} };
  }
  const token = options.token ?? process.env.ADMIN_TOKEN ?? DEV_ADMIN_TOKEN;
  if (!options.persistTo) {
    const url = options.url ?? `http://127.0.0.1:${process.env.PORT || '8787'}`;
    const result = await probe(url, token, options.site);
    if (result.reachable) {
      if (result.status !== 200) throw new Error(probeProblem(url, result, options.site));
      return { origin: url, token, where: `the running local server (${url})`, stop: async () => {} };
    }
    if (options.url) throw new Error(`${url} could not be reached.`);
  }
  const persistTo = resolve(options.persistTo ?? join(root, '.wrangler', 'state'));
  const worker = await startTemporaryWorker({ root, persistTo, site: options.site, token, log: options.quiet ? () => {} : say });
  return { ...worker, where: `local KV state ${persistTo}` };
}
