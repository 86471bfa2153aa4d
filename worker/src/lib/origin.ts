import type { SiteConfig } from '../config/sites';

/**
 * Whether a browser request from `origin` may act for `site`: the site's declared origins,
 * plus the Worker's own origin (the demo page and dashboard are served from it).
 * Requests without an Origin header do not come from a page's script and are allowed.
 */
export function originAllowed(origin: string | null | undefined, requestUrl: string, site: SiteConfig): boolean {
  if (!origin) return true;
  if (origin === new URL(requestUrl).origin) return true;
  return site.origins.includes(origin);
}

/** Whether `origin` is declared by any site (used to answer CORS preflights, which name no site). */
export function originKnown(origin: string, requestUrl: string, sites: Map<string, SiteConfig>): boolean {
  if (origin === new URL(requestUrl).origin) return true;
  for (const site of sites.values()) if (site.origins.includes(origin)) return true;
  return false;
}
