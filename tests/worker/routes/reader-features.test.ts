import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { admin, approve, call, createComment, errorOf, listAll, listThread, newCounter, postComment } from '../helpers/api';
import type { CreateCommentResponse, ListCommentsResponse, ListPageResponse } from '../../../worker/src/wire';
import { ROOTS_PER_BLOCK as PAGE_SIZE } from '../../../worker/src/objects/thread/state';

afterEach(() => reset());

const OPEN = { origin: 'https://open.example' };

/** Posts straight into an open (no pre-moderation) site's thread, bypassing the rate limit. */
async function publish(thread: string, body: string, extra: Record<string, unknown> = {}): Promise<CreateCommentResponse> {
  const response = await postComment({ site: 'open', thread, author: 'Reader', body, ...extra }, OPEN);
  if (response.status !== 201) throw new Error(await response.text());
  return response.json();
}

async function page(thread: string, query: string): Promise<ListCommentsResponse & ListPageResponse> {
  return (await call(`/api/comments?site=open&thread=${encodeURIComponent(thread)}&${query}`)).json();
}

describe('pages of a large thread', () => {
  it('opens a thread of any size with one read of a first page that does not grow', async () => {
    const sizes: number[] = [];
    for (const roots of [10, PAGE_SIZE * 3 + 7]) {
      const thread = `/big-${roots}`;
      for (let i = 0; i < roots; i++) await publish(thread, `comment ${String(i).padStart(3, '0')}`);
      await listThread('open', thread); // settle
      const counter = newCounter();
      const response = await call(`/api/comments?site=open&thread=${thread}`, {}, counter);
      const body = await response.clone().json<ListCommentsResponse>();
      expect(counter.get + counter.getWithMetadata).toBe(1);
      expect(counter.list).toBe(0);
      expect(body.total).toBe(roots);
      expect(body.comments.length).toBe(Math.min(roots, PAGE_SIZE));
      sizes.push((await response.text()).length);
    }
    // 10 comments vs 157: the first page is capped at PAGE_SIZE threads.
    expect(sizes[1]).toBeLessThan(sizes[0] * (PAGE_SIZE / 10) * 1.2);
  });

  it('pages oldest-first and newest-first through every comment, replies with their threads', async () => {
    const thread = '/paged';
    const roots: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 20; i++) roots.push((await publish(thread, `root ${i}`)).comment.id);
    const reply = await publish(thread, 'a reply to the first', { parentId: roots[0] });
    await listThread('open', thread);

    const oldest = await listAll('open', thread);
    expect(oldest.length).toBe(PAGE_SIZE + 21);
    expect(oldest[0].id).toBe(roots[0]);
    expect(oldest[1].id).toBe(reply.comment.id); // the reply travels with its thread

    const first = await page(thread, 'sort=newest');
    expect(first.comments[0].id).toBe(roots.at(-1));
    const seen = new Set(first.comments.map((c) => c.id));
    for (let next = first.next; next !== null; ) {
      const more = await page(thread, `sort=newest&page=${next}`);
      more.comments.forEach((c) => seen.add(c.id));
      next = more.next;
    }
    expect(seen.size).toBe(PAGE_SIZE + 21);
  });

  it('sorts by likes with sort=top', async () => {
    const a = await publish('/top', 'plain');
    const b = await publish('/top', 'popular');
    for (const ip of ['192.0.2.1', '192.0.2.2']) {
      const liked = await call(`/api/comments/${b.comment.id}/like`, { method: 'POST', headers: { ...OPEN, 'cf-connecting-ip': ip } });
      expect(liked.status).toBe(200);
    }
    await listThread('open', '/top'); // the recheck counts the likes
    const top = await page('/top', 'sort=top');
    expect(top.comments.map((c) => [c.id, c.likes ?? 0])).toEqual([
      [b.comment.id, 2],
      [a.comment.id, 0],
    ]);
  });

  it('rejects a bad sort or page with a clear error', async () => {
    expect((await errorOf(await call('/api/comments?site=open&thread=/x&sort=best'))).field).toBe('sort');
    expect((await errorOf(await call('/api/comments?site=open&thread=/x&page=-1'))).field).toBe('page');
  });
});

describe('likes', () => {
  it('counts one like per reader per comment, and unlikes', async () => {
    const { comment } = await publish('/likes', 'like me');
    const like = (ip: string, method = 'POST') => call(`/api/comments/${comment.id}/like`, { method, headers: { ...OPEN, 'cf-connecting-ip': ip } });
    expect(await (await like('192.0.2.10')).json()).toMatchObject({ liked: true, changed: true });
    expect(await (await like('192.0.2.10')).json()).toMatchObject({ liked: true, changed: false });
    await like('192.0.2.11');
    await listThread('open', '/likes');
    expect((await listThread('open', '/likes')).comments[0].likes).toBe(2);
    await like('192.0.2.11', 'DELETE');
    await listThread('open', '/likes');
    expect((await listThread('open', '/likes')).comments[0].likes).toBe(1);
  });

  it('does not let readers like comments they cannot see', async () => {
    const pending = await createComment();
    const response = await call(`/api/comments/${pending.comment.id}/like`, { method: 'POST', headers: { origin: 'https://blog.example', 'cf-connecting-ip': '192.0.2.1' } });
    expect(response.status).toBe(404);
  });

  it('never writes to KV when a thread is read, however many likes it has', async () => {
    const { comment } = await publish('/read-only', 'x');
    await call(`/api/comments/${comment.id}/like`, { method: 'POST', headers: { ...OPEN, 'cf-connecting-ip': '192.0.2.1' } });
    await listThread('open', '/read-only');
    for (let i = 0; i < 3; i++) {
      const counter = newCounter();
      await listThread('open', '/read-only', counter);
      expect(counter.put).toBe(0);
    }
  });
});

describe('editing and deleting your own comment', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://blog.example' });

  it('lets the author edit with their token; an approved comment on an "all" site goes back to moderation', async () => {
    const created = await createComment({ body: 'Typo teh' });
    await approve(created.comment.id);
    const response = await call(`/api/comments/${created.comment.id}`, { method: 'PATCH', headers: bearer(created.token), body: JSON.stringify({ body: 'Typo *the*' }) });
    expect(response.status).toBe(200);
    const { comment } = await response.json<{ comment: { html: string; status: string; edited: boolean } }>();
    expect(comment).toMatchObject({ html: '<p>Typo <em>the</em></p>\n', status: 'pending', edited: true });
    expect((await listThread()).total).toBe(0);
  });

  it('keeps an edited comment published on a site without pre-moderation', async () => {
    const created = await publish('/edit', 'first version');
    const response = await call(`/api/comments/${created.comment.id}`, { method: 'PATCH', headers: { ...bearer(created.token), origin: OPEN.origin }, body: JSON.stringify({ body: 'second version' }) });
    expect((await response.json<{ comment: { status: string } }>()).comment.status).toBe('approved');
    expect((await listThread('open', '/edit')).comments[0]).toMatchObject({ html: '<p>second version</p>\n', edited: true });
  });

  it('refuses a wrong token, another comment\'s token, and an empty body', async () => {
    const mine = await createComment({ body: 'mine' });
    const theirs = await createComment({ body: 'theirs' });
    for (const token of ['wrong', theirs.token]) {
      const response = await call(`/api/comments/${mine.comment.id}`, { method: 'PATCH', headers: bearer(token), body: JSON.stringify({ body: 'hijacked' }) });
      expect(response.status).toBe(401);
    }
    const empty = await call(`/api/comments/${mine.comment.id}`, { method: 'PATCH', headers: bearer(mine.token), body: JSON.stringify({ body: ' ' }) });
    expect((await errorOf(empty)).code).toBe('invalid_request');
    const queue = await (await admin('/api/admin/comments?status=pending')).json<{ comments: { body: string }[] }>();
    expect(queue.comments.map((c) => c.body).sort()).toEqual(['mine', 'theirs']);
  });

  it('lets the author delete within the window, leaving replies in place', async () => {
    const parent = await publish('/del', 'parent');
    await publish('/del', 'reply', { parentId: parent.comment.id });
    const response = await call(`/api/comments/${parent.comment.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${parent.token}`, origin: OPEN.origin } });
    expect(response.status).toBe(200);
    const thread = await listThread('open', '/del');
    expect(thread.total).toBe(1);
    expect(thread.comments[0]).toMatchObject({ id: parent.comment.id, deleted: true });
  });
});

describe('counts for index pages', () => {
  it('answers counts for many threads with one batched read', async () => {
    await publish('/a', 'one');
    await publish('/a', 'two');
    await publish('/b', 'three');
    const counter = newCounter();
    const response = await call('/api/counts?site=open&thread=/a&thread=/b', {}, counter);
    expect(await response.json()).toEqual({ counts: { '/a': 2, '/b': 1 } });
    expect(counter.get).toBe(1); // one batched read of tiny count keys, not of whole views
    expect(counter.list + counter.put).toBe(0);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    // A thread nobody commented on has no count key: it counts 0, in the same read.
    const withEmpty = newCounter();
    expect(await (await call('/api/counts?site=open&thread=/a&thread=/none', {}, withEmpty)).json()).toEqual({ counts: { '/a': 2, '/none': 0 } });
    expect(withEmpty.get).toBe(1);
  });

  it('refuses a request with no thread or too many', async () => {
    expect((await call('/api/counts?site=open')).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => `thread=/t${i}`).join('&');
    expect((await call(`/api/counts?site=open&${many}`)).status).toBe(400);
  });
});

describe('the thread as HTML, for search engines and readers without JavaScript', () => {
  it('serves approved comments as nested, escaped, semantic HTML', async () => {
    const parent = await publish('/seo', 'Hello **world**', { author: '<script>alert(1)</script>', website: 'https://ada.example' });
    await publish('/seo', 'A reply', { parentId: parent.comment.id });
    const response = await call('/api/threads/html?site=open&thread=/seo');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await response.text();
    expect(text).toContain('<h2>2 comments</h2>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain('<script>');
    expect(text).toContain('<p>Hello <strong>world</strong></p>');
    expect(text).toMatch(new RegExp(`id="comment-${parent.comment.id}"[\\s\\S]*<ol><li><article[\\s\\S]*A reply`));
    const page = await (await call('/api/threads/html?site=open&thread=/seo&document=1')).text();
    expect(page).toMatch(/^<!doctype html>/);
  });
});

describe('preview', () => {
  it('renders a body exactly as it would be published, and saves nothing', async () => {
    const response = await call('/api/comments/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: '*hi* <b>x</b>' }) });
    expect(await response.json()).toEqual({ html: '<p><em>hi</em> &lt;b&gt;x&lt;/b&gt;</p>\n' });
    const { allKeys } = await import('../helpers/api');
    expect(await allKeys()).toEqual([]);
  });
});

describe('the last page', () => {
  it('never offers a next page that would be empty, even when the last page is exactly full', async () => {
    const thread = '/exact';
    for (let i = 0; i < PAGE_SIZE * 2; i++) await publish(thread, `exact ${i}`);
    await listThread('open', thread);
    const first = await page(thread, 'sort=oldest');
    expect(first.next).toBe(1);
    const second = await page(thread, 'sort=oldest&page=1');
    expect(second.comments).toHaveLength(PAGE_SIZE);
    expect(second.next).toBeNull();
    // One more comment adds a page: the old last page now leads to it.
    await publish(thread, 'one more');
    await listThread('open', thread);
    expect((await page(thread, 'sort=oldest&page=1')).next).toBe(2);
    expect((await page(thread, 'sort=oldest&page=2')).comments.map((c) => c.html)).toEqual(['<p>one more</p>\n']);
  });
});
