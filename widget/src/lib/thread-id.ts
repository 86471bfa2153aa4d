/**
 * The thread id of the page the widget is on, when the embed names none (docs/embedding.md,
 * "Thread ids"): the path of `<link rel="canonical">` (else of the page's address), without a
 * last segment `index.html`, `index.htm` or `index.php`, with a trailing slash unless its last
 * segment is a file name (`/post` and `/post/` are one thread, `/post/`), without the fragment,
 * and without the query but for the parameters named in `query`, in that order (`?p=123`).
 * `normalize` false: the page's `location.pathname` exactly, as widgets before 0.2 derived it.
 *
 * @example
 * // at https://blog.example/posts/hello/index.html?utm_source=x#comment-abc
 * pageThread(); // '/posts/hello/'
 */
export function pageThread(query: string[] = [], normalize = true): string {
  if (!normalize) return location.pathname;
  const url = new URL(document.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href || location.href);
  const kept = new URLSearchParams();
  for (const name of query) for (const value of url.searchParams.getAll(name)) kept.append(name, value);
  const path = url.pathname.replace(/\/index\.(html?|php)$/, '/').replace(/\/[^/.]+$/, '$&/');
  return kept.size ? `${path}?${kept}` : path;
}
