import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { formatViolations, runAxe, splitByWidget, type AxeViolation } from './support/axe';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { watchContext, type PageWatch } from './support/page-watch';
import { focused, liveRegionText, serveDemoPages, tabUntil, type FocusInfo } from './support/reader';
import { seedComments } from '../support/seed';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { commentById, nesting, postComment, threadLoaded, widgetOn } from './support/widget';
import type { Page } from 'playwright-core';

/**
 * The reader's experience on the demo page, in headless Chromium against `wrangler dev`:
 *
 * - **accessibility**: axe-core finds no WCAG 2.2 A/AA violation on the whole page (the widget's
 *   shadow root included), in the light theme and in the dark one, with a thread that has a
 *   pinned comment, a reply, likes, the reader's own comment awaiting moderation, an open reply
 *   form, the "Follow this thread" form and a form showing an error;
 * - **keyboard only**: a reader replies to a comment with Tab, Shift+Tab, Space, Enter and
 *   Escape, typing with the keyboard; every stop in the widget shows a focus ring, and what
 *   happened is announced through the live region;
 * - **permalinks**: `#comment-ID` in the address scrolls to that comment (inside a collapsed
 *   reply list too), highlights it and focuses it; following a permalink on the page does too.
 *
 * The demo page is served at other paths too (each test its own thread: the widget's thread is
 * the page's path), and in a dark version (support/reader.ts, `serveDemoPages`). Comments are
 * seeded through the admin restore endpoint (tests/support/seed.ts).
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

/** `expect.poll` with room for a slow machine (its default gives up after 1 s), and an optional message. */
const poll = <T>(read: () => T, message?: string) => expect.poll(read, { timeout: 5_000, message });

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('checks accessibility, keyboard use and permalinks in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe("the reader's experience on the demo page", () => {
    let server: WranglerDev;
    const sessions: BrowserSession[] = [];
    const watches = new Map<string, PageWatch>();

    /** A fresh browser (its own profile: a different reader), with the demo page at every path. */
    const launch = async (who: string) => {
      const session = await launchChromiumSession(executablePath);
      sessions.push(session);
      session.context.setDefaultTimeout(15_000);
      watches.set(who, watchContext(session.context, server.origin));
      await serveDemoPages(session.context, server.origin);
      return session;
    };
    const expectCleanPages = (who: string) => {
      const watch = watches.get(who)!;
      expect([...watch.foreignRequests, ...watch.consoleErrors, ...watch.pageErrors, ...watch.failedRequests], `${who}'s browser:\n${watch.summary()}`).toEqual([]);
    };
    const open = async (page: Page, path: string) => {
      await page.goto(`${server.origin}${path}`);
      const widget = widgetOn(page);
      await threadLoaded(widget);
      return widget;
    };

    beforeAll(async () => {
      // KV_WRITE_INTERVAL_MS=0: a thread's object writes its view at every change (likes show at once).
      server = await startWranglerDev({ vars: { RATE_LIMIT: '0', KV_WRITE_INTERVAL_MS: '0' } });
    });

    afterAll(async () => {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await server?.stop();
    });

    const logOnFailure = () =>
      onTestFailed(() => {
        console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-5_000)}`);
        for (const [who, watch] of watches) console.error(`--- ${who}'s browser ---\n${watch.summary()}`);
      });

    it('has no WCAG 2.2 AA violation (axe-core), in the light theme and in the dark one, with every part of a thread shown', async () => {
      logOnFailure();
      const ids = await seedComments(server.origin, server.adminToken, [
        { key: 'pinned', thread: '/', author: 'Maren Okafor', website: 'https://fieldnotes.example', body: 'Thanks for reading! Questions about the move are welcome here; we read every one.', minutesAgo: 60 * 26, pinned: true, likes: 4 },
        { key: 'question', thread: '/', author: 'Tomás Ibarra', body: 'Did the old comments keep their **dates**? A few of mine were from 2019.\n\n> threads going back to 2020\n\nAlso: is `markdown` supported in replies?', minutesAgo: 60 * 5, likes: 1 },
        { key: 'answer', thread: '/', author: 'Maren Okafor', website: 'https://fieldnotes.example', parent: 'question', body: 'They did — dates, names and replies all came across. See [the migration notes](https://fieldnotes.example/migration).', minutesAgo: 60 * 4 },
        { key: 'plain', thread: '/', author: 'Ines', body: 'Lighter page, no trackers. Lovely.', minutesAgo: 45 },
      ]);
      const { page } = await launch('reader');
      const found: { theme: string; url: string; version: string; widget: AxeViolation[]; page: AxeViolation[] }[] = [];

      for (const theme of ['light', 'dark'] as const) {
        const widget = await open(page, theme === 'dark' ? '/?theme=dark' : '/');
        expect(await page.locator('#comments').getAttribute('data-parley-theme'), 'the theme in use').toBe(theme);

        if (theme === 'light') {
          // The reader's own comment, awaiting moderation (shown only to them, and kept across loads).
          await postComment(page, widget, { name: 'Sam Reader', email: 'sam@example.com', body: 'Does the feed still work with my reader app?' });
          await widget.getByRole('status').filter({ hasText: /awaiting moderation/i }).waitFor();
          // A like (aria-pressed), which loads widget-extra.js.
          await commentById(widget, ids.pinned).getByRole('button', { name: /^Like/ }).click();
          await poll(() => commentById(widget, ids.pinned).getByRole('button', { name: /^Like/ }).getAttribute('aria-pressed')).toBe('true');
        }
        await widget.locator('article', { hasText: 'Does the feed still work' }).getByText('Awaiting moderation').waitFor();
        await commentById(widget, ids.pinned).getByText('Pinned', { exact: true }).waitFor();
        expect(await nesting(widget, ids.answer, ids.question)).toBe('nested');

        // "Follow this thread" opened, a reply form open, and the main form showing an error.
        await widget.getByRole('button', { name: 'Follow this thread' }).click();
        await widget.getByLabel('Get new comments by email').waitFor();
        await commentById(widget, ids.plain).getByRole('button', { name: 'Reply' }).click();
        await commentById(widget, ids.plain).getByLabel('Comment', { exact: true }).waitFor();
        await widget.getByRole('button', { name: 'Post comment', exact: true }).first().click();
        const error = widget.getByRole('alert').filter({ hasText: 'Please write a comment.' });
        await error.waitFor();
        expect(await widget.locator('[aria-invalid="true"]').count(), 'the field at fault is marked aria-invalid').toBeGreaterThan(0);

        const report = await runAxe(page);
        expect(report.passes, 'axe ran its rules').toBeGreaterThan(10);
        found.push({ theme, url: page.url(), version: report.version, ...splitByWidget(report.violations) });
        expect(report.incomplete.map((r) => `${r.id} at ${r.targets.join(', ')}`), `rules axe could not decide in the ${theme} theme (e.g. contrast over a background it cannot work out): a person would have to check them`).toEqual([]);

        // The canary: axe does check contrast inside the shadow root. Muted text made faint from the
        // page (through --parley-muted, set with the CSSOM: the page's CSP allows no inline style) must fail.
        await page.locator('#comments').evaluate((host, faint) => host.style.setProperty('--parley-muted', faint), theme === 'light' ? '#b4b4b4' : '#3b3f45');
        const canary = splitByWidget((await runAxe(page, ['wcag2aa'])).violations).widget;
        expect(canary.map((v) => v.id), `faint muted text in the ${theme} theme`).toContain('color-contrast');
        await page.locator('#comments').evaluate((host) => host.style.removeProperty('--parley-muted'));
      }
      expectCleanPages('reader');
      // The widget first (its shadow root), then the demo page's own markup around it.
      for (const where of ['widget', 'page'] as const) {
        const message = found
          .filter((run) => run[where].length)
          .map((run) => `axe-core ${run.version}, ${run.theme} theme, ${run.url}, ${where === 'widget' ? "inside the widget's shadow root" : "in the demo page's own markup (outside the widget)"}:\n${formatViolations(run[where])}`)
          .join('\n\n');
        expect(found.flatMap((run) => run[where].map((v) => `${run.theme}: ${v.id}`)), message).toEqual([]);
      }
    });

    it('reads a long thread as one list of every top-level comment, though it is built in chunks of ten', async () => {
      logOnFailure();
      const thread = '/one-list/';
      const comments = Array.from({ length: 23 }, (_, i) => ({ key: `c${i}`, thread, author: `Reader ${i + 1}`, body: i === 5 ? 'Steps, in order:\n\n1. back up\n2. import' : `Comment number ${i + 1}.`, minutesAgo: 600 - i * 10 }));
      await seedComments(server.origin, server.adminToken, [...comments, { key: 'reply', thread, parent: 'c3', author: 'Replier', body: 'A reply to comment 4.', minutesAgo: 30 }]);
      const { page, context } = await launch('one-list');
      const widget = await open(page, thread);
      await widget.locator('.thread[aria-busy="false"]').waitFor();
      // The first page (20 top-level comments), then the rest, appended to the same list.
      await widget.getByRole('button', { name: 'Load more comments' }).click();
      await poll(() => widget.locator('article').count()).toBe(24);

      // What a screen reader is given: Chromium's accessibility tree (the chunks' own elements are ignored in it).
      const cdp = await context.newCDPSession(page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { nodeId: string; ignored: boolean; role?: { value: string }; childIds?: string[] }[] };
      const byId = new Map(nodes.map((node) => [node.nodeId, node]));
      const shownChildren = (node: (typeof nodes)[number]): (typeof nodes)[number][] =>
        (node.childIds ?? []).map((id) => byId.get(id)).filter((child) => child !== undefined).flatMap((child) => (child.ignored ? shownChildren(child) : [child]));
      const lists = nodes.filter((node) => !node.ignored && node.role?.value === 'list').map((list) => shownChildren(list).filter((child) => child.role?.value === 'listitem').length);
      expect(lists.sort((a, b) => a - b), 'list items of each list: the reply list, the numbered list in comment 6, then the thread').toEqual([1, 2, 23]);

      const report = await runAxe(page);
      expect(formatViolations(splitByWidget(report.violations).widget)).toBe('no violations');

      // The thread's own lists are unstyled; a numbered list written in a comment keeps its numbers.
      const steps = widget.locator('.body ol');
      expect(await steps.locator('li').allTextContents()).toEqual(['back up', 'import']);
      expect(await steps.evaluate((list) => [getComputedStyle(list).listStyleType, parseFloat(getComputedStyle(list).paddingInlineStart) > 0])).toEqual(['decimal', true]);
    });

    it('lets a reader reply with the keyboard alone, with focus always visible and the outcome announced', async () => {
      logOnFailure();
      const thread = '/keyboard/';
      const ids = await seedComments(server.origin, server.adminToken, [
        { key: 'first', thread, author: 'Ada Byron', body: 'Is there a way to follow only the replies to my comment?', minutesAgo: 30 },
      ]);
      const { page } = await launch('keyboard');
      await open(page, thread);
      const target = `comment-${ids.first}`;
      const widgetStops: FocusInfo[] = [];
      const tab = async (want: (focus: FocusInfo) => boolean, what: string, shift = false) => {
        const stops = await tabUntil(page, want, what, { shift });
        widgetStops.push(...stops.filter((stop) => stop.inWidget));
        return stops.at(-1)!;
      };
      const isReply = (f: FocusInfo) => f.inWidget && f.tag === 'button' && f.text === 'Reply' && f.comment === target;

      // From the top of the page, Tab through the page and into the widget, to the comment's "Reply".
      await tab(isReply, `the "Reply" button of #${target}`);
      // Space opens the reply form and puts focus in its comment field; Escape closes it and gives focus back.
      await page.keyboard.press('Space');
      await poll(async () => (await focused(page)).describe).toMatch(new RegExp(`^textarea#\\S+ "Comment" in #${target}`));
      await page.keyboard.press('Escape');
      await poll(async () => isReply(await focused(page)), 'Escape gives focus back to "Reply"').toBe(true);
      await poll(() => widgetOn(page).locator(`#${target} form`).count()).toBe(0);
      // Enter opens it again.
      await page.keyboard.press('Enter');
      await poll(async () => (await focused(page)).tag).toBe('textarea');
      const inForm = (f: FocusInfo) => f.inWidget && f.comment === target;

      // Posting an empty reply: an error, announced (role=alert), and focus moves to the field at fault (Name first).
      await tab((f) => inForm(f) && f.tag === 'button' && f.text === 'Post comment', 'the reply form\'s "Post comment"');
      await page.keyboard.press('Enter');
      await poll(async () => (await focused(page)).label, 'focus moves to the field at fault').toBe('Name');
      const nameError = await liveRegionText(page);
      expect(nameError.filter((r) => r.role === 'alert').map((r) => r.text)).toContain('Please enter your name.');

      // Type a name, go back to the comment field with Shift+Tab, type the reply, Tab to "Post comment", Enter.
      await page.keyboard.type('Keyboard Kim');
      await tab((f) => inForm(f) && f.tag === 'textarea', 'the reply\'s comment field', true);
      const body = 'Replying without a mouse: Tab, type, Enter.';
      await page.keyboard.type(body);
      await tab((f) => inForm(f) && f.tag === 'button' && f.text === 'Post comment', 'the reply form\'s "Post comment"');
      // The polite live region is on the page before there is anything to say (or screen readers miss it).
      const before = await liveRegionText(page);
      expect(before.filter((r) => r.role === 'status'), 'one role=status region, empty before posting').toEqual([{ role: 'status', live: null, text: '' }]);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/comments'),
        page.keyboard.press('Enter'),
      ]);
      expect(response.status(), await response.text()).toBe(201);
      const reply = ((await response.json()) as { comment: { id: string; status: string; parentId: string } }).comment;
      expect(reply).toMatchObject({ status: 'pending', parentId: ids.first });

      // The outcome is announced by the live region (role=status: polite), and focus goes to the new reply.
      await poll(async () => (await liveRegionText(page)).filter((r) => r.role === 'status' || r.live).map((r) => r.text).join(' | ')).toMatch(/awaiting moderation/i);
      await poll(async () => (await focused(page)).id, 'focus moves to the new reply').toBe(`comment-${reply.id}`);
      const widget = widgetOn(page);
      await commentById(widget, reply.id).getByText(body).waitFor();
      expect(await nesting(widget, reply.id, ids.first)).toBe('nested');
      widgetStops.push(await focused(page));

      // Every stop in the widget showed where focus was, with the widget's ring: a solid outline in the accent colour.
      expect(widgetStops.length).toBeGreaterThan(8);
      const accent = await widget.locator('button.primary').first().evaluate((button) => getComputedStyle(button).backgroundColor);
      const stops = `the stops:\n  ${widgetStops.map((s) => s.describe).join('\n  ')}`;
      expect(widgetStops.filter((stop) => !stop.indicator).map((stop) => stop.describe), `stops without a visible focus indicator, of ${stops}`).toEqual([]);
      expect(widgetStops.filter((stop) => !stop.focusVisible).map((stop) => stop.describe), `stops not matching :focus-visible, of ${stops}`).toEqual([]);
      expect(widgetStops.filter((stop) => !(stop.indicator?.includes('solid') && stop.indicator.includes(accent))).map((stop) => stop.describe), `stops without the accent ring (${accent}), of ${stops}`).toEqual([]);
      expectCleanPages('keyboard');
    });

    it('scrolls to, highlights and focuses the comment named by #comment-ID, also inside a collapsed reply list', async () => {
      logOnFailure();
      const thread = '/permalink/';
      const comments = Array.from({ length: 24 }, (_, i) => ({ key: `c${i}`, thread, author: `Reader ${i + 1}`, body: `Comment number ${i + 1}, with enough words to take a line or two of the page.`, minutesAgo: 600 - i * 10 }));
      // A comment with five replies: past the third they are collapsed behind "Show 2 more replies".
      const replies = Array.from({ length: 5 }, (_, i) => ({ key: `r${i}`, thread, parent: 'c20', author: `Replier ${i + 1}`, body: `Reply number ${i + 1} to comment 21.`, minutesAgo: 300 - i * 10 }));
      const ids = await seedComments(server.origin, server.adminToken, [...comments, ...replies]);
      const { page, context } = await launch('permalink');
      await page.setViewportSize({ width: 1000, height: 700 });

      const expectShown = async (id: string, how: string) => {
        const article = commentById(widgetOn(page), id);
        await poll(() => article.getAttribute('class'), `${how}: the comment is highlighted`).toContain('hl');
        await poll(async () => (await focused(page)).id, `${how}: the comment is focused`).toBe(`comment-${id}`);
        await poll(() => article.evaluate((el) => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }), `${how}: the comment is scrolled into view`)
          .toBe(true);
        const background = await article.evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(background, `${how}: the highlight has a background`).not.toMatch(/^(transparent|rgba\(0, 0, 0, 0\))$/);
        // Only one comment is highlighted.
        expect(await widgetOn(page).locator('article.hl').count()).toBe(1);
      };

      // On load, for a reader who prefers reduced motion (the scroll is instant).
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(`${server.origin}${thread}#comment-${ids.c18}`);
      await threadLoaded(widgetOn(page));
      await poll(async () => (await focused(page)).id).toBe(`comment-${ids.c18}`);
      // No smooth scrolling for this reader: once the comment has focus it is already in view (no poll).
      expect(await commentById(widgetOn(page), ids.c18).evaluate((el) => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }), 'in view at once, with reduced motion').toBe(true);
      await expectShown(ids.c18, 'on load');
      expect(await page.evaluate(() => scrollY), 'the page scrolled down to it').toBeGreaterThan(500);

      // A reply hidden behind "Show 2 more replies" is shown when the address names it.
      await page.goto(`${server.origin}${thread}#comment-${ids.r4}`);
      await page.reload();
      await threadLoaded(widgetOn(page));
      await expectShown(ids.r4, 'a collapsed reply, on load');

      // Following a comment's permalink (its date) on the page: with smooth scrolling this time.
      await page.emulateMedia({ reducedMotion: 'no-preference' });
      await page.evaluate(() => scrollTo(0, 0));
      await commentById(widgetOn(page), ids.c2).locator(`a[href="#comment-${ids.c2}"]`).click();
      await expectShown(ids.c2, 'after following its permalink');
      expect(new URL(page.url()).hash).toBe(`#comment-${ids.c2}`);
      expect(context.pages()).toHaveLength(1);
      expectCleanPages('permalink');
    });
  });
}
