import type { Bindings } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { loadSites } from '../config/sites';
import { enqueue, runMailJob, type MailJob } from '../mail/follow';
import type { MailMessage } from '../mail/mailer';
import { queueMail } from '../mail/queue-jobs';
import { moderationLink } from '../moderation/links';
import { codeBlock, inert } from '../lib/plain-text';
import { threadUrl } from '../lib/thread-url';
import type { ServiceContext } from '../services/context';
import { originOf } from '../services/context';
import { createStores } from '../storage/stores';
import type { CommentRecord } from '../storage/records';
import { coversSite } from './access';
import type { InvitationInfo, Member } from './model';
import { ALL_SITES } from './model';

/**
 * The team's mail: invitations, sign-in links and each moderator's notifications about comments
 * that wait on their sites (one mail per comment, or a daily digest). All of it goes through the
 * mail queue and whatever mail path is configured (HTTP API, send_email, the dev outbox).
 */

function siteNames(sites: Map<string, SiteConfig>, ids: string[]): string {
  if (ids.includes(ALL_SITES)) return 'every site';
  return ids.map((id) => sites.get(id)?.name ?? id).join(', ');
}

export function invitationMail(sites: Map<string, SiteConfig>, invitation: InvitationInfo, invitedBy: string, link: string): MailMessage {
  return {
    to: invitation.email,
    subject: `You are invited to moderate ${siteNames(sites, invitation.sites)}`,
    text: `${inert(invitedBy)} invites you to moderate comments on ${siteNames(sites, invitation.sites)} with Parley.\n\nTo accept, open this link and create your account (it works once, until ${invitation.expiresAt.slice(0, 16).replace('T', ' ')} UTC):\n${link}\n\nIf you did not expect this, ignore this message.`,
  };
}

export function signInMail(member: Member, link: string): MailMessage {
  return {
    to: member.email!,
    subject: 'Your sign-in link for Parley moderation',
    text: `Hello ${inert(member.name)},\n\nTo sign in to Parley's moderation dashboard, open this link within 15 minutes (it works once):\n${link}\n\nIf you did not ask for it, ignore this message: nobody can sign in without opening the link.`,
  };
}

function excerpt(record: CommentRecord, length: number): string {
  return record.body.length > length ? `${record.body.slice(0, length - 1)}…` : record.body;
}

/** One pending comment, for one moderator: links that act as them, for this comment only. */
async function pendingMail(env: Bindings, sites: Map<string, SiteConfig>, origin: string, member: Member, record: CommentRecord): Promise<MailMessage> {
  const site = sites.get(record.site);
  const [approve, remove] = await Promise.all([
    moderationLink(env, origin, record.id, 'approve', record.status, Date.now(), member.id),
    moderationLink(env, origin, record.id, 'remove', record.status, Date.now(), member.id),
  ]);
  const post = threadUrl(site, record.thread) ?? `a post on ${site?.name ?? record.site}`;
  return {
    to: member.email!,
    subject: `Waiting on ${site?.name ?? record.site}: a comment by ${inert(record.author)}`,
    text: `${inert(record.author)} commented on ${post}:\n\n${codeBlock(excerpt(record, 1000))}\n\nApprove: ${approve}\nRemove: ${remove}\nDashboard: ${origin}/admin?site=${encodeURIComponent(record.site)}\n\n--\nYou get this because you chose mail for each new comment. Change it on ${origin}/admin/account`,
  };
}

/**
 * Tells the moderators who chose "at once" of a comment that waits on one of their sites (after
 * the response; never fails the reader's post).
 */
export function notifyModerators(c: ServiceContext, site: SiteConfig, record: CommentRecord): void {
  const origin = originOf(c);
  c.executionCtx.waitUntil(
    (async () => {
      const members = (await c.var.stores.team.read((team) => team.notified('instant'))).filter((member) => coversSite({ sites: member.role === 'owner' ? [ALL_SITES] : member.sites }, site.id));
      if (members.length === 0) return;
      const jobs: MailJob[] = await Promise.all(members.map(async (member) => ({ type: 'direct' as const, message: await pendingMail(c.env, c.var.sites, origin, member, record) })));
      await queueMail(c, jobs);
    })().catch((error) => console.error('moderator notification failed', error)),
  );
}

/** Comments listed in a digest, per site. */
const DIGEST_PER_SITE = 10;

/**
 * The daily digest (Cron Trigger `0 7 * * *`): each moderator who chose it gets one mail listing
 * what waits on their sites, the comments that arrived since their last digest first. Nothing
 * waiting, no mail. Links point to the dashboard's origin as it was when the moderator chose the digest.
 */
export async function runDigests(env: Bindings, now = Date.now()): Promise<number> {
  const stores = createStores(env);
  const sites = loadSites(env.SITES);
  const members = await stores.team.read((team) => team.notified('digest'));
  const jobs: MailJob[] = [];
  for (const member of members) {
    const origin = member.origin ?? '';
    const mine = [...sites.values()].filter((site) => coversSite({ sites: member.role === 'owner' ? [ALL_SITES] : member.sites }, site.id));
    const sections: string[] = [];
    let total = 0;
    for (const site of mine) {
      const [counts, page] = await Promise.all([
        stores.sites.call(site.id, (stub) => stub.counts(site.id)),
        stores.sites.call(site.id, (stub) => stub.listQueue(site.id, { status: 'pending', limit: DIGEST_PER_SITE })),
      ]);
      if (counts.counts.pending === 0) continue;
      total += counts.counts.pending;
      const since = page.comments.filter((record) => Date.parse(record.createdAt) > member.digestAt).length;
      const lines = page.comments.map((record) => `- ${inert(record.author)} on ${threadUrl(site, record.thread) ?? inert(record.thread)}: ${excerpt(record, 140).replace(/\s+/g, ' ')}`);
      sections.push(`${site.name}: ${counts.counts.pending} waiting${since ? ` (${since} new since your last digest)` : ''}\n${lines.join('\n')}${counts.counts.pending > page.comments.length ? '\n- …' : ''}\n${origin}/admin?site=${encodeURIComponent(site.id)}`);
    }
    await stores.team.read((team) => team.markDigest({ memberId: member.id, at: now }));
    if (total === 0 || !member.email) continue;
    jobs.push({
      type: 'direct',
      message: {
        to: member.email,
        subject: `${total} comment${total === 1 ? '' : 's'} waiting for moderation`,
        text: `Hello ${inert(member.name)},\n\n${sections.join('\n\n')}\n\n--\nYou get this daily digest because you chose it. Change it on ${origin}/admin/account`,
      },
    });
  }
  const deps = { env, stores, outbound: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), enqueueMore: async () => {} };
  const pending: Promise<unknown>[] = [];
  await enqueue(env, jobs, (job) => runMailJob(job, deps), (promise) => pending.push(promise));
  await Promise.all(pending);
  return jobs.length;
}
