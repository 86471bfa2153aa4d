import * as v from 'valibot';
import { LIMITS, type CommentStatus } from '../wire';
import { fields } from '../lib/fields';

/** Export formats Parley reads. */
export type ImportFormat = 'wordpress' | 'disqus';

/**
 * One comment read from an export, in Parley's terms: what `POST /api/admin/import` takes.
 * The id is derived from the site, the format and the comment's original id (see
 * ./import-ids.ts), so importing the same file again writes the same keys.
 */
export interface ImportedComment {
  id: string;
  thread: string;
  /** The Parley id of the comment this one answers, or null. */
  parentId: string | null;
  author: string;
  email: string | null;
  website: string | null;
  /** Markdown, converted from the original HTML; the Worker renders it. */
  body: string;
  status: CommentStatus;
  /** The original date, ISO 8601 (the import's time when the file gave none: see {@link IMPORT_FLAGS}). */
  createdAt: string;
  /** What a moderator should know about it (shown in the dashboard as the comment's flags). */
  flags?: string[];
}

/** Flags the importer sets on a comment, for moderators. */
export const IMPORT_FLAGS = {
  dateUnknown: 'imported without a date (nor one for its post): dated at the time of the import',
  passwordProtected: 'imported from a password-protected post: held for moderation',
} as const;

/** What to do with comments on a WordPress password-protected post (only readers who know the password saw them). */
export type ProtectedPosts = 'hold' | 'skip';

/** Why a comment of the file was not imported. */
export type SkipReason =
  /** WordPress trackbacks and pingbacks are notifications, not comments. */
  | 'trackback'
  | 'pingback'
  /** Another WordPress comment type (a shop's order notes, reviews…), listed in the report. */
  | 'other-type'
  /** No text (Disqus keeps deleted posts with an empty message); replies keep their place under a placeholder. */
  | 'missing-content'
  /** No original id, so no stable Parley id. */
  | 'missing-id'
  /** The same original id twice in the file: the first one is kept. */
  | 'duplicate'
  /** A Disqus post whose thread is not in the file. */
  | 'orphan'
  /** No link or thread id to attach it to, or the mapping gave none. */
  | 'no-thread'
  /** The thread id is longer than Parley allows, or holds a control character. */
  | 'thread-too-long'
  /** Erased on request (GDPR) earlier: never brought back. Reported by the Worker. */
  | 'erased'
  /** On a password-protected WordPress post, with `protectedPosts: 'skip'`. */
  | 'password-protected';

/** Something the importer adjusted, counted in the report. */
export type ImportWarning =
  /** The parent is not in the file: imported as a top-level comment. */
  | 'parent-missing'
  /** No usable date: the post's date was used. */
  | 'date-missing'
  /** No usable date, nor one for the post: the import's time was used, and the comment flagged. */
  | 'date-unknown'
  /** On a password-protected WordPress post: held for moderation (whatever its status was), and flagged. */
  | 'password-protected'
  /** Longer than Parley keeps: cut. */
  | 'truncated'
  /** The author had no name: shown as "Anonymous". */
  | 'author-missing'
  /** A thread (counted once) whose path is not what a page's widget derives when the page names none (`/hello` for `/hello/`). */
  | 'thread-not-normalised';

/** Comments per import request. Each costs about 3 KV writes plus its share of a view rebuild: 100 stay well inside a Worker's 1,000 KV operations per request. */
export const IMPORT_BATCH = 100;

/**
 * Threads per import request: each touched thread's view is rebuilt (about five KV operations,
 * more for large or liked threads). The CLI sends at most {@link IMPORT_BATCH_THREADS}; the
 * Worker refuses more than {@link IMPORT_MAX_THREADS}.
 */
export const IMPORT_BATCH_THREADS = 25;
/** The most threads the Worker takes in one import request. */
export const IMPORT_MAX_THREADS = 50;

/** Longest imported body kept whole (old comments can be longer than new ones may be). */
export const IMPORT_BODY_LIMIT = LIMITS.body * 4;

/** Largest import request body. */
export const IMPORT_REQUEST_BYTES = 4 * 1024 * 1024;

const isoDate = (what: string) =>
  v.pipe(
    v.string(`${what} must be an ISO date`),
    v.check((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(Date.parse(text)), `${what} must be an ISO date`),
  );

/** One imported comment, as the Worker checks it. */
export const importedCommentSchema = v.object({
  id: fields.commentId,
  thread: fields.thread,
  parentId: v.nullable(fields.commentId),
  author: fields.author,
  email: v.nullable(fields.email),
  website: v.nullable(fields.website),
  body: fields.bodyUpTo(IMPORT_BODY_LIMIT),
  status: fields.status,
  createdAt: isoDate('createdAt'),
  flags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(5))),
});

/** `POST /api/admin/import` with comments read from a WordPress or Disqus export. */
export const importBatchSchema = v.object({
  format: v.picklist(['wordpress', 'disqus'] as const),
  site: fields.site,
  comments: v.pipe(
    v.array(importedCommentSchema, 'comments must be a list'),
    v.maxLength(IMPORT_BATCH, `at most ${IMPORT_BATCH} comments per request`),
    v.check((comments) => new Set(comments.map((comment) => comment.thread)).size <= IMPORT_MAX_THREADS, `at most ${IMPORT_MAX_THREADS} threads per request`),
  ),
});

/** A checked `POST /api/admin/import` body (WordPress or Disqus). */
export type ImportBatch = v.InferOutput<typeof importBatchSchema>;

/** What the Worker answers to one import request. */
export interface ImportBatchResult {
  /** New in Parley. */
  created: number;
  /** Already there, and changed by this import (text, author, thread…). */
  updated: number;
  /** Already there exactly as in the file: nothing written. */
  unchanged: number;
  /** Not written: erased on request before (GDPR). */
  erased: string[];
  /** Threads whose view was rebuilt. */
  threads: number;
}
