import type { Bindings } from '../app-env';
import { siteDirectory } from '../sites/directory';
import { sitesRegistry } from '../sites/registry';
import type { ReconcileRun } from '../objects/site/protocol';
import { createStores } from '../storage/stores';

/**
 * The Cron Trigger's work (every 10 minutes, see wrangler.jsonc): each site's object runs the
 * reconciler over its threads (./objects/site-object.ts `reconcile`). Sites run one after the
 * other; a site that fails is logged and the others still run.
 */
export async function runReconciler(env: Bindings): Promise<{ site: string; run: ReconcileRun | null }[]> {
  const stores = createStores(env);
  const results: { site: string; run: ReconcileRun | null }[] = [];
  try {
    // The sites saved in the dashboard: KV must hold the registry's newest document.
    await sitesRegistry(env).reconcile();
  } catch (error) {
    console.error('reconciler failed for the sites registry', error);
  }
  for (const site of (await siteDirectory.sites(env)).keys()) {
    try {
      results.push({ site, run: await stores.sites.call(site, (stub) => stub.reconcile(site)) });
    } catch (error) {
      console.error('reconciler failed for site', site, error);
      results.push({ site, run: null });
    }
  }
  return results;
}
