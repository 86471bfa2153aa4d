import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { signInToDashboard } from './support/dashboard';
import { formatViolations, runAxe } from './support/axe';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';

/**
 * Following the demo blog by email, in headless Chromium against `wrangler dev` (its real follow
 * queue and consumer, mail kept in the outbox): a reader types an address into the Follow box on
 * the demo page (widget.js notices `[data-parley-follow]` and imports widget-follow.js, which
 * renders the box in its shadow root) and presses Follow, confirms from the link in the mail the
 * dashboard's Outbox shows, the live count rises (also in a box on a page without comments), the
 * owner announces a post, the reader receives it and leaves with one click. axe checks the box,
 * the follower's pages and the dashboard's Followers and Posts pages.
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('follows the demo blog in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('following the demo blog by email in a real browser', () => {
    let server: WranglerDev;
    const sessions: BrowserSession[] = [];

    beforeAll(async () => {
      server = await startWranglerDev();
    });

    afterAll(async () => {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await server?.stop();
    });

    const admin = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      expect(response.status, `${path}: ${response.status}`).toBeLessThan(300);
      return response.json();
    };
    const count = async () => ((await (await fetch(`${server.origin}/api/followers/count?site=demo`)).json()) as { followers: number }).followers;

    /** The dashboard's Outbox, reloaded until a message to `to` whose subject matches appears; returns its text. */
    const mailInOutbox = async (page: Page, to: string, subject: RegExp): Promise<string> => {
      for (let attempt = 0; attempt < 60; attempt++) {
        await page.goto(`${server.origin}/admin/outbox`);
        const mail = page.locator('article.mail').filter({ hasText: to }).filter({ hasText: subject });
        if ((await mail.count()) > 0) return mail.first().locator('pre').innerText();
        await page.waitForTimeout(500);
      }
      throw new Error(`no mail to ${to} matching ${subject} in the outbox`);
    };

    const expectAccessible = async (page: Page, what: string) => {
      const report = await runAxe(page);
      expect(report.violations, `${what}:\n${formatViolations(report.violations)}`).toEqual([]);
    };

    it('follows, confirms from the outbox, sees the count rise, receives the next post and leaves in one click', async () => {
      onTestFailed(() => console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-8_000)}`));
      const run = randomBytes(4).toString('hex');
      const email = `reader-${run}@example.com`;
      const reader = await launchChromiumSession(executablePath);
      const owner = await launchChromiumSession(executablePath);
      sessions.push(reader, owner);
      reader.context.setDefaultTimeout(20_000);
      owner.context.setDefaultTimeout(20_000);

      // The demo page has the Follow box under the comments: widget.js brings it (widget-follow.js).
      await reader.page.goto(`${server.origin}/`);
      const box = reader.page.locator('[data-parley-follow]');
      await box.getByRole('heading', { name: 'Follow' }).waitFor();
      const before = await count();
      await box.getByText(before ? new RegExp(`^Join ${before} other followers?\\.$`) : 'Be the first to follow.').waitFor();
      expect(await reader.page.evaluate(() => document.querySelectorAll('[data-parley-follow]')[0].shadowRoot?.mode)).toBe('open');
      const field = box.getByLabel('Email address');
      const button = box.getByRole('button', { name: 'Follow' });
      await expectAccessible(reader.page, 'the demo page with the Follow box');

      // An address the server refuses: the field's error, focus on the field, which is marked invalid.
      await field.fill('not-an-address');
      await button.click();
      await box.getByText('Enter a valid email address.').waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await field.evaluate((input) => input.getRootNode() instanceof ShadowRoot && (input.getRootNode() as ShadowRoot).activeElement === input)).toBe(true);
      await expectAccessible(reader.page, 'the Follow box showing a field error');

      // The reader types the address and presses Follow (the keyboard works too: Enter submits).
      await field.fill(email);
      await button.click();
      await box.getByRole('status').getByText('Check your inbox: confirm with the link in the email we just sent.').waitFor();
      expect(await field.getAttribute('aria-invalid')).toBeNull();
      await expectAccessible(reader.page, 'the Follow box after following');

      // The owner's dashboard keeps the confirmation mail; the reader opens its link.
      await signInToDashboard(owner.page, server.origin, server.adminToken);
      const confirmation = await mailInOutbox(owner.page, email, /Confirm: follow/);
      const confirmUrl = /(https?:\/\/\S+\/followers\/confirm\/\S+)/.exec(confirmation)![1];
      await reader.page.goto(confirmUrl);
      await reader.page.getByRole('heading', { name: 'Follow Parley demo blog' }).waitFor();
      await expectAccessible(reader.page, 'the confirm page');
      expect(await count()).toBe(before); // opening the link changes nothing
      await reader.page.getByRole('button', { name: 'Confirm' }).click();
      await reader.page.getByRole('heading', { name: 'You follow Parley demo blog' }).waitFor();
      await expect.poll(count, { timeout: 10_000 }).toBe(before + 1);

      // A page without comments (an index page) shows the box alone, with the new count.
      await owner.page.route(`${server.origin}/index-only/`, (route) =>
        route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en"><head><title>Index</title></head><body><main><h1>All posts</h1><div data-parley-follow data-pitch="New posts by email."></div></main><script src="/widget.js" data-site="demo" async></script></body></html>` }),
      );
      await owner.page.goto(`${server.origin}/index-only/`);
      const alone = owner.page.locator('[data-parley-follow]');
      await alone.getByText('New posts by email.').waitFor();
      await alone.getByText(new RegExp(`^Join ${before + 1} other followers?\\.$`)).waitFor();
      expect(await owner.page.evaluate(() => document.body.querySelectorAll(':scope > div').length)).toBe(0);
      await expectAccessible(owner.page, 'an index page with only the Follow box');

      // The owner announces a post; it reaches the reader, through the follow queue.
      await admin('/api/admin/sites/demo/posts', { method: 'POST', body: JSON.stringify({ url: `${server.origin}/posts/${run}/`, title: `Run ${run}: a new post`, summary: 'What it is about.', author: 'Maren Okafor' }) });
      const postMail = await mailInOutbox(owner.page, email, new RegExp(`Run ${run}: a new post`));
      expect(postMail).toContain('Maren Okafor');
      expect(postMail).toContain(`${server.origin}/posts/${run}/`);

      // The owner sees the send on the Posts page, and the follower on the Followers page.
      await owner.page.goto(`${server.origin}/admin/posts?site=demo`);
      await owner.page.getByRole('row', { name: new RegExp(`Run ${run}`) }).getByText(/sent 1 of 1|sent \d+ of \d+/).waitFor();
      await expectAccessible(owner.page, 'the dashboard Posts page');
      await owner.page.goto(`${server.origin}/admin/followers?site=demo`);
      await owner.page.getByRole('cell', { name: email, exact: true }).waitFor();
      await expectAccessible(owner.page, 'the dashboard Followers page');

      // The manage page, then one click: the unsubscribe link's page and its button.
      const manageUrl = /(https?:\/\/\S+\/followers\/manage\/\S+)/.exec(postMail)![1];
      await reader.page.goto(manageUrl);
      await reader.page.getByRole('radio', { name: 'Each post, as it is published' }).waitFor();
      await expectAccessible(reader.page, 'the manage page');
      const unsubscribeUrl = /(https?:\/\/\S+\/followers\/unsubscribe\/\S+)/.exec(postMail)![1];
      await reader.page.goto(unsubscribeUrl);
      await reader.page.getByRole('button', { name: 'Unsubscribe' }).click();
      await reader.page.getByRole('heading', { name: 'Unsubscribed' }).waitFor();
      await expect.poll(count, { timeout: 10_000 }).toBe(before);
    });
  });
}
