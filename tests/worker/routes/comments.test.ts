import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { allKeys, approve, call, createComment, errorOf, listThread, ORIGIN, pending, postComment } from '../helpers/api';
import { LIMITS } from '../../../worker/src/wire';

afterEach(() => reset());

describe('POST /api/comments', () => {
  it('creates a pending comment that readers do not see until a moderator approves it', async () => {
    const response = await postComment({ site: 'demo', thread: '/posts/hello/', author: 'Ada', email: 'ada@example.com', body: 'First!' });
    expect(response.status).toBe(201);
    const created = await response.json<{ comment: Record<string, unknown>; token: string }>();
    expect(created.comment).toMatchObject({ author: 'Ada', parentId: null, status: 'pending', html: '<p>First!</p>\n' });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The author's email is never echoed to the public.
    expect(JSON.stringify(created.comment)).not.toContain('ada@example.com');

    expect(await listThread()).toMatchObject({ comments: [], total: 0, locked: false, next: null });
    await approve(created.comment.id as string);
    const thread = await listThread();
    expect(thread.total).toBe(1);
    expect(thread.comments[0]).toMatchObject({ id: created.comment.id, author: 'Ada', html: '<p>First!</p>\n' });
    expect(JSON.stringify(thread)).not.toContain('ada@example.com');
  });

  it('publishes at once on a site whose moderation mode is none', async () => {
    const response = await postComment({ site: 'open', thread: '/a', author: 'Bo', body: 'Straight in' }, { origin: 'https://open.example' });
    expect(response.status).toBe(201);
    expect((await response.json<{ comment: { status: string } }>()).comment.status).toBe('approved');
    expect((await listThread('open', '/a')).comments.map((c) => c.author)).toEqual(['Bo']);
  });

  it('accepts a reply to a comment of the same thread and nests it by parentId', async () => {
    const parent = await createComment();
    const reply = await createComment({ parentId: parent.comment.id, author: 'Grace', body: 'Reply' });
    await approve(parent.comment.id);
    await approve(reply.comment.id);
    const thread = await listThread();
    expect(thread.comments.map((c) => [c.author, c.parentId])).toEqual([
      ['Ada', null],
      ['Grace', parent.comment.id],
    ]);
  });

  it('keeps an approved reply in place under a placeholder when its parent is removed', async () => {
    const parent = await createComment();
    const reply = await createComment({ parentId: parent.comment.id, author: 'Grace', body: 'Reply' });
    await approve(parent.comment.id);
    await approve(reply.comment.id);
    await call(`/api/admin/comments/${parent.comment.id}`, { method: 'DELETE', headers: { authorization: 'Bearer test-admin-token' } });
    const thread = await listThread();
    expect(thread.total).toBe(1);
    expect(thread.comments).toEqual([
      expect.objectContaining({ id: parent.comment.id, deleted: true, author: '', html: '' }),
      expect.objectContaining({ id: reply.comment.id, parentId: parent.comment.id, author: 'Grace' }),
    ]);
  });

  it('renders Markdown to safe HTML: no raw HTML, no script URLs, links marked nofollow ugc', async () => {
    const { comment } = await createComment({
      body: '**bold** <img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.com/a?b=1)',
    });
    expect(comment.html).toBe(
      '<p><strong>bold</strong> &lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1)) <a href="https://example.com/a?b=1" rel="nofollow ugc noopener">ok</a></p>\n',
    );
  });

  it('says plainly what is wrong with a website', async () => {
    const error = await errorOf(await postComment({ ...base, website: 'https:alert(1)' }));
    expect(error).toEqual({ code: 'invalid_request', message: 'Website must be a full http:// or https:// address', field: 'website' });
  });

  it('accepts an internationalised email, and explains an invalid one', async () => {
    expect((await postComment({ ...base, email: 'jürgen@exämple.de' })).status).toBe(201);
    const error = await errorOf(await postComment({ ...base, email: 'jürgen at exämple' }));
    expect(error).toEqual({ code: 'invalid_request', message: 'Email is not a valid address', field: 'email' });
  });

  it('keeps emoji and other astral characters (well-formed surrogate pairs)', async () => {
    const { comment } = await createComment({ author: 'Ada 👩‍💻', body: '𝒳 marks the spot 🎉' });
    expect(comment.author).toBe('Ada 👩‍💻');
    expect(comment.html).toBe('<p>𝒳 marks the spot 🎉</p>\n');
  });

  it('stores the name as typed text, collapsing line breaks', async () => {
    const { comment } = await createComment({ author: '  <b>Eve</b>\n\t"quotes"  ' });
    expect(comment.author).toBe('<b>Eve</b> "quotes"');
  });

  const base = { site: 'demo', thread: '/posts/hello/', author: 'Ada', body: 'Hello' };
  const tooLong = (n: number) => 'x'.repeat(n + 1);
  const badInputs: [string, Record<string, unknown>, number, string, string?][] = [
    ['missing name', { ...base, author: undefined }, 400, 'invalid_request', 'author'],
    ['blank name', { ...base, author: '   ' }, 400, 'invalid_request', 'author'],
    ['name too long', { ...base, author: tooLong(LIMITS.author) }, 400, 'invalid_request', 'author'],
    ['missing body', { ...base, body: undefined }, 400, 'invalid_request', 'body'],
    ['blank body', { ...base, body: ' \n ' }, 400, 'invalid_request', 'body'],
    ['body too long', { ...base, body: tooLong(LIMITS.body) }, 400, 'invalid_request', 'body'],
    ['bad email', { ...base, email: 'not-an-email' }, 400, 'invalid_request', 'email'],
    ['email too long', { ...base, email: `${'a'.repeat(LIMITS.email)}@example.com` }, 400, 'invalid_request', 'email'],
    ['javascript: website', { ...base, website: 'javascript:alert(1)' }, 400, 'invalid_request', 'website'],
    ['website too long', { ...base, website: `https://example.com/${'a'.repeat(LIMITS.website)}` }, 400, 'invalid_request', 'website'],
    ['body not a string', { ...base, body: { $gt: '' } }, 400, 'invalid_request', 'body'],
    ['missing thread', { ...base, thread: undefined }, 400, 'invalid_request', 'thread'],
    ['thread too long', { ...base, thread: tooLong(LIMITS.thread) }, 400, 'invalid_request', 'thread'],
    ['missing site', { ...base, site: undefined }, 400, 'invalid_request', 'site'],
    ['unknown site', { ...base, site: 'nope' }, 404, 'unknown_site', 'site'],
    ['malformed parentId', { ...base, parentId: '../../etc' }, 400, 'invalid_request', 'parentId'],
    ['unknown parentId', { ...base, parentId: '0000000000000000000' }, 400, 'parent_not_found', 'parentId'],
    ['control character in name', { ...base, author: 'Ada\u0000Lovelace' }, 400, 'invalid_request', 'author'],
    ['lone surrogate in name', { ...base, author: 'Ada \uD800' }, 400, 'invalid_request', 'author'],
    ['lone surrogate in body', { ...base, body: 'text \uDC00 text' }, 400, 'invalid_request', 'body'],
    ['line break in website', { ...base, website: 'https://example.com/?q=a\r\nb' }, 400, 'invalid_request', 'website'],
    ['relative website', { ...base, website: '//evil.example' }, 400, 'invalid_request', 'website'],
  ];
  it.each(badInputs)('refuses %s with a clear error and writes nothing', async (_name, body, status, code, field) => {
    const response = await postComment(body);
    expect(response.status).toBe(status);
    const error = await errorOf(response);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
    if (field) expect(error.field).toBe(field);
    expect(await allKeys()).toEqual([]);
  });

  it('refuses a parent from another thread and writes nothing new', async () => {
    const other = await createComment({ thread: '/posts/other/' });
    const before = await allKeys();
    const response = await postComment({ ...base, parentId: other.comment.id });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('parent_not_found');
    expect(await allKeys()).toEqual(before);
  });

  it('refuses malformed JSON, non-objects and wrong content types', async () => {
    for (const [body, type, status, code] of [
      ['{"site":', 'application/json', 400, 'invalid_json'],
      ['[1,2]', 'application/json', 400, 'invalid_json'],
      ['"text"', 'application/json', 400, 'invalid_json'],
      ['site=demo', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ] as const) {
      const response = await call('/api/comments', { method: 'POST', headers: { 'content-type': type }, body });
      expect(response.status, body).toBe(status);
      expect((await errorOf(response)).code).toBe(code);
    }
    expect(await allKeys()).toEqual([]);
  });

  it('refuses a request body over the size limit before parsing it', async () => {
    const response = await postComment({ ...base, body: 'x'.repeat(LIMITS.requestBytes) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(await allKeys()).toEqual([]);
  });

  it('ignores unknown fields and never lets a client choose status or id', async () => {
    const { comment } = await createComment({ status: 'approved', id: 'x', html: '<script>1</script>' } as never);
    expect(comment.status).toBe('pending');
    expect(comment.id).toMatch(/^[0-9a-z]{19}$/);
    expect(comment.html).toBe('<p>Hello there</p>\n');
  });
});

describe('origins and CORS', () => {
  it('refuses a browser post from an origin the site does not allow, and writes nothing', async () => {
    const response = await postComment(base(), { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden_origin');
    expect(await allKeys()).toEqual([]);
  });

  it("refuses a post that claims one site from another site's origin", async () => {
    const response = await postComment({ ...base(), site: 'open' }, { origin: ORIGIN });
    expect(response.status).toBe(403);
  });

  it('answers preflights for declared origins only, and lets any page read threads', async () => {
    const allowed = await call('/api/comments', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const refused = await call('/api/comments', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const read = await call('/api/comments?site=demo&thread=/', { headers: { origin: 'https://anywhere.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
  });

  function base() {
    return { site: 'demo', thread: '/t', author: 'A', body: 'b' };
  }
});

describe('GET /api/comments', () => {
  it('needs a known site and a thread', async () => {
    expect((await errorOf(await call('/api/comments?thread=/'))).code).toBe('invalid_request');
    expect((await errorOf(await call('/api/comments?site=demo'))).code).toBe('invalid_request');
    const unknown = await call('/api/comments?site=nope&thread=/');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('unknown_site');
  });

  it('keeps threads and sites apart', async () => {
    const a = await createComment({ thread: '/a' });
    const b = await createComment({ thread: '/b' });
    await approve(a.comment.id);
    await approve(b.comment.id);
    expect((await listThread('demo', '/a')).comments.map((c) => c.id)).toEqual([a.comment.id]);
    expect((await listThread('open', '/a')).comments).toEqual([]);
    expect((await pending()).comments).toEqual([]);
  });

  it('answers unknown API paths with the JSON error shape', async () => {
    const response = await call('/api/nothing');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });
});
