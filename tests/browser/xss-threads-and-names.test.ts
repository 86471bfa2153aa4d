import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { threadUrl } from '../../worker/src/lib/thread-url';
import { LIMITS, type OwnComment } from '../../worker/src/wire';
import { bulkApprove, mapLimit, postViaApi } from './support/api';
import { findChromium, launchChromiumSession, type BrowserSession } from '../support/chromium.mjs';
import { signInToDashboard } from './support/dashboard';
import { startHostServer, type HostServer } from './support/host-server';
import { PARLEY_VECTORS, loadBlns } from './support/hostile-strings';
import { watchContext, type PageWatch } from './support/page-watch';
import { asRead, linksLeaving, startWebhookRecorder, urlsIn, type WebhookPayload, type WebhookRecorder } from './support/surfaces';
import { normaliseName } from './support/text-rules';
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { armContext, auditPage, type PageAudit } from './support/xss-audit';
import { threadLoaded } from './support/widget';

/**
 * The hostile-strings corpus (xss-corpus.test.ts) as **thread ids and author names**, on every
 * surface that shows them: the widget (a page embedding it with a hostile `data-thread`), the
 * dashboard, Atom feeds, the thread HTML page, mail (the development outbox, as the dashboard
 * shows it) and webhook payloads (received by a stand-in for Slack and Discord on 127.0.0.1).
 *
 * Every corpus string the API takes as a thread id (one line of 1–256 characters) becomes a
 * thread, plus ids made to leave the site (`//evil.example/…`, `javascript:…`); each gets one
 * comment whose author is a corpus string too. The site has a `url` and a `webhook`, so every
 * surface links posts. It checks that no script runs and no dangerous markup appears (traps and
 * DOM audit of support/xss-audit.ts), that no link leaves the site or the server or uses another
 * scheme, that Slack text escapes `<`, `>` and `&`, that Discord is told to ping no one, that no
 * name or thread id forms a URL, a mention or an action line in chat or mail, and that each name
 * and thread id is shown as typed wherever it is shown as text.
 */

const SITE = 'demo';
const SITE_NAME = 'Parley demo blog';
const SITE_URL = 'https://blog.example';
const MAX_THREADS = 450;
/** Threads whose thread HTML page, feed and widget are opened one by one (opening all would take long). */
const SAMPLE = 60;
const MAIL_THREADS = 30;
const MAIL_NAMES = 30;
const FAN = 'fan@example.com';
const MAIL_THREAD = '/mail-names';

/** Thread ids made to leave the site or change the scheme. */
const ESCAPING_THREADS = ['//evil.example/phish', '/\\evil.example/phish', 'javascript:top.__xss(201)', 'JaVaScRiPt:top.__xss(202)', 'data:text/html,<script>top.__xss(203)</script>', 'https://evil.example/verify-your-account', '/x) by Admin: https://evil.example/approve'];
/** Names that try to mention everyone or pose as a link, in the review's words. */
const ESCAPING_NAMES = ['@everyone <!channel> <https://evil.example|Dashboard>', '[Dashboard](https://evil.example/login)', '<@123456789> @here', 'Visit https://evil.example/login now'];

/** Zero-width spaces left out: Parley adds them to keep names inert, and a corpus name may hold its own. */
const unZw = (text: string) => text.replace(/\u200b/g, '');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What the API takes as a thread id (docs/api.md, "Limits"). */
const threadOk = (text: string) => text.length >= 1 && text.length <= LIMITS.thread && !LONE_SURROGATE.test(text) && !/[\u0000-\u001F\u007F-\u009F]/.test(text);
/** What the API takes as a name. */
const nameOk = (text: string) => !LONE_SURROGATE.test(text) && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text) && normaliseName(text).length >= 1 && normaliseName(text).length <= LIMITS.author;

interface Posted {
  index: number;
  thread: string;
  /** The name as stored (whitespace collapsed). */
  author: string;
  comment: OwnComment;
}

const chromium = findChromium(); // Throws under CI when there is no Chromium.

if (!chromium.path) {
  it('shows hostile thread ids and names safely everywhere (skipped: Chromium not found)', (ctx) => {
    ctx.skip(chromium.missing);
  });
} else {
  const executablePath = chromium.path;

  describe('stored XSS and injection: hostile thread ids and names on every surface', () => {
    let server: WranglerDev;
    let host: HostServer;
    let hooks: WebhookRecorder;
    let session: BrowserSession;
    let watch: PageWatch;
    const dialogs: string[] = [];
    const posted: Posted[] = [];
    let threads: string[];
    let names: string[];
    /** Where the site's posts live, as Parley links them. */
    const postUrl = (thread: string) => threadUrl({ url: SITE_URL }, thread);

    /** Script that ran, dialogs, requests that left the test servers, errors: anything on the last page load. */
    const pageProblems = (audit?: PageAudit): string[] => {
      const found = [
        ...(audit ? [...audit.problems, ...audit.trapHits.map((hit) => `script ran: ${hit}`)] : []),
        ...dialogs.splice(0).map((dialog) => `script ran: ${dialog}`),
        ...watch.foreignRequests.map((request) => `request left the test servers: ${request}`),
        ...watch.pageErrors.map((error) => `page error: ${error}`),
      ];
      watch.clear();
      return found;
    };
    const trapHits = async () => (await session.page.evaluate(() => window.__xssHits ?? ['the traps are missing'])).map((hit) => `script ran: ${hit}`);

    beforeAll(async () => {
      host = await startHostServer();
      hooks = await startWebhookRecorder();
      const sites = [{ id: SITE, name: SITE_NAME, origins: [host.origin], moderation: 'all', url: SITE_URL, webhook: `${hooks.origin}/hook` }];
      server = await startWranglerDev({ vars: { SITES: JSON.stringify(sites), RATE_LIMIT: '0' } });
      host.commentServer = server.origin;

      const corpus = [...PARLEY_VECTORS, ...loadBlns()].map((vector) => vector.text);
      threads = [...new Set([...ESCAPING_THREADS, ...corpus].filter(threadOk))].slice(0, MAX_THREADS);
      names = [...new Set([...ESCAPING_NAMES, ...corpus].filter(nameOk))];
      const outcomes = await mapLimit(threads, 20, (thread, index) =>
        postViaApi(server.origin, { site: SITE, thread, author: names[index % names.length], body: `Probe ${index}`, elapsedMs: 9000 }),
      );
      const refused = outcomes.flatMap((outcome, index) => (outcome.ok ? [] : [`${JSON.stringify(threads[index])}: ${outcome.status} ${outcome.text}`]));
      if (refused.length) throw new Error(`the API refused threads it must take:\n${refused.slice(0, 20).join('\n')}`);
      outcomes.forEach((outcome, index) => {
        if (outcome.ok) posted.push({ index, thread: threads[index], author: normaliseName(names[index % names.length]), comment: outcome.comment });
      });
      console.log(`hostile thread ids and names: ${threads.length} threads (${ESCAPING_THREADS.length} made to leave the site), ${names.length} names; ${SAMPLE} threads opened one by one`);

      session = await launchChromiumSession(executablePath);
      session.context.setDefaultTimeout(20_000);
      watch = watchContext(session.context, [server.origin, host.origin]);
      await armContext(session.context, dialogs);
    });

    afterAll(async () => {
      await session?.close();
      await server?.stop();
      await hooks?.stop();
      await host?.stop();
    });

    it('webhook payloads: Slack text escaped, Discord pings no one, names and thread ids form no link, mention or action line', async () => {
      const deadline = Date.now() + 60_000;
      while (hooks.payloads.length < posted.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      expect(hooks.payloads.length).toBe(posted.length);
      const problems: string[] = [];
      for (const payload of hooks.payloads as WebhookPayload[]) {
        const index = Number(/^> Probe (\d+)$/m.exec(payload.content)?.[1]);
        const post = posted.find((p) => p.index === index);
        if (!post) {
          problems.push(`a payload for no post of ours: ${payload.content.slice(0, 200)}`);
          continue;
        }
        const what = `thread ${JSON.stringify(post.thread)} by ${JSON.stringify(post.author)}`;
        if (JSON.stringify(payload.allowed_mentions) !== JSON.stringify({ parse: [] })) problems.push(`${what}: allowed_mentions is ${JSON.stringify(payload.allowed_mentions)}`);
        if (/[<>]/.test(payload.text)) problems.push(`${what}: Slack text holds an unescaped < or >: ${payload.text.split('\n')[0]}`);
        const expectedHeader = unZw(`New comment waiting on ${SITE_NAME} (${postUrl(post.thread) ?? post.thread}) by ${post.author}:`);
        for (const [app, text, read] of [
          ['Slack', payload.text, asRead(payload.text)],
          ['Discord', payload.content, unZw(payload.content)],
        ] as const) {
          const header = text.split('\n')[0];
          if (read.split('\n')[0] !== expectedHeader) problems.push(`${what}: ${app} header reads ${JSON.stringify(read.split('\n')[0])}, expected ${JSON.stringify(expectedHeader)}`);
          const urls = urlsIn(header).filter((url) => !url.startsWith(`(${SITE_URL}/`));
          if (urls.length) problems.push(`${what}: ${app} header links ${JSON.stringify(urls)}`);
          if (/@everyone|@here|<@|<#|<!|\]\(/.test(header)) problems.push(`${what}: ${app} header can mention or mask a link: ${JSON.stringify(header)}`);
          const actions = text.split('\n').filter((line) => /^(Approve|Remove|Dashboard):/.test(line));
          if (actions.length !== 3 || !actions.every((line) => line.includes(`${server.origin}/admin`))) problems.push(`${what}: ${app} action lines ${JSON.stringify(actions)}`);
        }
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
    });

    it('the dashboard shows every thread id and name as text, links none off the site, and runs no script', async () => {
      onTestFailed(() => console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-6_000)}`));
      await signInToDashboard(session.page, server.origin, server.adminToken);
      watch.clear();
      // The pending queue, a page of 200 at a time (oldest first), following its "Next page" link.
      const problems: string[] = [];
      const shown: { id: string; where: string | null }[] = [];
      const audits: Awaited<ReturnType<typeof auditPage>>['comments'] = [];
      const byId = new Map(posted.map(({ comment }) => [comment.id, comment]));
      for (let url: string | null = `${server.origin}/admin?status=pending&limit=200`, pages = 0; url; pages++) {
        if (pages > 10) throw new Error('the pending queue has more pages than this test posted comments');
        await session.page.goto(url);
        await session.page.getByRole('heading', { name: /^Pending comments/ }).waitFor();
        await session.page.waitForTimeout(150);
        const cards = await session.page.evaluate(() =>
          Array.from(document.querySelectorAll('article.comment')).map((article) => ({ id: article.id.replace(/^comment-/, ''), where: article.querySelector('.where')?.textContent ?? null })),
        );
        const onPage = cards.map((card) => byId.get(card.id)).filter((comment) => comment !== undefined).map((comment) => ({ id: comment.id, html: comment.html }));
        const audit = await auditPage(session.page, { mode: 'dashboard', scripts: [`${server.origin}/admin/dashboard.js`], comments: onPage });
        problems.push(...pageProblems(audit), ...(await linksLeaving(session.page, [server.origin, SITE_URL])).map((link) => `links off the site: ${link}`));
        shown.push(...cards);
        audits.push(...audit.comments);
        const nextLink = session.page.locator('a[rel="next"]');
        const next = (await nextLink.count()) > 0 ? await nextLink.getAttribute('href') : null;
        url = next ? new URL(next, server.origin).toString() : null;
      }
      const whereById = new Map(shown.map((card) => [card.id, card.where]));
      const seenById = new Map(audits.map((seen) => [seen.id, seen]));
      for (const post of posted) {
        const what = `thread ${JSON.stringify(post.thread)}`;
        if (whereById.get(post.comment.id) !== `on ${SITE_NAME} · ${post.thread}`) problems.push(`${what}: shown as ${JSON.stringify(whereById.get(post.comment.id))}`);
        if (seenById.get(post.comment.id)?.authorText !== post.author) problems.push(`${what}: name shown as ${JSON.stringify(seenById.get(post.comment.id)?.authorText)}, typed ${JSON.stringify(post.author)}`);
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
      // Readers' surfaces show approved comments: approve those the next tests open (each is a thread
      // of its own, and a bulk action rebuilds every thread it touches, so a few at a time).
      const shownToReaders = posted.slice(0, SAMPLE + 10);
      for (let i = 0; i < shownToReaders.length; i += 20) await bulkApprove(server.origin, server.adminToken, shownToReaders.slice(i, i + 20).map((p) => p.comment.id));
    });

    it('Atom feeds: well-formed, names as typed, links only to the site and the server, no script in Chromium', async () => {
      const problems: string[] = [];
      const feeds = [`/feeds/${SITE}.atom`, ...posted.slice(0, SAMPLE).map((post) => `/feeds/${SITE}.atom?thread=${encodeURIComponent(post.thread)}`)];
      const byId = new Map(posted.map((post) => [post.comment.id, post]));
      for (const path of feeds) {
        const xml = await (await fetch(`${server.origin}${path}`)).text();
        let feed: ReturnType<typeof parseAtomFeed>;
        try {
          feed = parseAtomFeed(xml);
        } catch (error) {
          problems.push(`${path}: not a well-formed Atom feed (${(error as Error).message})`);
          continue;
        }
        for (const entry of feed.entries ?? []) {
          const post = byId.get(String(entry.id).split('/').pop() ?? '');
          if (!post) continue;
          const author = entry.authors?.[0]?.name;
          if (author !== post.author) problems.push(`${path}: entry by ${JSON.stringify(author)}, typed ${JSON.stringify(post.author)}`);
        }
        const hrefs = [...xml.matchAll(/href="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
        for (const href of hrefs) if (!href.startsWith(`${SITE_URL}/`) && href !== SITE_URL && !href.startsWith(`${server.origin}/`)) problems.push(`${path}: links ${JSON.stringify(href)}`);
      }
      for (const path of feeds.slice(0, 10)) {
        await session.page.goto(`${server.origin}${path}`);
        problems.push(...(await trapHits()).map((hit) => `${path}: ${hit}`), ...pageProblems().map((problem) => `${path}: ${problem}`));
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
    });

    it('the thread HTML page: names as typed, no script, and no link to anywhere but the post on its site', async () => {
      const problems: string[] = [];
      for (const post of posted.slice(0, SAMPLE)) {
        const what = `thread ${JSON.stringify(post.thread)}`;
        await session.page.goto(`${server.origin}/api/threads/html?site=${SITE}&thread=${encodeURIComponent(post.thread)}&document=1`);
        const page = await session.page.evaluate(() => ({
          names: Array.from(document.querySelectorAll('[itemprop="author"] [itemprop="name"]')).map((el) => el.textContent),
          active: Array.from(document.querySelectorAll('script, iframe, object, embed, svg, img, form, base, meta[http-equiv]')).map((el) => el.outerHTML.slice(0, 120)),
          handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((attr) => attr.name.startsWith('on')).map((attr) => `${el.localName} ${attr.name}`)),
        }));
        problems.push(...(await trapHits()).map((hit) => `${what}: ${hit}`), ...pageProblems().map((problem) => `${what}: ${problem}`));
        problems.push(...page.active.map((el) => `${what}: holds ${el}`), ...page.handlers.map((handler) => `${what}: holds ${handler}`));
        problems.push(...(await linksLeaving(session.page, [SITE_URL])).map((link) => `${what}: links ${link}`));
        if (JSON.stringify(page.names) !== JSON.stringify([post.author])) problems.push(`${what}: names ${JSON.stringify(page.names)}, typed ${JSON.stringify(post.author)}`);
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
    });

    it('the widget on a page whose data-thread is hostile: shows its comment, runs no script, links nowhere else', async () => {
      const problems: string[] = [];
      for (const post of posted.filter((p) => ESCAPING_THREADS.includes(p.thread)).concat(posted.slice(ESCAPING_THREADS.length, ESCAPING_THREADS.length + 10))) {
        const what = `data-thread ${JSON.stringify(post.thread)}`;
        await session.page.goto(`${host.origin}/plain.html?${new URLSearchParams({ 'data-thread': post.thread })}`);
        await threadLoaded(session.page.locator('#comments'), '1 comment');
        await session.page.waitForTimeout(100);
        const audit = await auditPage(session.page, { mode: 'widget', scripts: [`${server.origin}/widget.js`, `${server.origin}/widget-extra.js`], comments: [{ id: post.comment.id, html: post.comment.html }] });
        problems.push(...pageProblems(audit).map((problem) => `${what}: ${problem}`));
        problems.push(...(await linksLeaving(session.page, [server.origin, host.origin, SITE_URL], '#comments')).map((link) => `${what}: links ${link}`));
        if (audit.comments[0]?.authorText !== post.author) problems.push(`${what}: name shown as ${JSON.stringify(audit.comments[0]?.authorText)}, typed ${JSON.stringify(post.author)}`);
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
    });

    it('mail, as the outbox shows it: posts named by their URL on the site, names inert, no script', async () => {
      onTestFailed(() => console.error(`--- wrangler dev log (tail) ---\n${server.log().slice(-6_000)}`));
      const follow = (thread: string, email: string) =>
        fetch(`${server.origin}/api/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.origin }, body: JSON.stringify({ site: SITE, thread, email }) });
      const followers = posted.slice(0, MAIL_THREADS).map((post, i) => ({ post, email: `follower-${i}@example.com` }));
      for (const { post, email } of followers) expect((await follow(post.thread, email)).status).toBe(202);
      expect((await follow(MAIL_THREAD, FAN)).status).toBe(202);

      /** The outbox as the dashboard shows it, once it holds `count` messages. */
      const outbox = async (count: number) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          await session.page.goto(`${server.origin}/admin/outbox`);
          const mails = await session.page.evaluate(() =>
            Array.from(document.querySelectorAll('article.mail')).map((article) => ({ subject: article.querySelector('strong')?.textContent ?? '', to: article.querySelector('header span')?.textContent ?? '', text: article.querySelector('pre')?.textContent ?? '' })),
          );
          if (mails.length >= count || Date.now() > deadline) return mails;
          await session.page.waitForTimeout(500);
        }
      };
      const confirmation = (await outbox(MAIL_THREADS + 1)).find((mail) => mail.to === `to ${FAN}`);
      const confirmUrl = urlsIn(confirmation?.text ?? '').find((url) => url.includes('/subscriptions/confirm/'));
      expect(confirmUrl, 'the confirmation mail to the fan').toBeTruthy();
      await session.page.goto(confirmUrl!);
      await session.page.getByRole('button', { name: 'Confirm' }).click();
      await session.page.getByRole('heading', { name: 'Subscription confirmed' }).waitFor();

      const hostileNames = names.slice(0, MAIL_NAMES);
      const comments = await mapLimit(hostileNames, 10, (author, i) => postViaApi(server.origin, { site: SITE, thread: MAIL_THREAD, author, body: `Mail probe ${i}`, elapsedMs: 9000 }));
      const ids = comments.map((outcome) => (outcome.ok ? outcome.comment.id : ''));
      expect(ids.filter((id) => id === '')).toEqual([]);
      await bulkApprove(server.origin, server.adminToken, ids);

      const mails = await outbox(MAIL_THREADS + 1 + MAIL_NAMES);
      const audit = await auditPage(session.page, { mode: 'dashboard', scripts: [`${server.origin}/admin/dashboard.js`], comments: [] });
      const problems = [...pageProblems(audit), ...(await linksLeaving(session.page, [server.origin]))];
      const allowedUrl = (url: string) => url.startsWith(`${SITE_URL}/`) || url.startsWith(`${server.origin}/subscriptions/`);
      for (const { post, email } of followers) {
        const mail = mails.find((m) => m.to === `to ${email}`);
        const named = postUrl(post.thread) ?? `a post on ${SITE_NAME}`;
        if (!mail) problems.push(`no confirmation mail to ${email}`);
        else {
          if (!mail.text.includes(`new comments on ${named}.`)) problems.push(`${JSON.stringify(post.thread)}: the mail names the post otherwise than ${JSON.stringify(named)}: ${JSON.stringify(mail.text.split('\n')[0])}`);
          problems.push(...urlsIn(`${mail.subject}\n${mail.text}`).filter((url) => !allowedUrl(url)).map((url) => `${JSON.stringify(post.thread)}: the mail links ${JSON.stringify(url)}`));
        }
      }
      const notices = mails.filter((mail) => mail.to === `to ${FAN}` && !mail.subject.startsWith('Confirm'));
      if (notices.length !== MAIL_NAMES) problems.push(`${notices.length} notification mails to the fan, expected ${MAIL_NAMES}`);
      for (const author of hostileNames.map(normaliseName)) {
        const mail = notices.find((m) => unZw(m.text).startsWith(unZw(`${author} wrote on ${SITE_URL}${MAIL_THREAD}:`)));
        if (!mail) {
          problems.push(`no notification mail shows the name ${JSON.stringify(author)} as typed`);
          continue;
        }
        problems.push(...urlsIn(`${mail.subject}\n${mail.text}`).filter((url) => !allowedUrl(url)).map((url) => `name ${JSON.stringify(author)}: the mail links ${JSON.stringify(url)}`));
        if (unZw(mail.subject) !== unZw(`${author} commented on ${SITE_NAME}`)) problems.push(`name ${JSON.stringify(author)}: subject ${JSON.stringify(mail.subject)}`);
      }
      expect(problems, problems.slice(0, 30).join('\n')).toEqual([]);
    });
  });
}
