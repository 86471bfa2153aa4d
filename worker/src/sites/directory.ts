import type { Bindings } from '../app-env';
import { loadSites, type SiteConfig } from '../config/sites';
import { SiteSettingsStore, type PublishedSites } from '../storage/site-settings';
import { checkSiteSettings } from './check-settings';

/** How long an isolate serves the sites it read before it reads them again (in the background). */
export const SITES_REFRESH_SECONDS = 30;

interface Snapshot {
  /** The `SITES` text it was built from (a deploy that changes SITES starts new isolates anyway). */
  seed: string;
  /** The revision of the published document it holds (0: none). */
  revision: number;
  sites: Map<string, SiteConfig>;
  /** When it was read (ms). */
  at: number;
}

export interface SiteDirectoryOptions {
  /** Default {@link SITES_REFRESH_SECONDS}. */
  refreshMs?: number;
  /** Tests move time. */
  now?: () => number;
}

/**
 * Every site this Worker serves: the `SITES` variable (the seed), with each site saved in the
 * dashboard replacing its entry or added after them. What the dashboard saved is one KV key
 * (storage/site-settings.ts), read here **once per isolate every 30 s at most**:
 *
 * - a request finds the sites in memory: no KV read, no object call (the thread read stays one
 *   KV read);
 * - the first request after 30 s still gets them from memory and starts one KV read in the
 *   background (`waitUntil`); only an isolate's very first request waits for that read;
 * - the isolate that saved a change has it at once ({@link SiteDirectory.accept}); others
 *   within 30 s plus KV's own propagation (up to 60 s): about a minute and a half at most.
 *
 * @example
 * c.set('sites', await siteDirectory.sites(c.env, (work) => c.executionCtx.waitUntil(work)));
 */
export class SiteDirectory {
  private snapshot: Snapshot | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly refreshMs: number;
  private readonly now: () => number;
  /** KV reads made so far (for the cost test and the benchmark). */
  reads = 0;

  constructor(options: SiteDirectoryOptions = {}) {
    this.refreshMs = options.refreshMs ?? SITES_REFRESH_SECONDS * 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The sites, from memory when read less than 30 s ago. A broken `SITES` throws (as it always
   * did: a deploy error must not pass for "no sites").
   */
  async sites(env: Pick<Bindings, 'SITES' | 'PARLEY_KV'>, waitUntil?: (work: Promise<unknown>) => void): Promise<Map<string, SiteConfig>> {
    const seed = env.SITES ?? '[]';
    const current = this.snapshot;
    if (!current || current.seed !== seed) {
      await this.load(env, seed);
      return this.snapshot!.sites;
    }
    if (this.now() - current.at >= this.refreshMs && !this.refreshing) {
      const refresh = this.load(env, seed)
        .catch((error) => {
          // Keep serving what we have; try again after another interval.
          console.error('reading the sites failed; serving the ones read before', error);
          current.at = this.now();
        })
        .finally(() => {
          this.refreshing = undefined;
        });
      this.refreshing = refresh;
      if (waitUntil) waitUntil(refresh);
      else await refresh;
    }
    return current.sites;
  }

  /**
   * Takes a document the registry just published (after a save in this isolate), unless this
   * isolate already holds a newer one. Returns the sites.
   */
  accept(seed: string, document: PublishedSites): Map<string, SiteConfig> {
    const current = this.snapshot;
    if (current && current.seed === seed && current.revision > document.revision) {
      current.at = this.now();
      return current.sites;
    }
    this.snapshot = { seed, revision: document.revision, sites: mergeSites(seed, document), at: this.now() };
    return this.snapshot.sites;
  }

  /** Forgets what was read (tests). */
  forget(): void {
    this.snapshot = undefined;
  }

  private async load(env: Pick<Bindings, 'PARLEY_KV'>, seed: string): Promise<void> {
    loadSites(seed); // a broken SITES fails before anything is read
    this.reads++;
    const document = (await new SiteSettingsStore(env.PARLEY_KV).read()) ?? { revision: 0, sites: [] };
    this.accept(seed, document);
  }
}

/**
 * `SITES`, with each site of the published document replacing its entry (or added after). A
 * saved site that no longer passes the schema (a later release tightened it) is left out with
 * a log line, and its `SITES` entry, if any, applies.
 */
export function mergeSites(seed: string, document: PublishedSites): Map<string, SiteConfig> {
  const sites = new Map(loadSites(seed));
  for (const managed of document.sites) {
    const checked = checkSiteSettings(managed.id, managed.settings);
    if (checked.ok) sites.set(managed.id, checked.site);
    else console.error(`site "${managed.id}" saved in the dashboard is not valid any more (${checked.message}); using SITES for it`);
  }
  return sites;
}

/** The Worker's directory: one per isolate. */
export const siteDirectory = new SiteDirectory();
