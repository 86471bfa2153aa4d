import MarkdownIt from 'markdown-it';

/**
 * Comment bodies are Markdown, rendered once, on the Worker, into HTML that is safe to
 * insert into any page:
 * - raw HTML is never passed through (`html: false` escapes it as text);
 * - links may only point to http:, https: or mailto: URLs, and carry rel="nofollow ugc noopener";
 * - images are not rendered (they would make every reader's browser fetch a third-party URL);
 * - headings and tables are off: a comment is prose, not a page layout.
 */
const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false });
md.disable(['image', 'heading', 'lheading', 'table', 'hr']);

const SAFE_LINK = /^(https?:|mailto:)/i;
md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim());

// Show a link's text exactly as typed: by default markdown-it percent- and punycode-decodes
// the visible text of bare URLs (`%41` shows as `A`, `xn--…` as a lookalike Unicode domain).
md.normalizeLinkText = (text: string): string => text;

md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index].attrSet('rel', 'nofollow ugc noopener');
  return self.renderToken(tokens, index, options);
};

/**
 * Renders a comment body.
 *
 * @example
 * renderMarkdown('*hi* <b>there</b>') // '<p><em>hi</em> &lt;b&gt;there&lt;/b&gt;</p>\n'
 */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
