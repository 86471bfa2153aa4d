import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { SiteSettings } from '../config/sites';
import { ApiError, renderError } from '../errors';
import { moderator, requireModerator, requireSameOrigin } from './dashboard-auth';
import { signInPage } from './team-routes';
import type { Viewer } from './views';
import { checkSiteSettings, SETTING_NAMES } from '../sites/check-settings';
import { formValues, readSettingsForm } from '../sites/form';
import { listSites, requireSiteManager, saveSite, siteView, type SiteView } from '../sites/service';
import { messagePage } from './views';
import { siteFormPage, sitesPage, type FieldProblem } from './sites-views';

/**
 * The dashboard's site pages, under `/admin/sites`: every site with a form to add one, and a
 * page per site with its embed code, its export and its settings form. Saving goes through the
 * sites registry (sites/service.ts): effective without a redeploy. Forms work without script.
 */
export const sitesDashboardRoute = new Hono<AppEnv>();

sitesDashboardRoute.onError((error, c) => {
  if (error instanceof ApiError) {
    c.status(error.status);
    return c.html(messagePage('Something is not right', error.message));
  }
  return renderError(error, c);
});

type Form = Record<string, string | File | (string | File)[]>;

/** A site's entry in `SITES` as written there (only what it sets), for the form of a site never saved here. */
function seedEntry(raw: string | undefined, id: string): Partial<SiteSettings> | undefined {
  try {
    const list = JSON.parse(raw ?? '[]') as Partial<SiteSettings>[];
    const entry = list.find((one) => one.id === id);
    if (!entry) return undefined;
    // Only real settings: SITES may carry keys its schema ignores, which a save would refuse.
    return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'id' && (SETTING_NAMES as string[]).includes(key))) as Partial<SiteSettings>;
  } catch {
    return undefined;
  }
}

/** What a site's form starts from: what was saved here, else its SITES entry. */
function currentSettings(c: Context<AppEnv>, view: SiteView): Partial<SiteSettings> {
  return view.managed?.settings ?? seedEntry(c.env.SITES, view.site.id) ?? {};
}

/** A refusal to show on the form (a bad value, a taken id, a change made since), or null for any other error. */
function problemOf(error: unknown): (FieldProblem & { status: 400 | 409 }) | null {
  if (error instanceof ApiError && (error.status === 400 || error.status === 409)) {
    return { field: error.field ?? '', problem: error.message, status: error.status };
  }
  return null;
}

/** The signed-in owner, or null (then the page is the sign-in form); 403 for a moderator. */
async function signedIn(c: Context<AppEnv>): Promise<Viewer | null> {
  const viewer = await moderator(c);
  if (viewer) await requireSiteManager(c);
  return viewer;
}

sitesDashboardRoute.get('/', async (c) => {
  const viewer = await signedIn(c);
  if (!viewer) return c.html(await signInPage(c));
  return c.html(sitesPage(viewer, await listSites(c), c.req.query('done')));
});

sitesDashboardRoute.post('/', async (c) => {
  requireSameOrigin(c);
  const viewer = await requireModerator(c);
  await requireSiteManager(c);
  const form = (await c.req.parseBody({ all: true })) as Form;
  const id = typeof form.id === 'string' ? form.id.trim() : '';
  const values = Object.fromEntries(['id', 'name', 'url', 'origins', 'moderation'].map((key) => [key, typeof form[key] === 'string' ? (form[key] as string) : '']));
  const refuse = async (problem: FieldProblem, status: 400 | 409 = 400) => {
    c.status(status);
    return c.html(sitesPage(viewer, await listSites(c), undefined, { values, problem }));
  };
  if (!id) return refuse({ field: 'id', problem: 'Choose an id for the site.' });
  const read = readSettingsForm(form);
  if (!read.ok) return refuse(read);
  const checked = checkSiteSettings(id, read.settings);
  if (!checked.ok) return refuse(checked);
  try {
    await saveSite(c, id, read.settings, { create: true });
  } catch (error) {
    const problem = problemOf(error);
    if (problem) return refuse(problem, problem.status);
    throw error;
  }
  return c.redirect(`/admin/sites/${encodeURIComponent(id)}?done=${encodeURIComponent('Site added. Paste its embed code into your pages, and review its settings.')}`, 303);
});

sitesDashboardRoute.get('/:id', async (c) => {
  const viewer = await signedIn(c);
  if (!viewer) return c.html(await signInPage(c));
  const view = await siteView(c, c.req.param('id'));
  return c.html(siteFormPage({ viewer, view, values: formValues(currentSettings(c, view)), revision: view.revision, origin: new URL(c.req.url).origin, notice: c.req.query('done') }));
});

sitesDashboardRoute.post('/:id', async (c) => {
  requireSameOrigin(c);
  const viewer = await requireModerator(c);
  await requireSiteManager(c, c.req.param('id'));
  const view = await siteView(c, c.req.param('id'));
  const form = (await c.req.parseBody({ all: true })) as Form;
  const revision = Number(form.revision);
  const read = readSettingsForm(form, currentSettings(c, view));
  const refuse = (problem: FieldProblem, status: 400 | 409 = 400) => {
    c.status(status);
    const values = read.ok ? formValues(read.settings) : Object.fromEntries(Object.entries(form).map(([key, value]) => [key, Array.isArray(value) ? value.filter((one): one is string => typeof one === 'string') : typeof value === 'string' ? value : '']));
    return c.html(siteFormPage({ viewer, view, values, revision: Number.isInteger(revision) ? revision : view.revision, origin: new URL(c.req.url).origin, problem }));
  };
  if (!read.ok) return refuse(read);
  const checked = checkSiteSettings(view.site.id, read.settings);
  if (!checked.ok) return refuse(checked);
  try {
    await saveSite(c, view.site.id, read.settings, { create: false, expectRevision: Number.isInteger(revision) ? revision : view.revision });
  } catch (error) {
    const problem = problemOf(error);
    if (problem) return refuse(problem, problem.status);
    throw error;
  }
  return c.redirect(`/admin/sites/${encodeURIComponent(view.site.id)}?done=${encodeURIComponent('Settings saved. They take effect without a redeploy.')}`, 303);
});
