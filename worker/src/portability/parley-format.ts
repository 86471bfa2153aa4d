import { isCommentId } from '../lib/ids';
import { chunks } from '../lib/chunks';
import * as v from 'valibot';
import type { SiteConfig } from '../config/sites';
import type { CommentRecord } from '../storage/records';
import type { AuditEntry } from '../storage/audit-log';
import { fields } from '../lib/fields';
import { IMPORT_BODY_LIMIT } from './model';

/**
 * Parley's own export format, version 1: everything about one site, to keep or to restore.
 * Documented in docs/portability.md. It carries no secret: no edit-token hashes, no IP hashes,
 * no webhook URL (which often embeds a token), no admin token.
 */
export const EXPORT_VERSION = 1 as const;

/** A comment as exported: the stored record without its site (given once) and its secrets. */
export type ExportedComment = Omit<CommentRecord, 'site' | 'tokenHash' | 'ipHash'> & {
  /** Likes, when there are any (who liked is a hash of their IP, and is not exported). */
  likes?: number;
  /** When a removed or spam comment is purged for good (ISO); absent for comments kept for good. */
  expiresAt?: string;
};

/**
 * Every field of a record, listed so that the compiler fails here when CommentRecord gains
 * one: decide then whether it is exported (true) or a secret (add it to the Omit above).
 */
export const EXPORTED_FIELDS = {
  id: true,
  thread: true,
  parentId: true,
  author: true,
  email: true,
  website: true,
  body: true,
  html: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  flags: true,
  editedBy: true,
  removedFrom: true,
  avatar: true,
  avatarUrl: true,
  editedAt: true,
  notifiedAt: true,
} as const satisfies Record<keyof Omit<CommentRecord, 'site' | 'tokenHash' | 'ipHash'>, true>;

/** A site's configuration as exported (it lives in the `SITES` variable; a restore does not change it). */
export type ExportedSite = Omit<SiteConfig, 'webhook'> & { hasWebhook: boolean };

/**
 * Which site settings are exported: every key of SiteConfig must be listed, so a new setting
 * fails to compile here until someone decides whether it is a secret (false) or not (true).
 * A webhook URL usually embeds a token (Slack, Discord): only whether there is one is exported.
 */
const SITE_FIELDS = {
  id: true,
  name: true,
  origins: true,
  moderation: true,
  url: true,
  rateLimit: true,
  maxLinks: true,
  minSubmitSeconds: true,
  blocklist: true,
  autoLockDays: true,
  tombstoneDays: true,
  webhook: false,
  turnstileSiteKey: true,
  editWindowMinutes: true,
  gravatar: true,
  feed: true,
  language: true,
  followContent: true,
  languages: true,
} as const satisfies Record<keyof SiteConfig, boolean>;

/** The exported form of a site's configuration. */
export function exportSite(site: SiteConfig): ExportedSite {
  const out: Record<string, unknown> = {};
  for (const [key, exported] of Object.entries(SITE_FIELDS)) if (exported && site[key as keyof SiteConfig] !== undefined) out[key] = site[key as keyof SiteConfig];
  return { ...(out as Omit<SiteConfig, 'webhook'>), hasWebhook: Boolean(site.webhook) };
}

/** A thread with settings (locked, pinned comments). */
export interface ExportedThread {
  thread: string;
  locked: boolean;
  pinned: string[];
}

/** A follower of the site's posts by email. */
export interface ExportedFollower {
  email: string;
  status: 'pending' | 'confirmed';
  mode: 'each' | 'daily' | 'weekly';
  source: 'form' | 'import' | 'import-consent';
  createdAt: string;
  confirmedAt: string | null;
}

/** A reader following a thread (or the replies to a comment) by email. */
export interface ExportedSubscription {
  thread: string;
  email: string;
  /** "thread", or the id of the comment whose replies are followed. */
  target: string;
  confirmed: boolean;
  createdAt: string;
  confirmedAt?: string;
}

/** Every field of a subscription but its site (given once): the compiler fails here when Subscription gains one. */
const SUBSCRIPTION_FIELDS = {
  thread: true,
  email: true,
  target: true,
  confirmed: true,
  createdAt: true,
  confirmedAt: true,
} as const satisfies Record<keyof ExportedSubscription, true>;

/** The exported form of a stored subscription. */
export function exportSubscription(subscription: ExportedSubscription & Record<string, unknown>): ExportedSubscription {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SUBSCRIPTION_FIELDS) as (keyof ExportedSubscription)[]) if (subscription[key] !== undefined) out[key] = subscription[key];
  return out as unknown as ExportedSubscription;
}

/** `GET /api/admin/export?site=S`. */
export interface ParleyExport {
  format: 'parley';
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  site: ExportedSite;
  /** Every comment of every status, in storage order (by thread, then by id). */
  comments: ExportedComment[];
  threads: ExportedThread[];
  /** The site's audit log, newest first (entries are kept a year). */
  audit: AuditEntry[];
  /** Email subscriptions (followers of threads and of replies), confirmed or not. */
  subscriptions: ExportedSubscription[];
  /** Followers of the site's posts by email (not restored: see docs/portability.md). Absent from exports made before following existed. */
  followers?: ExportedFollower[];
  /** Ids of comments erased on request, so a restored site never re-imports them. */
  erased: string[];
  /**
   * Null when this document holds everything. A very large site comes in parts: ask for
   * `GET /api/admin/export?site=S&cursor=NEXT` to get the next part's `comments` (and `next`).
   */
  next: string | null;
}

/** A later part of a large export. */
export interface ParleyExportPart {
  format: 'parley';
  version: typeof EXPORT_VERSION;
  site: { id: string };
  comments: ExportedComment[];
  next: string | null;
}

/** What one restore request may carry: each costs KV operations, and a request may make 1,000. */
export const RESTORE_LIMITS = { comments: 100, threads: 100, audit: 300, subscriptions: 300, erased: 500, likes: 500 } as const;

const iso = (what: string) =>
  v.pipe(
    v.string(`${what} must be an ISO date`),
    v.check((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(Date.parse(text)), `${what} must be an ISO date`),
  );
/** How far ahead of this server's clock a date may be (clocks differ a little): a day. */
const CLOCK_SKEW_MS = 86_400_000;
/** A date that has happened: an export never holds a comment written, edited or told about in the future. */
const past = (what: string) => v.pipe(iso(what), v.check((text) => Date.parse(text) <= Date.now() + CLOCK_SKEW_MS, `${what} is in the future`));
/** The time a comment id carries (its first 9 characters, base 36, are milliseconds: lib/ids.ts). */
const idTime = (id: string) => parseInt(id.slice(0, 9), 36);
/** Gravatar's own image URLs: the only third-party avatar Parley ever stores (sites with `gravatar: true`). */
const GRAVATAR_URL = /^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32,64}(\?[\w=&.%-]*)?$/;
const status = fields.status;

/** One exported comment, as a restore checks it. */
export const exportedCommentSchema = v.object({
  id: v.pipe(fields.commentId, v.check((id) => idTime(id) <= Date.now() + CLOCK_SKEW_MS, 'id is dated in the future')),
  thread: fields.thread,
  parentId: v.nullable(fields.commentId),
  author: fields.author,
  email: v.nullable(fields.email),
  website: v.nullable(fields.website),
  body: fields.bodyUpTo(IMPORT_BODY_LIMIT),
  /** Ignored: the HTML is rendered again from the body, so no file can bring raw HTML in. */
  html: v.optional(v.string()),
  status,
  createdAt: past('createdAt'),
  updatedAt: past('updatedAt'),
  flags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(20))),
  editedBy: v.optional(v.pipe(v.string(), v.maxLength(200))),
  removedFrom: v.optional(status),
  avatar: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{1,64}$/, 'avatar must be a hex seed'))),
  avatarUrl: v.optional(v.pipe(v.string(), v.maxLength(500), v.regex(GRAVATAR_URL, 'avatarUrl must be a Gravatar image URL'))),
  editedAt: v.optional(past('editedAt')),
  notifiedAt: v.optional(past('notifiedAt')),
  likes: v.optional(v.pipe(v.number('likes must be a number'), v.integer('likes must be a whole number'), v.minValue(0, 'likes must not be negative'), v.maxValue(RESTORE_LIMITS.likes, `likes is at most ${RESTORE_LIMITS.likes} per comment`))),
  expiresAt: v.optional(iso('expiresAt')),
});

/** One thread's settings, as a restore checks them. */
export const exportedThreadSchema = v.object({
  thread: fields.thread,
  locked: v.boolean('locked must be true or false'),
  pinned: v.pipe(v.array(fields.commentId), v.maxLength(100)),
});

/** One audit log entry, as a restore checks it. */
export const auditEntrySchema = v.object({
  at: iso('at'),
  who: v.pipe(v.string('who is required'), v.maxLength(200)),
  /** The member's id (or `admin-token`, `webhook`): the audit log's filter by moderator. */
  by: v.optional(v.pipe(v.string('by must be text'), v.maxLength(200))),
  action: v.pipe(v.string('action is required'), v.maxLength(60)),
  commentId: v.optional(v.string()),
  site: v.optional(v.string()),
  thread: v.optional(fields.thread),
  detail: v.optional(v.pipe(v.string(), v.maxLength(300))),
});

/** One email subscription, as a restore checks it. */
export const exportedSubscriptionSchema = v.object({
  thread: fields.thread,
  email: fields.requiredEmail,
  target: v.pipe(v.string('target is required'), v.check((target) => target === 'thread' || isCommentId(target), 'target must be "thread" or a comment id')),
  confirmed: v.boolean('confirmed must be true or false'),
  createdAt: past('createdAt'),
  confirmedAt: v.optional(past('confirmedAt')),
});

/**
 * `POST /api/admin/import` with `"format": "parley"`: a whole export of a small site as it
 * was downloaded, or one part of a larger one (see {@link restoreBatches}).
 */
export const restoreBatchSchema = v.object({
  format: v.literal('parley'),
  version: v.literal(EXPORT_VERSION, `version must be ${EXPORT_VERSION}`),
  site: v.union([fields.site, v.object({ id: fields.site })], 'site is required'),
  comments: v.optional(
    v.pipe(
      v.array(exportedCommentSchema),
      v.maxLength(RESTORE_LIMITS.comments, `at most ${RESTORE_LIMITS.comments} comments per request: send the export in parts (the import CLI does)`),
      v.check((comments) => comments.reduce((sum, comment) => sum + (comment.likes ?? 0), 0) <= RESTORE_LIMITS.likes, `at most ${RESTORE_LIMITS.likes} likes per request: send the export in parts (the import CLI does)`),
    ),
    [],
  ),
  threads: v.optional(v.pipe(v.array(exportedThreadSchema), v.maxLength(RESTORE_LIMITS.threads, `at most ${RESTORE_LIMITS.threads} threads per request`)), []),
  audit: v.optional(v.pipe(v.array(auditEntrySchema), v.maxLength(RESTORE_LIMITS.audit, `at most ${RESTORE_LIMITS.audit} audit entries per request`)), []),
  subscriptions: v.optional(v.pipe(v.array(exportedSubscriptionSchema), v.maxLength(RESTORE_LIMITS.subscriptions, `at most ${RESTORE_LIMITS.subscriptions} subscriptions per request`)), []),
  erased: v.optional(v.pipe(v.array(fields.commentId), v.maxLength(RESTORE_LIMITS.erased, `at most ${RESTORE_LIMITS.erased} erased ids per request`)), []),
});

/** A checked restore request. */
export type RestoreBatch = v.InferOutput<typeof restoreBatchSchema>;

/** What the Worker answers to one restore request. */
export interface RestoreResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Removed or spam comments whose purge date has passed: not restored (KV would drop them at once). */
  expired: number;
  threads: number;
  audit: number;
  subscriptions: number;
  /**
   * Of `subscriptions`, those the export said were confirmed, restored unconfirmed: an export
   * file is no proof that the address owner opted in, so nothing is mailed until they follow
   * again and confirm.
   */
  unconfirmed: number;
  /** Gravatar URLs left out because this site does not show Gravatars (`gravatar` is off). */
  avatarUrlsDropped: number;
  erased: number;
}

/**
 * Splits an export (or any number of its parts' comments) into requests that each fit a
 * Worker's budget of KV operations: comments first, then thread settings, the audit log,
 * subscriptions and the erased ids.
 *
 * @example
 * for (const batch of restoreBatches(exported)) await post('/api/admin/import', batch);
 */
export function restoreBatches(doc: {
  site: string | { id: string };
  comments?: ExportedComment[];
  threads?: ExportedThread[];
  audit?: AuditEntry[];
  subscriptions?: ExportedSubscription[];
  erased?: string[];
}): RestoreBatch[] {
  const site = typeof doc.site === 'string' ? doc.site : doc.site.id;
  const base = { format: 'parley' as const, version: EXPORT_VERSION, site };
  const batches: RestoreBatch[] = [];
  let comments: ExportedComment[] = [];
  let likes = 0;
  for (const original of doc.comments ?? []) {
    // A restore brings back at most RESTORE_LIMITS.likes likes per comment (each is a KV write).
    const comment = (original.likes ?? 0) > RESTORE_LIMITS.likes ? { ...original, likes: RESTORE_LIMITS.likes } : original;
    const cost = comment.likes ?? 0;
    if (comments.length >= RESTORE_LIMITS.comments || (comments.length > 0 && likes + cost > RESTORE_LIMITS.likes)) {
      batches.push({ ...base, comments, threads: [], audit: [], subscriptions: [], erased: [] });
      comments = [];
      likes = 0;
    }
    comments.push(comment);
    likes += cost;
  }
  if (comments.length > 0) batches.push({ ...base, comments, threads: [], audit: [], subscriptions: [], erased: [] });
  const parts = <T>(list: T[] | undefined, size: number) => chunks(list ?? [], size);
  for (const threads of parts(doc.threads, RESTORE_LIMITS.threads)) batches.push({ ...base, comments: [], threads, audit: [], subscriptions: [], erased: [] });
  for (const audit of parts(doc.audit, RESTORE_LIMITS.audit)) batches.push({ ...base, comments: [], threads: [], audit, subscriptions: [], erased: [] });
  for (const subscriptions of parts(doc.subscriptions, RESTORE_LIMITS.subscriptions)) batches.push({ ...base, comments: [], threads: [], audit: [], subscriptions, erased: [] });
  for (const erased of parts(doc.erased, RESTORE_LIMITS.erased)) batches.push({ ...base, comments: [], threads: [], audit: [], subscriptions: [], erased });
  return batches;
}
