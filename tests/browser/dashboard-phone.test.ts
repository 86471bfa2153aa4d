import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { formatViolations, runAxe } from './support/axe';
import { dashboardCard, signInToDashboard } from './support/dashboard';
import { postViaApi } from './support/api';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';

/**
 * The moderator dashboard on a phone: Chromium at 360 × 740 CSS pixels (the narrowest common
 * phone), against `wrangler dev`. On every page: nothing wider than the screen (the page never
 * scrolls sideways), the header's links and "Sign out" wholly on screen, and axe-core finds no
 * WCAG 2.2 AA violation. The queue's actions are used by tapping, and a site's settings are saved.
 */

const chromium = findChromium();
const WIDTH = 360;

/** Elements wider than the screen or reaching past its right edge (with what they are), and the page's own horizontal overflow. */
async function overflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; outside: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const outside: string[] = [];
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (getComputedStyle(element).visibility === 'hidden') continue;
      // Anything visible that starts left of the screen or ends right of it is cut off.
      if (box.left < -0.5 || box.right > root.clientWidth + 0.5) outside.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} [${Math.round(box.left)}, ${Math.round(box.right)}]: ${(element.textContent ?? '').trim().slice(0, 60)}`);
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, outside };
  });
}

async function expectFitsPhone(page: Page, what: string): Promise<void> {
  const found = await overflow(page);
  expect(found.outside, `${what}: elements cut off at ${WIDTH} px`).toEqual([]);
  expect(found.scrollWidth, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(found.clientWidth);
}

async function expectOnScreen(page: Page, name: RegExp | string, role: 'button' | 'link', within?: string): Promise<void> {
  const scope = within ? page.locator(within) : page;
  const element = scope.getByRole(role, { name, exact: typeof name === 'string' }).first();
  const box = await element.boundingBox();
  expect(box, `${String(name)} is not shown`).not.toBeNull();
  expect(box!.x, `${String(name)} starts off screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${String(name)} ends off screen`).toBeLessThanOrEqual(WIDTH);
  expect(box!.height, `${String(name)} is too small to tap`).toBeGreaterThanOrEqual(24);
}

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const report = await runAxe(page);
  expect(report.violations, `${what}:\n${formatViolations(report.violations)}`).toEqual([]);
}

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('shows the dashboard on a phone (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('the dashboard on a 360 px phone', () => {
    let server: WranglerDev;
    let session: BrowserSession;
    let page: Page;
    const longEmail = `a.very.long.address.of.someone.who.likes.long.names@subdomain.of.an.example-organisation.example`;
    const longThread = `/2026/11/a-post-with-an-uncommonly-long-slug-that-goes-on-and-on-and-never-seems-to-end/`;

    beforeAll(async () => {
      server = await startWranglerDev({ vars: { RATE_LIMIT: '0' } });
      session = await launchChromiumSession(executablePath);
      page = session.page;
      await page.setViewportSize({ width: WIDTH, height: 740 });
      session.context.setDefaultTimeout(20_000);
      for (const [author, body, email, website, thread] of [
        ['Ada Lovelace', 'A first comment, short and sweet.', 'ada@example.com', undefined, '/posts/hello/'],
        ['Bartholomew Featherstonehaugh-Cholmondeley', `A comment with a link https://example.com/${'x'.repeat(120)} and an unbroken word ${'y'.repeat(80)}.`, longEmail, `https://www.${'z'.repeat(60)}.example/about/me`, longThread],
      ] as const) {
        const posted = await postViaApi(server.origin, { site: 'demo', thread, author, body, email, ...(website ? { website } : {}), elapsedMs: 60_000 });
        expect(posted.ok, JSON.stringify(posted)).toBe(true);
      }
    });

    afterAll(async () => {
      await session?.close();
      await server?.stop();
    });

    it('signs in, and the queue with its header, filters and actions fits the screen and passes axe', async () => {
      onTestFailed(() => console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-6_000)}`));
      await page.goto(`${server.origin}/admin`);
      await expectFitsPhone(page, 'the sign-in page');
      await expectNoAxeViolations(page, 'the sign-in page');
      await signInToDashboard(page, server.origin, server.adminToken);

      await expectFitsPhone(page, 'the pending queue');
      await expectOnScreen(page, 'Sign out', 'button');
      for (const link of ['Queue', 'Bans', 'Audit log', 'Outbox', 'Sites']) await expectOnScreen(page, link, 'link', 'header.top');
      await expectOnScreen(page, 'Filter', 'button');
      const card = dashboardCard(page, 'Bartholomew');
      for (const action of ['Approve', 'Remove', 'Spam']) await expectOnScreen(page, action, 'button', `#${await card.getAttribute('id')}`);
      await expectNoAxeViolations(page, 'the pending queue');

      // The "Ban or lock" panel, opened, fits too.
      await card.getByText('Ban or lock').click();
      await expectFitsPhone(page, 'the queue with a ban panel open');

      // Tapping Approve works at this size.
      await card.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Comment approved.' }).waitFor();
      await card.waitFor({ state: 'detached' });
      await expectFitsPhone(page, 'the queue after approving');
    });

    it('fits the other pages: approved queue, bans, audit log, outbox', async () => {
      for (const [path, heading] of [
        ['/admin?status=approved', /^Approved comments/],
        ['/admin/bans', /^Bans/],
        ['/admin/audit', /^Audit log/],
        ['/admin/outbox', /^Outbox/],
      ] as const) {
        await page.goto(`${server.origin}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await expectFitsPhone(page, path);
        await expectOnScreen(page, 'Sign out', 'button');
        await expectNoAxeViolations(page, path);
      }
    });

    it('shows the sites, a site\'s embed code and settings, and saves a change, all at 360 px', async () => {
      await page.goto(`${server.origin}/admin/sites`);
      await page.getByRole('heading', { name: /^Sites/, level: 1 }).waitFor();
      await expectFitsPhone(page, 'the sites page');
      await expectOnScreen(page, 'Add site', 'button');
      await expectNoAxeViolations(page, 'the sites page');

      await page.getByRole('link', { name: 'Settings and embed code of Parley demo blog' }).click();
      await page.getByRole('heading', { name: 'Parley demo blog', level: 1 }).waitFor();
      await expectFitsPhone(page, 'a site\'s page');
      await expect(page.locator('pre.snippet').innerText()).resolves.toBe(`<div id="comments"></div>\n<script src="${server.origin}/widget.js" data-site="demo" async></script>`);
      await expectOnScreen(page, 'Export comments (JSON)', 'link');
      await expectNoAxeViolations(page, 'a site\'s page');

      await page.getByLabel('Minutes an author may edit or delete').fill('30');
      await page.getByRole('checkbox', { name: 'Deutsch' }).check();
      await expectOnScreen(page, 'Save settings', 'button');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
      await expectFitsPhone(page, 'a site\'s page after saving');
      const config = await (await fetch(`${server.origin}/api/sites/demo/config`)).json();
      expect(config).toMatchObject({ editWindowMinutes: 30, languages: ['de'] });

      // A bad value is shown beside its field, on screen, and passes axe.
      await page.getByLabel('Origins allowed to post').fill('not a url');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('alert').filter({ hasText: 'Nothing was saved.' }).waitFor();
      await expectFitsPhone(page, 'a refused save');
      await expectNoAxeViolations(page, 'a refused save');
    });
  });
}
