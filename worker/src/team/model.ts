import type { ErrorCode } from '../wire';

/**
 * The moderation team: who may moderate what, and how they proved who they are. Kept by one
 * Durable Object (objects/team-object.ts), the single writer of every account, passkey, session,
 * invitation and API token.
 */

/** The owner moderates every site and manages the team; a moderator only the sites given to them. */
export type Role = 'owner' | 'moderator';

/** What a credential may do: read (lists, counts, audit, export) or write (every moderation action too). */
export type AccessLevel = 'read' | 'write';

/** Mail about new pending comments on one's sites: none, one per comment, or a daily digest. */
export type NotifyMode = 'off' | 'instant' | 'digest';
export const NOTIFY_MODES: readonly NotifyMode[] = ['off', 'instant', 'digest'];

/** `sites` of a member or token that covers every site (present and future): the owner's. */
export const ALL_SITES = '*';

export interface Member {
  id: string;
  name: string;
  /** Lowercase; where invitations, sign-in links and notifications go, and what Cloudflare Access maps. */
  email: string | null;
  role: Role;
  /** Site ids, or `['*']` (every site: the owner). */
  sites: string[];
  notify: NotifyMode;
  createdAt: string;
}

/** How a session was started. */
export type SignInMethod = 'passkey' | 'magic-link' | 'invitation' | 'admin-token';

export interface SessionInfo {
  id: string;
  memberId: string;
  method: SignInMethod;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** The browser's User-Agent at sign-in (shown to tell sessions apart). */
  userAgent: string;
}

export interface PasskeyInfo {
  id: string;
  memberId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A stored passkey, as verification needs it. */
export interface StoredPasskey extends PasskeyInfo {
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
}

export interface TokenInfo {
  id: string;
  memberId: string;
  name: string;
  /** Site ids, or `['*']` (every site the member moderates). */
  sites: string[];
  access: AccessLevel;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface InvitationInfo {
  id: string;
  email: string;
  name: string;
  sites: string[];
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  /** The member the invitation made, once used. */
  memberId: string | null;
}

export interface TeamRefusal {
  status: 400 | 401 | 403 | 404 | 409 | 410;
  code: ErrorCode;
  message: string;
  field?: string;
}

/** Every changing call answers with this: refusals are values, so they keep status and code across RPC. */
export type TeamResult<T> = ({ ok: true } & T) | { ok: false; refusal: TeamRefusal };

/**
 * Who is asking, once verified: a member through one of their credentials, or the owner's
 * break-glass ADMIN_TOKEN. Every admin route and service reads it (team/access.ts).
 */
export interface Principal {
  /** The member, or null for ADMIN_TOKEN sent as a Bearer token before any owner account exists. */
  memberId: string | null;
  name: string;
  email: string | null;
  role: Role;
  /** Site ids this request may touch, or `['*']`. A token's sites are already cut to its member's. */
  sites: string[];
  access: AccessLevel;
  /** Through what: a dashboard session, an API token, ADMIN_TOKEN, Cloudflare Access, a signed link. */
  via: 'dashboard' | 'api-token' | 'admin-token' | 'access' | 'signed-link';
  /** The dashboard session's id (to mark it "this session" and to end it). */
  sessionId?: string;
  /** The API token's id and name. */
  token?: { id: string; name: string };
}
