import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ALL_SITES, type Member, type Principal, type TokenInfo } from './model';

/** A member signed in through the dashboard, Cloudflare Access or a link made for them. */
export function memberPrincipal(member: Member, via: Principal['via'], extra: Pick<Principal, 'sessionId'> = {}): Principal {
  return {
    memberId: member.id,
    name: member.name,
    email: member.email,
    role: member.role,
    sites: member.role === 'owner' ? [ALL_SITES] : member.sites,
    access: 'write',
    via,
    ...extra,
  };
}

/**
 * A member acting through an API token: the token's sites cut to the member's sites of now (a
 * moderator who loses a site loses it in every token too), and the token's access level.
 */
export function tokenPrincipal(member: Member, token: TokenInfo): Principal {
  const memberSites = member.role === 'owner' ? [ALL_SITES] : member.sites;
  const sites = token.sites.includes(ALL_SITES) ? memberSites : memberSites.includes(ALL_SITES) ? token.sites : token.sites.filter((site) => memberSites.includes(site));
  return { ...memberPrincipal(member, 'api-token'), sites, access: token.access, token: { id: token.id, name: token.name } };
}

/** What the audit log says about who acted: a label for people, and the verified id to filter by. */
export function actorOf(principal: Principal): { actor: string; actorId: string } {
  const actorId = principal.memberId ?? (principal.via === 'signed-link' ? 'webhook' : 'admin-token');
  switch (principal.via) {
    case 'admin-token':
      return { actor: 'admin token (API)', actorId };
    case 'api-token':
      return { actor: `${principal.name} (API token "${principal.token?.name ?? ''}")`, actorId };
    case 'access':
      return { actor: `${principal.name} (Cloudflare Access)`, actorId };
    case 'signed-link':
      return { actor: `${principal.name} (signed link)`, actorId };
    default:
      return { actor: `${principal.name} (dashboard)`, actorId };
  }
}

/** Sets who is asking on the request, with the audit log's actor. */
export function setPrincipal(c: Pick<Context<AppEnv>, 'set'>, principal: Principal): void {
  const { actor, actorId } = actorOf(principal);
  c.set('principal', principal);
  c.set('actor', actor);
  c.set('actorId', actorId);
}

/** The principal of a signed moderation link posted to a site's webhook: that one comment, nothing else. */
export function webhookPrincipal(site: string): Principal {
  return { memberId: null, name: 'webhook', email: null, role: 'moderator', sites: [site], access: 'write', via: 'signed-link' };
}
