import type { Bindings } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { sign, verify } from '../lib/signing';
import { hashEmail, signingKey } from '../moderation/identity';
import { CommentStore, type CommentRecord } from '../storage/comment-store';
import { SubscriptionStore, type Subscription } from '../storage/subscription-store';
import { loadSites } from '../config/sites';
import { mailerFor, type MailMessage } from './mailer';
import { threadUrl } from '../lib/thread-url';
import { inert } from '../lib/plain-text';

/**
 * Following threads by email, with double opt-in.
 *
 * - A reader asks to follow a thread (or the replies to their comment): an unconfirmed
 *   subscription is saved and a confirmation mail queued.
 * - Only a confirmed subscription is ever mailed: checked when notifications are fanned out
 *   and again just before each message is sent.
 * - Every message carries a one-click unsubscribe link and List-Unsubscribe headers.
 * - All mail goes through the MAIL_QUEUE queue (retried with backoff, never in a reader's request).
 */
export type MailJob =
  | { type: 'confirm'; key: string; origin: string }
  | { type: 'notify'; commentId: string; origin: string }
  | { type: 'send'; key: string; commentId: string; origin: string };

interface LinkPayload {
  /** subscription key */
  k: string;
  a: 'confirm' | 'unsubscribe';
  /** expiry, seconds */
  e: number;
}

const CONFIRM_TTL = 7 * 86_400;
const UNSUBSCRIBE_TTL = 3 * 365 * 86_400;

export async function subscriptionLink(env: Bindings, origin: string, key: string, action: LinkPayload['a']): Promise<string> {
  const payload: LinkPayload = { k: key, a: action, e: Math.floor(Date.now() / 1000) + (action === 'confirm' ? CONFIRM_TTL : UNSUBSCRIBE_TTL) };
  return `${origin}/subscriptions/${action}/${await sign(signingKey(env), 'subscription', payload)}`;
}

/** The subscription key a signed link names, or null when the link is forged, altered or expired. */
export async function readSubscriptionLink(env: Bindings, signed: string, action: LinkPayload['a']): Promise<string | null> {
  const payload = await verify<LinkPayload>(signingKey(env), 'subscription', signed);
  if (!payload || payload.a !== action || typeof payload.k !== 'string' || payload.e * 1000 < Date.now()) return null;
  return payload.k;
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

/**
 * Saves (or refreshes) an unconfirmed subscription and returns the confirmation job, or null
 * when that email already follows (the reader is told the same either way: no probing who follows what).
 */
export async function subscribe(env: Bindings, subs: SubscriptionStore, request: Omit<Subscription, 'confirmed' | 'createdAt'>, origin: string): Promise<MailJob | null> {
  const key = await subs.key(request, (await hashEmail(env, request.email))!);
  const existing = await subs.get(key);
  if (existing?.confirmed) return null;
  // Resend at most one confirmation an hour for the same subscription.
  if (existing && Date.now() - Date.parse(existing.createdAt) < 3_600_000) return null;
  await subs.put(key, { ...request, confirmed: false, createdAt: new Date().toISOString() });
  return { type: 'confirm', key, origin };
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

/** Runs one mail job. Throws on a failure worth retrying (the queue retries with backoff). */
export async function runMailJob(job: MailJob, deps: { env: Bindings; kv: KVNamespace; outbound: typeof fetch; enqueueMore: (jobs: MailJob[]) => Promise<void> }): Promise<void> {
  const { env, kv } = deps;
  const subs = new SubscriptionStore(kv);
  const sites = loadSites(env.SITES);
  const mailer = mailerFor(env, kv, deps.outbound);

  if (job.type === 'notify') {
    const record = await new CommentStore(kv).get(job.commentId);
    if (!record || record.status !== 'approved') return;
    const keys = await subs.recipients(record.site, record.thread, record.parentId);
    await deps.enqueueMore(keys.map((key) => ({ type: 'send', key, commentId: record.id, origin: job.origin })));
    return;
  }

  const sub = await subs.get(job.key);
  if (!sub) return;
  if (job.type === 'confirm') {
    if (sub.confirmed) return;
    const what = sub.target === 'thread' ? `new comments on ${postInMail(sites, sub)}` : `replies to your comment on ${postInMail(sites, sub)}`;
    await mailer.send({
      to: sub.email,
      subject: `Confirm: follow ${sub.target === 'thread' ? 'comments' : 'replies'} on ${siteName(sites, sub.site)}`,
      text: `Someone (hopefully you) asked to be emailed about ${what}.\n\nTo confirm, open:\n${await subscriptionLink(env, job.origin, job.key, 'confirm')}\n\nIf it was not you, ignore this message: nothing will be sent to you.`,
    });
    return;
  }

  // type 'send': never mail an address that has not confirmed (checked again here, at the last moment).
  if (!sub.confirmed) return;
  const record = await new CommentStore(kv).get(job.commentId);
  if (!record || record.status !== 'approved') return;
  if (record.email && (await hashEmail(env, record.email)) === (await hashEmail(env, sub.email))) return; // no mail about your own comment
  const unsubscribeUrl = await subscriptionLink(env, job.origin, job.key, 'unsubscribe');
  // The author's name is reader text: made inert, it can form neither a link nor an address.
  const author = inert(record.author);
  const commentUrl = threadUrl(sites.get(record.site), record.thread, record.id);
  const message: MailMessage = {
    to: sub.email,
    subject: `${author} ${record.parentId && sub.target !== 'thread' ? 'replied to you' : 'commented'} on ${siteName(sites, record.site)}`,
    text: `${author} wrote on ${postInMail(sites, record)}:\n\n${quote(record.body)}\n\n${commentUrl ? `Read and reply: ${commentUrl}` : `Read and reply on ${siteName(sites, record.site)}.`}\n\n--\nYou get this because you follow ${sub.target === 'thread' ? 'this thread' : 'replies to your comment'}.\nUnsubscribe with one click: ${unsubscribeUrl}`,
    unsubscribeUrl,
  };
  await mailer.send(message);
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
  return [{ type: 'notify', commentId: record.id, origin }];
}

/**
 * The queue consumer: each message is one job; a failed send is retried with growing delays
 * (the queue gives up after `max_retries` and the message goes to the dead-letter log).
 */
export async function handleMailBatch(batch: MessageBatch<MailJob>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    try {
      await runMailJob(message.body, {
        env,
        kv: env.PARLEY_KV,
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
