import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { call, createComment, listThread, ADMIN_TOKEN } from '../helpers/api';

afterEach(() => reset());

const SAME_ORIGIN = 'https://parley.test';

async function signIn(token = ADMIN_TOKEN, origin = SAME_ORIGIN): Promise<Response> {
  return call('/admin/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
}

async function sessionCookie(): Promise<string> {
  const response = await signIn();
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0];
}

describe('dashboard sign-in', () => {
  it('shows a sign-in form with an "Admin token" field to a visitor without a session', async () => {
    const response = await call('/admin');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<label for="token">Admin token<\/label>/);
    expect(html).toMatch(/<input id="token" name="token" type="password"/);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie for the right token, without the token in it', async () => {
    const response = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/); // served over https here
    expect(cookie).not.toContain(ADMIN_TOKEN);
  });

  it('refuses a wrong token and sets no cookie', async () => {
    const response = await signIn('wrong');
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('That admin token is not right.');
  });

  it('refuses a sign-in posted from another origin', async () => {
    const response = await signIn(ADMIN_TOKEN, 'https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a forged or expired session cookie', async () => {
    for (const cookie of ['parley_session=9999999999.deadbeef', 'parley_session=1.abc', 'parley_session=']) {
      const html = await (await call('/admin', { headers: { cookie } })).text();
      expect(html).toContain('Admin token');
      const api = await call('/api/admin/comments', { headers: { cookie } });
      expect(api.status).toBe(401);
    }
  });
});

describe('dashboard moderation', () => {
  it('shows pending comments with author, thread and body, and approves one with a click', async () => {
    const { comment } = await createComment({ author: 'Ada <script>', body: 'Is **this** on?' });
    const cookie = await sessionCookie();
    const page = await (await call('/admin', { headers: { cookie } })).text();
    expect(page).toContain('Ada &lt;script&gt;');
    expect(page).toContain('/posts/hello/');
    expect(page).toContain('<p>Is <strong>this</strong> on?</p>');
    expect(page).toContain(`action="/admin/comments/${comment.id}/approve`);

    const approve = await call(`/admin/comments/${comment.id}/approve?back=`, { method: 'POST', headers: { cookie, origin: SAME_ORIGIN }, redirect: 'manual' });
    expect(approve.status).toBe(303);
    expect((await listThread()).total).toBe(1);
    const after = await (await call(approve.headers.get('location')!, { headers: { cookie } })).text();
    expect(after).toContain('Comment approved.');
    expect(after).not.toContain(`action="/admin/comments/${comment.id}/approve`);
  });

  it('accepts its own form posts sent as "Origin: null" (no-referrer pages) when Sec-Fetch-Site says same-origin', async () => {
    const { comment } = await createComment();
    const cookie = await sessionCookie();
    const same = await call(`/admin/comments/${comment.id}/approve`, { method: 'POST', headers: { cookie, origin: 'null', 'sec-fetch-site': 'same-origin' }, redirect: 'manual' });
    expect(same.status).toBe(303);
    expect((await listThread()).total).toBe(1);
    const cross = await call(`/admin/comments/${comment.id}/remove`, { method: 'POST', headers: { cookie, origin: 'null', 'sec-fetch-site': 'cross-site' }, redirect: 'manual' });
    expect(cross.status).toBe(403);
    expect((await listThread()).total).toBe(1);
  });

  it('refuses a moderation form posted from another origin (CSRF) and changes nothing', async () => {
    const { comment } = await createComment();
    const cookie = await sessionCookie();
    for (const headers of [{ cookie, origin: "https://evil.example" }, { cookie }] as Record<string, string>[]) {
      const response = await call(`/admin/comments/${comment.id}/approve`, { method: 'POST', headers, redirect: 'manual' });
      expect(response.status).toBe(403);
    }
    const api = await call(`/api/admin/comments/${comment.id}/approve`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    expect(api.status).toBe(403);
    expect((await listThread()).total).toBe(0);
  });

  it('serves every dashboard page with a CSP that allows only its own script file and no framing', async () => {
    for (const path of ['/admin', '/admin/dashboard.css']) {
      const response = await call(path);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('signs out by clearing the cookie', async () => {
    const cookie = await sessionCookie();
    const response = await call('/admin/logout', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN }, redirect: 'manual' });
    expect(response.headers.get('set-cookie')).toMatch(/parley_session=;.*Max-Age=0/);
  });
});

describe("the moderator's day in the dashboard", () => {
  const form = (cookie: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const item of ([] as string[]).concat(value)) body.append(key, item);
    return { method: 'POST', headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' as const };
  };

  it('shows queue tabs with counts, filters by thread and search, and keeps filters after an action', async () => {
    await createComment({ author: 'Ada', body: 'about engines' });
    await createComment({ author: 'Bo', body: 'about looms', thread: '/other' });
    const cookie = await sessionCookie();
    const page = await (await call('/admin?status=pending&q=engines', { headers: { cookie } })).text();
    expect(page).toMatch(/Pending <span class="badge">2<\/span>/);
    expect(page).toContain('Ada');
    expect(page).not.toContain('about looms');
    const byThread = await (await call('/admin?status=pending&thread=/other', { headers: { cookie } })).text();
    expect(byThread).toContain('about looms');
    expect(byThread).not.toContain('about engines');
  });

  it('approves several comments at once with the bulk form', async () => {
    const ids = [(await createComment({ body: 'one' })).comment.id, (await createComment({ body: 'two' })).comment.id];
    const cookie = await sessionCookie();
    const response = await call('/admin/bulk', form(cookie, { ids, action: 'approve', back: '/admin?status=pending' }));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, SAME_ORIGIN).searchParams.get('done')).toBe('2 comments: approve done.');
    expect((await listThread()).total).toBe(2);
  });

  it('edits a comment and approves it in one step, recording the moderator in the audit log', async () => {
    const { comment } = await createComment({ body: 'spammy link text' });
    const signIn = await call('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN },
      body: new URLSearchParams({ token: ADMIN_TOKEN, name: 'Grace' }).toString(),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const editPage = await (await call(`/admin/comments/${comment.id}/edit`, { headers: { cookie } })).text();
    expect(editPage).toContain('spammy link text</textarea>');
    const saved = await call(`/admin/comments/${comment.id}/edit`, form(cookie, { author: 'Ada', body: 'clean text', approve: '1' }));
    expect(saved.status).toBe(303);
    expect((await listThread()).comments[0].html).toBe('<p>clean text</p>\n');
    const audit = await (await call('/admin/audit', { headers: { cookie } })).text();
    expect(audit).toContain('Grace (dashboard)');
    expect(audit).toContain('edit+approve');
  });

  it('bans an email from a comment, lists the ban masked, and lifts it', async () => {
    const { comment } = await createComment({ email: 'troll@example.com' });
    const cookie = await sessionCookie();
    const banned = await call(`/admin/comments/${comment.id}/ban-email`, form(cookie, { days: '7', reason: 'abuse' }));
    expect(banned.status).toBe(303);
    const bans = await (await call('/admin/bans', { headers: { cookie } })).text();
    expect(bans).toContain('t***@example.com');
    expect(bans).not.toContain('troll@example.com');
    const hash = /\/admin\/bans\/email\/([0-9a-f]+)\/delete/.exec(bans)![1];
    const lifted = await call(`/admin/bans/email/${hash}/delete`, form(cookie, {}));
    expect(lifted.status).toBe(303);
    expect(await (await call('/admin/bans', { headers: { cookie } })).text()).toContain('No one is banned');
  });

  it('removes, then restores from the Removed tab', async () => {
    const { comment } = await createComment();
    const cookie = await sessionCookie();
    await call(`/admin/comments/${comment.id}/approve`, form(cookie, {}));
    await call(`/admin/comments/${comment.id}/remove`, form(cookie, {}));
    expect((await listThread()).total).toBe(0);
    const removed = await (await call('/admin?status=removed', { headers: { cookie } })).text();
    expect(removed).toContain(`/admin/comments/${comment.id}/restore`);
    await call(`/admin/comments/${comment.id}/restore`, form(cookie, {}));
    expect((await listThread()).total).toBe(1);
  });

  it('serves the keyboard-shortcut script from its own origin, and the page loads it without inline script', async () => {
    const cookie = await sessionCookie();
    const page = await (await call('/admin', { headers: { cookie } })).text();
    expect(page).toContain('<script src="/admin/dashboard.js" defer></script>');
    expect(page).not.toMatch(/<script>(?!<)/);
    const script = await call('/admin/dashboard.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain("case 'j'");
  });
});
