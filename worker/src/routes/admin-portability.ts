import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireAdmin } from '../lib/admin-auth';
import { parseOrThrow, readJsonBody, validQuery } from '../lib/validate';
import { importBatchSchema, IMPORT_REQUEST_BYTES } from '../portability/model';
import { restoreBatchSchema } from '../portability/parley-format';
import { applyImport, applyRestore } from '../portability/import-service';
import { buildExport, buildExportPart } from '../portability/export-service';
import { eraseByEmail } from '../portability/erase-service';
import { siteOrThrow } from '../services/sites';
import { exportQuery, eraseQuery } from '../requests';
import { coversAllSites, requireSiteAccess, requireWrite, sitesInScope } from '../team/access';

/**
 * Data portability for moderators, under `/api/admin` (Bearer token or dashboard session):
 *
 * - `POST /api/admin/import` — comments read from a WordPress or Disqus export
 *   (`"format": "wordpress" | "disqus"`, at most 100 per request; `npm run import` sends them),
 *   or (a part of) a Parley export to restore (`"format": "parley"`).
 * - `GET /api/admin/export?site=S` — everything about a site, without secrets.
 * - `DELETE /api/admin/erase?email=E` — erases every comment written with that email (GDPR).
 *
 * Formats and costs: docs/portability.md.
 */
export const adminPortabilityRoute = new Hono<AppEnv>();
adminPortabilityRoute.use('/import', requireAdmin());
adminPortabilityRoute.use('/export', requireAdmin());
adminPortabilityRoute.use('/erase', requireAdmin());

const formatSchema = v.object({ format: v.picklist(['wordpress', 'disqus', 'parley'] as const, 'format must be wordpress, disqus or parley') });

adminPortabilityRoute.post('/import', async (c) => {
  const input = await readJsonBody(c.req.raw, IMPORT_REQUEST_BYTES);
  const { format } = parseOrThrow(formatSchema, input);
  if (format === 'parley') {
    const batch = parseOrThrow(restoreBatchSchema, input);
    const siteId = typeof batch.site === 'string' ? batch.site : batch.site.id;
    requireSiteAccess(c, siteId, 'write');
    const site = siteOrThrow(c.var.sites, siteId);
    return c.json(await applyRestore(c, site, batch));
  }
  const batch = parseOrThrow(importBatchSchema, input);
  requireSiteAccess(c, batch.site, 'write');
  const site = siteOrThrow(c.var.sites, batch.site);
  return c.json(await applyImport(c, site, batch));
});

adminPortabilityRoute.get('/export', validQuery(exportQuery), async (c) => {
  const { site: siteId, cursor } = c.req.valid('query');
  if (siteId) requireSiteAccess(c, siteId, 'read');
  const site = siteOrThrow(c.var.sites, siteId);
  const body = cursor ? await buildExportPart(c, site, cursor) : await buildExport(c, site);
  c.header('Content-Disposition', `attachment; filename="parley-${site.id}-${new Date().toISOString().slice(0, 10)}.json"`);
  c.header('Cache-Control', 'no-store');
  return c.json(body);
});

adminPortabilityRoute.delete('/erase', validQuery(eraseQuery), async (c) => {
  const { email, site: siteId } = c.req.valid('query');
  // A moderator erases on their sites (403 for another's); the owner on one site or every one.
  const sites = sitesInScope(c, siteId).map((site) => site.id);
  requireWrite(c);
  const result = await eraseByEmail(c, email, { sites, site: siteId, everywhere: !siteId && coversAllSites(c.var.principal!) });
  return c.json(result);
});
