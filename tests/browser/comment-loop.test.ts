import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { moderate, showQueue, signInToDashboard, dashboardCard } from './support/dashboard';
import { watchContext, type PageWatch } from './support/page-watch';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { commentById, countHeading, nesting, openDemo, openDemoShowing, postComment } from './support/widget';

/**
 * The whole comment loop, in headless Chromium against `wrangler dev` with an empty KV:
 * a reader posts, only they see it while it is pending, a moderator approves it in the
 * dashboard, everyone sees it, someone replies, the reply is approved and shows nested
 * under its parent, and removals take comments away from every reader.
 *
 * Three independent browsers (each its own profile, so its own localStorage and cookies):
 * `ada` writes the first comment, `grace` is another reader who replies, `mod` moderates.
 */

const chromium = findChromium(); // Throws under CI when there is no Chromium.

if (!chromium.path) {
  console.warn(`\n[browser tests skipped] ${chromium.missing}\n`);
  it('runs the comment loop in Chromium (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('the comment loop in a real browser', () => {
    let server: WranglerDev;
    const sessions: BrowserSession[] = [];
    const watches = new Map<string, PageWatch>();

    const launch = async (who: string) => {
      const session = await launchChromiumSession(executablePath);
      sessions.push(session);
      session.context.setDefaultTimeout(20_000);
      watches.set(who, watchContext(session.context, server.origin));
      return session;
    };
    const expectCleanPages = (who: string, when: string) => {
      const watch = watches.get(who)!;
      const problems = [...watch.foreignRequests, ...watch.consoleErrors, ...watch.pageErrors, ...watch.failedRequests];
      expect(problems, `${who}'s browser ${when}:\n${watch.summary()}`).toEqual([]);
    };

    beforeAll(async () => {
      server = await startWranglerDev();
    });

    afterAll(async () => {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await server?.stop();
    });

    it('posts, hides a pending comment from others, approves, replies (nested), and removes', async () => {
      const started = Date.now();
      onTestFailed(() => {
        console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-8_000)}`);
        for (const [who, watch] of watches) console.error(`--- ${who}'s browser ---\n${watch.summary()}`);
      });

      const run = randomBytes(4).toString('hex');
      const first = { name: `Ada ${run}`, email: `ada-${run}@example.com`, body: `Lovely post. First comment of run ${run}.` };
      const reply = { name: `Grace ${run}`, body: `Agreed with Ada, says the reply of run ${run}.` };

      const [ada, grace, mod] = [await launch('ada'), await launch('grace'), await launch('mod')];

      // --- Ada opens the demo post: the widget loads an empty thread, and only from this server.
      let adaWidget = await openDemo(ada.page, server.origin);
      expect(await countHeading(adaWidget)).toBe('No comments yet');
      expectCleanPages('ada', 'while loading the demo page');

      // --- Ada comments. She is told it awaits moderation, and sees it marked as such.
      const posted = await postComment(ada.page, adaWidget, first);
      expect(posted).toMatchObject({ status: 'pending', parentId: null, author: first.name });
      await adaWidget.getByRole('status').filter({ hasText: /awaiting moderation/i }).waitFor();
      const adaOwn = commentById(adaWidget, posted.id);
      await adaOwn.getByText(first.body).waitFor();
      await adaOwn.getByText(first.name, { exact: true }).waitFor();
      await adaOwn.getByText(/awaiting moderation/i).waitFor();

      // After a reload she still sees it (the widget remembers her own comments).
      adaWidget = await openDemo(ada.page, server.origin, 'reload');
      await commentById(adaWidget, posted.id).getByText(first.body).waitFor();

      // --- Grace, a different reader with a fresh browser, does not see the pending comment.
      let graceWidget = await openDemo(grace.page, server.origin);
      expect(await countHeading(graceWidget)).toBe('No comments yet');
      expect(await graceWidget.getByText(first.body).count()).toBe(0);
      expect(await graceWidget.getByText(first.name).count()).toBe(0);
      expectCleanPages('grace', 'while loading the demo page');

      // --- The moderator signs in and finds it in the queue, with its author, and approves it.
      await signInToDashboard(mod.page, server.origin, server.adminToken);
      const card = dashboardCard(mod.page, first.body);
      await card.getByText(first.name, { exact: true }).waitFor();
      await card.getByText(first.email).waitFor();
      await moderate(mod.page, first.body, 'Approve');

      // --- Now Grace sees it, as an ordinary approved comment.
      graceWidget = await openDemo(grace.page, server.origin, 'reload');
      expect(await countHeading(graceWidget)).toBe('1 comment');
      const parent = commentById(graceWidget, posted.id);
      await parent.getByText(first.body).waitFor();
      await parent.getByText(first.name, { exact: true }).waitFor();
      expect(await parent.getByText(/awaiting moderation/i).count()).toBe(0);
      // The email is never shown to readers.
      expect(await graceWidget.getByText(first.email).count()).toBe(0);

      // --- Grace replies to it with the comment's own "Reply" button.
      await parent.getByRole('button', { name: /^Reply/ }).click();
      const replied = await postComment(grace.page, parent, reply);
      expect(replied).toMatchObject({ status: 'pending', parentId: posted.id, author: reply.name });
      await graceWidget.getByRole('status').filter({ hasText: /awaiting moderation/i }).waitFor();
      await commentById(graceWidget, replied.id).getByText(reply.body).waitFor();
      expect(await nesting(graceWidget, replied.id, posted.id)).toBe('nested');

      // Ada does not see Grace's pending reply.
      adaWidget = await openDemo(ada.page, server.origin, 'reload');
      await commentById(adaWidget, posted.id).getByText(first.body).waitFor();
      expect(await adaWidget.getByText(reply.body).count()).toBe(0);

      // --- The moderator approves the reply (the dashboard marks it as a reply).
      await mod.page.goto(`${server.origin}/admin`);
      await dashboardCard(mod.page, reply.body).getByText(reply.name, { exact: true }).waitFor();
      await moderate(mod.page, reply.body, 'Approve');

      // --- Ada reloads: the reply is there, nested under her comment.
      adaWidget = await openDemoShowing(ada.page, server.origin, '2 comments');
      expect(await countHeading(adaWidget)).toBe('2 comments');
      await commentById(adaWidget, replied.id).getByText(reply.body).waitFor();
      await commentById(adaWidget, replied.id).getByText(reply.name, { exact: true }).waitFor();
      expect(await nesting(adaWidget, replied.id, posted.id)).toBe('nested');

      // --- The moderator removes Ada's comment from the approved list.
      await showQueue(mod.page, 'Approved');
      await moderate(mod.page, first.body, 'Remove');

      // Readers no longer see it; the reply stays, under a "removed" placeholder.
      graceWidget = await openDemoShowing(grace.page, server.origin, '1 comment');
      expect(await graceWidget.getByText(first.body).count()).toBe(0);
      expect(await graceWidget.getByText(first.name, { exact: true }).count()).toBe(0);
      await commentById(graceWidget, replied.id).getByText(reply.body).waitFor();
      await commentById(graceWidget, posted.id).getByText('[This comment was removed]').waitFor();
      expect(await nesting(graceWidget, replied.id, posted.id)).toBe('nested');
      // Nor does Ada, who wrote it.
      adaWidget = await openDemo(ada.page, server.origin, 'reload');
      expect(await adaWidget.getByText(first.body).count()).toBe(0);

      // --- Removing the reply too leaves an empty thread: no orphan placeholder.
      await moderate(mod.page, reply.body, 'Remove');
      graceWidget = await openDemoShowing(grace.page, server.origin, 'No comments yet');
      expect(await countHeading(graceWidget)).toBe('No comments yet');
      expect(await graceWidget.getByText(reply.body).count()).toBe(0);
      expect(await graceWidget.getByText('[This comment was removed]').count()).toBe(0);

      // --- Throughout: no request left the test server, and no page logged an error.
      for (const who of watches.keys()) expectCleanPages(who, 'during the test');
      console.log(`comment loop took ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`);
    });
  });
}
