import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';

/**
 * The configured site with this id, or a 400 (no id) / 404 (unknown id).
 *
 * @example
 * const site = siteOrThrow(c.var.sites, c.req.query('site'));
 */
export function siteOrThrow(sites: Map<string, SiteConfig>, id: string | undefined): SiteConfig {
  if (!id) throw new ApiError(400, 'invalid_request', 'site is required', 'site');
  const site = sites.get(id);
  if (!site) throw new ApiError(404, 'unknown_site', `No site "${id}" is configured on this server.`, 'site');
  return site;
}
