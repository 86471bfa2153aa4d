import type { TestProject } from 'vitest/node';
import { startWranglerDev } from '../../../worker/scripts/lib/wrangler-dev.mjs';
import { widgetTestSites } from './sites';

/** What the widget tests get from their global setup (`inject('parleyServer')`). */
export interface ParleyServer {
  /** The Worker's origin, `http://127.0.0.1:<port>`: the API, widget.js and the translations. */
  origin: string;
  /** Its random ADMIN_TOKEN, for moderating through the admin API. */
  adminToken: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    parleyServer: ParleyServer;
    /** A second Worker with its per-client rate limits on (as deployed), for the tests that meet them. */
    parleyLimitedServer: ParleyServer;
  }
}

/**
 * The widget tests' global setup: one real Worker (`wrangler dev`, through the same launcher as
 * `npm start`) for the whole widget project, with an empty KV store in a throwaway directory, a
 * random admin token, no rate limit (every test posts from 127.0.0.1) and views rechecked on the
 * next read. Each test uses threads of its own. Needs dist/ built (translations are served from it).
 * Beside it, started at the same time, a second one with the rate limits on (`parleyLimitedServer`):
 * what a reader sees past them (the Follow box's "Too many attempts") is its real answer.
 */
export default async function startWorker(project: TestProject) {
  const page = (project.config.environmentOptions?.happyDOM as { url?: string } | undefined)?.url;
  if (!page) throw new Error('tests/vitest.config.ts must set the widget project\'s environmentOptions.happyDOM.url');
  const sites = widgetTestSites([new URL(page).origin]);
  const [server, limited] = await Promise.all([
    startWranglerDev({ vars: { SITES: JSON.stringify(sites), RATE_LIMIT: '0', KV_WRITE_INTERVAL_MS: '0' } }),
    startWranglerDev({ vars: { SITES: JSON.stringify(sites), KV_WRITE_INTERVAL_MS: '0' } }),
  ]);
  project.provide('parleyServer', { origin: server.origin, adminToken: server.adminToken });
  project.provide('parleyLimitedServer', { origin: limited.origin, adminToken: limited.adminToken });
  return () => Promise.all([server.stop(), limited.stop()]);
}
