import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../worker/src/lib/markdown';

describe('renderMarkdown', () => {
  it('renders the Markdown commenters use: emphasis, links, code, quotes, lists', () => {
    expect(renderMarkdown('*em* **strong** `code`')).toBe('<p><em>em</em> <strong>strong</strong> <code>code</code></p>\n');
    expect(renderMarkdown('> quoted')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>\n');
    expect(renderMarkdown('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n');
    expect(renderMarkdown('```\nlet x = 1 < 2;\n```')).toBe('<pre><code>let x = 1 &lt; 2;\n</code></pre>\n');
    expect(renderMarkdown('[site](https://example.com)')).toBe('<p><a href="https://example.com" rel="nofollow ugc noopener">site</a></p>\n');
    expect(renderMarkdown('see https://example.com/x')).toContain('<a href="https://example.com/x" rel="nofollow ugc noopener">');
    expect(renderMarkdown('line one\nline two')).toBe('<p>line one<br>\nline two</p>\n');
  });

  it('never passes raw HTML, script URLs, data URLs or images', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](  javascript:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[x](vbscript:msgbox(1))',
      '![x](https://tracker.example/pixel.gif)',
      '<a href="javascript:alert(1)">x</a>',
      '[<img src=x onerror=alert(1)>](https://example.com)',
    ];
    for (const input of hostile) {
      const html = renderMarkdown(input);
      expect(html, input).not.toMatch(/<(script|img|svg|iframe)/i);
      expect(html, input).not.toMatch(/href="(javascript|data|vbscript):/i);
      expect(html, input).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i); // no real tag carries an event handler
    }
  });

  it('keeps what a reader typed visible as text', () => {
    expect(renderMarkdown('a <b>tag</b> & "quotes"')).toBe('<p>a &lt;b&gt;tag&lt;/b&gt; &amp; &quot;quotes&quot;</p>\n');
    expect(renderMarkdown('# not a heading')).toBe('<p># not a heading</p>\n');
  });
});

describe('link text', () => {
  it('shows a bare URL exactly as typed, never decoded into other characters or a lookalike domain', () => {
    expect(renderMarkdown('http://a/%%30%30')).toContain('>http://a/%%30%30</a>');
    expect(renderMarkdown('https://e.com/%41%42')).toContain('>https://e.com/%41%42</a>');
    expect(renderMarkdown('http://xn--e1afmkfd.xn--p1ai/')).toContain('>http://xn--e1afmkfd.xn--p1ai/</a>');
  });
});
