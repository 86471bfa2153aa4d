// What `npm run deploy` needs from wrangler.jsonc, read with Wrangler's own reader, and the
// check of SITES with the Worker's own schema (worker/src/config/sites.ts), before anything is uploaded.
import { resolve } from 'node:path';
import { loadSiteConfig } from '../load-worker-modules.mjs';

/**
 * The Worker's name, its queues, its KV bindings and its SITES, from the config file.
 * Throws with a message for the owner when the file cannot be read.
 */
export async function readDeployConfig(root, configPath = 'wrangler.jsonc') {
  const { experimental_readRawConfig: readRawConfig } = await import('wrangler');
  const path = resolve(root, configPath);
  let rawConfig;
  try {
    ({ rawConfig } = readRawConfig({ config: path }));
  } catch (error) {
    throw new Error(`${path} could not be read: ${error.message}`);
  }
  const queues = [...new Set([...(rawConfig.queues?.producers ?? []), ...(rawConfig.queues?.consumers ?? [])].map((queue) => queue.queue))];
  return {
    path,
    name: rawConfig.name,
    queues,
    kvWithIds: (rawConfig.kv_namespaces ?? []).filter((kv) => kv.id).map((kv) => kv.binding),
    sitesText: rawConfig.vars?.SITES,
    accountId: rawConfig.account_id,
  };
}

/**
 * SITES checked with the Worker's schema: its sites, or an Error naming the problem (the same
 * message a Worker with that SITES would answer every request with).
 */
export async function checkSites(sitesText) {
  if (typeof sitesText !== 'string') throw new Error('SITES is missing from "vars" in wrangler.jsonc: declare at least one site (docs/configuration.md).');
  const { loadSites } = await loadSiteConfig();
  const sites = [...loadSites(sitesText).values()];
  if (sites.length === 0) throw new Error('SITES in wrangler.jsonc declares no site: declare at least one (docs/configuration.md); add more later in the dashboard.');
  return sites;
}

/** Whether every origin a site allows is on this computer (the demo's): its blog's origin must be added before it can post. */
export function onlyLocalOrigins(site) {
  return site.origins.every((origin) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin));
}
