import type { SiteConfig } from '../config/sites';
import type { CommentRecord } from '../storage/records';
import type { ReconcileRun } from '../objects/site/protocol';
import type { CommentStatus } from '../wire';
import type { ServiceContext } from './context';
import { QUEUE_PAGE_MAX } from '../requests';
import { sitesInScope } from '../team/access';

export interface QueueFilter {
  status: CommentStatus;
  site?: string;
  thread?: string;
  /** Case-insensitive text found in the author, the email or the body. */
  q?: string;
  /** Continue after this comment id (the `next` of the previous page). */
  after?: string;
  limit?: number;
}

/** Comments per queue page, by default and at most. */
export const QUEUE_PAGE = 50;
export { QUEUE_PAGE_MAX };

/** The site asked for, or every site the moderator moderates (403 for a site that is not theirs). */
function sitesOf(c: ServiceContext, site: string | undefined): SiteConfig[] {
  return sitesInScope(c, site);
}

/**
 * A page of a moderation queue, oldest first, from the sites' indexes: every comment of the
 * queue can be reached (`next`), and a search covers the whole queue. With several sites, each
 * site's index is asked for a page and the pages are merged by id (time).
 */
export async function readQueue(c: ServiceContext, filter: QueueFilter): Promise<{ comments: CommentRecord[]; next: string | null; indexing: boolean }> {
  const limit = Math.min(Math.max(1, filter.limit ?? QUEUE_PAGE), QUEUE_PAGE_MAX);
  const pages = await Promise.all(
    sitesOf(c, filter.site).map((site) =>
      c.var.stores.sites.call(site.id, (stub) => stub.listQueue(site.id, { status: filter.status, thread: filter.thread, q: filter.q?.trim() || undefined, after: filter.after, limit })),
    ),
  );
  const merged = pages.flatMap((page) => page.comments).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const comments = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((page) => page.next !== null);
  return { comments, next: more && comments.length ? comments[comments.length - 1].id : null, indexing: pages.some((page) => page.indexing) };
}

/** How many comments each queue holds, on one site or all. */
export async function queueCounts(c: ServiceContext, site?: string): Promise<Record<CommentStatus, number>> {
  const all = await Promise.all(sitesOf(c, site).map((one) => c.var.stores.sites.call(one.id, (stub) => stub.counts(one.id))));
  const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, removed: 0 };
  for (const { counts: one } of all) for (const status of Object.keys(counts) as CommentStatus[]) counts[status] += one[status];
  return counts;
}

/** The reconciler's latest runs on each site the moderator moderates, or on the one asked for (newest first). */
export async function reconcilerRuns(c: ServiceContext, limit = 5, site?: string): Promise<{ site: string; runs: ReconcileRun[] }[]> {
  return Promise.all(sitesOf(c, site).map(async (one) => ({ site: one.id, runs: await c.var.stores.sites.call(one.id, (stub) => stub.reconcileLog(one.id, { limit })) })));
}
