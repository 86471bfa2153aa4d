import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { requireAdmin } from '../lib/admin-auth';
import { fields, isCleanLine, isEmail, isWebUrl, parseField, parseOrThrow } from '../lib/fields';
import { readJsonBody } from '../lib/validate';
import type { Follower, FollowerStatus } from '../objects/followers/protocol';
import { siteOrThrow } from '../services/sites';
import { requireOwner, requireSiteAccess } from '../team/access';
import type { SiteConfig } from '../config/sites';
import type { Context } from 'hono';
import { parseFollowerList } from '../following/csv';
import { announcePost, importFollowerList, removeFollower, retrySend } from '../following/service';

/**
 * The owner's side of following, under `/api/admin` (Bearer token or dashboard session):
 *
 * - `GET /api/admin/followers?site=S[&cursor=][&status=][&q=]` — a page of followers, newest first;
 * - `POST /api/admin/followers` `{"site","emails"|"csv","consent"}` — import;
 * - `DELETE /api/admin/followers?site=S&email=E` — remove one;
 * - `GET` / `POST /api/admin/sites/:site/posts` — the posts with their sends / announce one;
 * - `POST /api/admin/sites/:site/sends/:id/retry` — retry a paused send or its failed recipients;
 * - `GET /api/admin/outbox` — what the outbox kept (mail not sent: no mail service configured).
 *
 * See docs/api.md and docs/following.md.
 */
export const followersAdminRoute = new Hono<AppEnv>();
followersAdminRoute.use('/followers', requireAdmin());
followersAdminRoute.use('/sites/*', requireAdmin());
followersAdminRoute.use('/outbox', requireAdmin());

/** Followers per page, by default and at most. */
const PAGE = 100;
const PAGE_MAX = 1000;
/** Addresses per import request. */
const IMPORT_MAX = 5000;
const IMPORT_BYTES = 1024 * 1024;

/** The site asked for, if the caller may `need` it: 404 for an unknown site, 403 for one that is not theirs. */
function siteFor(c: Context<AppEnv>, id: string | undefined, need: 'read' | 'write'): SiteConfig {
  const site = siteOrThrow(c.var.sites, id);
  requireSiteAccess(c, site.id, need);
  return site;
}

const STATUSES: readonly (FollowerStatus | 'suppressed')[] = ['pending', 'confirmed', 'bounced', 'complained', 'suppressed'];

/** A follower as the admin API shows it: `id` is the keyed hash of the address (it names a suppressed one, whose address is gone). */
export function toAdminFollower(follower: Follower) {
  const { emailHash, ...rest } = follower;
  return { id: emailHash, ...rest };
}

followersAdminRoute.get('/followers', async (c) => {
  const site = siteFor(c, c.req.query('site'), 'read');
  const status = c.req.query('status') || undefined;
  if (status !== undefined && !STATUSES.includes(status as FollowerStatus)) throw new ApiError(400, 'invalid_request', `status must be one of ${STATUSES.join(', ')}`, 'status');
  const limit = c.req.query('limit') ? Number(c.req.query('limit')) : PAGE;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= PAGE_MAX)) throw new ApiError(400, 'invalid_request', `limit must be 1-${PAGE_MAX}`, 'limit');
  const cursor = c.req.query('cursor') || undefined;
  if (cursor !== undefined && !/^\d+\.[0-9a-f]{32}$/.test(cursor)) throw new ApiError(400, 'invalid_request', 'cursor must be the `next` of the previous page', 'cursor');
  const [page, counts] = await Promise.all([
    c.var.stores.followers.call(site.id, (stub) => stub.list(site.id, { status: status as FollowerStatus | undefined, q: c.req.query('q')?.trim() || undefined, after: cursor, limit })),
    c.var.stores.followers.call(site.id, (stub) => stub.counts(site.id)),
  ]);
  return c.json({ followers: page.followers.map(toAdminFollower), counts, next: page.next });
});

const importSchema = v.object({
  site: fields.site,
  emails: v.optional(v.pipe(v.array(v.string('emails must be a list of addresses'), 'emails must be a list of addresses'), v.maxLength(IMPORT_MAX, `at most ${IMPORT_MAX} addresses a request`))),
  csv: v.optional(v.pipe(v.string('csv must be text'), v.maxLength(IMPORT_BYTES, 'csv is too long'))),
  consent: v.boolean('consent must be true or false: true only if every one of these people agreed to get your posts by email'),
});

followersAdminRoute.post('/followers', async (c) => {
  const input = parseOrThrow(importSchema, await readJsonBody(c.req.raw, IMPORT_BYTES + 4096));
  const site = siteFor(c, input.site, 'write');
  if (!input.emails && input.csv === undefined) throw new ApiError(400, 'invalid_request', 'Send the addresses as emails (a list) or csv (text).', 'emails');
  const parsed = input.csv !== undefined ? parseFollowerList(input.csv) : { emails: input.emails!.map((email) => email.trim()).filter(isEmail), skipped: input.emails!.filter((email) => !isEmail(email.trim())).length };
  if (parsed.emails.length > IMPORT_MAX) throw new ApiError(400, 'invalid_request', `at most ${IMPORT_MAX} addresses a request`, 'csv');
  const outcome = await importFollowerList(c, site, parsed.emails, input.consent);
  return c.json({ ...outcome, skipped: parsed.skipped });
});

followersAdminRoute.delete('/followers', async (c) => {
  const site = siteFor(c, c.req.query('site'), 'write');
  const id = c.req.query('id');
  if (id !== undefined && !/^[0-9a-f]{32}$/.test(id)) throw new ApiError(400, 'invalid_request', 'id must be a follower id', 'id');
  const email = id ? undefined : parseField(fields.requiredEmail, c.req.query('email') ?? '', 'email');
  return c.json({ removed: await removeFollower(c, site, { email, emailHash: id }) });
});

const oneLine = (label: string, max: number, required: boolean) =>
  v.pipe(
    v.string(`${label} must be text`),
    v.trim(),
    v.check((value: string) => !required || value.length > 0, `${label} is required`),
    v.maxLength(max, `${label} is at most ${max} characters`),
    v.check((value: string) => isCleanLine(value), `${label} contains a control character`),
  );

/** An announcement: the post's URL and title, and what followers get of it. Also the dashboard's form. */
export const announceSchema = v.object({
  url: v.pipe(v.string('url is required'), v.trim(), v.maxLength(2000, 'url is too long'), v.check(isWebUrl, 'url must be a full http:// or https:// address')),
  title: oneLine('title', 300, true),
  summary: v.optional(v.pipe(v.string('summary must be text'), v.maxLength(2000, 'summary is at most 2000 characters')), ''),
  content: v.optional(v.pipe(v.string('content must be text'), v.maxLength(100_000, 'content is at most 100000 characters')), ''),
  author: v.optional(oneLine('author', 120, false), ''),
  publishedAt: v.optional(v.nullable(v.pipe(v.string('publishedAt must be a date'), v.isoTimestamp('publishedAt must be an ISO 8601 date and time, e.g. 2026-05-04T10:00:00Z'))), null),
});

followersAdminRoute.post('/sites/:site/posts', async (c) => {
  const site = siteFor(c, c.req.param('site'), 'write');
  const input = parseOrThrow(announceSchema, await readJsonBody(c.req.raw, 256 * 1024));
  const result = await announcePost(c, site, { ...input, publishedAt: input.publishedAt ? new Date(input.publishedAt).toISOString() : null });
  const send = result.send === null ? null : await c.var.stores.followers.call(site.id, (stub) => stub.send(site.id, { id: result.send! }));
  return c.json({ post: result.post, created: result.created, send }, result.created ? 201 : 200);
});

followersAdminRoute.get('/sites/:site/posts', async (c) => {
  const site = siteFor(c, c.req.param('site'), 'read');
  const [activity, feed] = await Promise.all([
    c.var.stores.followers.call(site.id, (stub) => stub.activity(site.id, { limit: 50 })),
    c.var.stores.followers.call(site.id, (stub) => stub.feedState(site.id)),
  ]);
  return c.json({ posts: activity.posts, digests: activity.sends, feed: { ...feed, configured: site.feed ?? null } });
});

followersAdminRoute.post('/sites/:site/sends/:id/retry', async (c) => {
  const site = siteFor(c, c.req.param('site'), 'write');
  const id = Number(c.req.param('id'));
  if (!Number.isInteger(id) || id < 1) throw new ApiError(404, 'not_found', 'No such send.');
  return c.json({ queued: await retrySend(c, site, id) });
});

followersAdminRoute.get('/outbox', async (c) => {
  requireOwner(c); // It holds every reader's and moderator's mail, sign-in links included.
  const limit = c.req.query('limit') ? Number(c.req.query('limit')) : 100;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new ApiError(400, 'invalid_request', 'limit must be 1-1000', 'limit');
  const entries = await c.var.stores.outbox.read(limit);
  const messages = entries.map(({ to, subject, text, headers, at }) => ({ to, subject, text, headers, at })).sort((a, b) => b.at.localeCompare(a.at));
  c.header('Cache-Control', 'no-store');
  return c.json({ messages });
});
