import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { authenticate } from '../lib/admin-auth';
import { setPrincipal } from '../team/principal';
import { requireOwner } from '../team/access';
import { notPublished, reach } from '../objects/clients';
import type { SaveSiteResult } from '../objects/sites-registry';
import { sitesRegistry } from './registry';
import type { ManagedSite } from '../storage/site-settings';
import { siteDirectory } from './directory';

/**
 * Who may add and change sites: the owner (signed in to the dashboard, or with the admin token or
 * an owner's API token, which `requireAdmin` checked); a moderator gets 403 `owner_only`.
 * Returns the actor, for `updatedBy` and the audit log.
 *
 * @example
 * const actor = await requireSiteManager(c, site.id);
 */
export async function requireSiteManager(c: Context<AppEnv>, _site?: string): Promise<string> {
  if (!c.var.principal) {
    const principal = await authenticate(c);
    if (!principal) throw new ApiError(401, 'unauthorized', 'Your session has ended. Sign in again.');
    setPrincipal(c, principal);
  }
  requireOwner(c);
  return c.var.actor;
}

/** A site as the dashboard and `GET /api/admin/sites` show it: its settings in force, and where they come from. */
export interface SiteView {
  site: SiteConfig;
  /** Saved in the dashboard (with what was set, when and by whom), or null: its settings are SITES's. */
  managed: ManagedSite | null;
  /** What a form must send back as `revision` (0 for a site never saved in the dashboard). */
  revision: number;
}

/** Every site, with where its settings come from: one call to the registry (strongly consistent, unlike KV). */
export async function listSites(c: Context<AppEnv>): Promise<SiteView[]> {
  const document = await reach(() => sitesRegistry(c.env).document());
  const sites = siteDirectory.accept(c.env.SITES ?? '[]', document);
  c.set('sites', sites);
  const managed = new Map(document.sites.map((site) => [site.id, site]));
  return [...sites.values()].map((site) => ({ site, managed: managed.get(site.id) ?? null, revision: managed.get(site.id)?.revision ?? 0 }));
}

/** One site, or 404 `unknown_site`. */
export async function siteView(c: Context<AppEnv>, id: string): Promise<SiteView> {
  const found = (await listSites(c)).find((view) => view.site.id === id);
  if (!found) throw new ApiError(404, 'unknown_site', `No site "${id}" is configured on this server.`, 'site');
  return found;
}

export interface SaveOptions {
  create: boolean;
  /** The revision the form showed; omit to overwrite whatever is there (the JSON API's PUT without `revision`). */
  expectRevision?: number;
}

/**
 * Saves a site's settings through the registry (which checks them with the schema of
 * config/sites.ts) and takes effect in this isolate at once; other isolates read it within
 * about a minute and a half (sites/directory.ts). Logged in the audit log.
 */
export async function saveSite(c: Context<AppEnv>, id: string, settings: unknown, options: SaveOptions): Promise<ManagedSite> {
  const actor = await requireSiteManager(c, id);
  const result = (await reach(() => sitesRegistry(c.env).save({ id, settings, actor, create: options.create, ...(options.expectRevision !== undefined ? { expectRevision: options.expectRevision } : {}) }) as Promise<unknown>)) as SaveSiteResult;
  if (!result.ok) {
    const { status, code, message, field } = result.refusal;
    throw new ApiError(status, code, message, field);
  }
  c.set('sites', siteDirectory.accept(c.env.SITES ?? '[]', result.document));
  await c.var.stores.audit.append({ who: actor, action: options.create ? 'add site' : 'change site settings', site: id, detail: Object.keys(result.site.settings).join(', ') || 'defaults' });
  if (!result.published) throw notPublished();
  return result.site;
}
