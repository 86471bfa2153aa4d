import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { PROJECT_ROOT } from '../../../worker/scripts/lib/wrangler-dev.mjs';

/*
 * A tiny static server for host pages (tests/fixtures/hosts/): a blog on another origin than
 * the comment server, embedding widget.js the way a real site does (cross-origin, with its own
 * CSS and, for one page, its own Content-Security-Policy header).
 *
 * HTML pages are templates:
 * - `{{SERVER}}` becomes the comment server's origin (e.g. `http://127.0.0.1:41234`);
 * - `{{EMBED}}` becomes the embed script tag:
 *   `<script src="{{SERVER}}/widget.js" data-site="demo" data-thread="/host-test" async></script>`,
 *   where every `data-*` query parameter of the page's URL adds or replaces an attribute
 *   (`/plain.html?data-theme=dark&data-lang=ar&data-thread=/rtl`);
 * - a comment `<!-- header: Name: value -->` (one per line, `{{SERVER}}` allowed) becomes a
 *   response header and is taken out of the page: how the strict-CSP page sends its policy.
 * Other files are served as they are. Anything else is a 404.
 */

/** Where the host pages are. */
export const HOSTS_DIR = join(PROJECT_ROOT, 'tests', 'fixtures', 'hosts');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface HostServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  /** The comment server the pages embed (set it once wrangler is up: the host must be started first, for SITES). */
  commentServer: string;
  /** `METHOD path?query` of every request the host server answered, in order. */
  requests: string[];
  /** Delay every stylesheet's response by this many milliseconds (a slow CDN); 0 by default. */
  cssDelayMs: number;
  stop(): Promise<void>;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The embed script tag for a page URL (see above). */
export function embedTag(server: string, query: URLSearchParams): string {
  const attributes = new Map<string, string>([
    ['data-site', 'demo'],
    ['data-thread', '/host-test'],
  ]);
  // `?data-x=value` sets an attribute; `?data-x=` (empty) leaves it out (a script tag without data-thread).
  for (const [name, value] of query) {
    if (!/^data-[a-z-]+$/.test(name)) continue;
    if (value === '') attributes.delete(name);
    else attributes.set(name, value);
  }
  const rendered = [...attributes].map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  return `<script src="${server}/widget.js"${rendered} async></script>`;
}

/**
 * Starts the host server on a free port of 127.0.0.1. Start it before `wrangler dev` (whose
 * SITES must list its origin), then set `commentServer`.
 *
 * @example
 * const host = await startHostServer();
 * const server = await startWranglerDev({ vars: { SITES: sitesFor(host.origin) } });
 * host.commentServer = server.origin;
 * await page.goto(`${host.origin}/legacy.html?data-thread=/legacy`);
 */
export async function startHostServer(): Promise<HostServer> {
  const requests: string[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    // `?page=NAME` serves NAME.html at any address (a post's path without an extension, `/posts/hello`).
    const page = url.searchParams.get('page');
    const path = normalize(join(HOSTS_DIR, page && /^[a-z-]+$/.test(page) ? `${page}.html` : decodeURIComponent(url.pathname)));
    if (!path.startsWith(HOSTS_DIR + sep) || !TYPES[extname(path)]) {
      // Chromium asks for /favicon.ico on its own: answer "nothing" without an error in the console.
      response.writeHead(url.pathname === '/favicon.ico' ? 204 : 404, { 'Content-Type': 'text/plain' }).end();
      return;
    }
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': TYPES[extname(path)], 'Cache-Control': 'no-store' };
    if (extname(path) === '.css' && server.cssDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, server.cssDelayMs));
    if (extname(path) === '.html') {
      content = content
        .replace(/<!-- header: ([A-Za-z-]+): (.*?) -->\n?/g, (_, name: string, value: string) => {
          headers[name] = value.replaceAll('{{SERVER}}', server.commentServer);
          return '';
        })
        .replaceAll('{{EMBED}}', embedTag(server.commentServer, url.searchParams))
        .replaceAll('{{SERVER}}', server.commentServer);
    }
    response.writeHead(200, headers).end(content);
  };
  const http = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(String(error.stack ?? error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const server: HostServer = {
    origin: `http://127.0.0.1:${port}`,
    commentServer: 'http://comment-server.invalid',
    requests,
    cssDelayMs: 0,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
      return stopped;
    },
  };
  return server;
}

/** A SITES value for `wrangler dev`: the `demo` site, pre-moderated, with `origins` allowed to post. */
export function demoSites(origins: string[]): string {
  return JSON.stringify([{ id: 'demo', name: 'Parley demo blog', origins, moderation: 'all' }]);
}
