import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { secretsEqual, sha256Hex } from '../lib/crypto';
import { newCommentId, newToken } from '../lib/ids';
import { renderMarkdown } from '../lib/markdown';
import { originAllowed } from '../lib/origin';
import type { CreateCommentInput } from '../lib/validate';
import { confirmationJob, publishedJobs, type MailJob } from '../mail/follow';
import { queueMail } from '../mail/queue-jobs';
import { avatarSeed, clientKey, hashEmail } from '../moderation/identity';
import { moderationLink } from '../moderation/links';
import { sendWebhook, waitingMessage } from '../moderation/notify';
import { assess, normalizeForDuplicate } from '../moderation/spam-checks';
import { verifyTurnstile } from '../moderation/turnstile';
import { notifyModerators } from '../team/team-mail';
import type { PosterActivity } from '../storage/moderation-store';
import { toPublic, type CommentRecord } from '../storage/records';
import type { CommentStatus, CreateCommentResponse } from '../wire';
import { originOf, type ServiceContext } from './context';
import { siteOrThrow } from './sites';

const MINUTE = 60_000;

/**
 * Posting a comment or a reply (`POST /api/comments`): every check that needs only reads runs
 * here, then the thread's object saves it (and refuses it if the thread is locked, the parent is
 * not there, or the same poster sent the same text today), then mail and chat are told.
 *
 * @example
 * const { comment, token } = await postComment(c, input, c.req.header('idempotency-key'));
 */
export async function postComment(c: ServiceContext, input: CreateCommentInput, requestId?: string): Promise<CreateCommentResponse> {
  const site = siteOrThrow(c.var.sites, input.site);
  if (!originAllowed(c.req.header('origin'), c.req.url, site)) {
    throw new ApiError(403, 'forbidden_origin', `This page's origin may not post comments for site "${site.id}".`);
  }
  const ip = c.req.header('cf-connecting-ip') ?? null;
  if (site.turnstileSiteKey) await verifyTurnstile(c.var.outbound, c.env.TURNSTILE_SECRET_KEY, input.turnstileToken, ip);

  const [ipHash, emailHash, bodyHash] = await Promise.all([clientKey(c.env, ip), hashEmail(c.env, input.email), sha256Hex(`${input.thread}\n${normalizeForDuplicate(input.body)}`)]);
  // The per-client ceilings (Rate Limiting bindings) were checked before this (routes/comments.ts); the site's own limit is here.
  const limit = rateLimitFor(site, c.env.RATE_LIMIT);
  const { moderation, threads } = c.var.stores;
  const [ban, activity] = await Promise.all([moderation.findBan(emailHash, ipHash, site.id), ipHash && limit > 0 ? moderation.getActivity(site.id, ipHash) : null]);
  if (ban) throw new ApiError(403, 'banned', 'You cannot comment on this site.');
  const now = Date.now();
  const nextActivity = ipHash && limit > 0 ? countPost(activity, limit, now) : null;

  const html = renderMarkdown(input.body);
  const assessment = assess(site, { author: input.author, email: input.email, website: input.website, body: input.body, html, honeypot: input.hp, elapsedMs: input.elapsedMs });
  const token = newToken();
  const createdAt = new Date(now).toISOString();
  const status = await initialStatus(c, site, input, assessment.verdict);
  const record: CommentRecord = {
    id: newCommentId(now),
    site: site.id,
    thread: input.thread,
    parentId: input.parentId ?? null,
    author: input.author,
    email: input.email || null,
    website: input.website || null,
    body: input.body,
    html,
    status,
    createdAt,
    updatedAt: createdAt,
    tokenHash: await sha256Hex(token),
    ipHash,
    flags: assessment.reasons,
    avatar: await avatarSeed(c.var.stores.records, site.id, input.proof),
    ...(status === 'approved' ? { notifiedAt: createdAt } : {}),
    ...(site.gravatar && input.email ? { avatarUrl: `https://www.gravatar.com/avatar/${await sha256Hex(input.email.trim().toLowerCase())}?s=96&d=identicon` } : {}),
  };

  const thread = threads.of(site.id, input.thread);
  const saved = await thread.call((stub, ref) =>
    stub.post(ref, {
      record,
      token,
      poster: ipHash ?? emailHash,
      bodyHash,
      autoLockDays: site.autoLockDays,
      keepDays: site.tombstoneDays,
      requestId,
      ...(input.notify && emailHash && input.email ? { subscribe: { emailHash, email: input.email } } : {}),
    }),
  );
  if (nextActivity && ipHash) await moderation.putActivity(site.id, ipHash, nextActivity);

  // Mail: followers of a comment published at once, and the confirmation of "notify me of replies". Queued, never awaited on a send.
  const origin = originOf(c);
  const jobs: MailJob[] = saved.followed ? publishedJobs(saved.record, origin) : [];
  if (saved.confirm && emailHash) jobs.push(confirmationJob(thread.ref, emailHash, saved.record.id, origin));
  await queueMail(c, jobs);
  if (saved.record.status === 'pending' && site.webhook) notifyWaiting(c, site, saved.record);
  // Each moderator of the site who chose mail "at once" (team/team-mail.ts).
  if (saved.record.status === 'pending') notifyModerators(c, site, saved.record);

  // A comment judged spam is answered like any pending one: a spammer learns nothing.
  const shownStatus: CommentStatus = saved.record.status === 'spam' ? 'pending' : saved.record.status;
  return { comment: { ...toPublic(saved.record), status: shownStatus }, token: saved.token };
}

/** Tells the site's chat (Slack, Discord) of a comment that waits, with one-click links made for that state. */
function notifyWaiting(c: ServiceContext, site: SiteConfig, record: CommentRecord): void {
  const origin = originOf(c);
  c.executionCtx.waitUntil(
    (async () => {
      const [approveUrl, removeUrl] = await Promise.all([moderationLink(c.env, origin, record.id, 'approve', record.status), moderationLink(c.env, origin, record.id, 'remove', record.status)]);
      await sendWebhook(c.var.outbound, site.webhook!, waitingMessage(site, { record, approveUrl, removeUrl, dashboardUrl: `${origin}/admin` }));
    })().catch((error) => console.error('webhook failed', error)),
  );
}

/** Posts allowed per minute per IP: RATE_LIMIT (all sites) when set, else the site's own. */
function rateLimitFor(site: SiteConfig, override: string | undefined): number {
  if (override !== undefined && override !== '' && Number.isFinite(Number(override))) return Math.max(0, Number(override));
  return site.rateLimit;
}

/** Counts a post against the poster's per-minute limit, or refuses it with 429. */
function countPost(activity: PosterActivity | null, limit: number, now: number): PosterActivity {
  const current: PosterActivity = activity && now - activity.windowStart < MINUTE ? { ...activity } : { windowStart: now, count: 0, recent: [] };
  if (current.count >= limit) {
    const retryAfter = Math.max(1, Math.ceil((current.windowStart + MINUTE - now) / 1000));
    throw new ApiError(429, 'rate_limited', `Too many comments from you in a short time. Try again in ${retryAfter} seconds.`, undefined, { 'Retry-After': String(retryAfter) });
  }
  return { windowStart: current.windowStart, count: current.count + 1, recent: [] };
}

/** The status of a comment that passed every check, by the site's moderation mode. */
async function initialStatus(c: ServiceContext, site: SiteConfig, input: CreateCommentInput, verdict: 'ok' | 'hold' | 'spam'): Promise<CommentStatus> {
  if (verdict === 'spam') return 'spam';
  if (verdict === 'hold' || site.moderation === 'all') return 'pending';
  if (site.moderation === 'none') return 'approved';
  // `first`: published at once when the poster proves, with an edit token, that they wrote an approved comment here.
  if (!input.proof) return 'pending';
  const earlier = await c.var.stores.records.get(input.proof.id);
  const trusted = earlier !== null && earlier.site === site.id && earlier.status === 'approved' && (await secretsEqual(await sha256Hex(input.proof.token), earlier.tokenHash));
  return trusted ? 'approved' : 'pending';
}
