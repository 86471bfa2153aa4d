import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { ALL_SITES, type AccessLevel, type Principal } from './model';

/**
 * Role boundaries, in one place. Every admin route and every moderation, queue, audit and
 * portability service asks these before it reads or changes anything of a site:
 *
 * - the owner (and the break-glass ADMIN_TOKEN) may touch every site;
 * - a moderator only the sites the owner gave them: anything of another site is
 *   `403 forbidden_site`, whether a list, a count, one comment, a bulk action, an export, an
 *   import, an erasure, a lock, a ban, the audit log or the reconciler's status;
 * - an API token only its own sites (cut to its member's current sites) and, when it is a
 *   read token, only reads (`403 read_only`);
 * - team management (invitations, members, everyone's sessions) is the owner's (`403 owner_only`).
 *
 * A request without a verified principal may touch nothing (fail closed).
 */

interface WithPrincipal {
  var: { principal?: Principal };
}

function principalOf(c: WithPrincipal): Principal {
  const principal = c.var.principal;
  if (!principal) throw new ApiError(401, 'unauthorized', 'Sign in first.');
  return principal;
}

/** Whether a principal's sites include this one. */
export function coversSite(principal: Pick<Principal, 'sites'>, site: string): boolean {
  return principal.sites.includes(ALL_SITES) || principal.sites.includes(site);
}

/** Whether a principal moderates every site (the owner, the break-glass token, an owner's all-sites token). */
export function coversAllSites(principal: Pick<Principal, 'sites'>): boolean {
  return principal.sites.includes(ALL_SITES);
}

export function isOwner(c: WithPrincipal): boolean {
  return c.var.principal?.role === 'owner';
}

/**
 * The request may act on this site at this level, or it is refused: 403 `forbidden_site` for a
 * site that is not the principal's, 403 `read_only` for a change made with a read token.
 *
 * @example
 * requireSiteAccess(c, where.site, 'write'); // before applying an action to a comment
 */
export function requireSiteAccess(c: WithPrincipal, site: string, need: AccessLevel): void {
  const principal = principalOf(c);
  if (!coversSite(principal, site)) throw new ApiError(403, 'forbidden_site', `You do not moderate the site "${site}".`, 'site');
  if (need === 'write') requireWrite(c);
}

/** The request may change things (not a read-only token), or 403 `read_only`. */
export function requireWrite(c: WithPrincipal): void {
  if (principalOf(c).access !== 'write') throw new ApiError(403, 'read_only', 'This API token may only read. Create a token with write access to change anything.');
}

/** Only the owner (or ADMIN_TOKEN) may, or 403 `owner_only`. */
export function requireOwner(c: WithPrincipal): void {
  const principal = principalOf(c);
  if (principal.role !== 'owner') throw new ApiError(403, 'owner_only', 'Only the owner can do this.');
  if (principal.access !== 'write') requireWrite(c);
}

/**
 * The sites a request may see: one asked for (403 when it is not the principal's, 404 when it
 * does not exist), or every configured site the principal moderates.
 *
 * @example
 * for (const site of sitesInScope(c, c.req.query('site'))) …
 */
export function sitesInScope(c: WithPrincipal & { var: { sites: Map<string, SiteConfig> } }, asked?: string): SiteConfig[] {
  const principal = principalOf(c);
  if (asked) {
    const site = c.var.sites.get(asked);
    if (!coversSite(principal, asked)) throw new ApiError(403, 'forbidden_site', `You do not moderate the site "${asked}".`, 'site');
    if (!site) throw new ApiError(404, 'unknown_site', `No site "${asked}" is configured on this server.`, 'site');
    return [site];
  }
  return [...c.var.sites.values()].filter((site) => coversSite(principal, site.id));
}

/** The principal's sites that the token or member may write, from a list asked for (403 for any other). */
export function requireSites(c: WithPrincipal, sites: readonly string[], need: AccessLevel): void {
  for (const site of sites) requireSiteAccess(c, site, need);
}
