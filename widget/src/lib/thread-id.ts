import { normalisedPath } from '../../../worker/src/lib/thread-path';

/**
 * The thread id of the page the widget is on, when the embed names none (docs/embedding.md,
 * "Thread ids"): the path of `<link rel="canonical">` (else of the page's address), without a
 * last segment `index.html`, `index.htm` or `index.php`, with a trailing slash unless its last
 * segment is a file name (`/post` and `/post/` are one thread, `/post/`); never the query nor the
 * fragment. What a script tag without `data-thread` uses, and the element and the JS API.
 *
 * @example
 * // at https://blog.example/posts/hello/index.html?utm_source=x#comment-abc
 * pagePath(); // '/posts/hello/'
 */
export const pagePath = (): string =>
  normalisedPath(new URL(document.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href || location.href).pathname);

/**
 * The thread id of the page with the options of `data-thread-query` and `data-thread-normalize`
 * (widget-embed.js): {@link pagePath}, followed by the query parameters named in `query` when the
 * page's address (or canonical link) has them, in that order (`/?p=123`). `normalize` false: the
 * page's `location.pathname` exactly, as earlier widgets derived it, with the same parameters
 * kept from its own address.
 */
export function pageThread(query: string[] = [], normalize = true): string {
  const url = new URL((normalize && document.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href) || location.href);
  const kept = new URLSearchParams();
  for (const name of query) for (const value of url.searchParams.getAll(name)) kept.append(name, value);
  const path = normalize ? normalisedPath(url.pathname) : url.pathname;
  return kept.size ? `${path}?${kept}` : path;
}
