import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv, Bindings } from './app-env';
import { ApiError, renderError } from './errors';
import { siteDirectory } from './sites/directory';
import { createStores, type StoreOptions } from './storage/stores';
import { commentsRoute } from './routes/comments';
import { ownCommentsRoute } from './routes/own-comments';
import { countsRoute } from './routes/counts';
import { threadHtmlRoute } from './routes/thread-html';
import { subscriptionPagesRoute, subscriptionsApiRoute } from './routes/subscriptions';
import { handleMailBatch, type MailJob } from './mail/follow';
import { adminApiRoute } from './routes/admin-api';
import { adminPortabilityRoute } from './routes/admin-portability';
import { eraseRoute } from './routes/erase';
import { feedsRoute } from './routes/feeds';
import { dashboardRoute } from './dashboard/dashboard-route';
import { originKnown } from './lib/origin';
import { requireSecrets } from './lib/secrets';
import { limitPerClient } from './lib/rate-limit';
import { runReconciler } from './services/reconciler';
import { followerPagesRoute, followersApiRoute } from './routes/followers';
import { followersAdminRoute } from './routes/followers-admin';
import { mailWebhooksRoute } from './routes/mail-webhooks';
import { isFollowJob, type FollowJob } from './following/jobs';
import { handleFollowBatch } from './following/sending';
import { runFollowing } from './following/schedule';
import { adminTeamRoute } from './routes/admin-team';
import { runScheduled } from './team/scheduled';
import { siteConfigRoute } from './routes/site-config';
import { adminSitesRoute } from './routes/admin-sites';

export interface CreateAppOptions extends StoreOptions {
  /**
   * `wrapKv` wraps the KV namespace before the stores use it, and `onObjectCall` hears of every
   * call to a Durable Object: tests count calls, to prove what each request costs (or model KV
   * in several locations); production uses the bindings as they are.
   */
  /**
   * fetch for requests that leave the Worker (webhooks, Turnstile verification). Tests pass
   * a recorder, since those services cannot be reached offline.
   */
  outbound?: typeof fetch;
}

/**
 * Builds the Worker's Hono app.
 *
 * @example
 * export default createApp();
 */
export function createApp(options: CreateAppOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('stores', createStores(c.env, options));
    c.set('outbound', options.outbound ?? ((input, init) => fetch(input, init)));
    // From the isolate's memory: no KV read per request (sites/directory.ts, docs/configuration.md).
    c.set('sites', await siteDirectory.sites(c.env, waitUntilOf(c)));
    await next();
  });

  // Public reads may be embedded anywhere. Writes are checked against each site's origins
  // in the route; a preflight names no site, so it is answered for any declared origin.
  const commentsCors = cors({
    origin: (origin, c) => (c.req.method === 'GET' ? '*' : originKnown(origin, c.req.url, c.var.sites) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key'],
    maxAge: 86400,
  });
  app.use('/api/comments', commentsCors);
  app.use('/api/comments/*', commentsCors);
  app.use('/api/counts', cors({ origin: '*', allowMethods: ['GET'] }));
  app.use('/api/subscriptions', commentsCors);
  app.use('/api/sites/*', cors({ origin: '*', allowMethods: ['GET'] }));

  // Following by email hashes the address and signs links: without the secrets, refused before anything is read or written.
  app.use('/api/subscriptions', requireSecrets(), limitPerClient({ binding: 'SUBSCRIBE_RATE_LIMITER', name: 'subscriptions', methods: ['POST'] }));
  app.use('/subscriptions/*', requireSecrets());

  // Following a site's posts (docs/following.md): the Follow box posts from the site's pages; the count is public.
  app.use('/api/followers', commentsCors);
  app.use('/api/followers/*', commentsCors);
  app.use('/api/followers', requireSecrets(), limitPerClient({ binding: 'SUBSCRIBE_RATE_LIMITER', name: 'follow requests', methods: ['POST'] }));
  app.use('/followers/*', requireSecrets());

  app.route('/api/comments', commentsRoute);
  app.route('/api/comments', ownCommentsRoute);
  app.route('/api/comments', eraseRoute);
  app.route('/api/counts', countsRoute);
  app.route('/api/threads', threadHtmlRoute);
  app.route('/api/subscriptions', subscriptionsApiRoute);
  app.route('/subscriptions', subscriptionPagesRoute);
  app.route('/api/admin', adminTeamRoute);
  app.route('/api/admin', adminPortabilityRoute);
  app.route('/api/admin', adminApiRoute);
  app.route('/api/admin', followersAdminRoute);
  app.route('/api/followers', followersApiRoute);
  app.route('/followers', followerPagesRoute);
  app.route('/api/webhooks', mailWebhooksRoute);
  app.route('/api/admin', adminSitesRoute);
  app.route('/api/sites', siteConfigRoute);
  app.route('/feeds', feedsRoute);
  app.route('/admin', dashboardRoute);

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) throw new ApiError(404, 'not_found', 'No such endpoint.');
    return c.env.ASSETS.fetch(c.req.raw);
  });
  app.onError(renderError);
  return app;
}

/** The request's waitUntil, when it has an execution context (a test may call the app without one). */
function waitUntilOf(c: { executionCtx: ExecutionContext }): ((work: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}

const app = createApp();

export { ThreadObject } from './objects/thread-object';
export { SiteObject } from './objects/site-object';
export { FollowersObject } from './objects/followers-object';
export { TeamObject } from './objects/team-object';
export { SitesRegistry } from './objects/sites-registry';

export default {
  fetch: app.fetch,
  // Two queues, one handler: a batch of the follow queue holds follow jobs only.
  queue: (batch: MessageBatch<MailJob | FollowJob>, env: Bindings) =>
    isFollowJob(batch.messages[0]?.body) ? handleFollowBatch(batch as MessageBatch<FollowJob>, env) : handleMailBatch(batch as MessageBatch<MailJob>, env),
  // The team's daily digest on its own cron; every 10 minutes the reconciler and following (feeds, digests, stalled sends).
  scheduled: (controller: ScheduledController, env: Bindings, ctx: ExecutionContext) =>
    ctx.waitUntil(runScheduled(controller.cron, env, (env) => Promise.all([runReconciler(env), runFollowing(env)]))),
} satisfies ExportedHandler<Bindings, MailJob | FollowJob>;
