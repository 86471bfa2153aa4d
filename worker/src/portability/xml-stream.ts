import { SaxesParser } from 'saxes';
import { decodeHTML } from 'entities';

/**
 * What a format reader (WordPress, Disqus) receives from the XML stream. Element names are
 * local names (`wp:comment_id` → `comment_id`); attributes keep their qualified names.
 */
export interface XmlVisitor {
  open(name: string, attributes: Record<string, string>): void;
  /** Character data or CDATA inside the innermost open element (may arrive in pieces). */
  text(text: string): void;
  close(name: string): void;
}

/**
 * Not well-formed XML. `line` is 1-based; `column` counts characters from the line's start.
 * The message names the file, the line and the column.
 */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly fileName?: string,
  ) {
    super(`${fileName ? `${fileName}: ` : ''}line ${line}, column ${column}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

/** C0 control characters XML 1.0 forbids (old WordPress databases hold a few); removed, so line numbers stay right. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * HTML named entities (`&nbsp;`, `&laquo;`) are undefined in XML, but exports carry them
 * outside CDATA now and then; they are decoded as HTML would rather than refused.
 */
function htmlEntities(base: Record<string, string>): Record<string, string> {
  return new Proxy(base, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      if (name in target) return target[name];
      if (!/^[A-Za-z][A-Za-z0-9]{1,31}$/.test(name)) return undefined;
      const decoded = decodeHTML(`&${name};`);
      return decoded === `&${name};` ? undefined : decoded;
    },
  });
}

/**
 * A streaming XML reader over saxes: feed it text chunks of any size; it calls the visitor
 * as elements open and close, and holds no more of the document than the current chunk.
 * Throws {@link XmlSyntaxError} (with line and column) on the first well-formedness error.
 *
 * @example
 * const xml = new XmlStream(visitor, { fileName: 'export.xml' });
 * for await (const chunk of chunks) xml.write(chunk);
 * xml.end();
 */
export class XmlStream {
  private readonly parser: SaxesParser<{ position: true }>;
  private failure: XmlSyntaxError | null = null;

  constructor(visitor: XmlVisitor, options: { fileName?: string } = {}) {
    const parser = new SaxesParser({ position: true });
    parser.ENTITIES = htmlEntities(parser.ENTITIES);
    parser.on('error', (error) => {
      // saxes prefixes "line:column: "; keep only the reason.
      const reason = error.message.replace(/^(?:.*?:)?\d+:\d+: /, '');
      this.failure ??= new XmlSyntaxError(reason, parser.line, parser.column, options.fileName);
      throw this.failure;
    });
    parser.on('opentag', (tag) => visitor.open(localName(tag.name), tag.attributes as Record<string, string>));
    parser.on('text', (text) => visitor.text(text));
    parser.on('cdata', (text) => visitor.text(text));
    parser.on('closetag', (tag) => visitor.close(localName(tag.name)));
    this.parser = parser;
  }

  /** Parses the next piece of the document. */
  write(chunk: string): void {
    if (this.failure) throw this.failure;
    this.parser.write(chunk.replace(FORBIDDEN, ''));
  }

  /** Ends the document: throws if elements are left open or nothing was read. */
  end(): void {
    if (this.failure) throw this.failure;
    this.parser.close();
  }
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}
