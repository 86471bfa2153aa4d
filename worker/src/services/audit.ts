import { ApiError } from '../errors';
import type { AuditEntry } from '../storage/audit-log';
import { coversAllSites, requireSiteAccess } from '../team/access';
import type { ServiceContext } from './context';

export interface AuditQuery {
  /** Only what this member did (a member's id, `admin-token` or `webhook`). */
  by?: string;
  /** Only what happened on this site. */
  site?: string;
  /** The `next` of the previous page. */
  cursor?: string;
  limit?: number;
}

/**
 * The audit log as the asker may see it: a moderator of some sites sees the entries of those
 * sites only (403 `forbidden_site` for asking another's), the owner every entry, including
 * those of no site (team changes, bans on every site). Filtered by member and by site.
 *
 * @example
 * const { entries, next } = await readAudit(c, { by: memberId, site: 'demo' });
 */
export async function readAudit(c: ServiceContext, query: AuditQuery): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const principal = c.var.principal;
  if (!principal) throw new ApiError(401, 'unauthorized', 'Sign in first.');
  if (query.site) requireSiteAccess(c, query.site, 'read');
  if (query.cursor !== undefined && !/^\d{1,4}\.[\w\-.=+/:]*$/.test(query.cursor)) throw new ApiError(400, 'invalid_request', 'cursor must be the `next` of the previous page', 'cursor');
  return c.var.stores.audit.find({ by: query.by || undefined, site: query.site || undefined, sites: coversAllSites(principal) ? '*' : principal.sites }, { limit: query.limit, cursor: query.cursor });
}
