import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from '../../../worker/src/portability/html-to-markdown';
import { renderMarkdown } from '../../../worker/src/lib/markdown';
import { parseMapFile, parseMapPrefix, threadForLink } from '../../../worker/src/portability/thread-map';
import { normalisedPath } from '../../../worker/src/lib/thread-path';
import { importedCommentId } from '../../../worker/src/portability/import-ids';

const typed = (html: string) => htmlToMarkdown(html, { newlines: 'significant' });
const authored = (html: string) => htmlToMarkdown(html, { newlines: 'collapse' });

describe('HTML → Markdown', () => {
  it('keeps typed text as typed: Markdown characters are escaped, bare URLs stay linkable', () => {
    const markdown = typed('1. not a list\n> not a quote\n- not a bullet\nUse *stars*, _underscores_, [brackets] and `ticks`: http://example.com/a_b_c');
    expect(renderMarkdown(markdown)).toBe(
      '<p>1. not a list<br>\n&gt; not a quote<br>\n- not a bullet<br>\nUse *stars*, _underscores_, [brackets] and `ticks`: <a href="http://example.com/a_b_c" rel="nofollow ugc noopener">http://example.com/a_b_c</a></p>\n',
    );
  });

  it('keeps paragraphs, breaks, emphasis, nested lists, quotes and code', () => {
    const markdown = authored('<p>Para <b> bold </b>and <i>it</i>.</p><p>Line<br/>break</p><ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul><blockquote><p>q1</p><p>q2</p></blockquote><pre><code>a  `b`\n\n\nc</code></pre>');
    expect(markdown).toBe('Para **bold** and *it*.\n\nLine\nbreak\n\n- one\n  - nested\n- two\n\n> q1\n>\n> q2\n\n```\na  `b`\n\n\nc\n```');
    expect(renderMarkdown(markdown)).toContain('<li>one\n<ul>\n<li>nested</li>\n</ul>\n</li>');
  });

  it('keeps safe links only, and turns images into links', () => {
    expect(authored('<a href="https://en.wikipedia.org/wiki/Foo_(bar)">Foo (bar)</a>')).toBe('[Foo (bar)](https://en.wikipedia.org/wiki/Foo_%28bar%29)');
    expect(authored('<a href="javascript:alert(1)">x</a> <a href="data:text/html,hi">y</a> <a>z</a>')).toBe('x y z');
    expect(authored('<img src="https://i.example/a.png" alt="A cat"> <img src="x" onerror="alert(1)">')).toBe('[A cat](https://i.example/a.png)');
  });

  it('decodes entities once and drops scripts, styles and unknown tags', () => {
    expect(typed('AT&amp;T &amp;copy; &lt;b&gt; caf&eacute;')).toBe('AT&T \\&copy; \\<b> café');
    expect(authored('<style>p{}</style><script>alert(1)</script><font color="red">red</font><unknown>text</unknown>')).toBe('redtext');
  });
});

describe('thread mapping', () => {
  it('takes the path (and query) of a link by default', () => {
    expect(threadForLink('https://old.example/2014/hello/#comments')).toBe('/2014/hello/');
    expect(threadForLink('http://example.tld/?p=4')).toBe('/?p=4');
    expect(threadForLink('not a url')).toBeNull();
    expect(threadForLink('ftp://old.example/x')).toBeNull();
  });

  it('keeps paths exactly by default (as earlier releases and data-thread pages have them); --normalise-paths normalises them as the widget derives a page\'s thread', () => {
    expect(threadForLink('https://old.example/2014/hello')).toBe('/2014/hello');
    expect(threadForLink('https://old.example/2014/hello/index.html')).toBe('/2014/hello/index.html');
    const normalise = { normalisePaths: true };
    expect(threadForLink('https://old.example/2014/hello', normalise)).toBe('/2014/hello/');
    expect(threadForLink('https://old.example/2014/hello/index.html#comment-3', normalise)).toBe('/2014/hello/');
    expect(threadForLink('https://old.example/2014/hello.html', normalise)).toBe('/2014/hello.html');
    expect(threadForLink('https://old.example/index.php?p=4', normalise)).toBe('/?p=4');
    expect(threadForLink('/archives/42', normalise)).toBe('/archives/42/');
    // Mapped by prefix: a path of the new site, normalised (and percent-encoded, as a browser's address is); mapped exactly: as written.
    expect(threadForLink('https://old.example/blog/café', { ...normalise, prefixes: [parseMapPrefix('https://old.example/blog=/posts')] })).toBe('/posts/caf%C3%A9/');
    expect(threadForLink('https://old.example/about', { ...normalise, exact: { 'https://old.example/about': '/about' } })).toBe('/about');
  });

  it('normalises a path the way the widget does: the root, dotted segments, index files', () => {
    const cases: [string, string][] = [['/', '/'], ['/a.b/c', '/a.b/c/'], ['/p/index.php', '/p/'], ['/p/index.htm', '/p/'], ['/myindex.html', '/myindex.html'], ['/v1.2', '/v1.2'], ['/caf%C3%A9', '/caf%C3%A9/']];
    for (const [path, thread] of cases) expect(normalisedPath(path), path).toBe(thread);
  });

  it('maps by prefix (longest first) and by exact link', () => {
    const mapping = { ...parseMapFile({ 'http://example.tld/?p=4': '/hello/', 'https://old.example/archives/*': '/posts/*' }) };
    mapping.prefixes!.push(parseMapPrefix('https://old.example=/'));
    expect(threadForLink('http://example.tld/?p=4', mapping)).toBe('/hello/');
    expect(threadForLink('https://old.example/archives/2014/x/', mapping)).toBe('/posts/2014/x/');
    expect(threadForLink('https://old.example/2014/y/', mapping)).toBe('/2014/y/');
    expect(threadForLink('https://old.example/about', { exact: { 'https://old.example/about': 'about-page' } })).toBe('about-page');
    expect(() => parseMapPrefix('no-equals-sign')).toThrow(/FROM=TO/);
  });
});

describe('imported ids', () => {
  it('are stable, shaped like Parley ids, and sort by the original date', async () => {
    const a = await importedCommentId('demo', 'wordpress', '18/7', Date.parse('2014-04-29T15:21:35Z'));
    expect(a).toMatch(/^[0-9a-z]{19}$/);
    expect(await importedCommentId('demo', 'wordpress', '18/7', Date.parse('2014-04-29T15:21:35Z'))).toBe(a);
    expect(await importedCommentId('other', 'wordpress', '18/7', Date.parse('2014-04-29T15:21:35Z'))).not.toBe(a);
    expect(await importedCommentId('demo', 'disqus', '18/7', Date.parse('2014-04-29T15:21:35Z'))).not.toBe(a);
    expect(a.slice(0, 9)).toBe(Date.parse('2014-04-29T15:21:35Z').toString(36).padStart(9, '0'));
    expect(await importedCommentId('demo', 'wordpress', 'z', Date.parse('2015-01-01T00:00:00Z')) > a).toBe(true);
  });
});
