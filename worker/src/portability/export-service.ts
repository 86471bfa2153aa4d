import type { SiteConfig } from '../config/sites';
import { exportSite, exportSubscription, EXPORT_VERSION, type ExportedComment, type ExportedThread, type ParleyExport, type ParleyExportPart } from './parley-format';
import { portabilityStore, toExported, type PortabilityContext } from './import-service';

/**
 * Records per export response. Each 1,000 cost one list() and ten bulk reads; 5,000 keep a
 * response well inside a Worker's KV-operation and memory limits. Larger sites come in parts.
 */
export const EXPORT_PAGE = 5000;

async function exportComments(c: PortabilityContext, site: string, cursor: string | null, likes: Map<string, number>): Promise<{ comments: ExportedComment[]; next: string | null }> {
  const comments: ExportedComment[] = [];
  let next: string | null = cursor;
  do {
    const page = await c.var.store.scanRecords({ site, cursor: next });
    for (const { record, expiration } of page.records) comments.push(toExported(record, { likes: likes.get(record.id), expiration }));
    next = page.cursor;
  } while (next && comments.length < EXPORT_PAGE);
  return { comments, next };
}

/**
 * A site's full export (`GET /api/admin/export?site=S`): every comment of every status, thread
 * settings, the site's audit log, email subscriptions, the erased ids and the site's settings,
 * without secrets.
 * KV cost: one list() and ten bulk reads per 1,000 comments, one list() per 1,000 audit
 * entries, likes, thread settings and erased ids.
 */
export async function buildExport(c: PortabilityContext, site: SiteConfig): Promise<ParleyExport> {
  const portability = portabilityStore(c);
  const likes = await c.var.store.countSiteLikes(site.id);
  const [{ comments, next }, audit, subscriptions, erased] = await Promise.all([
    exportComments(c, site.id, null, likes),
    portability.listAudit(),
    portability.listSubscriptions(site.id),
    portability.listErased(site.id),
  ]);
  const threadIds = new Set(comments.map((comment) => comment.thread));
  const threads: ExportedThread[] = (await portability.listThreadSettings(site.id, threadIds))
    .filter(({ settings }) => settings.locked || settings.pinned.length > 0)
    .map(({ thread, settings }) => ({ thread, locked: settings.locked, pinned: settings.pinned }));
  return {
    format: 'parley',
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    site: exportSite(site),
    comments,
    threads,
    // Newest first; entries of the same millisecond in a fixed order, so an export restored and exported again is identical.
    audit: audit
      .filter(({ entry }) => entry.site === site.id)
      .map(({ entry }) => entry)
      .sort((a, b) => b.at.localeCompare(a.at) || JSON.stringify(a).localeCompare(JSON.stringify(b))),
    subscriptions: subscriptions.map(({ subscription }) => exportSubscription(subscription)),
    erased,
    next,
  };
}

/** A later part of a large site's export (`GET /api/admin/export?site=S&cursor=C`): more comments. */
export async function buildExportPart(c: PortabilityContext, site: SiteConfig, cursor: string): Promise<ParleyExportPart> {
  const likes = await c.var.store.countSiteLikes(site.id);
  const { comments, next } = await exportComments(c, site.id, cursor, likes);
  return { format: 'parley', version: EXPORT_VERSION, site: { id: site.id }, comments, next };
}
