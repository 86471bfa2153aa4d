import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { siteOrThrow } from '../services/sites';
import { LIMITS, type SiteConfigResponse } from '../wire';

/** How long browsers and caches may keep a site's config: a change reaches readers within this (plus the Worker's own 30 s). */
export const SITE_CONFIG_MAX_AGE = 60;

/** What the widget may know of a site's settings: never its origins, webhook, blocklist or limits on posting. */
export function publicSiteConfig(site: SiteConfig): SiteConfigResponse {
  return {
    site: site.id,
    name: site.name,
    moderation: site.moderation,
    editWindowMinutes: site.editWindowMinutes,
    languages: site.languages,
    turnstileSiteKey: site.turnstileSiteKey ?? null,
    gravatar: site.gravatar,
    limits: LIMITS,
  };
}

/**
 * `GET /api/sites/:site/config`: a site's public settings for the widget (docs/api.md). Served
 * from the isolate's sites (sites/directory.ts): no KV read, no object call.
 */
export const siteConfigRoute = new Hono<AppEnv>();

siteConfigRoute.get('/:site/config', (c) => {
  const site = siteOrThrow(c.var.sites, c.req.param('site'));
  c.header('Cache-Control', `public, max-age=${SITE_CONFIG_MAX_AGE}`);
  return c.json(publicSiteConfig(site));
});
