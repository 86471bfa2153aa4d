import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { demoSites, startHostServer, type HostServer } from './support/host-server';
import { watchContext, type PageWatch } from './support/page-watch';
import { seedComments } from '../support/seed';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { LOADED_HEADING, postComment, threadLoaded } from './support/widget';

/**
 * "Embed anywhere" (issue 13, docs/embedding.md) in Chromium, on pages of another origin
 * (support/host-server.ts) that load `widget.js` from `wrangler dev`:
 *
 * - **a single-page app** (tests/fixtures/hosts/spa.html): widget.js without `data-site`, so it
 *   brings widget-embed.js; the app waits for `customElements.whenDefined('parley-comments')`,
 *   mounts with `Parley.mount` (thread derived from the path), and on each `history.pushState`
 *   route calls `Parley.setThread`. Each route shows its own thread; a comment posted on route B
 *   lands on B; going back shows A's again; a route rendered anew with a `<parley-comments>`
 *   element shows that element's thread.
 * - **`loading="lazy"`**: an element far below the fold asks for nothing until scrolled to.
 * - **an ordinary page** (`#comments` and a script tag with `data-site`): first paint is two
 *   requests to the comment server, widget.js and the thread's first page; widget-embed.js is never asked for.
 * - **thread ids**: a script tag without `data-thread` on a post at `/posts/hello` asks for
 *   `/posts/hello/` (normalised, still two requests); with `data-thread-normalize="off"`, for
 *   `/posts/hello` (widget-embed.js does it).
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('runs the widget in a single-page app in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('embed anywhere: single-page apps, lazy loading, what an ordinary page loads', () => {
    let host: HostServer;
    let server: WranglerDev;
    let session: BrowserSession;
    let watch: PageWatch;

    beforeAll(async () => {
      host = await startHostServer();
      server = await startWranglerDev({ vars: { SITES: demoSites([host.origin]), RATE_LIMIT: '0', KV_WRITE_INTERVAL_MS: '0' } });
      host.commentServer = server.origin;
      await seedComments(server.origin, server.adminToken, [
        { key: 'spa-a', thread: '/spa/a/', author: 'Ada Route', body: 'A comment on route A.' },
        { key: 'spa-b', thread: '/spa/b/', author: 'Bea Route', body: 'A comment on route B.' },
        { key: 'spa-c', thread: '/spa-c', author: 'Cy Element', body: 'A comment on the element of route C.' },
        { key: 'lazy', thread: '/spa-lazy', author: 'Lou Lazy', body: 'Far below the fold.' },
        { key: 'plain', thread: '/plain-two-requests', author: 'Pat Plain', body: 'An ordinary page.' },
        { key: 'normal', thread: '/posts/hello/', author: 'Nia Normal', body: 'Filed under the normalised path.' },
        { key: 'exact', thread: '/posts/hello', author: 'Eve Exact', body: 'Filed under the exact path, by an earlier widget.' },
      ]);
      session = await launchChromiumSession(executablePath);
      session.context.setDefaultTimeout(15_000);
      watch = watchContext(session.context, [host.origin, server.origin]);
    });

    afterAll(async () => {
      await session?.close();
      await server?.stop();
      await host?.stop();
    });

    /** A new tab, with every request it makes recorded (as paths on the comment server). */
    const newPage = async () => {
      const page = await session.context.newPage();
      const requests: Request[] = [];
      page.on('request', (request) => requests.push(request));
      onTestFailed(() => {
        console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-4_000)}`);
        console.error(`--- the browser ---\n${watch.summary()}\nrequests: ${requests.map((r) => r.url()).join('\n  ')}`);
      });
      const onServer = (method?: string) => requests.filter((r) => !method || r.method() === method).map((r) => new URL(r.url())).filter((url) => url.origin === server.origin);
      return { page, paths: () => onServer().map((url) => url.pathname), threadsAsked: () => onServer('GET').filter((url) => url.pathname === '/api/comments').map((url) => url.searchParams.get('thread')) };
    };
    const expectClean = (what: string) => expect([...watch.foreignRequests, ...watch.consoleErrors, ...watch.pageErrors, ...watch.failedRequests], `${what}:\n${watch.summary()}`).toEqual([]);
    /** The widget in `element` once its thread has loaded. */
    const loaded = (element: Locator) => threadLoaded(element);
    const authors = (element: Locator) => element.locator('.author').allTextContents();
    const go = (page: Page, path: string) => page.evaluate((to) => (window as unknown as { go(path: string): void }).go(to), path);

    it('each route of a single-page app shows its own thread; a comment posted on B lands on B; back shows A again', async () => {
      const { page, paths, threadsAsked } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/spa.html`);
      await page.waitForFunction(() => (window as unknown as { spaReady?: boolean }).spaReady);
      expect(paths()).toContain('/widget-embed.js');
      const comments = page.locator('#route-comments');

      await go(page, '/spa/a');
      await expect.poll(() => authors(comments), { timeout: 10_000 }).toEqual(['Ada Route']);
      await go(page, '/spa/b');
      await expect.poll(() => authors(comments), { timeout: 10_000 }).toEqual(['Bea Route']);
      expect(await (await loaded(comments)).getByRole('heading', { name: LOADED_HEADING }).textContent()).toBe('1 comment');

      // Posting on route B: the request names B's thread, and the comment shows there (awaiting moderation: the demo site moderates all).
      const [posted] = await Promise.all([
        page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/api/comments'),
        postComment(page, comments, { name: 'Sam SPA', body: 'Posted on route B.' }),
      ]);
      expect(JSON.parse(posted.postData() ?? '{}').thread).toBe('/spa/b/');
      await expect.poll(() => authors(comments)).toEqual(['Bea Route', 'Sam SPA']);

      // Back to A (popstate): A's comments, not B's nor the one just posted.
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe('/spa/a');
      await expect.poll(() => authors(comments), { timeout: 10_000 }).toEqual(['Ada Route']);
      // Forward to B again: the posted comment is still there (the reader's own, pending).
      await page.goForward();
      await expect.poll(() => authors(comments), { timeout: 10_000 }).toEqual(['Bea Route', 'Sam SPA']);

      // A route rendered anew with a <parley-comments> element of its own.
      await page.evaluate(() => (window as unknown as { swap(path: string, thread: string): void }).swap('/spa/c', '/spa-c'));
      const element = page.locator('#view parley-comments');
      await expect.poll(() => authors(element), { timeout: 10_000 }).toEqual(['Cy Element']);

      // Every thread was asked for under its normalised id (the page itself, /spa.html, first); the lazy element's never.
      expect(threadsAsked()).toEqual(['/spa.html', '/spa/a/', '/spa/b/', '/spa/a/', '/spa/b/', '/spa-c']);
      expectClean('the single-page app');
      await page.close();
    });

    it('a loading="lazy" element far below the fold loads its thread only when scrolled into view', async () => {
      const { page, threadsAsked } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/spa.html`);
      await page.waitForFunction(() => (window as unknown as { spaReady?: boolean }).spaReady);
      const lazy = page.locator('#lazy');
      await loaded(page.locator('#route-comments'));
      await page.waitForTimeout(500);
      expect(threadsAsked()).not.toContain('/spa-lazy');
      expect(await lazy.evaluate((element) => !!element.shadowRoot)).toBe(false);

      await lazy.scrollIntoViewIfNeeded();
      await expect.poll(() => authors(lazy), { timeout: 10_000 }).toEqual(['Lou Lazy']);
      expect(threadsAsked().filter((thread) => thread === '/spa-lazy')).toHaveLength(1);
      expectClean('the lazy element');
      await page.close();
    });

    it('a script tag without data-thread asks for the page\'s path normalised, in two requests; data-thread-normalize="off" for the path exactly', async () => {
      // plain.html served at a post's address without a trailing slash (as /%postname% permalinks, Next.js and Astro give).
      const normal = await newPage();
      await normal.page.goto(`${host.origin}/posts/hello?page=plain&data-thread=&utm_source=feed`);
      expect(await authors(await loaded(normal.page.locator('#comments')))).toEqual(['Nia Normal']);
      await normal.page.waitForTimeout(500);
      expect(normal.paths()).toEqual(['/widget.js', '/api/comments']);
      expect(normal.threadsAsked()).toEqual(['/posts/hello/']);
      await normal.page.close();

      const exact = await newPage();
      await exact.page.goto(`${host.origin}/posts/hello?page=plain&data-thread=&data-thread-normalize=off`);
      expect(await authors(await loaded(exact.page.locator('#comments')))).toEqual(['Eve Exact']);
      expect(exact.paths()).toEqual(['/widget.js', '/widget-embed.js', '/api/comments']);
      expect(exact.threadsAsked()).toEqual(['/posts/hello']);
      expectClean('a post at an address without its trailing slash');
      await exact.page.close();
    });

    it('an ordinary page with #comments: first paint is widget.js and the thread, and no widget-embed.js', async () => {
      const { page, paths } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/plain.html?data-thread=/plain-two-requests`);
      const widget = await loaded(page.locator('#comments'));
      expect(await authors(widget)).toEqual(['Pat Plain']);
      // Time for anything late to ask.
      await page.waitForTimeout(1_000);
      expect(paths()).toEqual(['/widget.js', '/api/comments']);
      expect(await page.evaluate(() => ({ parley: 'Parley' in window, element: !!customElements.get('parley-comments') }))).toEqual({ parley: false, element: false });
      expectClean('the ordinary page');
      await page.close();
    });
  });
}
