import type { SiteConfig } from '../config/sites';
import { exportSite, exportSubscription, EXPORT_VERSION, type ExportedComment, type ExportedFollower, type ExportedThread, type ParleyExport, type ParleyExportPart } from './parley-format';
import type { PortabilityContext } from './import-service';
import { toExported } from './merge';

/** Comments per export response: a larger site comes in parts (`next`). */
export const EXPORT_PAGE = 5000;

async function exportComments(c: PortabilityContext, site: string, after: string | null): Promise<{ comments: ExportedComment[]; next: string | null }> {
  const page = await c.var.stores.sites.call(site, (stub) => stub.exportPage(site, { after: after ?? undefined, limit: EXPORT_PAGE }));
  return { comments: page.comments.map(({ record, likes, expiration }) => toExported(record, { likes, expiration })), next: page.next };
}

/**
 * A site's full export (`GET /api/admin/export?site=S`): every comment of every status, thread
 * settings, the site's audit log, email subscriptions, the erased ids and the site's settings,
 * without secrets. Comments, threads and subscriptions come from the site's index (one call);
 * the audit log and erased ids from KV (one list() per 1,000).
 */
export async function buildExport(c: PortabilityContext, site: SiteConfig): Promise<ParleyExport> {
  const { sites, audit, erased } = c.var.stores;
  const [{ comments, next }, log, subscriptions, threadStats, erasedIds, followers] = await Promise.all([
    exportComments(c, site.id, null),
    audit.readAll(),
    sites.call(site.id, (stub) => stub.subscriptions(site.id)),
    sites.call(site.id, (stub) => stub.threads(site.id)),
    erased.list(site.id),
    exportFollowers(c, site.id),
  ]);
  const threads: ExportedThread[] = threadStats
    .filter((thread) => thread.locked || (thread.pinned ?? []).length > 0)
    .map((thread) => ({ thread: thread.thread, locked: thread.locked, pinned: thread.pinned ?? [] }));
  return {
    format: 'parley',
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    site: exportSite(site),
    comments,
    threads,
    // Newest first; entries of the same millisecond in a fixed order, so an export restored and exported again is identical.
    audit: log
      .filter(({ entry }) => entry.site === site.id)
      .map(({ entry }) => entry)
      .sort((a, b) => b.at.localeCompare(a.at) || JSON.stringify(a).localeCompare(JSON.stringify(b))),
    subscriptions: subscriptions.map((sub) => exportSubscription({ thread: sub.thread, email: sub.email, target: sub.target, confirmed: sub.confirmed, createdAt: sub.createdAt, ...(sub.confirmedAt ? { confirmedAt: sub.confirmedAt } : {}) })),
    erased: erasedIds,
    followers,
    next,
  };
}

/**
 * Every follower of the site's posts by email (confirmed or pending; an address that bounced or
 * complained is kept only as a hash and is left out). Not restored: double opt-in is not the
 * file's to claim (import them from the dashboard, asserting consent, to move them).
 */
async function exportFollowers(c: PortabilityContext, site: string): Promise<ExportedFollower[]> {
  const out: ExportedFollower[] = [];
  let after: string | undefined;
  do {
    const page = await c.var.stores.followers.call(site, (stub) => stub.list(site, { after, limit: 5000 }));
    for (const follower of page.followers) {
      if (follower.email) out.push({ email: follower.email, status: follower.status as ExportedFollower['status'], mode: follower.mode, source: follower.source, createdAt: follower.createdAt, confirmedAt: follower.confirmedAt });
    }
    after = page.next ?? undefined;
  } while (after);
  return out;
}

/** A later part of a large site's export (`GET /api/admin/export?site=S&cursor=C`): more comments. */
export async function buildExportPart(c: PortabilityContext, site: SiteConfig, cursor: string): Promise<ParleyExportPart> {
  const { comments, next } = await exportComments(c, site.id, cursor);
  return { format: 'parley', version: EXPORT_VERSION, site: { id: site.id }, comments, next };
}
