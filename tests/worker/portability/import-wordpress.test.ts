import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { listAll } from '../helpers/api';
import { allComments, depthOf, importText, queue } from './helpers';
import edgeCases from '../../fixtures/imports/wordpress/parley-wxr-edge-cases.xml?raw';
import isso from '../../fixtures/imports/wordpress/isso-wordpress.xml?raw';

afterEach(() => reset());

const TEMPLATE = '/2012/01/03/template-comments/';

describe('importing a WordPress export (WXR)', () => {
  it('reads every comment and says what it skipped and why', async () => {
    const report = await importText(edgeCases, { fileName: 'parley-wxr-edge-cases.xml' });
    expect(report.format).toBe('wordpress');
    expect(report.found).toBe(32);
    expect(report.sent).toBe(24);
    expect(report.created).toBe(24);
    expect(report.skipped).toEqual({ trackback: 2, pingback: 2, 'other-type': 1, 'missing-content': 1, 'missing-id': 1, duplicate: 1 });
    expect(report.skippedTypes).toEqual({ order_note: 1 });
    expect(report.byStatus).toEqual({ approved: 20, pending: 2, spam: 1, removed: 1 });
    expect(report.warnings).toEqual({ 'parent-missing': 1, 'date-missing': 1 });
    expect(report.threads).toBe(5);
  });

  it('keeps a reply chain ten levels deep, with each parent mapped to its new id', async () => {
    await importText(edgeCases);
    const thread = await listAll('demo', TEMPLATE);
    const byId = new Map(thread.map((comment) => [comment.id, comment]));
    const chain = thread.filter((comment) => comment.author.startsWith('Level '));
    expect(chain).toHaveLength(10);
    for (const comment of chain) expect(depthOf(comment.id, byId)).toBe(Number(comment.author.split(' ')[1]));
    expect(Math.max(...thread.map((comment) => depthOf(comment.id, byId)))).toBe(10);
  });

  it('maps approval states: 1 approved, 0 pending (a reply among them), spam, trash removed', async () => {
    await importText(edgeCases);
    const pending = await queue('pending');
    expect(pending.map((c) => c.author).sort()).toEqual(['Anonymous User', 'Unapproved Replier']);
    const reply = pending.find((c) => c.author === 'Unapproved Replier')!;
    const level5 = (await listAll('demo', TEMPLATE)).find((c) => c.author === 'Level 5 commenter')!;
    expect(reply.parentId).toBe(level5.id);
    expect((await queue('spam')).map((c) => c.author)).toEqual(['Cheap Pills']);
    expect((await queue('removed')).map((c) => c.author)).toEqual(['Trashed Comment']);
    // Readers see approved comments only.
    const shown = await listAll('demo', TEMPLATE);
    expect(shown.map((c) => c.author)).not.toContain('Cheap Pills');
    expect(shown.map((c) => c.author)).not.toContain('Trashed Comment');
  });

  it('skips trackbacks and pingbacks and decodes entities in author names', async () => {
    await importText(edgeCases);
    const pings = await listAll('demo', '/2012/01/01/template-pingbacks-and-trackbacks/');
    expect(pings.map((c) => c.author)).toEqual(['O’Brien «the reader»']);
    expect(pings[0].html).toBe('<p>A real comment among the pings — with entities.</p>\n');
    expect(JSON.stringify(await allComments())).not.toContain('tellyworth');
  });

  it('keeps authors, emails, websites and the original dates', async () => {
    await importText(edgeCases);
    const comments = await allComments();
    const greek = comments.find((c) => c.author === 'John Γιάννης Doe Κάποιος')!;
    expect(greek).toMatchObject({ email: 'example@example.org', website: 'http://example.org/', createdAt: '2012-09-03T17:18:04.000Z', thread: TEMPLATE });
    const padded = comments.find((c) => c.author === 'Padded Author')!;
    expect(padded).toMatchObject({ email: 'padded@example.com', website: 'https://padded.example/', createdAt: '2013-03-12T04:45:54.000Z' });
    expect(padded.body).toBe('This body is padded with whitespace.\nIts second line is indented with a tab.');
    // No date: the post's date stands in.
    expect(comments.find((c) => c.author === 'No Date')!.createdAt).toBe('2012-01-03T17:11:37.000Z');
    // A reply to a comment missing from the file becomes a top-level comment.
    expect(comments.find((c) => c.author === 'Lost Reply')!.parentId).toBeNull();
    // Ids have Parley's shape and sort like the original dates.
    for (const comment of comments) expect(comment.id).toMatch(/^[0-9a-z]{19}$/);
    const byDate = [...comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((c) => c.id);
    expect([...comments].sort((a, b) => a.id.localeCompare(b.id)).map((c) => c.id)).toEqual(byDate);
  });

  it('turns HTML bodies into Markdown, so the Worker renders them and no raw HTML gets through', async () => {
    await importText(edgeCases);
    const comments = await allComments();
    const rich = comments.find((c) => c.author === 'John Γιάννης Doe Κάποιος')!;
    expect(rich.body).toContain('> Stay hungry. Stay foolish.');
    expect(rich.body).toContain('[link to the docs](https://example.org/docs?a=1&b=2)');
    expect(rich.html).toContain('<blockquote>\n<p>Stay hungry. Stay foolish.</p>\n</blockquote>');
    expect(rich.html).toContain('<a href="https://example.org/docs?a=1&amp;b=2" rel="nofollow ugc noopener">link to the docs</a>');
    expect(rich.html).toContain('<code>&lt;code&gt;</code>');
    expect(rich.html).toContain('<pre><code>function hello() {\n  return &quot;world&quot;;\n}\n</code></pre>');
    expect(rich.html).toContain('<li>First item</li>');
    expect(rich.html).toContain('Café &amp; crème — 2 * 3 = 6, snake_case and [brackets].');
    expect(rich.html).not.toContain('<h1');
    expect(rich.html).not.toContain('<img');

    const hostile = comments.find((c) => c.author === 'Mallory')!;
    expect(hostile.html).toBe('<p>Hello click me <strong>bold</strong></p>\n');
    for (const bad of ['<script', 'onerror', 'javascript:', '<iframe', 'onclick', 'stolen']) expect(hostile.html + hostile.body).not.toContain(bad);
  });

  it('keeps paragraphs and line breaks of typed comments', async () => {
    await importText(isso, { site: 'demo' });
    const multiline = (await allComments()).find((c) => c.author === 'Multiline Author')!;
    expect(multiline.html).toBe('<p>When you have a comment with multiple lines:<br>\nWordPress exports it like this.</p>\n');
  });
});

describe('importing the isso WXR excerpt', () => {
  it('imports the same comment_id in two posts as two comments, and dates without comment_date', async () => {
    const report = await importText(isso);
    expect(report).toMatchObject({ found: 8, sent: 8, threads: 2, skipped: {} });
    const [post, page] = [await listAll('demo', '/2014/test/'), await listAll('demo', '/?p=4')];
    expect(post).toHaveLength(7);
    expect(page).toHaveLength(1);
    expect(post.find((c) => c.author === 'Letzter :/')!.id).not.toBe(page[0].id);
    const drölf = post.find((c) => c.html.includes('Drölfter'))!;
    expect(drölf.createdAt).toBe('2014-04-29T15:21:35.000Z');
    // Emails had a newline and indentation after them.
    expect((await allComments()).every((c) => c.email === null || /^\S+@\S+$/.test(c.email))).toBe(true);
    const byId = new Map(post.map((c) => [c.id, c]));
    expect(Math.max(...post.map((c) => depthOf(c.id, byId)))).toBe(3);
  });

  it('maps old links to thread ids with a prefix map or an exact map', async () => {
    const report = await importText(isso, {
      mapping: { prefixes: [{ from: 'http://example.tld', to: '/blog' }], exact: { 'http://example.tld/?p=4': '/hello-world/' } },
    });
    expect(report.sent).toBe(8);
    expect(await listAll('demo', '/blog/2014/test/')).toHaveLength(7);
    expect(await listAll('demo', '/hello-world/')).toHaveLength(1);
    expect(await listAll('demo', '/2014/test/')).toHaveLength(0);
  });
});
