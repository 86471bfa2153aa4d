import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { admin, allKeys, call, createComment, errorOf, ORIGIN, postComment } from '../helpers/api';
import { LIMITS } from '../../../worker/src/wire';

afterEach(() => reset());

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const LONE_SURROGATE = '/post-\uD800/';
const FAKE_LINE = '/post/\nApprove: https://evil.example/approve';

/** Every place a thread id comes in, as a request carrying `thread`. */
function everyThreadInput(thread: string): [string, () => Promise<Response>][] {
  // A lone surrogate cannot be URL-encoded: a query string carries it as its UTF-8 replacement.
  const q = encodeURIComponent(thread.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  const comment = { id: '0mx1lptcjc92pe4o1ye', thread, parentId: null, author: 'A', email: null, website: null, body: 'b', status: 'approved', createdAt: '2020-01-01T00:00:00.000Z' };
  return [
    ['POST /api/comments', () => postComment({ site: 'demo', thread, author: 'A', body: 'b' })],
    ['GET /api/comments', () => call(`/api/comments?site=demo&thread=${q}`)],
    ['GET /api/counts', () => call(`/api/counts?site=demo&thread=%2Fok&thread=${q}`)],
    ['GET /api/threads/html', () => call(`/api/threads/html?site=demo&thread=${q}&document=1`)],
    ['GET /feeds/demo.atom', () => call(`/feeds/demo.atom?thread=${q}`)],
    ['POST /api/subscriptions', () => call('/api/subscriptions', json({ site: 'demo', thread, email: 'fan@example.com' }, { origin: ORIGIN }))],
    ['POST /api/admin/threads/lock', () => admin('/api/admin/threads/lock', json({ site: 'demo', thread, locked: true }))],
    ['GET /api/admin/comments', () => admin(`/api/admin/comments?thread=${q}`)],
    ['POST /api/admin/import (wordpress)', () => admin('/api/admin/import', json({ format: 'wordpress', site: 'demo', comments: [comment] }))],
    ['POST /api/admin/import (parley)', () => admin('/api/admin/import', json({ format: 'parley', version: 1, site: 'demo', threads: [{ thread, locked: true, pinned: [] }] }))],
  ];
}

describe('one rule per field, wherever it comes in', () => {
  it('refuses a thread id holding a control character with 400, everywhere, writing nothing', async () => {
    const before = await allKeys();
    for (const [where, send] of everyThreadInput(FAKE_LINE)) {
      const response = await send();
      expect(response.status, where).toBe(400);
      const error = await errorOf(response);
      expect(error.code, where).toBe('invalid_request');
      expect(error.message, where).toBe('thread contains a control character');
      expect(error.field, where).toMatch(/(^|\.)thread(\.\d+)?$/);
    }
    expect(await allKeys()).toEqual(before);
  });

  it('answers a thread id holding a lone surrogate with 400, never 500', async () => {
    for (const [where, send] of everyThreadInput(LONE_SURROGATE)) {
      const response = await send();
      // A query string cannot carry a lone surrogate (it arrives as U+FFFD): those requests are fine.
      if (where.startsWith('GET')) expect(response.status, where).toBeLessThan(500);
      else expect(await errorOf(response), where).toMatchObject({ code: 'invalid_request', message: 'thread contains an invalid character (a lone UTF-16 surrogate)' });
    }
  });

  it('says the same thing about a thread id that is too long, wherever it comes in', async () => {
    const messages = new Set<string>();
    for (const [where, send] of everyThreadInput(`/${'x'.repeat(LIMITS.thread)}`)) {
      const response = await send();
      expect(response.status, where).toBe(400);
      messages.add((await errorOf(response)).message);
    }
    expect([...messages]).toEqual([`thread is at most ${LIMITS.thread} characters`]);
  });

  it('refuses control characters other than tab and newline in a body, posted or edited', async () => {
    for (const bad of ['ring \u0007 the bell', 'escape \u001b[31m red', 'c1 \u0085 next line']) {
      const response = await postComment({ site: 'demo', thread: '/t', author: 'A', body: bad });
      expect(await errorOf(response)).toEqual({ code: 'invalid_request', message: 'Comment contains a control character', field: 'body' });
    }
    const { comment } = await createComment({ body: 'tab\there\r\nand a CRLF' });
    expect(comment.html).toBe('<p>tab\there<br>\nand a CRLF</p>\n');
    const { comment: mine, token } = await createComment({ body: 'mine' });
    const edit = (body: string) => call(`/api/comments/${mine.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ body }) });
    expect(await errorOf(await edit('bell \u0007'))).toMatchObject({ code: 'invalid_request', message: 'Comment contains a control character', field: 'body' });
    // An edit refuses a lone surrogate exactly as a post does.
    expect(await errorOf(await edit('half \uD83D'))).toEqual(await errorOf(await postComment({ site: 'demo', thread: '/t', author: 'A', body: 'half \uD83D' })));
    expect((await edit('fine\tnow')).status).toBe(200);
  });

  it('holds a moderator to the same rules as a reader', async () => {
    const { comment } = await createComment();
    const edit = await admin(`/api/admin/comments/${comment.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ author: 'Bad\u0000name' }) });
    expect(await errorOf(edit)).toEqual({ code: 'invalid_request', message: 'Name contains a control character', field: 'author' });
    const ban = await admin('/api/admin/bans', json({ commentId: comment.id, kind: 'ip', reason: 'line one\nApprove: https://evil.example' }));
    expect(await errorOf(ban)).toMatchObject({ message: 'Reason contains a control character', field: 'reason' });
  });
});
