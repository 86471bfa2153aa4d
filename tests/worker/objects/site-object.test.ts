import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { CommentRecord } from '../../../worker/src/storage/records';
import type { IndexBatch } from '../../../worker/src/objects/site/protocol';

afterEach(() => reset());

/** A site's index object, as the thread objects reach it. */
const siteIndex = (site: string) => env.SITE_OBJECTS.get(env.SITE_OBJECTS.idFromName(site));

function record(id: string, thread: string): CommentRecord {
  const at = new Date('2026-01-02T03:04:05Z').toISOString();
  return { id, site: 'demo', thread, parentId: null, author: 'Ada', email: null, website: null, body: 'Hello', html: '<p>Hello</p>', status: 'approved', createdAt: at, updatedAt: at, tokenHash: 'x' };
}

function batch(thread: string, changes: Partial<IndexBatch>): IndexBatch {
  return { thread, part: thread, rev: 1, comments: [], removed: [], subscriptions: [], removedSubscriptions: [], stats: null, ...changes };
}

describe('the site index', () => {
  it("takes a comment out only for the thread that holds it (a moved comment stays listed where it went)", async () => {
    const id = '00000000000000000001';
    // Indexed in /old/, a thread with many changes behind it (revision 50).
    await siteIndex('demo').sync(batch('/old/', { rev: 50, comments: [{ record: record(id, '/old/'), likes: 0, rev: 50 }] }));
    // A re-import moves it to /new/ (its revision 1), and /old/'s word that it left comes after.
    await siteIndex('demo').sync(batch('/new/', { comments: [{ record: record(id, '/new/'), likes: 0, rev: 1 }] }));
    await siteIndex('demo').sync(batch('/old/', { rev: 51, removed: [id] }));
    const listed = await siteIndex('demo').listQueue('demo', { status: 'approved', limit: 10 });
    expect(listed.comments.map((comment) => [comment.id, comment.thread])).toEqual([[id, '/new/']]);
    // Its own thread's removal does take it out.
    await siteIndex('demo').sync(batch('/new/', { removed: [id] }));
    expect((await siteIndex('demo').listQueue('demo', { status: 'approved', limit: 10 })).comments).toEqual([]);
  });
});
