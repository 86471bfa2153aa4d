import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { originAllowed } from '../lib/origin';
import { hashEmail } from '../moderation/identity';
import type { NewPost, Post } from '../objects/followers/protocol';
import type { SubscriptionRow } from '../objects/thread/protocol';
import { originOf, type ServiceContext } from '../services/context';
import { siteOrThrow } from '../services/sites';
import type { FollowResponse } from '../wire';
import { enqueueFollowJobs, type FollowJob } from './jobs';
import type { FollowerRef } from './links';
import { runFollowJobsInline } from './sending';

/**
 * Following a site's posts by email, as requests do it: the Follow box, the pages behind the links
 * in mail, and the owner's announcements and imports. The site's followers object keeps the
 * state; mail goes through the follow queue (./sending.ts). See docs/following.md.
 */

/** Queues follow jobs from a request (or runs them after the response when no queue is bound). */
export async function queueFollowJobs(c: Pick<ServiceContext, 'env' | 'var' | 'executionCtx'>, jobs: FollowJob[]): Promise<void> {
  await enqueueFollowJobs(c.env, jobs, (some) => runFollowJobsInline(c.env, some, c.var.outbound), (promise) => c.executionCtx.waitUntil(promise));
}

/**
 * `POST /api/followers`: a confirmation mail to a new (or still pending) address, a reminder with
 * the manage link to one that follows already, nothing to one that bounced or complained — and
 * the same answer for all, so nobody can learn who follows.
 */
export async function followSite(c: ServiceContext, input: { site: string; email: string }): Promise<FollowResponse> {
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) throw new ApiError(403, 'forbidden_origin', `This page's origin may not act for site "${site.id}".`);
  const origin = originOf(c);
  const { emailHash, mail } = await c.var.stores.followers.call(site.id, (stub) => stub.follow(site.id, { email: input.email, origin }));
  if (mail) await queueFollowJobs(c, [{ type: 'follower-confirm', site: site.id, emailHash, mail, origin }]);
  return { status: 'confirmation_sent' };
}

/** Everything an address receives from a site: following its posts, and comments on its threads. */
export interface FollowerOverview {
  site: SiteConfig;
  email: string | null;
  follower: Awaited<ReturnType<typeof readFollower>>;
  /** Following the replies to the address's own comments. */
  replies: SubscriptionRow[];
  /** Following whole threads' comments. */
  threads: (SubscriptionRow & { thread: string })[];
}

async function readFollower(c: ServiceContext, ref: FollowerRef) {
  return c.var.stores.followers.call(ref.site, (stub) => stub.follower(ref.site, { emailHash: ref.emailHash }));
}

export async function followerOverview(c: ServiceContext, ref: FollowerRef): Promise<FollowerOverview> {
  const site = siteOrThrow(c.var.sites, ref.site);
  const [follower, subscriptions] = await Promise.all([readFollower(c, ref), c.var.stores.sites.call(site.id, (stub) => stub.subscriptionsOf(site.id, { emailHash: ref.emailHash }))]);
  const confirmed = subscriptions.filter((sub) => sub.confirmed);
  return {
    site,
    email: follower?.email || subscriptions[0]?.email || null,
    follower,
    replies: confirmed.filter((sub) => sub.target !== 'thread'),
    threads: confirmed.filter((sub) => sub.target === 'thread'),
  };
}

/** The most comments whose replies "Email me replies to my comments" follows at once. */
const REPLY_FOLLOWS_MAX = 100;

/**
 * The manage page's Save: how often posts come, and whether replies to one's comments and new
 * comments on followed threads are mailed. Turning replies on follows the replies to every
 * comment the address wrote on the site (confirmed at once: the signed link was mailed to it).
 */
export async function saveFollowerSettings(c: ServiceContext, ref: FollowerRef, input: { mode?: 'each' | 'daily' | 'weekly'; replies: boolean; threads: boolean }): Promise<void> {
  const before = await followerOverview(c, ref);
  const site = before.site.id;
  if (input.mode && before.follower?.status === 'confirmed' && before.follower.mode !== input.mode) {
    await c.var.stores.followers.call(site, (stub) => stub.setMode(site, { emailHash: ref.emailHash, mode: input.mode! }));
  }
  if (input.replies && before.replies.length === 0 && before.email) {
    const email = before.email;
    const comments = (await c.var.stores.sites.call(site, (stub) => stub.recordsByEmail(site, { email }))).filter((record) => record.status === 'approved' || record.status === 'pending').slice(0, REPLY_FOLLOWS_MAX);
    for (const record of comments) {
      const thread = c.var.stores.threads.of(site, record.thread);
      await thread.call((stub, at) => stub.subscribe(at, { emailHash: ref.emailHash, email, target: record.id }));
      await thread.call((stub, at) => stub.confirmSubscription(at, { emailHash: ref.emailHash, target: record.id }));
    }
  }
  if (!input.replies) for (const sub of before.replies) await stopThreadSubscription(c, site, sub as SubscriptionRow & { thread: string });
  if (!input.threads) for (const sub of before.threads) await stopThreadSubscription(c, site, sub);
}

async function stopThreadSubscription(c: ServiceContext, site: string, sub: SubscriptionRow & { thread: string }): Promise<void> {
  await c.var.stores.threads.of(site, sub.thread).call((stub, at) => stub.unsubscribe(at, { emailHash: sub.emailHash, target: sub.target }));
}

/** "Unsubscribe from everything": the site's posts, and every comment subscription of the address on the site. */
export async function stopEverything(c: ServiceContext, ref: FollowerRef): Promise<void> {
  await c.var.stores.followers.call(ref.site, (stub) => stub.unfollow(ref.site, { emailHash: ref.emailHash }));
  const subscriptions = await c.var.stores.sites.call(ref.site, (stub) => stub.subscriptionsOf(ref.site, { emailHash: ref.emailHash }));
  for (const thread of new Set(subscriptions.map((sub) => sub.thread))) {
    await c.var.stores.threads.of(ref.site, thread).call((stub, at) => stub.unsubscribe(at, { emailHash: ref.emailHash }));
  }
}

/**
 * `POST /api/admin/sites/:site/posts`: a post to mail to the site's followers, once. The same URL
 * announced again (or already read from the feed) changes nothing and mails nobody.
 */
export async function announcePost(c: ServiceContext, site: SiteConfig, post: NewPost): Promise<{ post: Post; created: boolean; send: number | null }> {
  if (site.url) {
    const base = new URL(site.url).origin;
    if (new URL(post.url).origin !== base) throw new ApiError(400, 'invalid_request', `url must be a page of the site (${base})`, 'url');
  }
  const result = await c.var.stores.followers.call(site.id, (stub) => stub.announce(site.id, { post, origin: originOf(c) }));
  if (result.send !== null) await queueFollowJobs(c, [{ type: 'follower-send', site: site.id, send: result.send }]);
  return result;
}

/** The owner's import of addresses (see ./csv.ts for the formats). */
export async function importFollowerList(c: ServiceContext, site: SiteConfig, emails: string[], consent: boolean) {
  const outcome = await c.var.stores.followers.call(site.id, (stub) => stub.importFollowers(site.id, { emails, consent, origin: originOf(c) }));
  if (outcome.invite !== null) await queueFollowJobs(c, [{ type: 'follower-send', site: site.id, send: outcome.invite }]);
  return outcome;
}

/** The owner's Retry on a send (paused, or with failed recipients). */
export async function retrySend(c: ServiceContext, site: SiteConfig, send: number): Promise<boolean> {
  const { queued } = await c.var.stores.followers.call(site.id, (stub) => stub.retry(site.id, { send }));
  if (queued) await queueFollowJobs(c, [{ type: 'follower-send', site: site.id, send }]);
  return queued;
}

/** The owner removes one follower (by address or by hash). */
export async function removeFollower(c: ServiceContext, site: SiteConfig, who: { email?: string; emailHash?: string }): Promise<boolean> {
  const emailHash = who.emailHash ?? (await hashEmail(c.env, who.email))!;
  const { removed } = await c.var.stores.followers.call(site.id, (stub) => stub.remove(site.id, { emailHash }));
  return removed;
}
