import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { demoSites, startHostServer, type HostServer } from './support/host-server';
import { watchContext, type PageWatch } from './support/page-watch';
import { formatViolations, runAxe, splitByWidget } from './support/axe';
import { cspViolations, recordCspViolations, THEME_ACCENT, THEME_TEXT, widgetStyle } from './support/reader';
import { seedComments } from '../support/seed';
import { PROJECT_ROOT, startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { commentById, openForm, postComment, threadLoaded, widgetOn } from './support/widget';

/**
 * The widget embedded the way blogs embed it: pages on another origin (a small host server,
 * support/host-server.ts, serving tests/fixtures/hosts/) load `widget.js` from `wrangler dev`.
 *
 * - **hostile host CSS**: a Bootstrap-like stylesheet, a Tailwind-Preflight-like reset on a dark
 *   page, an aggressive legacy theme (`* { color: lime !important; … }`, floats, hidden
 *   buttons…) and a page with a strict Content-Security-Policy header. On each: the widget
 *   mounts, its controls are visible and work (a comment is posted through the form), its text
 *   keeps the widget's own colour, its buttons are shown, nothing is requested from a third
 *   host, no console error, no CSP violation. Screenshots go to `.tmp/hosts/` for a look.
 * - **comment counts**: an index page's `[data-parley-count]` elements are filled from one request.
 * - **themes**: light and dark differ; `auto` follows `prefers-color-scheme` as it changes; a
 *   page's `--parley-accent` wins in both themes.
 * - **right to left**: with `data-lang="ar"` the widget is in Arabic, `dir="rtl"`, mirrored, and
 *   only `i18n/ar.json` is fetched.
 *
 * `wrangler dev` runs with SITES allowing the host server's origin for the `demo` site, and
 * RATE_LIMIT=0. Comments are seeded through the admin restore endpoint (tests/support/seed.ts).
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

/** `expect.poll` with room for a slow machine (its default gives up after 1 s), and an optional message. */
const poll = <T>(read: () => T, message?: string) => expect.poll(read, { timeout: 5_000, message });

/** Where the screenshots of host pages go (gitignored), for a person to look at. */
const SHOTS_DIR = join(PROJECT_ROOT, '.tmp', 'hosts');

const LIME = 'rgb(0, 255, 0)';

interface HostPage {
  file: string;
  what: string;
  /**
   * The theme the page asks for (`data-theme`), as a site owner who knows their page would: which
   * theme `auto` picks from a page's background is tested under 'themes', with the timing of the
   * page's stylesheet under control.
   */
  theme: 'light' | 'dark';
}

const HOSTILE_PAGES: HostPage[] = [
  { file: 'bootstrap-like', what: 'a Bootstrap-like stylesheet', theme: 'light' },
  { file: 'tailwind-preflight', what: 'a Tailwind-Preflight-like reset on a dark page', theme: 'dark' },
  { file: 'legacy', what: 'an aggressive legacy theme (!important on *, floats, hidden buttons)', theme: 'dark' },
  { file: 'strict-csp', what: 'a strict Content-Security-Policy header', theme: 'light' },
];

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('embeds the widget in host pages in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('the widget embedded in other sites', () => {
    let host: HostServer;
    let server: WranglerDev;
    let session: BrowserSession;
    let watch: PageWatch;
    let ids: Record<string, string>;

    beforeAll(async () => {
      host = await startHostServer();
      server = await startWranglerDev({ vars: { SITES: demoSites([host.origin]), RATE_LIMIT: '0', KV_WRITE_INTERVAL_MS: '0' } });
      host.commentServer = server.origin;
      ids = await seedComments(server.origin, server.adminToken, [
        // Every hostile page's thread has a comment and a reply, so there are Like and Reply buttons.
        ...HOSTILE_PAGES.flatMap((p) => [
          { key: `${p.file}-q`, thread: `/host-${p.file}`, author: 'Lin Park', body: `Does this look right on **${p.what}**? A [link](https://example.com/docs) too.`, likes: 2 },
          { key: `${p.file}-a`, thread: `/host-${p.file}`, author: 'Ravi Menon', body: 'It should: the widget brings its own styles.', parent: `${p.file}-q` },
        ]),
        // Counts: /a has 2, /b 1 (and 1 pending, not counted), /c none.
        { key: 'a1', thread: '/a', author: 'A One', body: 'First on A' },
        { key: 'a2', thread: '/a', author: 'A Two', body: 'Second on A', parent: 'a1' },
        { key: 'b1', thread: '/b', author: 'B One', body: 'Only on B' },
        { key: 'b2', thread: '/b', author: 'B Two', body: 'Pending on B', status: 'pending' },
        // Themes and right-to-left.
        { key: 'theme', thread: '/themes', author: 'Noor', body: 'Colours, please.' },
        { key: 'rtl-q', thread: '/rtl', author: 'سلمى', body: 'هل يعمل هذا من اليمين إلى اليسار؟', minutesAgo: 120 },
        { key: 'rtl-a', thread: '/rtl', author: 'Yusuf', body: 'نعم، والردود تُزاح إلى اليسار.', parent: 'rtl-q', minutesAgo: 60 },
      ]);
      session = await launchChromiumSession(executablePath);
      session.context.setDefaultTimeout(15_000);
      await session.context.addInitScript(recordCspViolations);
      watch = watchContext(session.context, [host.origin, server.origin]);
      await mkdir(SHOTS_DIR, { recursive: true });
    });

    afterAll(async () => {
      await session?.close();
      await server?.stop();
      await host?.stop();
    });

    /** A new tab (closed after the test), with every request it makes recorded. */
    const newPage = async () => {
      const page = await session.context.newPage();
      const requests: Request[] = [];
      page.on('request', (request) => requests.push(request));
      onTestFailed(() => {
        console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-4_000)}`);
        console.error(`--- the browser ---\n${watch.summary()}\nrequests: ${requests.map((r) => r.url()).join('\n  ')}`);
      });
      return { page, requests, paths: () => requests.map((r) => new URL(r.url())).filter((u) => u.origin === server.origin).map((u) => u.pathname) };
    };
    const expectClean = async (page: Page, what: string) => {
      expect([...watch.foreignRequests, ...watch.consoleErrors, ...watch.pageErrors, ...watch.failedRequests], `${what}:\n${watch.summary()}`).toEqual([]);
      expect(await cspViolations(page), `${what}: CSP violations`).toEqual([]);
    };
    const loaded = async (page: Page) => {
      const widget = widgetOn(page);
      await threadLoaded(widget);
      return widget;
    };

    for (const hostPage of HOSTILE_PAGES) {
      it(`works and stays readable on a page with ${hostPage.what}`, async () => {
        const { page, paths } = await newPage();
        watch.clear();
        const thread = `/host-${hostPage.file}`;
        const response = await page.goto(`${host.origin}/${hostPage.file}.html?data-thread=${encodeURIComponent(thread)}&data-theme=${hostPage.theme}`);
        if (hostPage.file === 'strict-csp') {
          expect(response?.headers()['content-security-policy']).toBe(`default-src 'none'; script-src ${server.origin}; connect-src ${server.origin}; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
        }
        const widget = await loaded(page);
        await openForm(widget);

        // It mounted, in a shadow root, in the theme asked for.
        expect(await page.evaluate(() => !!document.querySelector('#comments')?.shadowRoot?.querySelector('section'))).toBe(true);
        const theme = hostPage.theme;
        expect(await page.locator('#comments').getAttribute('data-parley-theme')).toBe(theme);

        // Every field can be seen and is big enough to use; every button of the widget is displayed.
        for (const label of ['Comment', 'Name', 'Email (optional)', 'Website (optional)']) {
          const field = widget.getByLabel(label, { exact: true });
          expect(await field.isVisible(), `the field "${label}" is visible`).toBe(true);
          const box = (await field.boundingBox())!;
          expect(box.width, `the field "${label}" is wide enough`).toBeGreaterThan(120);
          expect(box.height, `the field "${label}" is tall enough`).toBeGreaterThan(label === 'Comment' ? 60 : 24);
        }
        const buttons = await widget.locator('button').evaluateAll((all) =>
          all.map((button) => {
            const style = getComputedStyle(button);
            const box = button.getBoundingClientRect();
            return { text: (button.textContent ?? '').trim(), display: style.display, visibility: style.visibility, width: box.width, height: box.height };
          }),
        );
        expect(buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['Preview', 'Post comment', 'Reply', 'Follow this thread']));
        expect(buttons.filter((b) => b.display === 'none' || b.visibility !== 'visible' || b.width < 20 || b.height < 14), 'buttons that are not shown').toEqual([]);

        // Text keeps the widget's own colour: the page's `color` (even !important on *) does not reach in.
        const textColour = THEME_TEXT[theme];
        const style = await widgetStyle(page, ['section', 'h2', 'label', 'textarea', 'article .author', 'article .body p', 'button.reply', 'button.primary', 'p.hint']);
        expect(style.elements.length).toBe(9);
        const lime = style.elements.filter((el) => el.color === LIME);
        // (Soft: the rest of the page's checks still run, so one run tells everything that is wrong.)
        expect.soft(lime.map((el) => `${el.selector} "${el.text}": ${el.color}`), 'widget text in the page\'s lime').toEqual([]);
        const wrong = style.elements.filter((el) => ['section', 'h2', 'label', 'article .author', 'article .body p'].includes(el.selector) && el.color !== textColour);
        expect.soft(wrong.map((el) => `${el.selector} "${el.text}": ${el.color}`), `widget text not in the ${theme} theme's text colour ${textColour}`).toEqual([]);

        // Nor do the page's other inherited text properties (line-height, text-transform, text-align,
        // letter-spacing, text-shadow): the page's font is the only thing the widget means to inherit.
        const leaks = (await widgetStyle(page, ['article .body p', 'label', 'h2'])).elements.flatMap((el) => {
          const found: string[] = [];
          if (parseFloat(el.lineHeight) > 2 * parseFloat(el.fontSize)) found.push(`line-height ${el.lineHeight} at font-size ${el.fontSize}`);
          if (el.textTransform !== 'none') found.push(`text-transform: ${el.textTransform}`);
          if (!['start', 'left'].includes(el.textAlign)) found.push(`text-align: ${el.textAlign}`);
          if (el.letterSpacing !== 'normal') found.push(`letter-spacing: ${el.letterSpacing}`);
          if (el.textShadow !== 'none') found.push(`text-shadow: ${el.textShadow}`);
          return found.map((what) => `${el.selector} "${el.text}": ${what}`);
        });
        expect.soft(leaks, "the page's inherited text properties inside the widget").toEqual([]);

        // Contrast and the rest of WCAG 2.2 AA inside the widget (axe; the host page's own markup is not ours to judge).
        const axe = splitByWidget((await runAxe(page)).violations).widget;
        expect.soft(axe.map((v) => v.id), `axe-core inside the widget on the ${hostPage.file} page:\n${formatViolations(axe)}`).toEqual([]);

        // The form works: a comment is posted, and its author sees it awaiting moderation.
        const body = `Posted from the ${hostPage.file} page.`;
        const posted = await postComment(page, widget, { name: 'Host Tester', body });
        expect(posted.status).toBe('pending');
        await widget.getByRole('status').filter({ hasText: /awaiting moderation/i }).waitFor();
        await commentById(widget, posted.id).getByText(body).waitFor();
        await commentById(widget, posted.id).getByText('Awaiting moderation').waitFor();

        // Preview loads widget-extra.js and asks the server to render (script-src and connect-src under the CSP).
        await widget.getByLabel('Comment', { exact: true }).fill('A *preview*, please.');
        await widget.getByRole('button', { name: 'Preview', exact: true }).click();
        await widget.locator('.preview em', { hasText: 'preview' }).waitFor();
        await widget.getByRole('button', { name: 'Write', exact: true }).click();

        await page.screenshot({ path: join(SHOTS_DIR, `${hostPage.file}.png`), fullPage: true });

        // Only the comment server was asked for anything, and never a translation (the page is in English).
        expect(paths().filter((p) => p.startsWith('/i18n/')), 'translations fetched on an English page').toEqual([]);
        expect(paths()).toEqual(expect.arrayContaining(['/widget.js', '/widget-extra.js', '/api/comments', '/api/comments/preview']));
        await expectClean(page, `the ${hostPage.file} page`);

        if (hostPage.file === 'strict-csp') {
          // The canary: the policy is in force, and a violation would have been recorded.
          const ran = await page.evaluate(() => {
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.head.append(script);
            return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
          });
          expect(ran, 'an inline script ran under the strict CSP').toBe(false);
          await poll(async () => (await cspViolations(page))?.join('\n')).toMatch(/script-src-elem blocked inline/);
          watch.clear();
        }
        await page.close();
      });
    }

    it('loads a translation under the strict CSP (connect-src), and nothing else', async () => {
      const { page, paths } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/strict-csp.html?data-thread=/host-strict-csp&data-lang=de-AT`);
      const widget = widgetOn(page);
      await widget.getByRole('heading', { name: /^\d+ Kommentare$/ }).waitFor();
      expect(await widget.getByLabel('Kommentar', { exact: true }).isVisible()).toBe(true);
      // The comment form, in German, comes with widget-extra.js (script-src).
      await widget.getByLabel('Kommentar', { exact: true }).focus();
      await widget.getByRole('button', { name: 'Kommentar senden', exact: true }).waitFor();
      expect(paths().filter((p) => p.startsWith('/i18n/')), 'de-AT loads the German translation, once').toEqual(['/i18n/de.json']);
      await expectClean(page, 'the strict-CSP page in German');
      await page.close();
    });

    it('fills every [data-parley-count] element of an index page from one /api/counts request, and shows no thread', async () => {
      const { page, requests, paths } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/counts.html`);
      const counts = page.locator('[data-parley-count]');
      await poll(() => counts.allTextContents()).toEqual(['2 comments', '1 comment', 'No comments yet', '2 comments']);
      await page.waitForTimeout(300); // Nothing else is asked for afterwards.
      const countRequests = requests.filter((r) => new URL(r.url()).pathname === '/api/counts');
      expect(countRequests.map((r) => r.url())).toHaveLength(1);
      const query = new URL(countRequests[0].url()).searchParams;
      expect(query.get('site')).toBe('demo');
      expect(query.getAll('thread').sort()).toEqual(['/a', '/b', '/c']);
      expect(paths().filter((p) => p.startsWith('/api/comments')), 'no thread loaded').toEqual([]);
      expect(await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) => el.shadowRoot).length), 'no widget mounted').toBe(0);
      await expectClean(page, 'the index page');
      await page.close();
    });

    describe('themes', () => {
      /** The theme in use, the widget's text colour and the Post button's background. */
      const look = async (page: Page) => {
        const { theme, elements } = await widgetStyle(page, ['section']);
        const accent = await widgetOn(page).locator('button.primary').evaluate((button) => getComputedStyle(button).backgroundColor);
        return { theme, text: elements[0]?.color, accent };
      };
      const open = async (page: Page, file: string, query = '') => {
        await page.goto(`${host.origin}/${file}.html?data-thread=/themes${query}`);
        // With the comment form (its Post button shows the accent).
        await openForm(await loaded(page));
      };
      const light = { theme: 'light', text: THEME_TEXT.light, accent: THEME_ACCENT.light };
      const dark = { theme: 'dark', text: THEME_TEXT.dark, accent: THEME_ACCENT.dark };

      it('light and dark differ; the page\'s --parley-accent wins in both; a page with a white canvas stays light in auto', async () => {
        const { page } = await newPage();
        watch.clear();
        await open(page, 'plain', '&data-theme=light');
        expect(await look(page)).toEqual(light);
        await open(page, 'plain', '&data-theme=dark');
        expect(await look(page)).toEqual(dark);
        // data-theme="light" is kept whatever the reader prefers.
        await page.emulateMedia({ colorScheme: 'dark' });
        await open(page, 'auto-css', '&data-theme=light');
        expect(await look(page)).toEqual(light);
        // A page that declares no dark colour scheme keeps a white canvas: auto stays light there.
        await open(page, 'plain');
        expect(await look(page), 'auto on a page with a white canvas, for a reader who prefers dark').toEqual(light);
        await page.emulateMedia({ colorScheme: null });
        // The page's --parley-accent wins in both themes.
        for (const theme of ['light', 'dark'] as const) {
          await open(page, 'accent', `&data-theme=${theme}`);
          expect(await look(page)).toEqual({ theme, text: THEME_TEXT[theme], accent: 'rgb(200, 0, 0)' });
        }
        await expectClean(page, 'the theme pages');
        await page.close();
      });

      it('auto follows prefers-color-scheme, as it changes, on a page with `color-scheme: light dark` (CSS)', async () => {
        const { page } = await newPage();
        watch.clear();
        await page.emulateMedia({ colorScheme: 'dark' });
        await open(page, 'auto-css');
        expect(await look(page)).toEqual(dark);
        await page.emulateMedia({ colorScheme: 'light' });
        await poll(() => look(page), 'auto follows a change of prefers-color-scheme without a reload').toEqual(light);
        await page.emulateMedia({ colorScheme: 'dark' });
        await poll(() => look(page)).toEqual(dark);
        await expectClean(page, 'the auto page');
        await page.close();
      });

      it('auto follows prefers-color-scheme on a page that declares it with <meta name="color-scheme" content="light dark">', async () => {
        const { page } = await newPage();
        watch.clear();
        await page.emulateMedia({ colorScheme: 'dark' });
        await open(page, 'auto');
        // The page's own text is light on a dark canvas here: a light widget would be dark text on dark.
        expect(await page.evaluate(() => getComputedStyle(document.body).color), "the page's own text (dark canvas)").toBe('rgb(255, 255, 255)');
        expect(await look(page), 'auto on a dark canvas declared by <meta name="color-scheme">').toEqual(dark);
        await page.emulateMedia({ colorScheme: 'light' });
        await poll(() => look(page)).toEqual(light);
        await expectClean(page, 'the auto page');
        await page.close();
      });

      it("auto picks dark on a dark page even when the page's stylesheet arrives after widget.js", async () => {
        const { page } = await newPage();
        watch.clear();
        host.cssDelayMs = 400; // A slow stylesheet: widget.js runs before the page's dark background applies.
        try {
          await page.goto(`${host.origin}/tailwind-preflight.html?data-thread=/themes`);
          await openForm(await loaded(page));
          await page.waitForLoadState('load');
        } finally {
          host.cssDelayMs = 0;
        }
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "the page's background, once its stylesheet is there").toBe('rgb(15, 23, 42)');
        expect(await look(page), 'the widget on the dark page').toEqual(dark);
        await expectClean(page, 'the slow dark page');
        await page.close();
      });
    });

    it('is in Arabic, right to left and mirrored with data-lang="ar", fetching only i18n/ar.json', async () => {
      const { page, paths } = await newPage();
      watch.clear();
      await page.goto(`${host.origin}/plain.html?data-thread=/rtl&data-lang=ar`);
      const widget = widgetOn(page);
      await widget.getByRole('heading', { name: 'تعليقان' }).waitFor(); // "2 comments" (the dual).

      const root = await page.evaluate(() => {
        const section = document.querySelector('#comments')!.shadowRoot!.querySelector('section')!;
        return { dir: section.getAttribute('dir'), lang: section.getAttribute('lang'), direction: getComputedStyle(section).direction };
      });
      expect(root).toEqual({ dir: 'rtl', lang: 'ar', direction: 'rtl' });
      // Arabic labels and buttons (the form's, once the reader comes into the comment box).
      await widget.getByLabel('التعليق', { exact: true }).focus();
      await widget.getByRole('button', { name: 'نشر التعليق', exact: true }).waitFor();
      for (const label of ['التعليق', 'الاسم']) expect(await widget.getByLabel(label, { exact: true }).isVisible(), `the field labelled ${label}`).toBe(true);
      await widget.getByRole('button', { name: 'نشر التعليق', exact: true }).waitFor();
      await commentById(widget, ids['rtl-q']).getByRole('button', { name: 'ردّ', exact: true }).waitFor();

      // Mirrored: the reply is indented from the right, with its rule on the right.
      const geometry = async () =>
        page.evaluate(([parentId, replyId]) => {
          const root = document.querySelector('#comments')!.shadowRoot!;
          const box = (id: string) => root.getElementById(`comment-${id}`)!.getBoundingClientRect();
          const list = root.getElementById(`comment-${replyId}`)!.closest('ol')!;
          const style = getComputedStyle(list);
          const avatar = root.querySelector(`#comment-${parentId} .avatar`)!.getBoundingClientRect();
          const author = root.querySelector(`#comment-${parentId} .author`)!.getBoundingClientRect();
          return {
            parent: { left: box(parentId).left, right: box(parentId).right },
            reply: { left: box(replyId).left, right: box(replyId).right },
            rule: { left: parseFloat(style.borderLeftWidth), right: parseFloat(style.borderRightWidth) },
            avatarBeforeName: avatar.left > author.left ? 'right of the name' : 'left of the name',
          };
        }, [ids['rtl-q'], ids['rtl-a']] as const);
      const rtl = await geometry();
      expect(rtl.reply.right, 'the reply is indented from the right').toBeLessThan(rtl.parent.right - 8);
      expect(rtl.reply.left, "the reply's left edge is not right of its parent's").toBeLessThanOrEqual(rtl.parent.left + 1);
      expect(rtl.rule).toEqual({ left: 0, right: 2 });
      expect(rtl.avatarBeforeName).toBe('right of the name');
      await page.screenshot({ path: join(SHOTS_DIR, 'rtl.png'), fullPage: true });

      // Posting, in Arabic: the live region thanks the reader in Arabic.
      await widget.getByLabel('التعليق', { exact: true }).fill('تعليق تجريبي من المتصفح.');
      await widget.getByLabel('الاسم', { exact: true }).fill('قارئ');
      await widget.getByRole('button', { name: 'نشر التعليق', exact: true }).click();
      await widget.getByRole('status').filter({ hasText: 'بانتظار المراجعة' }).waitFor();

      // Exactly one translation was fetched: Arabic.
      expect(paths().filter((p) => p.startsWith('/i18n/'))).toEqual(['/i18n/ar.json']);

      // The same thread in English, for comparison: the reply is indented from the left.
      await page.goto(`${host.origin}/plain.html?data-thread=/rtl`);
      await threadLoaded(widget);
      const ltr = await geometry();
      expect(ltr.reply.left, 'in English the reply is indented from the left').toBeGreaterThan(ltr.parent.left + 8);
      expect(ltr.rule).toEqual({ left: 2, right: 0 });
      expect(paths().filter((p) => p.startsWith('/i18n/')), 'no translation for English').toEqual(['/i18n/ar.json']);
      await expectClean(page, 'the Arabic page');
      await page.close();
    });
  });
}
