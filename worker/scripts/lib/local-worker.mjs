// Finds the Parley server that `npm start` runs, or starts a temporary one on the same local KV
// state (`wrangler dev --persist-to .wrangler/state`), so the import CLI writes exactly where
// the local server reads.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWranglerDev } from './wrangler-dev.mjs';

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
  if (result.status === 401) return `${origin} refused the token (${result.error?.message ?? 'unauthorized'}). Pass --token (an API token with write access, or ADMIN_TOKEN), or set ADMIN_TOKEN.`;
  if (result.status === 403) return `${origin} refused the token for site "${site}" (${result.error?.message ?? 'forbidden'}). Use an API token with write access to that site (dashboard: Your account → API tokens).`;
  if (result.status === 404 && result.error?.code === 'unknown_site') return `${origin} has no site "${site}". Add it in the dashboard (${origin}/admin/sites) or in SITES (wrangler.jsonc, see docs/configuration.md) first.`;
  return `${origin} did not answer like a Parley server (HTTP ${result.status}).`;
}

/**
 * Starts `wrangler dev` on a free port of 127.0.0.1 with `--persist-to <persistTo>`, and waits
 * until it answers. Returns `{ origin, token, stop }`. It gets the admin token `npm start` uses
 * (ADMIN_TOKEN, else the development token): the keys for avatar seeds and email hashes derive
 * from it, so comments imported now match those posted later on `npm start`.
 */
export async function startTemporaryWorker({ root, persistTo, site, token = process.env.ADMIN_TOKEN || DEV_ADMIN_TOKEN, log = () => {} }) {
  // wrangler dev serves dist/ as static assets and refuses to start without the folder.
  mkdirSync(join(root, 'dist'), { recursive: true });
  log(`Starting a temporary local Parley (KV state: ${persistTo})…`);
  const server = await startWranglerDev({
    root,
    persistTo,
    adminToken: token,
    needsDist: false,
    ready: async (origin) => {
      const result = await probe(origin, token, site);
      if (!result.reachable) return false;
      if (result.status !== 200) throw new Error(probeProblem(origin, result, site));
      return true;
    },
  });
  return { origin: server.origin, token, stop: server.stop };
}
