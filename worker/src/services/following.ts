import { ApiError } from '../errors';
import { originAllowed } from '../lib/origin';
import { confirmationJob, readSubscriptionLink, type SubscriptionLink } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';
import { hashEmail } from '../moderation/identity';
import type { SubscriptionRow } from '../objects/thread/protocol';
import type { SubscribeResponse } from '../wire';
import { originOf, type ServiceContext } from './context';
import { siteOrThrow } from './sites';

/**
 * Following a thread (or the replies to a comment) by email, with double opt-in. The thread's
 * object keeps the subscriptions and the follower count, so a follower can never change anything
 * a moderator set (a lock, a pin).
 */
export async function follow(c: ServiceContext, input: { site: string; thread: string; email: string; commentId?: string }): Promise<SubscribeResponse> {
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) throw new ApiError(403, 'forbidden_origin', `This page's origin may not act for site "${site.id}".`);
  const emailHash = (await hashEmail(c.env, input.email))!;
  const thread = c.var.stores.threads.of(site.id, input.thread);
  const target = input.commentId ?? 'thread';
  const { confirm } = await thread.call((stub, ref) => stub.subscribe(ref, { emailHash, email: input.email, target }));
  if (confirm) await queueMail(c, [confirmationJob(thread.ref, emailHash, target, originOf(c))]);
  // The same answer whether or not this email already follows: nobody can probe who follows what.
  return { status: 'confirmation_sent', message: 'Check your inbox: follow the link in the email to confirm.' };
}

/** The subscription a signed link names (403 when the link is not valid), with its current state. */
export async function linkedSubscription(c: ServiceContext, signed: string, action: 'confirm' | 'unsubscribe'): Promise<{ link: SubscriptionLink; subscription: SubscriptionRow | null }> {
  const link = await readSubscriptionLink(c.env, c.var.stores, signed, action);
  if (!link) throw new ApiError(403, 'link_invalid', 'This link is not valid or has expired.');
  const subscription = await c.var.stores.threads.of(link.ref.site, link.ref.thread).read((stub, ref) => stub.subscription(ref, { emailHash: link.emailHash, target: link.target }));
  return { link, subscription };
}

export async function confirmFollowing(c: ServiceContext, link: SubscriptionLink): Promise<SubscriptionRow | null> {
  const { subscription } = await c.var.stores.threads.of(link.ref.site, link.ref.thread).call((stub, ref) => stub.confirmSubscription(ref, { emailHash: link.emailHash, target: link.target }));
  return subscription;
}

export async function stopFollowing(c: ServiceContext, link: SubscriptionLink): Promise<void> {
  await c.var.stores.threads.of(link.ref.site, link.ref.thread).call((stub, ref) => stub.unsubscribe(ref, { emailHash: link.emailHash, target: link.target }));
}
