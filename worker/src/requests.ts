import * as v from 'valibot';
import { fields } from './lib/fields';
import { isCommentId } from './lib/ids';

/*
 * What the API accepts, as schemas: each request's JSON body or query string, built from the
 * one rule per field in lib/fields.ts. Routes validate with these (bodies: `parseOrThrow`,
 * queries: `validQuery`), and the request types of wire.ts are inferred from them, so the
 * widget's types and the Worker's checks cannot disagree.
 */

/** A page number from a `next` (0 is the first page after the first one served). */
const pageNumber = v.pipe(
  v.string('page must be a page number from `next`'),
  v.regex(/^\d{1,7}$/, 'page must be a page number from `next`'),
  v.transform(Number),
);

/** The orders a thread is read in. */
export const THREAD_SORTS = ['oldest', 'newest', 'top'] as const;

/** `POST /api/comments`. Unknown fields are ignored (valibot's `object` strips them). */
export const createCommentSchema = v.object({
  site: fields.site,
  thread: fields.thread,
  /** The comment this one replies to; omit (or null) for a top-level comment. */
  parentId: v.optional(v.nullable(fields.commentId)),
  author: fields.author,
  email: v.optional(fields.email, ''),
  website: v.optional(fields.website, ''),
  body: fields.body,
  /** The widget's hidden honeypot field; people leave it empty. */
  hp: v.optional(v.pipe(v.string('hp must be text'), v.maxLength(500, 'hp is too long')), ''),
  /** Milliseconds from the form appearing to sending it, measured by the widget (missing: held as suspicious). */
  elapsedMs: v.optional(v.pipe(v.number('elapsedMs must be a number'), v.minValue(0, 'elapsedMs must not be negative'))),
  /** Cloudflare Turnstile token, for sites that enable it. */
  turnstileToken: v.optional(v.pipe(v.string('turnstileToken must be text'), v.maxLength(4096, 'turnstileToken is too long'))),
  /** "Notify me of replies": with an email, sends a confirmation mail; replies are mailed once confirmed. */
  notify: v.optional(v.boolean('notify must be true or false'), false),
  /**
   * Proof of identity for `first` moderation (and a steady avatar): the id and edit token of one
   * of your earlier comments on this site.
   */
  proof: v.optional(v.object({ id: fields.commentId, token: fields.token })),
});

/** `GET /api/comments?site=S&thread=T[&sort=][&page=N]`. */
export const threadQuery = v.object({
  site: fields.site,
  thread: fields.thread,
  sort: v.optional(v.picklist(THREAD_SORTS, `sort must be one of ${THREAD_SORTS.join(', ')}`), 'oldest'),
  page: v.optional(pageNumber),
});

/** `GET /api/comments/replies?site=S&thread=T&root=ID[&page=N]`. */
export const repliesQuery = v.object({
  site: fields.site,
  thread: fields.thread,
  root: fields.commentId,
  page: v.optional(pageNumber, '0'),
});

/** `?site=S` alone (counts, export). */
export const siteQuery = v.object({ site: fields.site });

/** An optional query parameter where an empty value (a form's "all") means not given. */
const optionalParam = <S extends v.GenericSchema<string, unknown>>(schema: S) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((value) => value || undefined),
    v.optional(schema),
  );

/** `GET /api/counts?site=S&thread=A&thread=B…`: 1–50 distinct threads. */
export const MAX_COUNT_THREADS = 50;
export const countsQuery = v.object({
  site: fields.site,
  thread: v.pipe(
    v.union([v.string(), v.array(v.string())], 'thread is required'),
    v.transform((threads) => [...new Set([threads].flat())]),
    v.maxLength(MAX_COUNT_THREADS, `At most ${MAX_COUNT_THREADS} threads per request.`),
    v.array(fields.thread),
  ),
});

/** `GET /feeds/{site}.atom[?thread=T]`. */
export const feedQuery = v.object({ thread: v.optional(fields.thread) });

/** `GET /api/threads/html?site=S&thread=T[&document=1]`. */
export const threadHtmlQuery = v.object({ site: fields.site, thread: fields.thread, document: v.optional(v.string()) });

/** `GET /api/admin/comments?status=&site=&thread=&q=&cursor=&limit=`: a page of a moderation queue. */
export const QUEUE_PAGE_MAX = 200;
export const queueQuery = v.object({
  status: v.optional(fields.status, 'pending'),
  site: optionalParam(fields.site),
  thread: optionalParam(fields.thread),
  q: optionalParam(v.string()),
  cursor: optionalParam(v.pipe(v.string(), v.check((cursor) => isCommentId(cursor), 'cursor must be the `next` of the previous page'))),
  limit: optionalParam(v.pipe(v.string(), v.regex(/^\d+$/, `limit must be 1-${QUEUE_PAGE_MAX}`), v.transform(Number), v.minValue(1, `limit must be 1-${QUEUE_PAGE_MAX}`), v.maxValue(QUEUE_PAGE_MAX, `limit must be 1-${QUEUE_PAGE_MAX}`))),
});

/** `?site=` where leaving it out means every site (queue counts). */
export const anySiteQuery = v.object({ site: optionalParam(fields.site) });

/** `GET /api/admin/export?site=S[&cursor=]`. */
export const exportQuery = v.object({ site: fields.site, cursor: optionalParam(v.string()) });

/** `DELETE /api/admin/erase?email=E[&site=S]`. */
export const eraseQuery = v.object({ email: v.optional(fields.requiredEmail, ''), site: optionalParam(fields.site) });
