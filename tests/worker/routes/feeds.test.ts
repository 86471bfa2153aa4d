import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { parseAtomFeed } from 'feedsmith';
import { SaxesParser } from 'saxes';
import { approve, call, countingKv, createComment, newCounter } from '../helpers/api';
import { allComments, importText } from '../portability/helpers';
import kkdai from '../../fixtures/imports/disqus/kkdai-evanlin-export-2021-excerpt.xml?raw';
import edgeCases from '../../fixtures/imports/wordpress/parley-wxr-edge-cases.xml?raw';

afterEach(() => reset());

/** Fails unless the text is well-formed, namespace-correct XML. */
function assertWellFormed(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let root = '';
  parser.on('opentag', (tag) => {
    if (!root) root = `{${tag.uri}}${tag.local}`;
  });
  parser.write(xml).close();
  expect(root).toBe('{http://www.w3.org/2005/Atom}feed');
}

async function feed(path: string) {
  const response = await call(path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  const xml = await response.text();
  assertWellFormed(xml);
  return { xml, parsed: parseAtomFeed(xml) };
}

describe('Atom feeds', () => {
  it('GET /feeds/SITE.atom: the latest 50 approved comments of the site, newest first', async () => {
    await importText(kkdai);
    const approved = (await allComments()).filter((c) => c.status === 'approved').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const { parsed } = await feed('/feeds/demo.atom');
    expect(parsed.title?.value).toBe('Comments on Demo');
    expect(parsed.id).toBe('https://parley.test/feeds/demo.atom');
    expect(parsed.links).toEqual([{ rel: 'self', type: 'application/atom+xml', href: 'https://parley.test/feeds/demo.atom' }]);
    const entries = parsed.entries ?? [];
    expect(entries).toHaveLength(50);
    expect(entries.map((entry) => entry.published)).toEqual(approved.slice(0, 50).map((c) => c.createdAt));
    expect(parsed.updated).toBe(approved[0].createdAt);
    const newest = approved[0];
    const entry = entries[0];
    expect(entry.id).toBe(`tag:parley.test,${newest.createdAt.slice(0, 10)}:parley/demo/${newest.id}`);
    expect(entry.authors).toEqual([{ name: newest.author }]);
    expect(entry.content).toEqual({ type: 'html', value: newest.html.trim() });
    // Spam and removed comments never appear.
    const hidden = (await allComments()).filter((c) => c.status !== 'approved').map((c) => c.id);
    expect(entries.some((e) => hidden.some((id) => e.id?.endsWith(id)))).toBe(false);
  });

  it('GET /feeds/SITE.atom?thread=: one thread, from the site index, with links to each comment on the page', async () => {
    await importText(edgeCases, { site: 'guarded' });
    const thread = '/2012/01/03/template-comments/';
    const counter = newCounter();
    const response = await call(`/feeds/guarded.atom?thread=${encodeURIComponent(thread)}`, {}, undefined, { PARLEY_KV: countingKv(env.PARLEY_KV, counter) });
    // Served from the site's index (its object): no KV operation at all.
    expect(counter).toEqual({ get: 0, put: 0, delete: 0, list: 0, getWithMetadata: 0 });
    const xml = await response.text();
    assertWellFormed(xml);
    const parsed = parseAtomFeed(xml);
    const approved = (await allComments('guarded')).filter((c) => c.status === 'approved' && c.thread === thread);
    const entries = parsed.entries ?? [];
    expect(entries).toHaveLength(approved.length);
    expect(parsed.links).toContainEqual({ rel: 'alternate', type: 'text/html', href: 'https://guarded.example/2012/01/03/template-comments/' });
    expect(parsed.id).toBe(`https://parley.test/feeds/guarded.atom?thread=${encodeURIComponent(thread)}`);
    const greek = approved.find((c) => c.author === 'John Γιάννης Doe Κάποιος')!;
    const entry = entries.find((e) => e.id?.endsWith(greek.id))!;
    expect(entry.id).toBe(`tag:guarded.example,2012-09-03:parley/guarded/${greek.id}`);
    expect(entry.links).toEqual([{ rel: 'alternate', type: 'text/html', href: `https://guarded.example/2012/01/03/template-comments/#comment-${greek.id}` }]);
    expect(entry.content).toEqual({ type: 'html', value: greek.html.trim() });
    expect(entry.authors).toEqual([{ name: 'John Γιάννης Doe Κάποιος', uri: 'http://example.org/' }]);
    // Newest first.
    const published = entries.map((e) => e.published!);
    expect(published).toEqual([...published].sort().reverse());
    expect(xml).toContain('<content type="html">&lt;p&gt;&lt;strong&gt;Headings&lt;/strong&gt;');
    // Never an email.
    for (const comment of approved) if (comment.email) expect(xml).not.toContain(comment.email);
  });

  it('shows a new approved comment, and not a pending one', async () => {
    const { comment } = await createComment({ author: 'Ada', email: 'ada@example.com', body: 'Hello <feed> & "readers"' });
    expect((await feed('/feeds/demo.atom')).parsed.entries ?? []).toHaveLength(0);
    await approve(comment.id);
    const { parsed, xml } = await feed('/feeds/demo.atom');
    expect(parsed.entries?.map((e) => e.content?.value)).toEqual(['<p>Hello &lt;feed&gt; &amp; &quot;readers&quot;</p>']);
    expect(parsed.entries?.[0].title).toEqual({ value: 'Comment by Ada on /posts/hello/' });
    expect(xml).not.toContain('ada@example.com');
    const threadFeed = await feed('/feeds/demo.atom?thread=%2Fposts%2Fhello%2F');
    expect(threadFeed.parsed.entries).toHaveLength(1);
  });

  it('answers 404 for an unknown site or file, and 400 for a bad thread', async () => {
    expect((await call('/feeds/nope.atom')).status).toBe(404);
    expect((await call('/feeds/demo.rss')).status).toBe(404);
    expect((await call(`/feeds/demo.atom?thread=${'x'.repeat(300)}`)).status).toBe(400);
    const empty = await feed('/feeds/demo.atom?thread=%2Fnothing-here%2F');
    expect(empty.parsed.entries ?? []).toEqual([]);
  });
});
