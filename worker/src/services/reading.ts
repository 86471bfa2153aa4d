import type { SiteConfig } from '../config/sites';
import { emptyFirstPage, lockedFirstPage } from '../storage/published';
import { ROOTS_PER_BLOCK } from '../objects/thread/state';
import type { ThreadSort } from '../wire';
import type { ServiceContext } from './context';

const DAY_MS = 86_400_000;

/**
 * What readers read, as JSON strings served as stored: one KV read per request, whatever the
 * thread's size and the order asked for, and no parsing of comments.
 */

/** The first page of a thread in a sort order (`GET /api/comments`). */
export async function firstPageJson(c: ServiceContext, site: SiteConfig, thread: string, sort: ThreadSort): Promise<string> {
  const { published, threads } = c.var.stores;
  let stored = await published.readFirstPage(site.id, thread, sort);
  if (stored === 'legacy') {
    // Stored by a release before thread objects: the thread's object takes it in and republishes it, once.
    await threads.of(site.id, thread).call((stub, ref) => stub.publishNow(ref));
    stored = await published.readFirstPage(site.id, thread, sort);
  }
  if (stored === null || stored === 'legacy') return emptyFirstPage(sort, ROOTS_PER_BLOCK);
  const autoLocked = site.autoLockDays !== null && stored.firstAt !== null && Date.now() - stored.firstAt > site.autoLockDays * DAY_MS;
  return autoLocked ? lockedFirstPage(stored.body) : stored.body;
}

/**
 * A later page (`GET /api/comments?page=N`): block N of the thread's top-level comments, in
 * publication order whatever the sort (the widget orders them); `next` follows the sort.
 */
export async function laterPageJson(c: ServiceContext, site: SiteConfig, thread: string, sort: ThreadSort, index: number): Promise<string> {
  const stored = await c.var.stores.published.readBlock(site.id, thread, index);
  if (!stored) return `{"sort":"${sort}","pageSize":${ROOTS_PER_BLOCK},"next":null,"page":${index},"comments":[]}`;
  const next = sort === 'newest' ? (index > 0 ? index - 1 : null) : stored.last ? null : index + 1;
  return `{"sort":"${sort}","pageSize":${ROOTS_PER_BLOCK},"next":${next},${stored.body.slice(1)}`;
}

/** A page of the replies to one top-level comment (`GET /api/comments/replies`). */
export async function repliesPageJson(c: ServiceContext, site: SiteConfig, thread: string, rootId: string, index: number): Promise<string> {
  const stored = await c.var.stores.published.readReplies(site.id, thread, rootId, index);
  if (!stored) return `{"next":null,"root":"${rootId}","page":${index},"comments":[]}`;
  return `{"next":${stored.last ? null : index + 1},${stored.body.slice(1)}`;
}
