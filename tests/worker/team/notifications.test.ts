import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { ADMIN_TOKEN, call, TYPED } from '../helpers/api';
import { DIGEST_CRON, runScheduled } from '../../../worker/src/team/scheduled';
import { api, form, linkIn, moderatorSession, NO_QUEUE, outbox, ownerSession, SAME_ORIGIN, SITE_A, SITE_B } from './helpers';

afterEach(() => reset());

/** A reader's comment that waits, with mail sent inline so the test sees it. */
async function waitingComment(site: { id: string; origin: string }, body: string): Promise<string> {
  const response = await call(
    '/api/comments',
    { method: 'POST', headers: { 'content-type': 'application/json', origin: site.origin }, body: JSON.stringify({ ...TYPED, site: site.id, thread: '/posts/notify/', author: 'Reader', body }) },
    undefined,
    NO_QUEUE,
  );
  expect(response.status).toBe(201);
  return (await response.json<{ comment: { id: string } }>()).comment.id;
}

async function choose(cookie: string, notify: string) {
  const response = await form('/admin/account/notifications', cookie, { notify });
  expect(response.status).toBe(303);
}

describe('notifications per moderator', () => {
  it('mails a moderator who chose "at once" about each comment waiting on their sites only', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id]);
    const ben = await moderatorSession('ben@example.com', [SITE_B.id], 'Ben');
    await choose(mia.cookie, 'instant');
    await choose(ben.cookie, 'off');
    await waitingComment(SITE_A, 'Waiting on A');
    await waitingComment(SITE_B, 'Waiting on B');
    const mails = (await outbox()).filter((mail) => mail.subject.startsWith('Waiting on'));
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([['mia@example.com', 'Waiting on Demo: a comment by Reader']]);
    expect(mails[0].text).toContain('Waiting on A');
  });

  it('sends links that act as the moderator they were mailed to, audited under their name', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id]);
    await choose(mia.cookie, 'instant');
    const id = await waitingComment(SITE_A, 'Approve me from the mail');
    const mail = (await outbox()).find((one) => one.subject.startsWith('Waiting on'))!;
    const approve = linkIn(mail, '/admin/act/');
    const done = await call(approve, { method: 'POST', headers: { origin: SAME_ORIGIN } });
    expect(done.status).toBe(200);
    const { entries } = await (await api(`/api/admin/audit?by=${mia.id}&site=${SITE_A.id}`, { token: ADMIN_TOKEN })).json<{ entries: { who: string; by: string; action: string; commentId: string }[] }>();
    expect(entries).toEqual([expect.objectContaining({ who: 'Mia Moderator (signed link)', by: mia.id, action: 'approve', commentId: id })]);
  });

  it('refuses a mailed link once its moderator no longer moderates the site', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id, SITE_B.id]);
    await choose(mia.cookie, 'instant');
    await waitingComment(SITE_B, 'On B');
    const approve = linkIn((await outbox()).find((one) => one.subject.startsWith('Waiting on'))!, '/admin/act/');
    await api(`/api/admin/team/members/${mia.id}`, { token: ADMIN_TOKEN }, { method: 'PATCH', body: { sites: [SITE_A.id] } });
    const refused = await call(approve, { method: 'POST', headers: { origin: SAME_ORIGIN } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('no longer moderates this site');
  });

  it('sends a daily digest of what waits on each chooser’s sites, from the Cron Trigger', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id]);
    const ben = await moderatorSession('ben@example.com', [SITE_B.id], 'Ben');
    await choose(mia.cookie, 'digest');
    await choose(ben.cookie, 'digest');
    await waitingComment(SITE_A, 'First on A');
    await waitingComment(SITE_A, 'Second on A');
    expect((await outbox()).filter((mail) => mail.subject.includes('waiting for moderation'))).toEqual([]);
    await runScheduled(DIGEST_CRON, { ...env, MAIL_QUEUE: undefined }, async () => {});
    const digests = (await outbox()).filter((mail) => mail.subject.includes('waiting for moderation'));
    // Ben's site has nothing waiting: no mail for him.
    expect(digests.map((mail) => [mail.to, mail.subject])).toEqual([['mia@example.com', '2 comments waiting for moderation']]);
    expect(digests[0].text).toContain('Demo: 2 waiting (2 new since your last digest)');
    expect(digests[0].text).toContain('First on A');
    expect(digests[0].text).toContain('https://parley.test/admin?site=demo');
    // The next digest counts only what arrived since.
    await runScheduled(DIGEST_CRON, { ...env, MAIL_QUEUE: undefined }, async () => {});
    const next = (await outbox()).filter((mail) => mail.subject.includes('waiting for moderation'));
    expect(next).toHaveLength(2);
    expect(next.some((mail) => mail.text.includes('Demo: 2 waiting\n'))).toBe(true);
  });

  it('runs the reconciler, not the digest, on the other cron', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id]);
    await choose(mia.cookie, 'digest');
    await waitingComment(SITE_A, 'Waiting');
    let reconciled = 0;
    await runScheduled('*/10 * * * *', { ...env, MAIL_QUEUE: undefined }, async () => void reconciled++);
    expect(reconciled).toBe(1);
    expect((await outbox()).filter((mail) => mail.subject.includes('waiting for moderation'))).toEqual([]);
  });

  it('needs an email address for mail', async () => {
    const owner = await ownerSession('Olive Owner', '');
    const refused = await form('/admin/account/notifications', owner, { notify: 'instant' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Add your email address first');
  });
});
