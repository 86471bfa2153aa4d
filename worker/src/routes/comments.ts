import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { createCommentSchema, parseOrThrow, readJsonBody, type CreateCommentInput } from '../lib/validate';
import { fields, parseField } from '../lib/fields';
import { renderMarkdown } from '../lib/markdown';
import { newCommentId, newToken } from '../lib/ids';
import { sha256Hex, secretsEqual } from '../lib/crypto';
import { originAllowed } from '../lib/origin';
import { firstPage, toPublic, type CommentRecord, type ThreadView } from '../storage/comment-store';
import type { PosterActivity } from '../storage/moderation-store';
import type { SiteConfig } from '../config/sites';
import type { CommentStatus, CreateCommentResponse, ListCommentsResponse, ListPageResponse, ThreadSort } from '../wire';
import { requireSecrets } from '../lib/secrets';
import { limitPerClient } from '../lib/rate-limit';
import { PAGE_SIZE, pageOf } from '../storage/thread-pages';
import { assess, normalizeForDuplicate } from '../moderation/spam-checks';
import { avatarSeed, clientKey, hashEmail } from '../moderation/identity';
import { verifyTurnstile } from '../moderation/turnstile';
import { moderationLink } from '../moderation/links';
import { sendWebhook, waitingMessage } from '../moderation/notify';
import { publishedJobs, subscribe, type MailJob } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';
import { SubscriptionStore } from '../storage/subscription-store';

/** Public comment API: `/api/comments`. */
export const commentsRoute = new Hono<AppEnv>();

const MINUTE = 60_000;
const DUPLICATE_WINDOW = 86_400_000;

export function siteOrThrow(sites: Map<string, SiteConfig>, id: string | undefined): SiteConfig {
  if (!id) throw new ApiError(400, 'invalid_request', 'site is required', 'site');
  const site = sites.get(id);
  if (!site) throw new ApiError(404, 'unknown_site', `No site "${id}" is configured on this server.`, 'site');
  return site;
}

/** Whether a thread takes no new comments: locked by a moderator, or older than the site's auto-lock age. */
export function threadLocked(site: SiteConfig, view: ThreadView | null, now = Date.now()): boolean {
  if (!view) return false;
  if (view.locked) return true;
  return site.autoLockDays !== null && view.firstAt !== null && now - Date.parse(view.firstAt) > site.autoLockDays * 86_400_000;
}

const SORTS: readonly ThreadSort[] = ['oldest', 'newest', 'top'];

/** The approved comments of a thread, a page at a time: one KV read per page. */
commentsRoute.get('/', async (c) => {
  const site = siteOrThrow(c.var.sites, c.req.query('site'));
  const thread = parseField(fields.thread, c.req.query('thread'), 'thread');
  const sort = (c.req.query('sort') || 'oldest') as ThreadSort;
  if (!SORTS.includes(sort)) throw new ApiError(400, 'invalid_request', `sort must be one of ${SORTS.join(', ')}`, 'sort');
  const pageParam = c.req.query('page');
  const store = c.var.store;
  c.header('Cache-Control', 'no-cache');

  if (pageParam !== undefined) {
    const index = Number(pageParam);
    if (!Number.isInteger(index) || index < 0 || index > 100_000) throw new ApiError(400, 'invalid_request', 'page must be a page number from `next`', 'page');
    const page = await store.readPage(site.id, thread, index);
    const body: ListPageResponse = {
      comments: page ? pageOf(page.comments, sort) : [],
      sort,
      pageSize: PAGE_SIZE,
      next: page ? (sort === 'newest' ? (index > 0 ? index - 1 : null) : page.last === false || (page.last === undefined && page.roots >= PAGE_SIZE) ? index + 1 : null) : null,
    };
    return c.json(body);
  }

  const view = await store.readView(site.id, thread);
  if (view && store.needsRepair(view)) {
    // Rebuild after the response is sent: the reader is never slowed down by it.
    c.executionCtx.waitUntil(store.rebuildView(site.id, thread, 'repair').catch((error) => console.error('view repair failed', error)));
  }
  const body: ListCommentsResponse = {
    comments: view ? firstPage(view, sort) : [],
    total: view?.total ?? 0,
    locked: threadLocked(site, view),
    followers: view?.followers ?? 0,
    sort,
    pageSize: PAGE_SIZE,
    next: view?.next[sort] ?? null,
  };
  return c.json(body);
});

/** Posts allowed per minute per IP: RATE_LIMIT (all sites) when set, else the site's own. */
function rateLimitFor(site: SiteConfig, override: string | undefined): number {
  if (override !== undefined && override !== '' && Number.isFinite(Number(override))) return Math.max(0, Number(override));
  return site.rateLimit;
}

/**
 * Checks the poster's recent activity (one KV read) against the rate limit and for a
 * duplicate body, and returns the activity to save if the comment is accepted.
 */
function checkActivity(activity: PosterActivity | null, limit: number, bodyHash: string, now: number): PosterActivity {
  const current: PosterActivity = activity && now - activity.windowStart < MINUTE ? { ...activity } : { windowStart: now, count: 0, recent: activity?.recent ?? [] };
  if (limit > 0 && current.count >= limit) {
    const retryAfter = Math.max(1, Math.ceil((current.windowStart + MINUTE - now) / 1000));
    throw new ApiError(429, 'rate_limited', `Too many comments from you in a short time. Try again in ${retryAfter} seconds.`, undefined, { 'Retry-After': String(retryAfter) });
  }
  const recent = current.recent.filter((entry) => now - entry.t < DUPLICATE_WINDOW);
  if (recent.some((entry) => entry.h === bodyHash)) {
    throw new ApiError(409, 'duplicate_comment', 'You already posted this comment here.', 'body');
  }
  return { windowStart: current.windowStart, count: current.count + 1, recent: [...recent, { h: bodyHash, t: now }].slice(-20) };
}

/** Decides the status of a comment that passed every check. */
async function initialStatus(c: { var: AppEnv['Variables'] }, site: SiteConfig, input: CreateCommentInput, verdict: 'ok' | 'hold' | 'spam'): Promise<CommentStatus> {
  if (verdict === 'spam') return 'spam';
  if (verdict === 'hold' || site.moderation === 'all') return 'pending';
  if (site.moderation === 'none') return 'approved';
  // `first`: published at once when the poster proves, with an edit token, that they wrote an approved comment here.
  if (!input.proof) return 'pending';
  const earlier = await c.var.store.get(input.proof.id);
  const trusted = earlier !== null && earlier.site === site.id && earlier.status === 'approved' && (await secretsEqual(await sha256Hex(input.proof.token), earlier.tokenHash));
  return trusted ? 'approved' : 'pending';
}

/** A new comment or reply. */
commentsRoute.post('/', requireSecrets(), limitPerClient({ binding: ['POST_BURST_LIMITER', 'POST_RATE_LIMITER'], name: 'comments' }), async (c) => {
  const input = parseOrThrow(createCommentSchema, await readJsonBody(c.req.raw));
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) {
    throw new ApiError(403, 'forbidden_origin', `This page's origin may not post comments for site "${site.id}".`);
  }
  const ip = c.req.header('cf-connecting-ip') ?? null;
  if (site.turnstileSiteKey) await verifyTurnstile(c.var.outbound, c.env.TURNSTILE_SECRET_KEY, input.turnstileToken, ip);

  const { store, moderation } = c.var;
  const parentId = input.parentId ?? null;
  const [ipHash, emailHash, bodyHash] = await Promise.all([
    clientKey(c.env, ip),
    hashEmail(c.env, input.email),
    sha256Hex(`${input.thread}\n${normalizeForDuplicate(input.body)}`),
  ]);
  const limit = rateLimitFor(site, c.env.RATE_LIMIT);
  // Every check reads; nothing is written until all of them pass.
  const [view, parent, ban, activity] = await Promise.all([
    store.readView(site.id, input.thread),
    parentId ? store.locate(parentId) : null,
    moderation.findBan(emailHash, ipHash),
    ipHash ? moderation.getActivity(site.id, ipHash) : null,
  ]);
  if (parentId && (!parent || parent.site !== site.id || parent.thread !== input.thread)) {
    throw new ApiError(400, 'parent_not_found', 'The comment you are replying to is not in this thread.', 'parentId');
  }
  if (threadLocked(site, view)) throw new ApiError(403, 'thread_locked', 'This thread is closed to new comments.');
  if (ban) throw new ApiError(403, 'banned', 'You cannot comment on this site.');
  const now = Date.now();
  const nextActivity = ipHash ? checkActivity(activity, limit, bodyHash, now) : null;

  const html = renderMarkdown(input.body);
  const assessment = assess(site, { author: input.author, email: input.email, website: input.website, body: input.body, html, honeypot: input.hp, elapsedMs: input.elapsedMs });
  const token = newToken();
  const createdAt = new Date(now).toISOString();
  const record: CommentRecord = {
    id: newCommentId(now),
    site: site.id,
    thread: input.thread,
    parentId,
    author: input.author,
    email: input.email || null,
    website: input.website || null,
    body: input.body,
    html,
    status: await initialStatus(c, site, input, assessment.verdict),
    createdAt,
    updatedAt: createdAt,
    tokenHash: await sha256Hex(token),
    ipHash,
    flags: assessment.reasons,
    avatar: await avatarSeed(c.var.store, site.id, input.proof),
    notifiedAt: undefined,
    ...(site.gravatar && input.email ? { avatarUrl: `https://www.gravatar.com/avatar/${await sha256Hex(input.email.trim().toLowerCase())}?s=96&d=identicon` } : {}),
  };
  if (record.status === 'approved') record.notifiedAt = createdAt;
  await Promise.all([store.create(record), nextActivity && ipHash ? moderation.putActivity(site.id, ipHash, nextActivity) : null]);

  // Mail: "notify me of replies" (a confirmation first) and followers of a comment published at once. Queued, never awaited on a send.
  const origin = new URL(c.req.url).origin;
  // The view read for the lock check already says whether anyone follows this thread.
  const jobs: MailJob[] = record.status === 'approved' && view?.subscribed ? publishedJobs(record, origin) : [];
  if (input.notify && record.email && record.status !== 'spam') {
    const confirm = await subscribe(c.env, new SubscriptionStore(c.env.PARLEY_KV), { site: site.id, thread: record.thread, email: record.email, target: record.id }, origin);
    if (confirm) jobs.push(confirm);
  }
  await queueMail(c, jobs);

  const webhook = site.webhook;
  if (record.status === 'pending' && webhook) {
    c.executionCtx.waitUntil(
      (async () => {
        const [approveUrl, removeUrl] = await Promise.all([moderationLink(c.env, origin, record.id, 'approve'), moderationLink(c.env, origin, record.id, 'remove')]);
        await sendWebhook(c.var.outbound, webhook, waitingMessage(site, { record, approveUrl, removeUrl, dashboardUrl: `${origin}/admin` }));
      })(),
    );
  }
  // A comment judged spam is answered like any pending one: a spammer learns nothing.
  const shownStatus: CommentStatus = record.status === 'spam' ? 'pending' : record.status;
  const body: CreateCommentResponse = { comment: { ...toPublic(record), status: shownStatus }, token };
  return c.json(body, 201);
});
