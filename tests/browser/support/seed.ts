import { createHash, randomBytes } from 'node:crypto';

/*
 * Seeding threads with approved comments in one request, through the admin restore endpoint
 * (`POST /api/admin/import` with `"format": "parley"`, docs/portability.md): comments come in
 * with the dates, likes and pins given, and readers see them at once (the thread's view is
 * rebuilt by the request). Much faster than posting and approving one by one, and it is the
 * only way to give comments believable ages (for screenshots) or like counts above one.
 */

export interface SeedComment {
  /** A key to refer to this comment as a parent (and to find its id afterwards). */
  key: string;
  thread: string;
  author: string;
  body: string;
  /** The `key` of the comment this one answers. */
  parent?: string;
  website?: string;
  email?: string;
  /** How long ago it was written (default: the order given, a minute apart, ending a minute ago). */
  minutesAgo?: number;
  likes?: number;
  pinned?: boolean;
  status?: 'approved' | 'pending';
}

/** A comment id as the server makes them: 19 characters of `[0-9a-z]`, the date first. */
export function commentId(createdAt: number): string {
  const random = [...randomBytes(10)].map((byte) => (byte % 36).toString(36)).join('');
  return createdAt.toString(36).padStart(9, '0').slice(-9) + random;
}

/**
 * Restores `comments` into `site` and resolves with their ids by key. Pins are set per
 * thread. Throws with the server's answer if the restore is refused.
 *
 * @example
 * const ids = await seedComments(server.origin, server.adminToken, [
 *   { key: 'q', thread: '/post', author: 'Ada', body: 'A question' },
 *   { key: 'a', thread: '/post', author: 'Grace', body: 'An answer', parent: 'q' },
 * ]);
 */
export async function seedComments(origin: string, adminToken: string, comments: SeedComment[], site = 'demo'): Promise<Record<string, string>> {
  const now = Date.now();
  const ids: Record<string, string> = {};
  const records = comments.map((comment, index) => {
    const createdAt = now - (comment.minutesAgo ?? comments.length - index) * 60_000;
    const id = commentId(createdAt);
    ids[comment.key] = id;
    const date = new Date(createdAt).toISOString();
    return {
      id,
      thread: comment.thread,
      parentId: null as string | null,
      author: comment.author,
      email: comment.email ?? null,
      website: comment.website ?? null,
      body: comment.body,
      status: comment.status ?? 'approved',
      createdAt: date,
      updatedAt: date,
      avatar: createHash('sha256').update(comment.email ?? comment.author).digest('hex').slice(0, 16),
      ...(comment.likes ? { likes: comment.likes } : {}),
    };
  });
  comments.forEach((comment, index) => {
    if (!comment.parent) return;
    const parentId = ids[comment.parent];
    if (!parentId) throw new Error(`seed comment ${comment.key} answers ${comment.parent}, which is not seeded before it`);
    records[index].parentId = parentId;
  });
  const threads = [...new Set(comments.map((comment) => comment.thread))].map((thread) => ({
    thread,
    locked: false,
    pinned: comments.filter((comment) => comment.thread === thread && comment.pinned).map((comment) => ids[comment.key]),
  }));
  for (let start = 0; start < records.length; start += 100) {
    const response = await fetch(`${origin}/api/admin/import`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ format: 'parley', version: 1, site, comments: records.slice(start, start + 100), threads: start === 0 ? threads : [] }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`seeding comments: POST /api/admin/import answered ${response.status}: ${text.slice(0, 800)}`);
  }
  return ids;
}
