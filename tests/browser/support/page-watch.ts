import type { BrowserContext, Page } from 'playwright-core';

/** What the pages of one browser did that a healthy page should not. */
export interface PageWatch {
  /** `METHOD url (from page url)` of every request to an origin other than the test server. */
  foreignRequests: string[];
  /** Console messages of type `error`, with the page they came from. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in a page. */
  pageErrors: string[];
  /** Requests that got no response at all (refused, blocked by CSP, ...); cancelled ones are not counted. */
  failedRequests: string[];
  /** Forgets everything recorded so far (e.g. after a step that is allowed to be noisy). */
  clear(): void;
  /** A readable summary of everything recorded, for assertion messages. */
  summary(): string;
}

/**
 * Chromium asks every page's origin for /favicon.ico on its own, and logs a console error
 * when that is a 404. That is the browser's request, not the page's: it is not counted.
 */
const isFaviconNoise = (text: string, url: string) => new URL(url, 'http://x').pathname === '/favicon.ico' && /status of 404/.test(text);

const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome:', 'chrome-extension:', 'devtools:']);

/**
 * Records, for every page of `context` (open now or opened later), requests that leave
 * `allowedOrigin` (or, given a list, every origin in it: a host page and its comment server),
 * console errors, page errors and failed requests.
 *
 * @example
 * const watch = watchContext(session.context, server.origin);
 * await page.goto(server.origin);
 * expect(watch.foreignRequests).toEqual([]);
 */
export function watchContext(context: BrowserContext, allowedOrigin: string | readonly string[]): PageWatch {
  const allowed = new Set<string>(typeof allowedOrigin === 'string' ? [allowedOrigin] : allowedOrigin);
  const watch: PageWatch = {
    foreignRequests: [],
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    clear() {
      for (const list of [watch.foreignRequests, watch.consoleErrors, watch.pageErrors, watch.failedRequests]) list.length = 0;
    },
    summary() {
      return [
        `foreign requests: ${JSON.stringify(watch.foreignRequests)}`,
        `console errors: ${JSON.stringify(watch.consoleErrors)}`,
        `page errors: ${JSON.stringify(watch.pageErrors)}`,
        `failed requests: ${JSON.stringify(watch.failedRequests)}`,
      ].join('\n');
    },
  };

  const attach = (page: Page) => {
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (LOCAL_SCHEMES.has(url.protocol) || allowed.has(url.origin)) return;
      watch.foreignRequests.push(`${request.method()} ${request.url()} (from ${page.url()})`);
    });
    page.on('requestfailed', (request) => {
      // A reload or navigation cancels whatever the old page still had in flight: not a failure.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      watch.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'} (from ${page.url()})`);
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location();
      if (isFaviconNoise(message.text(), where.url)) return;
      watch.consoleErrors.push(`${message.text()} (at ${where.url}:${where.lineNumber}, page ${page.url()})`);
    });
    page.on('pageerror', (error) => {
      watch.pageErrors.push(`${error.name}: ${error.message} (page ${page.url()})`);
    });
  };
  for (const page of context.pages()) attach(page);
  context.on('page', attach);
  return watch;
}
