import { createHash, randomBytes } from 'node:crypto';
import { jsonRequest } from './http';

/*
 * Seeding threads with comments in one request, through the admin restore endpoint
 * (`POST /api/admin/import` with `"format": "parley"`, docs/portability.md): comments come in
 * with the dates, statuses, likes and pins given, and readers see them at once (the thread's view
 * is rebuilt by the request). Much faster than posting and approving one by one, and it is the
 * only way to give comments believable ages or like counts above one.
 */

export interface SeedComment {
  /** A key to refer to this comment as a parent (and to find its id afterwards). */
  key: string;
  /** The id of a comment seeded before, to restore it again with other values (likes…). Default: a new id. */
  id?: string;
  thread: string;
  author: string;
  body: string;
  /** The `key` of a comment seeded before this one that this one answers. */
  parent?: string;
  /** The id of a comment already stored (posted earlier) that this one answers. */
  parentId?: string;
  website?: string;
  email?: string;
  /** How long ago it was written (default: the order given, a minute apart, ending a minute ago). */
  minutesAgo?: number;
  /** When it was written (ms since the epoch): instead of `minutesAgo`. */
  createdAt?: number;
  likes?: number;
  pinned?: boolean;
  status?: 'approved' | 'pending' | 'removed' | 'spam';
  /** The avatar seed (hex; default: from the email or name). */
  avatar?: string;
  /** A Gravatar URL, as sites with `gravatar: true` have. */
  avatarUrl?: string;
}

/** A comment id as the server makes them: 19 characters of `[0-9a-z]`, the date first. */
export function commentId(createdAt: number): string {
  const random = [...randomBytes(10)].map((byte) => (byte % 36).toString(36)).join('');
  return createdAt.toString(36).padStart(9, '0').slice(-9) + random;
}

/** What was seeded: each comment's id and creation date, by key. */
export type Seeded = Record<string, { id: string; createdAt: string }>;

/**
 * Restores `comments` into `site` and resolves with their ids and dates by key. Pins are set
 * per thread. Throws with the server's answer if the restore is refused.
 *
 * @example
 * const seeded = await seedThread(server.origin, server.adminToken, [
 *   { key: 'q', thread: '/post', author: 'Ada', body: 'A question' },
 *   { key: 'a', thread: '/post', author: 'Grace', body: 'An answer', parent: 'q' },
 * ]);
 */
export async function seedThread(origin: string, adminToken: string, comments: SeedComment[], site = 'demo'): Promise<Seeded> {
  const now = Date.now();
  const seeded: Seeded = {};
  const records = comments.map((comment, index) => {
    // A millisecond apart at least, so ids (and the order of the thread) follow the order given.
    const createdAt = comment.createdAt ?? now - (comment.minutesAgo ?? comments.length - index) * 60_000 + index;
    const id = comment.id ?? commentId(createdAt);
    const date = new Date(createdAt).toISOString();
    seeded[comment.key] = { id, createdAt: date };
    const parentId = comment.parent ? seeded[comment.parent]?.id : comment.parentId;
    if (comment.parent && !parentId) throw new Error(`seed comment ${comment.key} answers ${comment.parent}, which is not seeded before it`);
    return {
      id,
      thread: comment.thread,
      parentId: parentId ?? null,
      author: comment.author,
      email: comment.email ?? null,
      website: comment.website ?? null,
      body: comment.body,
      status: comment.status ?? 'approved',
      createdAt: date,
      updatedAt: date,
      avatar: comment.avatar ?? createHash('sha256').update(comment.email ?? comment.author).digest('hex').slice(0, 16),
      ...(comment.avatarUrl ? { avatarUrl: comment.avatarUrl } : {}),
      ...(comment.likes ? { likes: comment.likes } : {}),
    };
  });
  // Thread settings only where a comment is pinned: a restored thread's settings replace the stored ones.
  const threads = [...new Set(comments.filter((comment) => comment.pinned).map((comment) => comment.thread))].map((thread) => ({
    thread,
    locked: false,
    pinned: comments.filter((comment) => comment.thread === thread && comment.pinned).map((comment) => seeded[comment.key].id),
  }));
  for (let start = 0; start < records.length; start += 100) {
    await jsonRequest(`${origin}/api/admin/import`, {
      headers: { Authorization: `Bearer ${adminToken}` },
      body: { format: 'parley', version: 1, site, comments: records.slice(start, start + 100), threads: start === 0 ? threads : [] },
    });
  }
  return seeded;
}

/** {@link seedThread}, resolving with the ids by key only. */
export async function seedComments(origin: string, adminToken: string, comments: SeedComment[], site = 'demo'): Promise<Record<string, string>> {
  const seeded = await seedThread(origin, adminToken, comments, site);
  return Object.fromEntries(Object.entries(seeded).map(([key, { id }]) => [key, id]));
}
