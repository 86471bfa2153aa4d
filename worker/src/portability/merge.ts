import type { CommentRecord } from '../storage/records';
import { EXPORTED_FIELDS, type ExportedComment } from './parley-format';
import { IMPORT_FLAGS } from './model';

/** A comment from an import or a restore, as the Worker prepared it (HTML rendered, site set). */
export interface IncomingComment {
  record: CommentRecord;
  /** A restored tombstone's purge time (seconds since the epoch). */
  expiration?: number;
  /** A restored comment's like count. */
  likes?: number;
  /** The comment as it was in the thread it moves from (a re-import with another mapping). */
  previous?: CommentRecord;
}

/**
 * How a comment from a file meets the same comment already here (applied by its thread's
 * object, to the current record):
 *
 * - `import` (WordPress, Disqus): what was done here wins. A comment moderated here keeps its
 *   status; one edited here (by its author or a moderator) keeps its text; its edit token, IP
 *   hash and flags stay. The rest comes from the file.
 * - `restore` (a Parley export): the file wins, except the secrets it never carries (edit token,
 *   IP hash), which stay.
 *
 * `record` is null when nothing would change (nothing is written); `likes` is the count to
 * restore, if any.
 */
export function mergeIncoming(previous: CommentRecord | null, incoming: IncomingComment, mode: 'import' | 'restore', now: number): { record: CommentRecord | null; likes?: number } {
  const likes = incoming.likes && incoming.likes > 0 ? incoming.likes : undefined;
  if (mode === 'restore') {
    const record: CommentRecord = { ...incoming.record, tokenHash: previous?.tokenHash ?? '', ipHash: previous?.ipHash ?? null };
    if (previous && JSON.stringify(toExported(previous)) === JSON.stringify(toExported(record))) return { record: null, likes };
    return { record, likes };
  }
  if (!previous) return { record: incoming.record, likes };
  const file = incoming.record;
  const edited = Boolean(previous.editedBy || previous.editedAt);
  const merged: CommentRecord = {
    ...file,
    author: edited ? previous.author : file.author,
    body: edited ? previous.body : file.body,
    html: edited ? previous.html : file.html,
    status: previous.status,
    // Dated at the time of an earlier import (the file dates it nowhere): that date stands.
    createdAt: file.flags?.includes(IMPORT_FLAGS.dateUnknown) ? previous.createdAt : file.createdAt,
    updatedAt: previous.updatedAt,
    tokenHash: previous.tokenHash,
    ipHash: previous.ipHash ?? null,
    flags: previous.flags ?? [],
    avatar: previous.avatar && previous.email === file.email && previous.author === (edited ? previous.author : file.author) ? previous.avatar : file.avatar,
    ...(previous.removedFrom ? { removedFrom: previous.removedFrom } : {}),
    ...(previous.editedBy ? { editedBy: previous.editedBy } : {}),
    ...(previous.editedAt ? { editedAt: previous.editedAt } : {}),
    ...(previous.avatarUrl ? { avatarUrl: previous.avatarUrl } : {}),
    ...(previous.notifiedAt ? { notifiedAt: previous.notifiedAt } : {}),
  };
  if (JSON.stringify(previous) === JSON.stringify({ ...previous, ...merged })) return { record: null, likes };
  return { record: { ...merged, updatedAt: new Date(Math.max(now, Date.parse(previous.updatedAt) + 1)).toISOString() }, likes };
}

/** A stored record in its exported form (also what a restore compares against). */
export function toExported(record: CommentRecord, extra: { likes?: number; expiration?: number } = {}): ExportedComment {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(EXPORTED_FIELDS) as (keyof typeof EXPORTED_FIELDS)[]) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  if (extra.likes) out.likes = extra.likes;
  if (extra.expiration) out.expiresAt = new Date(extra.expiration * 1000).toISOString();
  return out as ExportedComment;
}
