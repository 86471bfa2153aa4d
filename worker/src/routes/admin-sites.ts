import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { requireAdmin } from '../lib/admin-auth';
import { readJsonBody } from '../lib/validate';
import { listSites, saveSite, siteView, type SiteView } from '../sites/service';

/**
 * Sites, for the owner: `/api/admin/sites` (Bearer token or dashboard session). What the
 * dashboard's site pages do, as JSON (docs/api.md):
 *
 * - `GET /api/admin/sites` and `GET /api/admin/sites/:id` — the settings in force and where they come from;
 * - `POST /api/admin/sites` `{"id", …settings}` — adds a site (201);
 * - `PUT /api/admin/sites/:id` `{…settings}` (`?revision=N` to refuse a change made since) — replaces its settings.
 */
export const adminSitesRoute = new Hono<AppEnv>();
adminSitesRoute.use('/sites', requireAdmin());
adminSitesRoute.use('/sites/*', requireAdmin());

function toJson(view: SiteView) {
  return { site: view.site, managed: view.managed, revision: view.revision };
}

function revisionParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const revision = Number(value);
  if (!Number.isInteger(revision) || revision < 0) throw new ApiError(400, 'invalid_request', 'revision must be the `revision` the site was read at', 'revision');
  return revision;
}

adminSitesRoute.get('/sites', async (c) => c.json({ sites: (await listSites(c)).map(toJson) }));

adminSitesRoute.get('/sites/:id', async (c) => c.json(toJson(await siteView(c, c.req.param('id')))));

adminSitesRoute.post('/sites', async (c) => {
  const input = await readJsonBody(c.req.raw);
  const id = typeof input === 'object' && input !== null && 'id' in input ? (input as { id: unknown }).id : undefined;
  if (typeof id !== 'string' || !id) throw new ApiError(400, 'invalid_request', 'id is required', 'id');
  await saveSite(c, id, input, { create: true });
  return c.json(toJson(await siteView(c, id)), 201);
});

adminSitesRoute.put('/sites/:id', async (c) => {
  const id = c.req.param('id');
  await saveSite(c, id, await readJsonBody(c.req.raw), { create: false, expectRevision: revisionParam(c.req.query('revision')) });
  return c.json(toJson(await siteView(c, id)));
});
