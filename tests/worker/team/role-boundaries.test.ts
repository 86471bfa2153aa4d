import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { ADMIN_TOKEN, admin, call, errorOf, listThread } from '../helpers/api';
import { api, form, moderatorSession, pendingOn, SAME_ORIGIN, SITE_A, SITE_B } from './helpers';
import type { AdminListResponse, ModeratedComment } from '../../../worker/src/wire';

afterEach(() => reset());

/**
 * A moderator of site A (demo) meets site B (trusted) in every admin route and dashboard action:
 * each answers 403 and changes nothing, while the same request on site A works.
 */
describe('a moderator of site A, on site B', () => {
  let moderator: { cookie: string; id: string };
  let onA: string;
  let onB: string;

  beforeEach(async () => {
    moderator = await moderatorSession('mia@example.com', [SITE_A.id]);
    onA = (await pendingOn(SITE_A)).comment.id;
    onB = (await pendingOn(SITE_B)).comment.id;
  });

  const asModerator = (path: string, init: { method?: string; body?: unknown } = {}) => api(path, { cookie: moderator.cookie }, init);

  async function statusOfB(): Promise<string> {
    const { comments } = await (await admin(`/api/admin/comments?site=${SITE_B.id}&status=pending`)).json<AdminListResponse>();
    return comments.some((comment) => comment.id === onB) ? 'pending' : 'moved';
  }

  it('gets 403 forbidden_site for lists, counts, the audit log and the reconciler of site B', async () => {
    for (const path of [
      `/api/admin/comments?site=${SITE_B.id}`,
      `/api/admin/comments?site=${SITE_B.id}&status=spam`,
      `/api/admin/counts?site=${SITE_B.id}`,
      `/api/admin/audit?site=${SITE_B.id}`,
      `/api/admin/reconciler?site=${SITE_B.id}`,
      `/api/admin/export?site=${SITE_B.id}`,
    ]) {
      const response = await asModerator(path);
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).code, path).toBe('forbidden_site');
    }
    // The same requests on site A work.
    for (const path of [`/api/admin/comments?site=${SITE_A.id}`, `/api/admin/counts?site=${SITE_A.id}`, `/api/admin/audit?site=${SITE_A.id}`, `/api/admin/reconciler?site=${SITE_A.id}`, `/api/admin/export?site=${SITE_A.id}`]) {
      expect((await asModerator(path)).status, path).toBe(200);
    }
  });

  it('sees only site A in lists and counts that name no site', async () => {
    const { comments } = await (await asModerator('/api/admin/comments')).json<AdminListResponse>();
    expect(comments.map((comment) => comment.id)).toEqual([onA]);
    const { counts } = await (await asModerator('/api/admin/counts')).json<{ counts: { pending: number } }>();
    expect(counts.pending).toBe(1);
    const { sites } = await (await asModerator('/api/admin/reconciler')).json<{ sites: { site: string }[] }>();
    expect(sites.map((one) => one.site)).toEqual([SITE_A.id]);
  });

  it('gets 403 for every action on a comment of site B, which stays as it was', async () => {
    const requests: [string, { method: string; body?: unknown }][] = [
      [`/api/admin/comments/${onB}/approve`, { method: 'POST' }],
      [`/api/admin/comments/${onB}/spam`, { method: 'POST' }],
      [`/api/admin/comments/${onB}/restore`, { method: 'POST' }],
      [`/api/admin/comments/${onB}`, { method: 'DELETE' }],
      [`/api/admin/comments/${onB}`, { method: 'PATCH', body: { body: 'rewritten', approve: true } }],
      [`/api/admin/comments/${onB}/pin`, { method: 'POST', body: { pinned: true } }],
      ['/api/admin/comments/bulk', { method: 'POST', body: { ids: [onA, onB], action: 'approve' } }],
      ['/api/admin/bans', { method: 'POST', body: { commentId: onB, kind: 'email' } }],
      ['/api/admin/threads/lock', { method: 'POST', body: { site: SITE_B.id, thread: '/posts/team/', locked: true } }],
      [`/api/admin/erase?email=reader@example.com&site=${SITE_B.id}`, { method: 'DELETE' }],
      ['/api/admin/import', { method: 'POST', body: { format: 'wordpress', site: SITE_B.id, comments: [] } }],
    ];
    for (const [path, init] of requests) {
      const response = await asModerator(path, init);
      expect(response.status, `${init.method} ${path}`).toBe(403);
      expect((await errorOf(response)).code, `${init.method} ${path}`).toBe('forbidden_site');
    }
    expect(await statusOfB()).toBe('pending');
    // The bulk request was refused whole: the comment of site A in it was not approved either.
    const { comments } = await (await asModerator(`/api/admin/comments?site=${SITE_A.id}`)).json<AdminListResponse>();
    expect(comments.map((comment) => comment.id)).toEqual([onA]);
    // Site B's thread takes comments (it was not locked), and its author is not banned.
    expect((await pendingOn(SITE_B, { body: 'Still open' })).comment.status).toBe('pending');
  });

  it('acts on site A: approve, bulk, ban (for site A only), lock, erase', async () => {
    expect((await asModerator(`/api/admin/comments/${onA}/approve`, { method: 'POST' })).status).toBe(200);
    expect((await listThread(SITE_A.id, '/posts/team/')).comments.map((c) => c.id)).toEqual([onA]);
    const ban = await asModerator('/api/admin/bans', { method: 'POST', body: { commentId: onA, kind: 'email' } });
    expect(ban.status).toBe(201);
    expect((await ban.json<{ ban: { site?: string } }>()).ban.site).toBe(SITE_A.id);
    // A moderator's ban is for their site: the same reader still comments on site B.
    const onSiteA = await call('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', origin: SITE_A.origin }, body: JSON.stringify({ site: SITE_A.id, thread: '/posts/team/', author: 'Reader', email: 'reader@example.com', body: 'again', elapsedMs: 60_000 }) });
    expect(onSiteA.status).toBe(403);
    expect((await errorOf(onSiteA)).code).toBe('banned');
    expect((await pendingOn(SITE_B, { body: 'elsewhere' })).comment.status).toBe('pending');
    expect((await asModerator('/api/admin/threads/lock', { method: 'POST', body: { site: SITE_A.id, thread: '/posts/team/', locked: true } })).status).toBe(200);
  });

  it('lists and lifts only site A’s bans; a ban on every site is the owner’s', async () => {
    const own = await asModerator('/api/admin/bans', { method: 'POST', body: { commentId: onA, kind: 'email' } });
    const everywhere = await admin('/api/admin/bans', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ commentId: onB, kind: 'email' }) });
    expect(everywhere.status).toBe(201);
    const ownBan = (await own.json<{ ban: { hash: string; site?: string } }>()).ban;
    const ownerBan = (await everywhere.json<{ ban: { hash: string; site?: string } }>()).ban;
    expect(ownBan.site).toBe(SITE_A.id);
    expect(ownerBan.site).toBeUndefined();
    const { bans } = await (await asModerator('/api/admin/bans')).json<{ bans: { site?: string }[] }>();
    expect(bans.map((ban) => ban.site)).toEqual([SITE_A.id]);
    expect((await asModerator(`/api/admin/bans/email/${ownerBan.hash}`, { method: 'DELETE' })).status).toBe(403);
    expect((await asModerator(`/api/admin/bans/email/${ownBan.hash}?site=${SITE_B.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await asModerator(`/api/admin/bans/email/${ownBan.hash}?site=${SITE_A.id}`, { method: 'DELETE' })).status).toBe(200);
    const { bans: all } = await (await admin('/api/admin/bans')).json<{ bans: { site?: string }[] }>();
    expect(all).toHaveLength(1);
    expect(all[0].site).toBeUndefined();
  });

  it('erases by email on site A only, leaving site B’s comments', async () => {
    const response = await asModerator('/api/admin/erase?email=reader@example.com', { method: 'DELETE' });
    expect(response.status).toBe(200);
    const { erased } = await response.json<{ erased: { id: string; site: string }[] }>();
    expect(erased.map((one) => one.site)).toEqual([SITE_A.id]);
    expect(await statusOfB()).toBe('pending');
  });

  it('sees only site A in the audit log, and no entry of no site', async () => {
    await admin(`/api/admin/comments/${onB}/approve`, { method: 'POST' });
    await asModerator(`/api/admin/comments/${onA}/approve`, { method: 'POST' });
    const { entries } = await (await asModerator('/api/admin/audit')).json<{ entries: { site?: string; action: string }[] }>();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => entry.site === SITE_A.id)).toBe(true);
    // The owner sees both sites and the team's own entries (the invitation, of no site).
    const { entries: everything } = await (await admin('/api/admin/audit')).json<{ entries: { site?: string; action: string }[] }>();
    expect(new Set(everything.map((entry) => entry.site))).toEqual(new Set([SITE_A.id, SITE_B.id, undefined]));
  });

  it('gets 403 for team management: members, invitations, everyone’s sessions', async () => {
    for (const [path, init] of [
      ['/api/admin/team', { method: 'GET' }],
      ['/api/admin/team/invitations', { method: 'POST', body: { email: 'x@example.com', sites: [SITE_A.id] } }],
      [`/api/admin/team/members/${moderator.id}`, { method: 'PATCH', body: { sites: [SITE_A.id, SITE_B.id] } }],
      ['/api/admin/sessions?member=all', { method: 'GET' }],
    ] as [string, { method: string; body?: unknown }][]) {
      const response = await asModerator(path, init);
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).code, path).toBe('owner_only');
    }
    const { member } = await (await asModerator('/api/admin/me')).json<{ member: { sites: string[] } }>();
    expect(member.sites).toEqual([SITE_A.id]);
  });

  it('gets 403 in the dashboard too: site B’s queue, audit, comment actions, edit page, bulk, lock; the owner’s pages', async () => {
    const page = (path: string) => call(path, { headers: { cookie: moderator.cookie } });
    for (const path of [`/admin?site=${SITE_B.id}`, `/admin/audit?site=${SITE_B.id}`, `/admin/comments/${onB}/edit`, '/admin/team', '/admin/outbox']) {
      expect((await page(path)).status, path).toBe(403);
    }
    for (const [path, fields] of [
      [`/admin/comments/${onB}/approve`, {}],
      [`/admin/comments/${onB}/remove`, {}],
      [`/admin/comments/${onB}/pin`, {}],
      [`/admin/comments/${onB}/ban-email`, { days: '30' }],
      [`/admin/comments/${onB}/edit`, { author: 'X', body: 'changed', approve: '1' }],
      ['/admin/bulk', { ids: [onA, onB], action: 'approve' }],
      ['/admin/threads/lock', { site: SITE_B.id, thread: '/posts/team/', locked: '1' }],
      ['/admin/team/invitations', { email: 'x@example.com', sites: SITE_A.id }],
    ] as [string, Record<string, string | string[]>][]) {
      expect((await form(path, moderator.cookie, fields)).status, path).toBe(403);
    }
    expect(await statusOfB()).toBe('pending');
    // Site A's queue shows its comment and no other; the site menu offers site A alone.
    const queue = await (await page('/admin')).text();
    expect(queue).toContain(`comment-${onA}`);
    expect(queue).not.toContain(`comment-${onB}`);
    expect(queue).not.toContain(`value="${SITE_B.id}"`);
    expect(queue).not.toContain('href="/admin/team"');
  });

  it('follows the owner’s changes at once: given site B, the moderator may act there', async () => {
    const changed = await api(`/api/admin/team/members/${moderator.id}`, { token: ADMIN_TOKEN }, { method: 'PATCH', body: { sites: [SITE_A.id, SITE_B.id] } });
    expect(changed.status).toBe(200);
    const approved = await asModerator(`/api/admin/comments/${onB}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect((await approved.json<{ comment: ModeratedComment }>()).comment.status).toBe('approved');
  });

  it('keeps cross-origin requests out even with a moderator’s cookie', async () => {
    const response = await call(`/api/admin/comments/${onA}/approve`, { method: 'POST', headers: { cookie: moderator.cookie, origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden_origin');
    expect(SAME_ORIGIN).toBe('https://parley.test');
  });
});
