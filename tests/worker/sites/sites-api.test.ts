import { afterEach, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { reset, runDurableObjectAlarm } from 'cloudflare:test';
import { admin, call, countingKv, createComment, errorOf, listThread, newCounter, postComment } from '../helpers/api';
import { watchObjectKv } from '../objects/support';
import { siteDirectory, SiteDirectory } from '../../../worker/src/sites/directory';
import { sitesRegistry } from '../../../worker/src/sites/registry';
import { runReconciler } from '../../../worker/src/services/reconciler';
import { LIMITS, type SiteConfigResponse } from '../../../worker/src/wire';

afterEach(async () => {
  await reset();
  // The isolate's sites are memory, not storage: forget what these tests saved.
  siteDirectory.forget();
});

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function config(site: string): Promise<Response> {
  return call(`/api/sites/${site}/config`);
}

function putSite(id: string, settings: unknown, query = '') {
  return admin(`/api/admin/sites/${id}${query}`, { method: 'PUT', ...json(settings) });
}

describe('GET /api/sites/:site/config: what the widget needs from its site', () => {
  it('carries the edit window, languages, Turnstile key, moderation mode and the field limits, cacheable by anyone', async () => {
    const response = await config('captcha');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      site: 'captcha',
      name: 'Turnstile site',
      moderation: 'none',
      editWindowMinutes: 15,
      languages: [],
      turnstileSiteKey: 'test-site-key',
      gravatar: false,
      limits: LIMITS,
    } satisfies SiteConfigResponse);
  });

  it('never shows what only the owner may know: origins, webhook, blocklist, posting limits', async () => {
    const text = await (await config('guarded')).text();
    for (const secret of ['hooks.example', 'casino', 'spam.example', 'guarded.example', 'rateLimit', 'maxLinks', 'blocklist', 'webhook', 'origins']) expect(text).not.toContain(secret);
  });

  it('costs no KV read and no object call', async () => {
    await config('demo'); // the isolate has read its sites
    const counter = newCounter(true);
    const response = await call('/api/sites/demo/config', {}, counter);
    expect(response.status).toBe(200);
    expect(counter).toEqual({ get: 0, put: 0, delete: 0, list: 0, getWithMetadata: 0, objects: 0 });
  });

  it('answers 404 unknown_site for a site that is not configured', async () => {
    const response = await config('nope');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('unknown_site');
  });
});

describe('sites saved through the registry take effect without a redeploy', () => {
  it('a changed edit window is in the config at once, and the server enforces it', async () => {
    const { comment, token } = await createComment({ site: 'open', thread: '/window/' }, 'https://open.example');
    const saved = await putSite('open', { name: 'Open site', origins: ['https://open.example'], moderation: 'none', editWindowMinutes: 0 });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(await saved.json()).toMatchObject({ site: { id: 'open', editWindowMinutes: 0 }, managed: { settings: { editWindowMinutes: 0 }, updatedBy: 'admin token (API)' }, revision: 1 });

    expect(await (await config('open')).json()).toMatchObject({ editWindowMinutes: 0 });
    const edit = await call(`/api/comments/${comment.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', origin: 'https://open.example', authorization: `Bearer ${token}` }, body: '{"body":"changed"}' });
    expect(edit.status).toBe(403);
    expect((await errorOf(edit)).code).toBe('edit_window_closed');
  });

  it('a new site serves comments from its origins as soon as it is added, and its settings are listed as saved here', async () => {
    const before = await postComment({ site: 'fresh', thread: '/hello/', author: 'Ada', body: 'First!' }, { origin: 'https://fresh.example' });
    expect((await errorOf(before)).code).toBe('unknown_site');

    const added = await admin('/api/admin/sites', { method: 'POST', ...json({ id: 'fresh', name: 'Fresh blog', origins: ['https://fresh.example/'], moderation: 'none' }) });
    expect(added.status, await added.clone().text()).toBe(201);

    const posted = await postComment({ site: 'fresh', thread: '/hello/', author: 'Ada', body: 'First!' }, { origin: 'https://fresh.example' });
    expect(posted.status).toBe(201);
    expect((await listThread('fresh', '/hello/')).total).toBe(1);
    const other = await postComment({ site: 'fresh', thread: '/hello/', author: 'Eve', body: 'From elsewhere' }, { origin: 'https://blog.example' });
    expect((await errorOf(other)).code).toBe('forbidden_origin');

    const list = await (await admin('/api/admin/sites')).json<{ sites: { site: { id: string; origins: string[] }; managed: unknown }[] }>();
    expect(list.sites.map((one) => one.site.id)).toEqual(['demo', 'open', 'trusted', 'guarded', 'captcha', 'fresh']);
    expect(list.sites.find((one) => one.site.id === 'fresh')).toMatchObject({ site: { origins: ['https://fresh.example'] }, managed: { settings: { name: 'Fresh blog' } } });
    expect(list.sites.find((one) => one.site.id === 'demo')!.managed).toBeNull();
  });

  it('logs who changed which settings in the audit log', async () => {
    await putSite('demo', { origins: ['https://blog.example'], languages: ['de', 'en'] });
    const audit = await (await admin('/api/admin/audit')).json<{ entries: { action: string; site: string; who: string; detail: string }[] }>();
    expect(audit.entries[0]).toMatchObject({ action: 'change site settings', site: 'demo', who: 'admin token (API)', detail: 'origins, languages' });
  });
});

describe('every setting is checked with the SITES schema; a bad value changes nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a negative edit window', { editWindowMinutes: -1 }, 'editWindowMinutes'],
    ['an edit window that is not a number', { editWindowMinutes: '15' }, 'editWindowMinutes'],
    ['an origin that is not a URL', { origins: ['blog.example'] }, 'origins'],
    ['an unknown moderation mode', { moderation: 'some' }, 'moderation'],
    ['a webhook that is not http(s)', { webhook: 'ftp://hooks.example/x' }, 'webhook'],
    ['a language the widget does not have', { languages: ['xx'] }, 'languages'],
    ['a setting that does not exist', { editWindow: 5 }, 'editWindow'],
    ['another id', { id: 'other' }, 'id'],
  ];
  for (const [what, settings, field] of cases) {
    it(`refuses ${what} with 400 naming "${field}"`, async () => {
      const response = await putSite('demo', settings);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error).toMatchObject({ code: 'invalid_request', field });
      expect(error.message).toContain(field);
      expect(await (await config('demo')).json()).toMatchObject({ editWindowMinutes: 15, languages: [], moderation: 'all' });
      expect((await (await admin('/api/admin/sites/demo')).json<{ managed: unknown }>()).managed).toBeNull();
    });
  }

  it('refuses adding a site whose id is taken (in SITES or saved here) with 409 site_exists', async () => {
    for (const id of ['demo', 'again']) {
      if (id === 'again') expect((await admin('/api/admin/sites', { method: 'POST', ...json({ id }) })).status).toBe(201);
      const response = await admin('/api/admin/sites', { method: 'POST', ...json({ id, name: 'Taken' }) });
      expect(response.status).toBe(409);
      expect(await errorOf(response)).toMatchObject({ code: 'site_exists', field: 'id' });
    }
  });

  it('refuses a bad new id, and a change to a site that does not exist', async () => {
    const bad = await admin('/api/admin/sites', { method: 'POST', ...json({ id: 'My Blog' }) });
    expect(await errorOf(bad)).toMatchObject({ code: 'invalid_request', field: 'id' });
    const missing = await putSite('ghost', { name: 'Ghost' });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('unknown_site');
  });

  it('refuses a change made from settings read before someone else saved (409 site_changed)', async () => {
    expect((await putSite('demo', { name: 'First' }, '?revision=0')).status).toBe(200);
    const stale = await putSite('demo', { name: 'Second' }, '?revision=0');
    expect(stale.status).toBe(409);
    expect((await errorOf(stale)).code).toBe('site_changed');
    expect((await (await admin('/api/admin/sites/demo')).json<{ site: { name: string } }>()).site.name).toBe('First');
  });

  it('is for the owner only: no token, no change', async () => {
    const response = await call('/api/admin/sites/demo', { method: 'PUT', ...json({ name: 'Mine now' }) });
    expect(response.status).toBe(401);
    expect((await call('/api/admin/sites')).status).toBe(401);
  });
});

describe('how requests read the sites: memory, refreshed from one KV key at most every 30 s', () => {
  it('reads KV once for any number of requests within 30 s, then once more in the background; a save elsewhere shows after that', async () => {
    let now = 1_000_000;
    const counter = newCounter();
    const isolate = new SiteDirectory({ now: () => now });
    const kv = { ...env, PARLEY_KV: countingKv(env.PARLEY_KV, counter) };

    for (let i = 0; i < 1000; i++) expect((await isolate.sites(kv)).get('demo')!.editWindowMinutes).toBe(15);
    expect(counter.get).toBe(1);

    // Another isolate (the one serving the dashboard) saves a change.
    expect((await putSite('demo', { editWindowMinutes: 45 })).status).toBe(200);
    now += 29_000;
    expect((await isolate.sites(kv)).get('demo')!.editWindowMinutes).toBe(15);
    expect(counter.get).toBe(1);

    now += 1_000;
    const pending: Promise<unknown>[] = [];
    // The first request after 30 s is still answered from memory; the read runs after it.
    expect((await isolate.sites(kv, (work) => pending.push(work))).get('demo')!.editWindowMinutes).toBe(15);
    await Promise.all(pending);
    expect(counter.get).toBe(2);
    expect((await isolate.sites(kv)).get('demo')!.editWindowMinutes).toBe(45);
    expect(counter.get).toBe(2);
  });

  it('a thread read stays one KV read and no object call after sites were changed', async () => {
    await putSite('demo', { origins: ['https://blog.example'], editWindowMinutes: 30 });
    await listThread('demo', '/posts/hello/');
    const counter = newCounter(true);
    await listThread('demo', '/posts/hello/', counter);
    expect(counter).toEqual({ get: 0, put: 0, delete: 0, list: 0, getWithMetadata: 1, objects: 0 });
  });

  it('keeps the newest revision when KV still answers an older one', async () => {
    await putSite('demo', { name: 'One' });
    const published = (await sitesRegistry(env).document());
    const isolate = new SiteDirectory();
    isolate.accept(env.SITES, { ...published, revision: 5, sites: [{ ...published.sites[0], settings: { name: 'Five' } }] });
    expect(isolate.accept(env.SITES, published).get('demo')!.name).toBe('Five');
  });
});

describe('publishing the sites', () => {
  it('answers 503 not_published when KV fails, has the change itself, and its alarm publishes it', async () => {
    const stop = watchObjectKv(newCounter(), (method, key) => method === 'put' && key === 'cfg:sites');
    let response: Response;
    try {
      response = await putSite('demo', { name: 'Renamed' });
    } finally {
      stop();
    }
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('not_published');
    expect(await env.PARLEY_KV.get('cfg:sites')).toBeNull();
    expect(await (await config('demo')).json()).toMatchObject({ name: 'Renamed' });

    expect(await runDurableObjectAlarm(sitesRegistry(env))).toBe(true);
    const stored = await env.PARLEY_KV.get<{ sites: { id: string; settings: { name: string } }[] }>('cfg:sites', 'json');
    expect(stored!.sites).toMatchObject([{ id: 'demo', settings: { name: 'Renamed' } }]);
  });

  it('is repaired by the reconciler when KV lost it', async () => {
    await putSite('demo', { name: 'Kept' });
    await env.PARLEY_KV.delete('cfg:sites');
    await runReconciler(env);
    const stored = await env.PARLEY_KV.get<{ revision: number }>('cfg:sites', 'json');
    expect(stored).toMatchObject({ revision: 1 });
  });
});
