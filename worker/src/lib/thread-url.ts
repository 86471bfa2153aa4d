import type { SiteConfig } from '../config/sites';

/** Whether `text` starts with a URL scheme (`javascript:`, `data:`, `https:`…). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Where a thread lives on its site, built from the site's configured `url`: always an http(s)
 * URL on that site's origin, or null. A thread id is reader-supplied text (any page may embed the
 * widget with any thread), so it only ever counts as a path under `url`: one that would leave the
 * site (`//evil.example/x`, `/\evil.example`, `https://evil.example/`) or change the scheme
 * (`javascript:…`) gives null, and so does a site without `url`.
 *
 * @example
 * threadUrl({ url: 'https://blog.example' }, '/posts/hello/', 'abc') // 'https://blog.example/posts/hello/#comment-abc'
 * threadUrl({ url: 'https://blog.example' }, '//evil.example/x')     // null
 */
export function threadUrl(site: Pick<SiteConfig, 'url'> | undefined, thread: string, commentId?: string): string | null {
  if (!site?.url) return null;
  try {
    const base = new URL(site.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') return null;
    const url = SCHEME.test(thread) ? new URL(thread) : new URL(thread, base);
    if (url.origin !== base.origin || url.username || url.password) return null;
    if (commentId) url.hash = `comment-${commentId}`;
    return strictlyEncoded(url.toString());
  } catch {
    return null;
  }
}

/**
 * A URL with the characters that chat and mail apps read as the end of a link or as markup —
 * brackets, parentheses, braces, quotes, `<`, `>`, `|`, `\`, `^` and backticks — percent-encoded,
 * so a thread id inside it cannot close the link or form a Markdown link of its own. Browsers
 * read it as the same address.
 */
function strictlyEncoded(url: string): string {
  return url.replace(/[[\](){}<>|\\^`"']/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * A same-origin link to a thread for a page of the Worker itself (the dashboard, for a site
 * without `url`): the thread id as a path, or null when it is not a plain path (`//host`,
 * `/\host` and anything with a scheme would leave the origin or run script).
 */
export function threadPath(thread: string, commentId?: string): string | null {
  if (!thread.startsWith('/')) return null;
  const origin = 'https://parley.invalid';
  try {
    const url = new URL(thread, origin);
    if (url.origin !== origin || url.pathname.startsWith('//')) return null;
    return `${url.pathname}${url.search}${commentId ? `#comment-${commentId}` : ''}`;
  } catch {
    return null;
  }
}
