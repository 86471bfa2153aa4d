import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { call, createComment, ADMIN_TOKEN } from '../helpers/api';

afterEach(() => reset());

const SAME_ORIGIN = 'https://parley.test';

async function sessionCookie(): Promise<string> {
  const response = await call('/admin/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN }, body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(), redirect: 'manual' });
  return response.headers.get('set-cookie')!.split(';')[0];
}

/** Every href and src in a page. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action|formaction)="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
}

/** Whether a link stays on this origin or goes to an http(s) page: never protocol-relative, never another scheme. */
function safe(href: string): boolean {
  if (href.startsWith('#')) return true;
  if (href.startsWith('/')) return !href.startsWith('//') && !href.startsWith('/\\');
  return /^https?:\/\//i.test(href);
}

const HOSTILE_THREADS = ['//evil.example/phish', '/\\evil.example/phish', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'https://evil.example/phish', ' /posts/x'];

describe('no redirect or link leaves the origin or uses a scheme other than http(s)', () => {
  it("normalises the dashboard's back parameter before checking it", async () => {
    const cookie = await sessionCookie();
    const { comment } = await createComment();
    for (const back of ['/admin/..//evil.example/phish', '/admin/../\\evil.example/phish', '/admin/%2e%2e//evil.example', '//evil.example/admin', '/admin\\..\\..\\/evil.example', 'https://evil.example/admin', '/administrator']) {
      const response = await call(`/admin/comments/${comment.id}/pin`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN, cookie },
        body: new URLSearchParams({ back }).toString(),
        redirect: 'manual',
      });
      expect(response.status, back).toBe(303);
      const location = response.headers.get('location')!;
      expect(location, back).toMatch(/^\/admin(\?|\/)/);
      expect(new URL(location, SAME_ORIGIN).origin, back).toBe(SAME_ORIGIN);
    }
    const kept = await call(`/admin/comments/${comment.id}/pin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN, cookie }, body: 'back=%2Fadmin%3Fstatus%3Dspam', redirect: 'manual' });
    expect(kept.headers.get('location')).toMatch(/^\/admin\?status=spam&done=/);
    const edit = await (await call(`/admin/comments/${comment.id}/edit?back=${encodeURIComponent('/admin/..//evil.example/phish')}`, { headers: { cookie } })).text();
    expect(links(edit).filter((href) => !safe(href))).toEqual([]);
  });

  it('never links a thread id as a protocol-relative or non-http(s) href in the dashboard', async () => {
    const cookie = await sessionCookie();
    for (const [i, thread] of HOSTILE_THREADS.entries()) {
      await createComment({ thread, body: `comment ${i}` });
      await createComment({ site: 'guarded', thread, body: `comment ${i}` }, 'https://guarded.example');
    }
    const queues = await Promise.all(['pending', 'approved'].map(async (status) => (await call(`/admin?status=${status}`, { headers: { cookie } })).text()));
    for (const page of queues) {
      expect(page).toContain('evil.example'); // the thread ids are shown, as text
      expect(links(page).filter((href) => !safe(href))).toEqual([]);
      expect(links(page).filter((href) => href.includes('evil.example'))).toEqual([]);
    }
  });

  it('never reflects a thread id as a javascript: (or any off-site) href in the thread HTML page', async () => {
    for (const thread of HOSTILE_THREADS) {
      for (const site of ['guarded', 'demo']) {
        const page = await (await call(`/api/threads/html?site=${site}&thread=${encodeURIComponent(thread)}&document=1`)).text();
        expect(links(page).filter((href) => !safe(href)), `${site} ${thread}`).toEqual([]);
        expect(links(page).filter((href) => href.includes('evil.example')), `${site} ${thread}`).toEqual([]);
      }
    }
    const own = await (await call('/api/threads/html?site=guarded&thread=%2Fposts%2Fhello%2F&document=1')).text();
    expect(own).toContain('<a href="https://guarded.example/posts/hello/">Back to the post</a>');
  });

  it('links Atom entries only to pages of the site', async () => {
    for (const [i, thread] of HOSTILE_THREADS.entries()) await createComment({ site: 'guarded', thread, body: `feed ${i}` }, 'https://guarded.example');
    const feed = await (await call('/feeds/guarded.atom')).text();
    const hrefs = [...feed.matchAll(/href="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
    expect(hrefs.filter((href) => !/^https:\/\/(guarded\.example|parley\.test)(\/|$)/.test(href))).toEqual([]);
  });
});
