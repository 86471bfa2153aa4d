/**
 * A page's path as a thread id: the one rule the widget (widget/src/lib/thread-id.ts) and the
 * importer (portability/thread-map.ts) share, so that imported comments land in the thread the page
 * asks for (docs/embedding.md, "Thread ids"). A last segment `index.html`, `index.htm` or
 * `index.php` is dropped, and the path gets a trailing slash unless its last segment is a file name.
 * No imports: widget.js bundles it.
 *
 * @example
 * normalisedPath('/2014/hello') // '/2014/hello/'
 * normalisedPath('/2014/hello/index.html') // '/2014/hello/'
 * normalisedPath('/2014/hello.html') // '/2014/hello.html'
 */
export const normalisedPath = (path: string): string => path.replace(/\/index\.(html?|php)$/, '/').replace(/\/[^/.]+$/, '$&/');
