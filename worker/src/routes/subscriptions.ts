import { Hono } from 'hono';
import { html } from 'hono/html';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { parseOrThrow, readJsonBody } from '../lib/validate';
import { fields } from '../lib/fields';
import { postInMail } from '../mail/follow';
import { confirmFollowing, follow, linkedSubscription, stopFollowing } from '../services/following';

/** `POST /api/subscriptions`: follow a thread, or the replies to a comment, by email (double opt-in). */
export const subscriptionsApiRoute = new Hono<AppEnv>();

const subscribeSchema = v.object({ site: fields.site, thread: fields.thread, email: fields.requiredEmail, commentId: v.optional(fields.commentId) });

subscriptionsApiRoute.post('/', async (c) => {
  const input = parseOrThrow(subscribeSchema, await readJsonBody(c.req.raw));
  return c.json(await follow(c, input), 202);
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

subscriptionPagesRoute.get('/confirm/:token', async (c) => {
  const { link, subscription } = await linkedSubscription(c, c.req.param('token'), 'confirm');
  if (!subscription) return c.html(page('Nothing to confirm', html`<p>This subscription no longer exists.</p>`), 404);
  if (subscription.confirmed) return c.html(page('Already confirmed', html`<p>You already follow this.</p>`));
  return c.html(
    page('Confirm your subscription', html`<p>Email <strong>${subscription.email}</strong> about ${subscription.target === 'thread' ? 'new comments on' : 'replies to your comment on'} ${postInMail(c.var.sites, link.ref)}?</p>
<form method="post"><button type="submit" autofocus>Confirm</button></form>`),
  );
});

subscriptionPagesRoute.post('/confirm/:token', async (c) => {
  const { link, subscription } = await linkedSubscription(c, c.req.param('token'), 'confirm');
  if (!subscription) return c.html(page('Nothing to confirm', html`<p>This subscription no longer exists.</p>`), 404);
  await confirmFollowing(c, link);
  return c.html(page('Subscription confirmed', html`<p>Done. Every message will have a link to unsubscribe with one click.</p>`));
});

subscriptionPagesRoute.get('/unsubscribe/:token', async (c) => {
  const { link, subscription } = await linkedSubscription(c, c.req.param('token'), 'unsubscribe');
  if (!subscription) return c.html(page('Unsubscribed', html`<p>You are not subscribed.</p>`));
  return c.html(page('Unsubscribe', html`<p>Stop emailing <strong>${subscription.email}</strong> about ${postInMail(c.var.sites, link.ref)}?</p><form method="post"><button type="submit" autofocus>Unsubscribe</button></form>`));
});

subscriptionPagesRoute.post('/unsubscribe/:token', async (c) => {
  const { link, subscription } = await linkedSubscription(c, c.req.param('token'), 'unsubscribe');
  if (subscription) await stopFollowing(c, link);
  return c.html(page('Unsubscribed', html`<p>You will get no more email about this.</p>`));
});
