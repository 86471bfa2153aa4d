import * as v from 'valibot';
import { ApiError } from '../errors';
import { fields, parseOrThrow } from '../lib/fields';
import { queueMail } from '../mail/queue-jobs';
import { originOf, type ServiceContext } from '../services/context';
import { coversAllSites, coversSite, requireOwner } from './access';
import { ALL_SITES, NOTIFY_MODES, type AccessLevel, type InvitationInfo, type Member, type NotifyMode, type Principal, type SessionInfo, type TokenInfo } from './model';
import { INVITATION_TTL_MS, SIGN_IN_LINK_TTL_MS, readTeamLink, teamLink } from './team-links';
import { invitationMail, signInMail } from './team-mail';

/**
 * What people do to the team: the owner invites, changes and removes moderators; everyone sees
 * and ends their own sessions and API tokens (the owner anyone's), chooses their notifications,
 * asks for a sign-in link. Each checks who asks (./access.ts), then calls the team's object, and
 * logs what changed in the audit log (entries of no site: only the owner sees them).
 */

type TeamContext = ServiceContext & { var: ServiceContext['var'] & { principal?: Principal; actor?: string; actorId?: string } };

function principalOf(c: TeamContext): Principal {
  if (!c.var.principal) throw new ApiError(401, 'unauthorized', 'Sign in first.');
  return c.var.principal;
}

/** The member behind the request (a signed-in person, not the bare break-glass token). */
export function memberIdOf(c: TeamContext): string {
  const { memberId } = principalOf(c);
  if (!memberId) throw new ApiError(403, 'session_required', 'Sign in to the dashboard first: ADMIN_TOKEN alone names no account.');
  return memberId;
}

async function audit(c: TeamContext, action: string, detail: string, site?: string): Promise<void> {
  await c.var.stores.audit.append({ who: c.var.actor ?? 'team', ...(c.var.actorId ? { by: c.var.actorId } : {}), action, ...(site ? { site } : {}), detail });
}

const nameField = v.pipe(v.string('name must be text'), v.trim(), v.minLength(1, 'name is required'), v.maxLength(64, 'name is at most 64 characters'));

/** Site ids the owner gives a moderator or a token: each configured here, at least one. */
function parseSites(c: TeamContext, sites: unknown, field = 'sites'): string[] {
  const list = parseOrThrow(v.object({ [field]: v.pipe(v.array(fields.site, `${field} must be a list of site ids`), v.minLength(1, `choose at least one site`)) }), { [field]: sites })[field] as string[];
  if (list.includes(ALL_SITES)) return [ALL_SITES];
  for (const site of list) if (!c.var.sites.has(site)) throw new ApiError(404, 'unknown_site', `No site "${site}" is configured on this server.`, field);
  return [...new Set(list)];
}

// ── invitations and members (the owner's) ───────────────────────────────────

const invitationSchema = v.object({ email: fields.requiredEmail, name: v.optional(nameField), sites: v.unknown() });

/**
 * The owner invites someone by email to moderate some sites: a signed, single-use link valid 7
 * days, mailed to them and answered here so the owner can also hand it over.
 *
 * @example
 * const { invitation, link } = await invite(c, { email: 'grace@example.com', sites: ['demo'] });
 */
export async function invite(c: TeamContext, input: unknown): Promise<{ invitation: InvitationInfo; link: string }> {
  requireOwner(c);
  const { email, name } = parseOrThrow(invitationSchema, input);
  const sites = parseSites(c, (input as { sites?: unknown }).sites);
  if (sites.includes(ALL_SITES)) throw new ApiError(400, 'invalid_request', 'A moderator moderates chosen sites; every site is the owner’s.', 'sites');
  const { invitation } = await c.var.stores.team.call((team) => team.invite({ email, name: name ?? email.split('@')[0], sites, invitedBy: principalOf(c).name, ttlMs: INVITATION_TTL_MS }));
  const link = await teamLink(c.env, originOf(c), 'invitation', invitation.id, Date.parse(invitation.expiresAt));
  await queueMail(c, [{ type: 'direct', message: invitationMail(c.var.sites, invitation, principalOf(c).name, link) }]);
  await audit(c, 'invite', `${invitation.email} to ${sites.join(', ')}`);
  return { invitation, link };
}

export async function withdrawInvitation(c: TeamContext, id: string): Promise<void> {
  requireOwner(c);
  const { invitation } = await c.var.stores.team.call((team) => team.revokeInvitation(id));
  await audit(c, 'withdraw-invitation', invitation.email);
}

/** The invitation a link names, still usable, or 410 (used, expired, withdrawn) / 403 (forged). */
export async function invitationOfLink(c: TeamContext, signed: string): Promise<InvitationInfo> {
  const id = await readTeamLink(c.env, 'invitation', signed);
  const invitation = await c.var.stores.team.read((team) => team.invitation(id));
  if (!invitation) throw new ApiError(410, 'invitation_invalid', 'This invitation was withdrawn. Ask the owner for a new one.');
  if (invitation.usedAt) throw new ApiError(410, 'invitation_used', 'This invitation has already been used. Sign in instead, or ask the owner for a new one.');
  if (Date.parse(invitation.expiresAt) < Date.now()) throw new ApiError(410, 'invitation_expired', 'This invitation has expired. Ask the owner for a new one.');
  return invitation;
}

/** Uses an invitation (once): the moderator's account is made. */
export async function acceptInvitation(c: TeamContext, signed: string, name: string): Promise<Member> {
  const id = await readTeamLink(c.env, 'invitation', signed);
  const { member } = await c.var.stores.team.call((team) => team.acceptInvitation({ id, name: parseOrThrow(v.object({ name: v.optional(nameField) }), { name: name || undefined }).name ?? '' }));
  await c.var.stores.audit.append({ who: `${member.name} (invitation)`, by: member.id, action: 'join', detail: `${member.email} moderates ${member.sites.join(', ')}` });
  return member;
}

export async function teamOverview(c: TeamContext): Promise<{ members: Member[]; invitations: InvitationInfo[] }> {
  requireOwner(c);
  const [members, invitations] = await Promise.all([c.var.stores.team.read((team) => team.members()), c.var.stores.team.read((team) => team.invitations())]);
  return { members, invitations };
}

/** The owner changes which sites a moderator moderates (their tokens follow at once). */
export async function setMemberSites(c: TeamContext, memberId: string, sites: unknown): Promise<Member> {
  requireOwner(c);
  const chosen = parseSites(c, sites);
  const { member } = await c.var.stores.team.call((team) => team.updateMember(memberId, { sites: chosen }));
  await audit(c, 'member-sites', `${member.name}: ${member.role === 'owner' ? 'every site' : chosen.join(', ')}`);
  return member;
}

/** The owner removes a moderator: their passkeys, sessions and tokens end at once. */
export async function removeMember(c: TeamContext, memberId: string): Promise<Member> {
  requireOwner(c);
  const { member } = await c.var.stores.team.call((team) => team.removeMember(memberId));
  await audit(c, 'remove-member', `${member.name} <${member.email ?? ''}>`);
  return member;
}

// ── one's own account ────────────────────────────────────────────────────────

export async function currentMember(c: TeamContext): Promise<Member> {
  const member = await c.var.stores.team.read((team) => team.member(memberIdOf(c)));
  if (!member) throw new ApiError(401, 'unauthorized', 'Your account no longer exists.');
  return member;
}

const profileSchema = v.object({ name: v.optional(nameField), email: v.optional(v.nullable(fields.requiredEmail)) });

/** A member changes their name or email address. */
export async function updateProfile(c: TeamContext, input: unknown): Promise<Member> {
  const changes = parseOrThrow(profileSchema, input);
  const { member } = await c.var.stores.team.call((team) => team.updateMember(memberIdOf(c), changes));
  return member;
}

/** A member chooses mail about pending comments on their sites: off, at once, or a daily digest. */
export async function setNotifications(c: TeamContext, mode: unknown): Promise<Member> {
  const notify = parseOrThrow(v.object({ notify: v.picklist(NOTIFY_MODES, `notify must be one of ${NOTIFY_MODES.join(', ')}`) }), { notify: mode }).notify as NotifyMode;
  const current = await currentMember(c);
  if (notify !== 'off' && !current.email) throw new ApiError(400, 'invalid_request', 'Add your email address first: notifications are mailed.', 'notify');
  const { member } = await c.var.stores.team.call((team) => team.updateMember(current.id, { notify, notifyOrigin: originOf(c) }));
  return member;
}

// ── sessions ─────────────────────────────────────────────────────────────────

/** One's own sessions; the owner may ask for anyone's (`memberId`) or everyone's (`'all'`). */
export async function listSessions(c: TeamContext, memberId?: string): Promise<SessionInfo[]> {
  if (memberId && memberId !== principalOf(c).memberId) {
    requireOwner(c);
    return c.var.stores.team.read((team) => team.sessions(memberId === 'all' ? undefined : memberId));
  }
  return c.var.stores.team.read((team) => team.sessions(memberIdOf(c)));
}

/** Ends a session: one's own, or anyone's for the owner (403 `owner_only` otherwise). */
export async function revokeSession(c: TeamContext, sessionId: string): Promise<SessionInfo> {
  const principal = principalOf(c);
  const sessions = await c.var.stores.team.read((team) => team.sessions());
  const target = sessions.find((session) => session.id === sessionId);
  if (!target) throw new ApiError(404, 'not_found', 'No such session.');
  if (target.memberId !== principal.memberId) requireOwner(c);
  const { session } = await c.var.stores.team.call((team) => team.endSession(sessionId));
  if (session.memberId !== principal.memberId) await audit(c, 'end-session', `a session of member ${session.memberId} (${session.method}, started ${session.createdAt.slice(0, 16)})`);
  return session;
}

// ── API tokens ───────────────────────────────────────────────────────────────

const tokenSchema = v.object({
  name: nameField,
  access: v.picklist(['read', 'write'] as const, 'access must be read or write'),
  sites: v.unknown(),
});

/**
 * A member makes an API token for scripts: scoped to some of their sites (or all of them,
 * `["*"]`) and to read or write. The secret is answered once, here; only its hash is kept.
 */
export async function createToken(c: TeamContext, input: unknown): Promise<{ token: TokenInfo; secret: string }> {
  const principal = principalOf(c);
  if (principal.via === 'api-token') throw new ApiError(403, 'session_required', 'API tokens are made from the dashboard, not with another token.');
  const { name, access } = parseOrThrow(tokenSchema, input);
  const sites = parseSites(c, (input as { sites?: unknown }).sites);
  for (const site of sites) {
    if (site === ALL_SITES ? false : !coversSite(principal, site)) throw new ApiError(403, 'forbidden_site', `You do not moderate the site "${site}".`, 'sites');
  }
  const memberId = memberIdOf(c);
  const made = await c.var.stores.team.call((team) => team.createToken({ memberId, name, sites, access: access as AccessLevel }));
  await audit(c, 'create-token', `"${name}" (${access}) for ${sites.includes(ALL_SITES) ? 'all their sites' : sites.join(', ')}`);
  return { token: made.token, secret: `parley_${made.token.id}_${made.secret}` };
}

/** One's own tokens; the owner sees everyone's. */
export async function listTokens(c: TeamContext): Promise<TokenInfo[]> {
  const principal = principalOf(c);
  if (principal.role === 'owner' && coversAllSites(principal)) return c.var.stores.team.read((team) => team.tokens());
  return c.var.stores.team.read((team) => team.tokens(memberIdOf(c)));
}

/** Revokes a token: one's own, or anyone's for the owner. */
export async function revokeToken(c: TeamContext, tokenId: string): Promise<TokenInfo> {
  const principal = principalOf(c);
  const found = await c.var.stores.team.read((team) => team.token(tokenId));
  if (!found) throw new ApiError(404, 'not_found', 'No such token.');
  if (found.memberId !== principal.memberId) requireOwner(c);
  const { token } = await c.var.stores.team.call((team) => team.revokeToken(tokenId));
  await audit(c, 'revoke-token', `"${token.name}"`);
  return token;
}

// ── sign-in links (email) ────────────────────────────────────────────────────

/**
 * Mails a single-use sign-in link (15 minutes) to a member's address. Whatever the address,
 * the answer is the same, so nobody learns who is a member.
 */
export async function requestSignInLink(c: TeamContext, email: string): Promise<void> {
  const made = await c.var.stores.team.read((team) => team.createSignInLink({ email, ttlMs: SIGN_IN_LINK_TTL_MS }));
  if (!made) return;
  const link = await teamLink(c.env, originOf(c), 'sign-in', made.id, made.expires);
  await queueMail(c, [{ type: 'direct', message: signInMail(made.member, link) }]);
}

/** Uses a sign-in link (once): its member. */
export async function useSignInLink(c: TeamContext, signed: string): Promise<Member> {
  const id = await readTeamLink(c.env, 'sign-in', signed);
  const { member } = await c.var.stores.team.call((team) => team.useSignInLink(id));
  return member;
}
