import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { admin, call, ADMIN_TOKEN } from '../helpers/api';
import { siteDirectory } from '../../../worker/src/sites/directory';

afterEach(async () => {
  await reset();
  siteDirectory.forget();
});

const SAME_ORIGIN = 'https://parley.test';

async function sessionCookie(): Promise<string> {
  const response = await call('/admin/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN },
    body: new URLSearchParams({ token: ADMIN_TOKEN, name: 'Owner' }).toString(),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0];
}

/** Posts a dashboard form as the browser does (same origin, urlencoded, fields repeated for lists of checkboxes). */
function submit(path: string, cookie: string, fields: [string, string][], origin = SAME_ORIGIN) {
  return call(path, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

async function siteJson(id: string) {
  return (await admin(`/api/admin/sites/${id}`)).json<{ site: Record<string, unknown>; managed: { settings: Record<string, unknown> } | null; revision: number }>();
}

/** The fields of a site's settings form as the page fills them in, changed by `changes`. */
function formFields(html: string, changes: Record<string, string | string[]> = {}): [string, string][] {
  const fields: [string, string][] = [];
  for (const match of html.matchAll(/<input type="hidden" name="revision" value="(\d+)">/g)) fields.push(['revision', match[1]]);
  for (const match of html.matchAll(/<input type="(?:text|url|number)" id="f-\w+" name="(\w+)"[^>]*? value="([^"]*)"/g)) fields.push([match[1], match[2]]);
  for (const match of html.matchAll(/<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)<\/textarea>/g)) fields.push([match[1], match[2]]);
  for (const match of html.matchAll(/<select id="f-\w+" name="(\w+)"[^>]*>.*?<option value="(\w+)" selected>/g)) fields.push([match[1], match[2]]);
  for (const match of html.matchAll(/<input type="checkbox" id="f-[\w-]+" name="(\w+)"[^>]*value="(\w+)" checked>/g)) fields.push([match[1], match[2]]);
  const kept = fields.filter(([name]) => !(name in changes));
  for (const [name, value] of Object.entries(changes)) for (const one of ([] as string[]).concat(value)) kept.push([name, one]);
  return kept;
}

describe('the dashboard\'s site pages', () => {
  it('lists every site with where its settings come from, with links to each and to its export', async () => {
    const cookie = await sessionCookie();
    const html = await (await call('/admin/sites', { headers: { cookie } })).text();
    expect(html).toContain('<h1>Sites <span class="count">(5)</span></h1>');
    expect(html).toContain('href="/admin/sites/guarded"');
    expect(html).toContain('href="/api/admin/export?site=guarded" download');
    expect(html).toContain('from <code>SITES</code> in wrangler.jsonc');
    expect(html).toMatch(/<a href="\/admin\/sites" aria-current="page">Sites<\/a>/);
  });

  it('shows a visitor without a session the sign-in form, and refuses a form from another origin', async () => {
    expect(await (await call('/admin/sites/demo')).text()).toContain('Admin token');
    const cookie = await sessionCookie();
    const response = await submit('/admin/sites/demo', cookie, [['name', 'Hijacked']], 'https://evil.example');
    expect(response.status).toBe(403);
    expect((await siteJson('demo')).site.name).toBe('Demo');
  });

  it('adds a site from the form, then shows its embed code (this Worker, its id) and its export', async () => {
    const cookie = await sessionCookie();
    const added = await submit('/admin/sites', cookie, [['id', 'garden'], ['name', 'Garden notes'], ['url', 'https://garden.example'], ['origins', 'https://garden.example\r\nhttps://www.garden.example\r\n'], ['moderation', 'first']]);
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toMatch(/^\/admin\/sites\/garden\?done=Site\+added|^\/admin\/sites\/garden\?done=Site%20added/);

    const page = await (await call(added.headers.get('location')!, { headers: { cookie } })).text();
    expect(page).toContain('<h1>Garden notes</h1>');
    expect(page).toContain('&lt;script src=&quot;https://parley.test/widget.js&quot; data-site=&quot;garden&quot; async&gt;&lt;/script&gt;');
    expect(page).toContain('href="/api/admin/export?site=garden" download');
    expect(page).toContain('saved here');
    expect(await siteJson('garden')).toMatchObject({
      site: { id: 'garden', name: 'Garden notes', origins: ['https://garden.example', 'https://www.garden.example'], moderation: 'first', editWindowMinutes: 15 },
      managed: { settings: { name: 'Garden notes', url: 'https://garden.example', origins: ['https://garden.example', 'https://www.garden.example'], moderation: 'first' } },
    });
    // The export the button links to answers for a signed-in owner.
    const exported = await call('/api/admin/export?site=garden', { headers: { cookie } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="parley-garden-/);
  });

  it('refuses a taken or malformed id on the add form, keeping what was typed', async () => {
    const cookie = await sessionCookie();
    const taken = await submit('/admin/sites', cookie, [['id', 'demo'], ['name', 'Mine']]);
    expect(taken.status).toBe(409);
    const html = await taken.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('There is already a site &quot;demo&quot;');
    expect(html).toContain('value="Mine"');
    const malformed = await submit('/admin/sites', cookie, [['id', 'Not OK']]);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('site id: 1-64 of a-z, 0-9, _ and -');
  });

  it('saves a site from SITES: the form starts from its SITES entry, and the change takes effect at once', async () => {
    const cookie = await sessionCookie();
    const page = await (await call('/admin/sites/guarded', { headers: { cookie } })).text();
    expect(page).toContain('>casino\nspam.example</textarea>');
    expect(page).toContain('value="https://hooks.example/parley"');

    const saved = await submit('/admin/sites/guarded', cookie, formFields(page, { editWindowMinutes: '45', languages: ['fr', 'en'], gravatar: 'on' }));
    expect(saved.status).toBe(303);
    const site = await siteJson('guarded');
    expect(site.site).toMatchObject({ editWindowMinutes: 45, languages: ['fr', 'en'], gravatar: true, blocklist: ['casino', 'spam.example'], webhook: 'https://hooks.example/parley', tombstoneDays: 7, maxLinks: 2 });
    expect(site.revision).toBe(1);
    expect(await (await call('/api/sites/guarded/config')).json()).toMatchObject({ editWindowMinutes: 45, languages: ['fr', 'en'], gravatar: true });
  });

  it('shows a bad value beside its field, with what was typed, and saves nothing', async () => {
    const cookie = await sessionCookie();
    const page = await (await call('/admin/sites/demo', { headers: { cookie } })).text();
    const refused = await submit('/admin/sites/demo', cookie, formFields(page, { editWindowMinutes: '-5', origins: 'https://blog.example' }));
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/<div class="error-summary" role="alert"><p>Nothing was saved\. <a href="#f-editWindowMinutes">Minutes an author may edit or delete<\/a>: /);
    expect(html).toMatch(/id="f-editWindowMinutes" name="editWindowMinutes" aria-describedby="f-editWindowMinutes-error f-editWindowMinutes-help" aria-invalid="true"/);
    expect(html).toContain('value="-5"');
    expect((await siteJson('demo')).managed).toBeNull();

    const notUrl = await submit('/admin/sites/demo', cookie, formFields(page, { origins: 'blog.example' }));
    expect(notUrl.status).toBe(400);
    expect(await notUrl.text()).toContain('<a href="#f-origins">Origins allowed to post</a>');
  });

  it('refuses to overwrite a change saved since the form was opened', async () => {
    const cookie = await sessionCookie();
    const page = await (await call('/admin/sites/demo', { headers: { cookie } })).text();
    expect((await admin('/api/admin/sites/demo', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"Changed elsewhere"}' })).status).toBe(200);
    const stale = await submit('/admin/sites/demo', cookie, formFields(page, { name: 'Mine' }));
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('were changed by someone else since you opened them');
    expect((await siteJson('demo')).site.name).toBe('Changed elsewhere');
  });
});
