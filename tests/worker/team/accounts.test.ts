import { afterEach, describe, expect, it } from 'vitest';
import { reset, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { ADMIN_TOKEN, admin, call, errorOf } from '../helpers/api';
import { teamLink } from '../../../worker/src/team/team-links';
import { api, cookieOf, form, inviteModerator, linkIn, moderatorSession, NO_QUEUE, outbox, ownerSession, pendingOn, SITE_A, SITE_B } from './helpers';

afterEach(() => reset());

const teamObject = () => env.TEAM_OBJECTS.get(env.TEAM_OBJECTS.idFromName('team'));

/** Runs SQL in the team's object (to age an invitation, or read what it stores). */
async function inTeam<T>(run: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(teamObject(), (_instance, state) => run(state.storage.sql));
}

const page = (path: string, cookie: string) => call(path, { headers: { cookie } });

describe('the owner’s account', () => {
  it('is made by the first sign-in with ADMIN_TOKEN, and the token signs in as the owner afterwards', async () => {
    const first = await ownerSession('Olive Owner', 'olive@example.com');
    const me = await (await api('/api/admin/me', { cookie: first })).json<{ member: { name: string; email: string; role: string; sites: string[] } }>();
    expect(me.member).toMatchObject({ name: 'Olive Owner', email: 'olive@example.com', role: 'owner', sites: ['*'] });
    // Later sign-ins with the token (break-glass) are the same account, whatever name is typed.
    const again = await ownerSession('Someone Else', 'else@example.com');
    const same = await (await api('/api/admin/me', { cookie: again })).json<{ member: { name: string } }>();
    expect(same.member.name).toBe('Olive Owner');
    // The sign-in page no longer asks for the owner's name once the account exists.
    expect(await (await call('/admin')).text()).not.toContain('id="owner-email"');
  });

  it('asks a session started with ADMIN_TOKEN to register a passkey', async () => {
    const cookie = await ownerSession();
    const html = await (await page('/admin/account', cookie)).text();
    expect(html).toContain('You signed in with the admin token. Register a passkey');
    expect(html).toContain('data-passkey="register"');
    expect(html).toContain('<script src="/admin/passkeys.js" defer></script>');
  });
});

describe('invitations', () => {
  it('are mailed, shown to the owner once, and make a moderator of the chosen sites', async () => {
    const owner = await ownerSession();
    const created = await form('/admin/team/invitations', owner, { email: 'grace@example.com', name: 'Grace', sites: [SITE_A.id] }, NO_QUEUE);
    expect(created.status).toBe(200);
    const html = await created.text();
    const shown = /id="invitation-link" readonly size="70" value="https:\/\/parley\.test(\/admin\/join\/[^"]+)"/.exec(html);
    expect(shown).not.toBeNull();
    const mail = (await outbox()).find((one) => one.to === 'grace@example.com')!;
    expect(mail.subject).toBe('You are invited to moderate Demo');
    expect(linkIn(mail, '/admin/join/')).toBe(shown![1]);
    // A GET only shows the invitation.
    const view = await call(shown![1]);
    expect(await view.text()).toContain('Olive Owner invites grace@example.com to moderate Demo.');
    const accepted = await form(shown![1], null, { name: 'Grace Hopper' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toMatch(/^\/admin\/account/);
    const me = await (await api('/api/admin/me', { cookie: cookieOf(accepted) })).json<{ member: { name: string; role: string; sites: string[] } }>();
    expect(me.member).toEqual({ id: expect.any(String), name: 'Grace Hopper', email: 'grace@example.com', role: 'moderator', sites: [SITE_A.id] });
  });

  it('work once: a second use is refused with 410 invitation_used', async () => {
    const { path } = await inviteModerator('grace@example.com', [SITE_A.id]);
    expect((await form(path, null, { name: 'Grace' })).status).toBe(303);
    const again = await form(path, null, { name: 'Mallory' });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('already been used');
    expect((await call(path)).status).toBe(410);
  });

  it('expire: after their time the object refuses them (410), and so does an expired signature', async () => {
    const { path } = await inviteModerator('grace@example.com', [SITE_A.id]);
    await inTeam((sql) => sql.exec('UPDATE invitations SET expires = ?', Date.now() - 1000));
    const late = await form(path, null, { name: 'Grace' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('expired');
    const { id } = await inviteModerator('ada@example.com', [SITE_A.id]);
    const signedLate = new URL(await teamLink(env, 'https://parley.test', 'invitation', id, Date.now() - 1000)).pathname;
    expect((await form(signedLate, null, { name: 'Ada' })).status).toBe(410);
    const members = await (await api('/api/admin/team', { token: ADMIN_TOKEN })).json<{ members: unknown[] }>();
    expect(members.members).toHaveLength(0);
  });

  it('cannot be altered or forged, and a withdrawn one no longer works', async () => {
    const { path, id } = await inviteModerator('grace@example.com', [SITE_A.id]);
    const tampered = path.replace(/.(?=\.[0-9a-f]+$)/, (char) => (char === 'A' ? 'B' : 'A'));
    expect((await form(tampered, null, { name: 'Grace' })).status).toBe(403);
    const signIn = new URL(await teamLink(env, 'https://parley.test', 'sign-in', id, Date.now() + 60_000)).pathname.replace('/admin/sign-in/', '/admin/join/');
    expect((await form(signIn, null, { name: 'Grace' })).status).toBe(403);
    expect((await api(`/api/admin/team/invitations/${id}`, { token: ADMIN_TOKEN }, { method: 'DELETE' })).status).toBe(200);
    expect((await form(path, null, { name: 'Grace' })).status).toBe(410);
  });

  it('are refused for an address that is already a member', async () => {
    await moderatorSession('mia@example.com', [SITE_A.id]);
    const response = await api('/api/admin/team/invitations', { token: ADMIN_TOKEN }, { method: 'POST', body: { email: 'MIA@example.com', sites: [SITE_B.id] } });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('already_member');
  });
});

describe('sessions', () => {
  it('are listed to their member, who can end one: its cookie stops working at once', async () => {
    const { cookie } = await moderatorSession();
    const { sessions } = await (await api('/api/admin/sessions', { cookie })).json<{ sessions: { id: string; method: string }[] }>();
    expect(sessions).toHaveLength(1);
    expect(sessions[0].method).toBe('invitation');
    expect((await page('/admin/account', cookie)).status).toBe(200);
    const ended = await form(`/admin/sessions/${sessions[0].id}/delete`, cookie);
    expect(ended.status).toBe(303);
    expect(await (await page('/admin', cookie)).text()).toContain('Sign in with a passkey');
    expect((await api('/api/admin/comments', { cookie })).status).toBe(401);
  });

  it('of others cannot be ended by a moderator (403), but the owner can end anyone’s', async () => {
    const owner = await ownerSession();
    const mia = await moderatorSession();
    const { sessions: ownerSessions } = await (await api('/api/admin/sessions', { cookie: owner })).json<{ sessions: { id: string }[] }>();
    const refused = await api(`/api/admin/sessions/${ownerSessions[0].id}`, { cookie: mia.cookie }, { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('owner_only');
    const { sessions: everyone } = await (await api('/api/admin/sessions?member=all', { cookie: owner })).json<{ sessions: { id: string; memberId: string }[] }>();
    const hers = everyone.find((session) => session.memberId === mia.id)!;
    expect((await api(`/api/admin/sessions/${hers.id}`, { cookie: owner }, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/admin/me', { cookie: mia.cookie })).status).toBe(401);
    expect((await api('/api/admin/me', { cookie: owner })).status).toBe(200);
  });

  it('end when the member is removed, with their tokens', async () => {
    const mia = await moderatorSession();
    const { secret } = await (await api('/api/admin/tokens', { cookie: mia.cookie }, { method: 'POST', body: { name: 'script', access: 'read', sites: ['*'] } })).json<{ secret: string }>();
    expect((await api('/api/admin/comments', { token: secret })).status).toBe(200);
    expect((await api(`/api/admin/team/members/${mia.id}`, { token: ADMIN_TOKEN }, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/admin/comments', { cookie: mia.cookie })).status).toBe(401);
    expect((await api('/api/admin/comments', { token: secret })).status).toBe(401);
  });

  it('started with ADMIN_TOKEN end when the token is rotated; others do not', async () => {
    const owner = await ownerSession();
    const mia = await moderatorSession();
    const rotated = { ADMIN_TOKEN: 'rotated-admin-token' };
    expect((await call('/api/admin/me', { headers: { cookie: owner } }, undefined, rotated)).status).toBe(401);
    expect((await call('/api/admin/me', { headers: { cookie: mia.cookie } }, undefined, rotated)).status).toBe(200);
  });
});

describe('API tokens', () => {
  async function token(cookie: string, body: Record<string, unknown>) {
    const response = await api('/api/admin/tokens', { cookie }, { method: 'POST', body });
    expect(response.status).toBe(201);
    return response.json<{ token: { id: string; lastUsedAt: string | null }; secret: string }>();
  }

  it('are shown once, stored hashed, and show their last use', async () => {
    const mia = await moderatorSession();
    const made = await token(mia.cookie, { name: 'ci', access: 'read', sites: [SITE_A.id] });
    expect(made.secret).toMatch(/^parley_[0-9a-z]{12}_[\w-]{40,}$/);
    expect(made.token.lastUsedAt).toBeNull();
    const stored = await inTeam((sql) => sql.exec('SELECT * FROM tokens').toArray());
    expect(JSON.stringify(stored)).not.toContain(made.secret.split('_').pop());
    const { tokens } = await (await api('/api/admin/tokens', { cookie: mia.cookie })).json<{ tokens: Record<string, unknown>[] }>();
    expect(JSON.stringify(tokens)).not.toContain(made.secret.split('_').pop());
    expect((await api('/api/admin/comments', { token: made.secret })).status).toBe(200);
    const after = await (await api('/api/admin/tokens', { cookie: mia.cookie })).json<{ tokens: { lastUsedAt: string | null }[] }>();
    expect(after.tokens[0].lastUsedAt).not.toBeNull();
    expect(await (await page('/admin/account', mia.cookie)).text()).toContain('<td>ci</td><td>read</td>');
  });

  it('of read access only read: every change is 403 read_only', async () => {
    const mia = await moderatorSession();
    const { secret } = await token(mia.cookie, { name: 'reader', access: 'read', sites: [SITE_A.id] });
    const comment = (await pendingOn(SITE_A)).comment.id;
    expect((await api(`/api/admin/comments?site=${SITE_A.id}`, { token: secret })).status).toBe(200);
    expect((await api(`/api/admin/export?site=${SITE_A.id}`, { token: secret })).status).toBe(200);
    for (const [path, method] of [
      [`/api/admin/comments/${comment}/approve`, 'POST'],
      [`/api/admin/comments/${comment}`, 'DELETE'],
      ['/api/admin/import', 'POST'],
      ['/api/admin/erase?email=reader@example.com', 'DELETE'],
    ]) {
      const response = await api(path, { token: secret }, { method, body: method === 'POST' ? { format: 'wordpress', site: SITE_A.id, comments: [] } : undefined });
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).code, path).toBe('read_only');
    }
  });

  it('of write access act on their sites only, audited under their member and name', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id, SITE_B.id]);
    const { secret } = await token(mia.cookie, { name: 'bot', access: 'write', sites: [SITE_A.id] });
    const onA = (await pendingOn(SITE_A)).comment.id;
    const onB = (await pendingOn(SITE_B)).comment.id;
    expect((await api(`/api/admin/comments/${onA}/approve`, { token: secret }, { method: 'POST' })).status).toBe(200);
    const refused = await api(`/api/admin/comments/${onB}/approve`, { token: secret }, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('forbidden_site');
    expect((await api(`/api/admin/comments?site=${SITE_B.id}`, { token: secret })).status).toBe(403);
    const { entries } = await (await admin(`/api/admin/audit?by=${mia.id}`)).json<{ entries: { who: string; by: string; action: string; site: string }[] }>();
    expect(entries.find((entry) => entry.action === 'approve')).toMatchObject({ who: 'Mia Moderator (API token "bot")', by: mia.id, site: SITE_A.id });
  });

  it('lose a site when their member does, and stop at revocation', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id, SITE_B.id]);
    const { token: made, secret } = await token(mia.cookie, { name: 'all mine', access: 'read', sites: ['*'] });
    expect((await api(`/api/admin/comments?site=${SITE_B.id}`, { token: secret })).status).toBe(200);
    await api(`/api/admin/team/members/${mia.id}`, { token: ADMIN_TOKEN }, { method: 'PATCH', body: { sites: [SITE_A.id] } });
    expect((await api(`/api/admin/comments?site=${SITE_B.id}`, { token: secret })).status).toBe(403);
    expect((await api(`/api/admin/tokens/${made.id}`, { cookie: mia.cookie }, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/admin/comments', { token: secret })).status).toBe(401);
  });

  it('cannot be made for a site one does not moderate, nor manage the team or other tokens', async () => {
    const mia = await moderatorSession();
    const refused = await api('/api/admin/tokens', { cookie: mia.cookie }, { method: 'POST', body: { name: 'x', access: 'write', sites: [SITE_B.id] } });
    expect(refused.status).toBe(403);
    const { secret } = await token(mia.cookie, { name: 'w', access: 'write', sites: ['*'] });
    for (const [path, method] of [
      ['/api/admin/tokens', 'GET'],
      ['/api/admin/sessions', 'GET'],
      ['/api/admin/team', 'GET'],
    ]) {
      const response = await api(path, { token: secret }, { method });
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).code, path).toBe('session_required');
    }
    expect((await api('/api/admin/me', { token: secret })).status).toBe(200);
  });

  it('work for the import script (POST /api/admin/import) on their site', async () => {
    const mia = await moderatorSession();
    const { secret } = await token(mia.cookie, { name: 'import', access: 'write', sites: [SITE_A.id] });
    const response = await api('/api/admin/import', { token: secret }, { method: 'POST', body: { format: 'wordpress', site: SITE_A.id, comments: [] } });
    expect(response.status).toBe(200);
    expect((await api('/api/admin/import', { token: secret }, { method: 'POST', body: { format: 'wordpress', site: SITE_B.id, comments: [] } })).status).toBe(403);
    expect((await api('/api/admin/import', { token: 'parley_000000000000_wrongwrongwrongwrongwrong' }, { method: 'POST', body: {} })).status).toBe(401);
  });
});

describe('sign-in links by email', () => {
  it('sign a member in once, and answer the same for an unknown address', async () => {
    await moderatorSession('mia@example.com');
    const known = await form('/admin/sign-in-link', null, { email: 'mia@example.com' }, NO_QUEUE);
    const unknown = await form('/admin/sign-in-link', null, { email: 'nobody@example.com' }, NO_QUEUE);
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await known.text()).toContain('If mia@example.com belongs to a member of this team, a sign-in link is on its way.');
    const mails = (await outbox()).filter((mail) => mail.subject === 'Your sign-in link for Parley moderation');
    expect(mails.map((mail) => mail.to)).toEqual(['mia@example.com']);
    const path = linkIn(mails[0], '/admin/sign-in/');
    expect((await call(path)).headers.get('set-cookie')).toBeNull();
    const used = await form(path, null);
    expect(used.status).toBe(303);
    const me = await (await api('/api/admin/me', { cookie: cookieOf(used) })).json<{ member: { email: string } }>();
    expect(me.member.email).toBe('mia@example.com');
    expect((await form(path, null)).status).toBe(410);
  });
});

describe('sign-in attempts', () => {
  it('are limited per client: past 10 a minute, 429 whatever the way in', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const attempt = (path: string, fields: Record<string, string>) =>
      call(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://parley.test', 'cf-connecting-ip': ip }, body: new URLSearchParams(fields).toString() });
    const statuses: number[] = [];
    for (let i = 0; i < 21 && !statuses.includes(429); i++) statuses.push((await attempt('/admin/login', { token: `guess-${i}` })).status);
    const refusedAt = statuses.indexOf(429);
    expect(refusedAt, statuses.join(' ')).toBeGreaterThanOrEqual(10);
    expect(statuses.slice(0, refusedAt).every((status) => status === 401)).toBe(true);
    // The same client is refused on the other ways in too, even with the right token.
    expect((await attempt('/admin/sign-in-link', { email: 'mia@example.com' })).status).toBe(429);
    expect((await attempt('/admin/login', { token: ADMIN_TOKEN })).status).toBe(429);
  });
});

describe('passkey ceremonies', () => {
  it('refuse a response to a challenge that was never made, or was already used', async () => {
    const headers = { origin: 'https://parley.test', 'content-type': 'application/json', accept: 'application/json' };
    const options = await call('/admin/passkeys/sign-in/options', { method: 'POST', headers, body: '{}' });
    const { flow, options: request } = await options.json<{ flow: string; options: { challenge: string; rpId: string } }>();
    expect(request.rpId).toBe('parley.test');
    const verify = (body: unknown) => call('/admin/passkeys/sign-in/verify', { method: 'POST', headers, body: JSON.stringify(body) });
    const bogus = await verify({ flow, response: { id: 'unknown', rawId: 'unknown', type: 'public-key', response: {} } });
    expect(bogus.status).toBe(400);
    expect((await errorOf(bogus)).code).toBe('passkey_failed');
    // The challenge was taken by that attempt: it cannot be tried again.
    const reused = await verify({ flow, response: { id: 'unknown' } });
    expect((await errorOf(reused)).message).toContain('expired');
    expect(reused.headers.get('set-cookie')).toBeNull();
  });
});
