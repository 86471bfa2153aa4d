import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { parseOrThrow, readJsonBody } from '../lib/validate';
import { fields } from '../lib/fields';
import { originAllowed } from '../lib/origin';
import { siteOrThrow } from './comments';
import { SubscriptionStore } from '../storage/subscription-store';
import { postInMail, readSubscriptionLink, subscribe } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';
import type { SubscribeResponse } from '../wire';

/** `POST /api/subscriptions`: follow a thread, or the replies to a comment, by email (double opt-in). */
export const subscriptionsApiRoute = new Hono<AppEnv>();

const subscribeSchema = v.object({ site: fields.site, thread: fields.thread, email: fields.requiredEmail, commentId: v.optional(fields.commentId) });

subscriptionsApiRoute.post('/', async (c) => {
  const input = parseOrThrow(subscribeSchema, await readJsonBody(c.req.raw));
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) throw new ApiError(403, 'forbidden_origin', `This page's origin may not act for site "${site.id}".`);
  if (input.commentId) {
    const where = await c.var.store.locate(input.commentId);
    if (!where || where.site !== site.id || where.thread !== input.thread) throw new ApiError(400, 'parent_not_found', 'That comment is not in this thread.', 'commentId');
  }
  const job = await subscribe(c.env, new SubscriptionStore(c.env.PARLEY_KV), { site: site.id, thread: input.thread, email: input.email, target: input.commentId ?? 'thread' }, new URL(c.req.url).origin);
  if (job) await queueMail(c, [job]);
  // The same answer whether or not this email already follows: nobody can probe who follows what.
  const body: SubscribeResponse = { status: 'confirmation_sent', message: 'Check your inbox: follow the link in the email to confirm.' };
  return c.json(body, 202);
});

/**
 * The pages behind the links in mail: confirm, and unsubscribe. A GET only shows a page with
 * one button (mail scanners open links; a scan must not confirm or unsubscribe anyone); the
 * POST acts. Unsubscribe also takes RFC 8058 one-click POSTs from mail clients.
 */
export const subscriptionPagesRoute = new Hono<AppEnv>();

subscriptionPagesRoute.use('*', async (c, next) => {
  await next();
  c.res.headers.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.set('Cache-Control', 'no-store');
});

function page(title: string, body: unknown) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:17px/1.5 system-ui,sans-serif;max-width:32rem;margin:10vh auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

async function linkedSubscription(c: Context<AppEnv>, action: 'confirm' | 'unsubscribe') {
  const key = await readSubscriptionLink(c.env, c.req.param('token') ?? '', action);
  if (!key) throw new ApiError(403, 'link_invalid', 'This link is not valid or has expired.');
  const subs = new SubscriptionStore(c.env.PARLEY_KV);
  return { key, subs, sub: await subs.get(key) };
}

/** Recounts a thread's confirmed followers into its settings (so the widget can say "Join N other followers"). */
async function refreshFollowers(c: Context<AppEnv>, subs: SubscriptionStore, site: string, thread: string): Promise<void> {
  const settings = await c.var.store.getThreadSettings(site, thread);
  await c.var.store.putThreadSettings(site, thread, { ...settings, followers: await subs.countFollowers(site, thread), subscribed: true });
}

subscriptionPagesRoute.get('/confirm/:token', async (c) => {
  const { sub } = await linkedSubscription(c, 'confirm');
  if (!sub) return c.html(page('Nothing to confirm', html`<p>This subscription no longer exists.</p>`), 404);
  if (sub.confirmed) return c.html(page('Already confirmed', html`<p>You already follow this.</p>`));
  return c.html(
    page('Confirm your subscription', html`<p>Email <strong>${sub.email}</strong> about ${sub.target === 'thread' ? 'new comments on' : 'replies to your comment on'} ${postInMail(c.var.sites, sub)}?</p>
<form method="post"><button type="submit" autofocus>Confirm</button></form>`),
  );
});

subscriptionPagesRoute.post('/confirm/:token', async (c) => {
  const { key, subs, sub } = await linkedSubscription(c, 'confirm');
  if (!sub) return c.html(page('Nothing to confirm', html`<p>This subscription no longer exists.</p>`), 404);
  if (!sub.confirmed) {
    await subs.put(key, { ...sub, confirmed: true, confirmedAt: new Date().toISOString() });
    await refreshFollowers(c, subs, sub.site, sub.thread);
  }
  return c.html(page('Subscription confirmed', html`<p>Done. Every message will have a link to unsubscribe with one click.</p>`));
});

subscriptionPagesRoute.get('/unsubscribe/:token', async (c) => {
  const { sub } = await linkedSubscription(c, 'unsubscribe');
  if (!sub) return c.html(page('Unsubscribed', html`<p>You are not subscribed.</p>`));
  return c.html(page('Unsubscribe', html`<p>Stop emailing <strong>${sub.email}</strong> about ${postInMail(c.var.sites, sub)}?</p><form method="post"><button type="submit" autofocus>Unsubscribe</button></form>`));
});

subscriptionPagesRoute.post('/unsubscribe/:token', async (c) => {
  const { key, subs, sub } = await linkedSubscription(c, 'unsubscribe');
  if (sub) {
    await subs.delete(key);
    if (sub.target === 'thread' && sub.confirmed) await refreshFollowers(c, subs, sub.site, sub.thread);
  }
  return c.html(page('Unsubscribed', html`<p>You will get no more email about this.</p>`));
});

