import { decodeHTML } from 'entities';

/**
 * Turns the HTML of an imported comment (WordPress, Disqus) into the Markdown Parley stores.
 * The Worker's Markdown renderer then makes the HTML readers see, so no tag, attribute or
 * script from the old system is ever passed through: what survives is text, paragraphs, line
 * breaks, links (http, https and mailto only), emphasis, code, quotes and lists. Images become
 * links to the image; headings become bold lines; everything else is reduced to its text.
 */
export interface HtmlToMarkdownOptions {
  /**
   * `significant` (WordPress): comment text is typed, not authored HTML, and WordPress turns
   * a line break into `<br>` and a blank line into a paragraph; both are kept.
   * `collapse` (Disqus): the message is real HTML, where a line break is just a space.
   */
  newlines: 'significant' | 'collapse';
}

interface ElementNode {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}
type HtmlNode = string | ElementNode;

const VOID = new Set(['br', 'img', 'hr', 'input', 'meta', 'link', 'wbr', 'source', 'area', 'col', 'embed', 'param', 'track']);
/** Dropped with everything inside them. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'math', 'head', 'title', 'textarea', 'select', 'button']);
const BLOCK = new Set(['p', 'div', 'section', 'article', 'aside', 'header', 'footer', 'figure', 'figcaption', 'address', 'dl', 'dt', 'dd', 'center', 'details', 'summary', 'table', 'thead', 'tbody', 'tfoot', 'caption', 'form', 'fieldset', 'main', 'nav']);
const HEADING = /^h[1-6]$/;
const SAFE_URL = /^(https?:|mailto:)/i;

/**
 * Converts one comment body.
 *
 * @example
 * htmlToMarkdown('<p>Read <a href="https://example.com">this</a>!</p>', { newlines: 'collapse' })
 * // 'Read [this](https://example.com)!'
 */
export function htmlToMarkdown(html: string, options: HtmlToMarkdownOptions): string {
  const writer = new MarkdownWriter(options);
  writer.nodes(parseHtml(html));
  return writer.finish();
}

/** A forgiving HTML tree builder: unknown or unclosed tags never fail, stray end tags are ignored. */
function parseHtml(html: string): HtmlNode[] {
  const root: ElementNode = { tag: '#root', attrs: {}, children: [] };
  const stack: ElementNode[] = [root];
  const token = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<!?[a-zA-Z][^>]*>?|<\/([a-zA-Z][a-zA-Z0-9]*)\s*>|<\?[\s\S]*?(?:\?>|$)/g;
  let last = 0;
  let hidden = 0;
  const top = () => stack[stack.length - 1];
  const addText = (text: string) => {
    if (!hidden && text) top().children.push(decodeHTML(text));
  };
  for (let match = token.exec(html); match; match = token.exec(html)) {
    addText(html.slice(last, match.index));
    last = token.lastIndex;
    const raw = match[0];
    if (match[1] !== undefined) {
      if (!hidden) top().children.push(match[1]);
      continue;
    }
    if (match[2] !== undefined) {
      const tag = match[2].toLowerCase();
      const at = stack.map((node) => node.tag).lastIndexOf(tag);
      if (at > 0) {
        for (let i = stack.length - 1; i >= at; i--) if (HIDDEN.has(stack[i].tag)) hidden--;
        stack.length = at;
      }
      continue;
    }
    if (raw.startsWith('<!') || raw.startsWith('<?')) continue;
    const open = /^<([a-zA-Z][a-zA-Z0-9]*)([\s\S]*?)\/?>?$/.exec(raw);
    if (!open) continue;
    const tag = open[1].toLowerCase();
    const node: ElementNode = { tag, attrs: parseAttributes(open[2]), children: [] };
    if (!hidden) top().children.push(node);
    if (VOID.has(tag) || raw.endsWith('/>')) continue;
    // A new paragraph or list item closes the open one, as in HTML.
    if ((tag === 'p' || tag === 'li') && stack.length > 1 && top().tag === tag) stack.pop();
    stack.push(node);
    if (HIDDEN.has(tag)) hidden++;
  }
  addText(html.slice(last));
  return root.children;
}

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    attrs[match[1].toLowerCase()] = decodeHTML(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attrs;
}

/** Text of a subtree, tags dropped. */
function textOf(nodes: HtmlNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : node.tag === 'br' ? '\n' : textOf(node.children))).join('');
}

/**
 * What means something in Markdown wherever it stands, backslash-escaped in text: `\` `` ` ``
 * `*` `_` `[` `]`; `~` only doubled (strikethrough); `<` only before a letter (an autolink);
 * `&` only before an entity name.
 */
const INLINE_SPECIAL = /[\\`*_[\]]|~(?=~)|(?<=~)~|<(?=[a-zA-Z])|&(?=#?[a-zA-Z0-9]+;)/g;
/** Bare URLs are left as typed: the renderer links them, and escapes would break them. */
const BARE_URL = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"]*[^\s<>".,;:!?'")\]]/gi;

function escapeText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    out += text.slice(last, match.index).replace(INLINE_SPECIAL, '\\$&');
    out += match[0];
    last = match.index! + match[0].length;
  }
  return out + text.slice(last).replace(INLINE_SPECIAL, '\\$&');
}

/** Escapes what would start a list or a quote when it begins a line. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)(>|[-+](?=\s|$)|\d{1,9}[.)](?=\s|$))/, (_all, space: string, marker: string) => `${space}${marker.length > 1 ? `${marker.slice(0, -1)}\\${marker.slice(-1)}` : `\\${marker}`}`);
}

function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((run) => run[0].length));
  return '`'.repeat(longest + 1);
}

function safeUrl(url: string | undefined): string | null {
  const trimmed = (url ?? '').trim();
  if (!SAFE_URL.test(trimmed)) return null;
  return trimmed.replace(/[\s()<>\\]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Builds Markdown from the tree: blocks are separated by blank lines; inline marks wrap trimmed text. */
class MarkdownWriter {
  private out = '';

  /**
   * @param fenced Finished code blocks and quotes, shared with nested writers: the text holds
   * place holders for them, so that whitespace clean-up never touches what they contain.
   */
  constructor(
    private readonly options: HtmlToMarkdownOptions,
    private readonly fenced: string[] = [],
  ) {}

  nodes(nodes: HtmlNode[]): void {
    for (const node of nodes) this.node(node);
  }

  /** The Markdown, place holders resolved. */
  finish(): string {
    return this.resolve(this.tidy());
  }

  /** Trailing spaces, runs of spaces and runs of blank lines go; place holders stay. */
  private tidy(): string {
    return this.out
      .split('\n')
      .map((line) => line.replace(/(?<=\S) {2,}/g, ' ').replace(/[ \t]+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  private resolve(text: string): string {
    return text.replace(/([\u0000\u0001])(\d+)\1/g, (_all, _mark: string, index: string) => this.resolve(this.fenced[Number(index)]));
  }

  /** Keeps finished Markdown aside and returns its place holder (lists get their own mark, see {@link list}). */
  private protect(markdown: string, kind: 'block' | 'list' = 'block'): string {
    this.fenced.push(markdown);
    const mark = kind === 'list' ? '\u0001' : '\u0000';
    return `${mark}${this.fenced.length - 1}${mark}`;
  }

  private node(node: HtmlNode): void {
    if (typeof node === 'string') {
      this.text(node);
      return;
    }
    const { tag } = node;
    if (tag === 'br') this.out += '\n';
    else if (tag === 'hr') this.block('');
    else if (tag === 'img') this.image(node);
    else if (tag === 'a') this.link(node);
    else if (tag === 'strong' || tag === 'b') this.wrap('**', node.children);
    else if (tag === 'em' || tag === 'i') this.wrap('*', node.children);
    else if (tag === 'del' || tag === 's' || tag === 'strike') this.wrap('~~', node.children);
    else if (tag === 'code' || tag === 'kbd' || tag === 'samp' || tag === 'tt') this.code(textOf(node.children));
    else if (tag === 'q') this.wrap('"', node.children);
    else if (tag === 'pre') this.pre(node);
    else if (tag === 'blockquote') {
      const quoted = this.sub(node.children);
      if (quoted) this.block(this.prefixed(quoted, '> ', '> '));
    }
    else if (tag === 'ul' || tag === 'ol') this.list(node);
    else if (tag === 'li') this.block(this.sub(node.children));
    else if (HEADING.test(tag)) {
      const text = this.sub(node.children).replace(/\s+/g, ' ');
      this.block(text ? `**${text}**` : '');
    } else if (tag === 'tr') this.block(node.children.map((cell) => (typeof cell === 'string' ? '' : this.sub(cell.children).replace(/\s+/g, ' '))).filter(Boolean).join(' · '));
    else if (BLOCK.has(tag)) this.block(this.sub(node.children));
    else this.nodes(node.children);
  }

  private text(raw: string): void {
    let text = raw.replace(/\r\n?/g, '\n');
    if (this.options.newlines === 'collapse') {
      text = text.replace(/\s+/g, ' ');
      if (!this.atLineStart()) this.out += escapeText(text);
      else this.out += escapeLineStart(escapeText(text.replace(/^ /, '')));
      return;
    }
    // Typed text: each line loses its indentation (it would make a code block) and runs of spaces.
    const lines = text.split('\n').map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' '));
    lines.forEach((line, index) => {
      if (index > 0) this.out += '\n';
      const start = this.atLineStart();
      const piece = start ? line.replace(/^ +/, '') : line;
      this.out += start ? escapeLineStart(escapeText(piece)) : escapeText(piece);
    });
  }

  private atLineStart(): boolean {
    return this.out === '' || this.out.endsWith('\n');
  }

  /** Markdown of child nodes, written apart (for quotes, list items, link text); place holders kept. */
  private sub(nodes: HtmlNode[]): string {
    const writer = new MarkdownWriter(this.options, this.fenced);
    writer.nodes(nodes);
    return writer.tidy();
  }

  /** A block whose lines all get a prefix (quotes, list items): its code blocks are resolved first. */
  private prefixed(markdown: string, first: string, rest: string): string {
    const lines = this.resolve(markdown).split('\n');
    return this.protect(lines.map((line, index) => (index === 0 ? first : rest) + line).map((line) => line.trimEnd()).join('\n'));
  }

  private block(markdown: string): void {
    this.out += `\n\n${markdown}\n\n`;
  }

  private wrap(mark: string, children: HtmlNode[]): void {
    const inner = this.sub(children);
    const raw = textOf(children);
    // Spaces just inside the element go outside the marks (`** bold **` would not render).
    const lead = /^\s/.test(raw) && !this.atLineStart() ? ' ' : '';
    const trail = /\s$/.test(raw) ? ' ' : '';
    if (!inner.trim()) {
      this.out += lead || trail;
      return;
    }
    if (inner.includes('\n\n')) {
      this.out += inner;
      return;
    }
    this.out += `${lead}${mark}${inner.trim()}${mark}${trail}`;
  }

  private code(text: string): void {
    const single = text.replace(/\s+/g, ' ');
    if (!single.trim()) return;
    const longestRun = Math.max(0, ...[...single.matchAll(/`+/g)].map((run) => run[0].length));
    const fence = '`'.repeat(longestRun + 1);
    const pad = single.startsWith('`') || single.endsWith('`') ? ' ' : '';
    this.out += `${fence}${pad}${single}${pad}${fence}`;
  }

  private pre(node: ElementNode): void {
    const code = textOf(node.children).replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
    if (!code.trim()) return;
    const fence = fenceFor(code);
    this.block(this.protect(`${fence}\n${code}\n${fence}`));
  }

  private link(node: ElementNode): void {
    const url = safeUrl(node.attrs.href);
    const text = this.resolve(this.sub(node.children)).replace(/\s+/g, ' ').trim();
    if (!url) {
      this.out += text;
      return;
    }
    this.out += `[${text || escapeText(node.attrs.href!.trim())}](${url})`;
  }

  private image(node: ElementNode): void {
    const url = safeUrl(node.attrs.src);
    const alt = escapeText((node.attrs.alt ?? '').replace(/\s+/g, ' ').trim());
    if (url) this.out += `[${alt || 'image'}](${url})`;
    else this.out += alt;
  }

  private list(node: ElementNode): void {
    const ordered = node.tag === 'ol';
    let number = Number(node.attrs.start) || 1;
    const items: string[] = [];
    for (const child of node.children) {
      if (typeof child === 'string') {
        if (child.trim()) items.push(`- ${escapeText(child.trim())}`);
        continue;
      }
      // A list inside an item follows its first line directly, so the list stays tight.
      const content = (child.tag === 'li' ? this.sub(child.children) : this.sub([child])).replace(/\n\n(?=\u0001)/g, '\n');
      if (!content) continue;
      const marker = ordered ? `${number++}. ` : '- ';
      items.push(this.prefixed(content, marker, ' '.repeat(marker.length)));
    }
    if (items.length > 0) this.block(this.protect(items.join('\n'), 'list'));
  }
}
