import type { Bindings } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { siteDirectory } from '../sites/directory';
import { sign, verify } from '../lib/signing';
import { signingKey } from '../moderation/identity';
import { LegacyLayout } from '../storage/legacy';
import { createStores, type Stores } from '../storage/stores';
import type { CommentRecord } from '../storage/records';
import type { SubscriptionRow, ThreadRef } from '../objects/thread/protocol';
import { mailerFor, type MailMessage } from './mailer';
import { threadUrl } from '../lib/thread-url';
import { inert } from '../lib/plain-text';

/**
 * Following threads by email, with double opt-in.
 *
 * - A reader asks to follow a thread (or the replies to their comment): the thread's object saves
 *   an unconfirmed subscription and a confirmation mail is queued.
 * - Only a confirmed subscription is ever mailed: checked when notifications are fanned out and
 *   again just before each message is sent.
 * - Every message carries a one-click unsubscribe link and List-Unsubscribe headers.
 * - All mail goes through the MAIL_QUEUE queue (retried with backoff, never in a reader's request).
 */
export type MailJob =
  | { type: 'confirm'; site: string; thread: string; emailHash: string; target: string; origin: string }
  | { type: 'notify'; site: string; thread: string; commentId: string; origin: string }
  | { type: 'send'; site: string; thread: string; emailHash: string; target: string; commentId: string; origin: string }
  /** A message composed already, to one address: the team's invitations, sign-in links and notifications (team/team-mail.ts). */
  | { type: 'direct'; message: MailMessage };

/** Jobs queued by a release before thread objects: they name subscriptions by KV key. */
type LegacyMailJob = { type: 'confirm'; key: string; origin: string } | { type: 'notify'; commentId: string; origin: string } | { type: 'send'; key: string; commentId: string; origin: string };

/** What a subscription link names: a subscription of a thread, and the action. */
export interface SubscriptionLink {
  ref: ThreadRef;
  emailHash: string;
  target: string;
}

interface LinkPayload {
  s?: string;
  t?: string;
  h?: string;
  g?: string;
  /** A link made before thread objects: the subscription's KV key. */
  k?: string;
  a: 'confirm' | 'unsubscribe';
  /** expiry, seconds */
  e: number;
}

const CONFIRM_TTL = 7 * 86_400;
const UNSUBSCRIBE_TTL = 3 * 365 * 86_400;

export async function subscriptionLink(env: Bindings, origin: string, sub: SubscriptionLink, action: LinkPayload['a']): Promise<string> {
  const payload: LinkPayload = { s: sub.ref.site, t: sub.ref.thread, h: sub.emailHash, g: sub.target, a: action, e: Math.floor(Date.now() / 1000) + (action === 'confirm' ? CONFIRM_TTL : UNSUBSCRIBE_TTL) };
  return `${origin}/subscriptions/${action}/${await sign(signingKey(env), 'subscription', payload)}`;
}

/** The subscription a signed link names, or null when the link is forged, altered, expired or names nothing known. */
export async function readSubscriptionLink(env: Bindings, stores: Stores, signed: string, action: LinkPayload['a']): Promise<SubscriptionLink | null> {
  const payload = await verify<LinkPayload>(signingKey(env), 'subscription', signed);
  if (!payload || payload.a !== action || typeof payload.e !== 'number' || payload.e * 1000 < Date.now()) return null;
  if (typeof payload.s === 'string' && typeof payload.t === 'string' && typeof payload.h === 'string' && typeof payload.g === 'string') {
    return { ref: { site: payload.s, thread: payload.t }, emailHash: payload.h, target: payload.g };
  }
  return typeof payload.k === 'string' ? legacySubscription(stores, payload.k) : null;
}

/** A subscription named by its KV key (links and jobs made before thread objects). */
async function legacySubscription(stores: Stores, key: string): Promise<SubscriptionLink | null> {
  const parsed = LegacyLayout.parseSubscriptionKey(key);
  if (!parsed) return null;
  const thread = await stores.sites.call(parsed.site, (stub) => stub.threadOfPart(parsed.site, { part: parsed.part }));
  if (thread === null) return null;
  const ref = { site: parsed.site, thread };
  const sub = await stores.threads.of(ref.site, ref.thread).read((stub) => stub.subscription(ref, { legacyKey: key }));
  return sub ? { ref, emailHash: sub.emailHash, target: sub.target } : null;
}

/** Sends jobs to the mail queue, or (without a queue binding) runs them after the response. */
export async function enqueue(env: Bindings, jobs: MailJob[], run: (job: MailJob) => Promise<void>, waitUntil: (promise: Promise<unknown>) => void): Promise<void> {
  if (jobs.length === 0) return;
  if (env.MAIL_QUEUE) {
    await env.MAIL_QUEUE.sendBatch(jobs.map((body) => ({ body })));
  } else {
    waitUntil(Promise.all(jobs.map((job) => run(job).catch((error) => console.error('mail job failed', error)))));
  }
}

function siteName(sites: Map<string, SiteConfig>, id: string): string {
  return sites.get(id)?.name ?? id;
}

/**
 * How mail names a post: by what the site configured, never by reader-supplied text alone (a
 * thread id is whatever a page said): its URL built from the site's `url`, or, without one, the
 * site's name.
 */
export function postInMail(sites: Map<string, SiteConfig>, where: { site: string; thread: string }): string {
  return threadUrl(sites.get(where.site), where.thread) ?? `a post on ${siteName(sites, where.site)}`;
}

export interface MailDeps {
  env: Bindings;
  stores: Stores;
  outbound: typeof fetch;
  enqueueMore: (jobs: MailJob[]) => Promise<void>;
}

/** Runs one mail job. Throws on a failure worth retrying (the queue retries with backoff). */
export async function runMailJob(queued: MailJob | LegacyMailJob, deps: MailDeps): Promise<void> {
  if (queued.type === 'direct') return mailerFor(deps.env, deps.env.PARLEY_KV, deps.outbound).send(queued.message);
  const job = await currentJob(queued, deps.stores);
  if (!job) return;
  const { env, stores } = deps;
  const sites = await siteDirectory.sites(env);
  const mailer = mailerFor(env, env.PARLEY_KV, deps.outbound);
  const ref = { site: job.site, thread: job.thread };
  const thread = stores.threads.of(ref.site, ref.thread);

  if (job.type === 'notify') {
    const found = await thread.read((stub, at) => stub.recipients(at, { commentId: job.commentId }));
    if (!found) return;
    await deps.enqueueMore(found.recipients.map((sub) => ({ type: 'send', ...ref, emailHash: sub.emailHash, target: sub.target, commentId: job.commentId, origin: job.origin })));
    return;
  }

  const sub = await thread.read((stub, at) => stub.subscription(at, { emailHash: job.emailHash, target: job.target }));
  if (!sub) return;
  if (job.type === 'confirm') {
    if (sub.confirmed) return;
    // However many threads one address is asked to follow, a site sends it only a few confirmations.
    if (!(await stores.sites.call(ref.site, (stub) => stub.allowConfirmation(ref.site, { emailHash: sub.emailHash })))) return;
    await mailer.send(confirmationMail(sites, ref, sub, await subscriptionLink(env, job.origin, { ref, emailHash: sub.emailHash, target: sub.target }, 'confirm')));
    return;
  }

  // type 'send': never mail an address that has not confirmed (checked again here, at the last moment).
  if (!sub.confirmed) return;
  const found = await thread.read((stub, at) => stub.recipients(at, { commentId: job.commentId }));
  if (!found || !found.recipients.some((one) => one.emailHash === sub.emailHash && one.target === sub.target)) return;
  const unsubscribeUrl = await subscriptionLink(env, job.origin, { ref, emailHash: sub.emailHash, target: sub.target }, 'unsubscribe');
  await mailer.send(commentMail(sites, found.record, sub, unsubscribeUrl));
}

/** A job as this release runs it (jobs queued before thread objects are translated), or null when it names nothing any more. */
async function currentJob(job: Exclude<MailJob, { type: 'direct' }> | LegacyMailJob, stores: Stores): Promise<Exclude<MailJob, { type: 'direct' }> | null> {
  if ('site' in job) return job;
  if (job.type === 'notify') {
    const where = await stores.records.locate(job.commentId);
    return where ? { type: 'notify', site: where.site, thread: where.thread, commentId: job.commentId, origin: job.origin } : null;
  }
  const sub = await legacySubscription(stores, job.key);
  if (!sub) return null;
  const fields = { site: sub.ref.site, thread: sub.ref.thread, emailHash: sub.emailHash, target: sub.target, origin: job.origin };
  return job.type === 'confirm' ? { type: 'confirm', ...fields } : { type: 'send', ...fields, commentId: job.commentId };
}

function confirmationMail(sites: Map<string, SiteConfig>, ref: ThreadRef, sub: SubscriptionRow, confirmUrl: string): MailMessage {
  const what = sub.target === 'thread' ? `new comments on ${postInMail(sites, ref)}` : `replies to your comment on ${postInMail(sites, ref)}`;
  return {
    to: sub.email,
    subject: `Confirm: follow ${sub.target === 'thread' ? 'comments' : 'replies'} on ${siteName(sites, ref.site)}`,
    text: `Someone (hopefully you) asked to be emailed about ${what}.\n\nTo confirm, open:\n${confirmUrl}\n\nIf it was not you, ignore this message: nothing will be sent to you.`,
  };
}

function commentMail(sites: Map<string, SiteConfig>, record: CommentRecord, sub: SubscriptionRow, unsubscribeUrl: string): MailMessage {
  // The author's name is reader text: made inert, it can form neither a link nor an address.
  const author = inert(record.author);
  const commentUrl = threadUrl(sites.get(record.site), record.thread, record.id);
  return {
    to: sub.email,
    subject: `${author} ${record.parentId && sub.target !== 'thread' ? 'replied to you' : 'commented'} on ${siteName(sites, record.site)}`,
    text: `${author} wrote on ${postInMail(sites, record)}:\n\n${quote(record.body)}\n\n${commentUrl ? `Read and reply: ${commentUrl}` : `Read and reply on ${siteName(sites, record.site)}.`}\n\n--\nYou get this because you follow ${sub.target === 'thread' ? 'this thread' : 'replies to your comment'}.\nUnsubscribe with one click: ${unsubscribeUrl}`,
    unsubscribeUrl,
  };
}

function quote(text: string): string {
  const excerpt = text.length > 1000 ? `${text.slice(0, 999)}…` : text;
  return excerpt
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** Notifications for a comment that readers can now see (queued; never sent twice for one comment). */
export function publishedJobs(record: CommentRecord, origin: string): MailJob[] {
  return [{ type: 'notify', site: record.site, thread: record.thread, commentId: record.id, origin }];
}

/** The confirmation of a new subscription. */
export function confirmationJob(ref: ThreadRef, emailHash: string, target: string, origin: string): MailJob {
  return { type: 'confirm', site: ref.site, thread: ref.thread, emailHash, target, origin };
}

/**
 * The queue consumer: each message is one job; a failed send is retried with growing delays
 * (the queue gives up after `max_retries` and the message goes to the dead-letter log).
 */
export async function handleMailBatch(batch: MessageBatch<MailJob>, env: Bindings): Promise<void> {
  const stores = createStores(env);
  for (const message of batch.messages) {
    try {
      await runMailJob(message.body, {
        env,
        stores,
        outbound: (input, init) => fetch(input, init),
        enqueueMore: async (jobs) => {
          if (jobs.length) await env.MAIL_QUEUE!.sendBatch(jobs.map((body) => ({ body })));
        },
      });
      message.ack();
    } catch (error) {
      console.error('mail job failed, will retry', error);
      message.retry({ delaySeconds: Math.min(3600, 30 * 2 ** message.attempts) });
    }
  }
}
