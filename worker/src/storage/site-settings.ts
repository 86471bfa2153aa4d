import type { SiteSettings } from '../config/sites';

/** One site whose settings were saved in the dashboard (or `PUT /api/admin/sites/:id`). */
export interface ManagedSite {
  id: string;
  /** The settings as the owner set them: only what was set; the rest takes its default. */
  settings: Omit<SiteSettings, 'id'>;
  /** The registry's revision when this site was last saved (a form sends it back: an edit made since is refused). */
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** Every site managed in the dashboard, as the sites registry published it. */
export interface PublishedSites {
  /** Grows by one with every save: a reader keeps the newest document it has seen. */
  revision: number;
  sites: ManagedSite[];
}

/** The one KV key of the published document. */
const KEY = 'cfg:sites';

/**
 * The sites managed in the dashboard, published to KV by their single writer (the sites
 * registry, ../objects/sites-registry.ts) for every isolate to read (../sites/directory.ts reads
 * it at most once per isolate every 30 s). This module is the only code that knows the key.
 *
 * @example
 * const published = await new SiteSettingsStore(env.PARLEY_KV).read();
 */
export class SiteSettingsStore {
  constructor(private readonly kv: KVNamespace) {}

  /** The published document, or null when no site was ever saved in the dashboard. One KV read. */
  async read(): Promise<PublishedSites | null> {
    const value = await this.kv.get<PublishedSites>(KEY, 'json');
    return value && typeof value.revision === 'number' && Array.isArray(value.sites) ? value : null;
  }

  /** Publishes the document (only the registry calls this). */
  async write(document: PublishedSites): Promise<void> {
    await this.kv.put(KEY, JSON.stringify(document));
  }
}
