import type { Bindings } from '../app-env';
import { REGISTRY_NAME, type SitesRegistry } from '../objects/sites-registry';

/** The sites registry's stub: one object for the whole Worker (../objects/sites-registry.ts). */
export function sitesRegistry(env: Pick<Bindings, 'SITES_REGISTRY'>): DurableObjectStub<SitesRegistry> {
  const namespace = env.SITES_REGISTRY as unknown as DurableObjectNamespace<SitesRegistry>;
  return namespace.get(namespace.idFromName(REGISTRY_NAME));
}
