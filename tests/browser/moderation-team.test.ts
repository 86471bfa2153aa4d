import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { formatViolations, runAxe } from './support/axe';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { dashboardCard, moderate, signInToDashboard, submitForm } from './support/dashboard';
import { postViaApi } from './support/api';
import { watchContext, type PageWatch } from './support/page-watch';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';

/**
 * The moderation team in Chromium against `wrangler dev`: the owner signs in once with the
 * admin token and invites a moderator; the moderator accepts in their own browser, registers a
 * passkey (the DevTools virtual authenticator stands in for a phone or a security key, since no
 * person can touch one here), signs out, signs in with the passkey, and approves a comment,
 * which the audit log records under their name. Every dashboard page passes axe.
 *
 * The dashboard is opened on `localhost`, not 127.0.0.1: a passkey belongs to a domain, and
 * WebAuthn refuses IP addresses.
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('runs the moderation team in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('a moderation team in a real browser', () => {
    let server: WranglerDev;
    let origin: string;
    const sessions: BrowserSession[] = [];
    const watches = new Map<string, PageWatch>();

    const launch = async (who: string) => {
      const session = await launchChromiumSession(executablePath);
      sessions.push(session);
      session.context.setDefaultTimeout(20_000);
      watches.set(who, watchContext(session.context, origin));
      return session;
    };

    /** Every dashboard page holds to WCAG 2.2 AA (axe-core). */
    const expectAccessible = async (page: Page, what: string) => {
      const { violations } = await runAxe(page);
      expect.soft(violations.map((v) => v.id), `axe-core on ${what}:\n${formatViolations(violations)}`).toEqual([]);
    };

    beforeAll(async () => {
      server = await startWranglerDev();
      origin = server.origin.replace('127.0.0.1', 'localhost');
    });

    afterAll(async () => {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await server?.stop();
    });

    it('invites a moderator who registers a passkey, signs out, signs in with it and approves a comment', async () => {
      onTestFailed(() => {
        console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-8_000)}`);
        for (const [who, watch] of watches) console.error(`--- ${who}'s browser ---\n${watch.summary()}`);
      });
      const posted = await postViaApi(origin, { site: 'demo', thread: '/posts/team/', author: 'Reader', body: 'Please approve me, moderator', elapsedMs: 60_000 });
      expect(posted.ok).toBe(true);

      // The owner: the admin token once, then the Team page.
      const owner = await launch('owner');
      await signInToDashboard(owner.page, origin, server.adminToken);
      await expectAccessible(owner.page, 'the queue');
      await owner.page.getByRole('link', { name: 'Team', exact: true }).click();
      await owner.page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
      await expectAccessible(owner.page, 'the Team page');
      await owner.page.getByLabel('Email address', { exact: true }).fill('mia@example.com');
      await owner.page.getByLabel('Name (optional; they can change it)').fill('Mia');
      await owner.page.getByRole('group', { name: 'Sites' }).last().getByLabel('Parley demo blog').check();
      await submitForm(owner.page, owner.page.getByRole('button', { name: 'Send invitation' }), 'Inviting a moderator');
      const invitation = await owner.page.getByLabel('Invitation link').inputValue();
      expect(invitation).toMatch(new RegExp(`^${origin}/admin/join/`));
      await expectAccessible(owner.page, 'the Team page with an invitation');

      // The moderator, in a browser of their own, with a virtual authenticator.
      const mia = await launch('mia');
      const cdp = await mia.context.newCDPSession(mia.page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await mia.page.goto(invitation);
      await expectAccessible(mia.page, 'the invitation page');
      await mia.page.getByLabel(/^Your name/).fill('Mia Moderator');
      await submitForm(mia.page, mia.page.getByRole('button', { name: 'Accept and create my account' }), 'Accepting the invitation');
      await mia.page.getByRole('heading', { name: 'Your account' }).waitFor();
      await expectAccessible(mia.page, 'the account page');

      await mia.page.getByLabel(/^Name of the new passkey/).fill('Virtual key');
      await mia.page.getByRole('button', { name: 'Register a passkey' }).click();
      await mia.page.getByRole('status').filter({ hasText: 'Passkey registered.' }).waitFor();
      await expect.poll(async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length).toBe(1);
      await dashboardRowWaitFor(mia.page, 'Virtual key');

      // Sign out, then in with the passkey: no token, no email.
      await mia.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await mia.page.getByRole('heading', { name: 'Sign in with a passkey' }).waitFor();
      await expectAccessible(mia.page, 'the sign-in page');
      await mia.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await mia.page.getByRole('heading', { name: /^Pending comments/ }).waitFor();
      expect(await mia.page.locator('.who').textContent()).toBe('Mia Moderator');

      await moderate(mia.page, 'Please approve me, moderator', 'Approve');
      expect(await dashboardCard(mia.page, 'Please approve me, moderator').count()).toBe(0);

      await mia.page.getByRole('link', { name: 'Audit log' }).click();
      await mia.page.getByRole('heading', { name: 'Audit log' }).waitFor();
      const approval = mia.page.locator('tbody tr', { hasText: 'approve' }).first();
      expect(await approval.textContent()).toContain('Mia Moderator (dashboard)');
      await expectAccessible(mia.page, 'the audit log');
      // A moderator sees neither the Team page nor the Outbox.
      expect(await mia.page.getByRole('link', { name: 'Team', exact: true }).count()).toBe(0);

      for (const who of ['owner', 'mia']) {
        const watch = watches.get(who)!;
        expect([...watch.foreignRequests, ...watch.pageErrors], `${who}'s browser:\n${watch.summary()}`).toEqual([]);
      }
    });
  });
}

/** Waits for a table row of the dashboard holding `text`. */
async function dashboardRowWaitFor(page: Page, text: string): Promise<void> {
  await page.locator('tr', { hasText: text }).first().waitFor();
}
