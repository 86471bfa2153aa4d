import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { secretsEqual, sha256Hex } from '../lib/crypto';
import { newToken } from '../lib/ids';
import {
  ALL_SITES,
  type AccessLevel,
  type InvitationInfo,
  type Member,
  type NotifyMode,
  type PasskeyInfo,
  type SessionInfo,
  type SignInMethod,
  type StoredPasskey,
  type TeamRefusal,
  type TeamResult,
  type TokenInfo,
} from '../team/model';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    sites TEXT NOT NULL,
    notify TEXT NOT NULL DEFAULT 'off',
    digest_at INTEGER NOT NULL DEFAULT 0,
    notify_origin TEXT,
    created_at TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS passkeys (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS passkeys_by_member ON passkeys(member_id)`,
  `CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    method TEXT NOT NULL,
    token_digest TEXT,
    user_agent TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS sessions_by_member ON sessions(member_id)`,
  `CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL,
    sites TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires INTEGER NOT NULL,
    used_at TEXT,
    member_id TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    sites TEXT NOT NULL,
    access TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS tokens_by_member ON tokens(member_id)`,
  // WebAuthn challenges and sign-in links: single use, short-lived.
  `CREATE TABLE IF NOT EXISTS challenges (id TEXT PRIMARY KEY, purpose TEXT NOT NULL, member_id TEXT, challenge TEXT NOT NULL, expires INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sign_in_links (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0)`,
];

/** A session's or token's "last seen" is written at most this often (ms): a read is not a write each time. */
const TOUCH_EVERY_MS = 60_000;
/** Used invitations, expired challenges and links are kept this long after they end, then deleted. */
const KEEP_ENDED_MS = 30 * 86_400_000;

type Row = Record<string, SqlStorageValue>;

function refuse(status: TeamRefusal['status'], code: TeamRefusal['code'], message: string, field?: string): { ok: false; refusal: TeamRefusal } {
  return { ok: false, refusal: field ? { status, code, message, field } : { status, code, message } };
}

/** 12 random base-36 characters: public ids of members, sessions, tokens, invitations. */
function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => '0123456789abcdefghijklmnopqrstuvwxyz'[byte % 36]).join('');
}

const iso = (ms: number) => new Date(ms).toISOString();

function toMember(row: Row): Member {
  return {
    id: String(row.id),
    name: String(row.name),
    email: row.email === null ? null : String(row.email),
    role: row.role === 'owner' ? 'owner' : 'moderator',
    sites: JSON.parse(String(row.sites)) as string[],
    notify: String(row.notify) as NotifyMode,
    createdAt: String(row.created_at),
  };
}

function toSession(row: Row): SessionInfo {
  return {
    id: String(row.id),
    memberId: String(row.member_id),
    method: String(row.method) as SignInMethod,
    createdAt: String(row.created_at),
    lastSeenAt: String(row.last_seen_at),
    expiresAt: iso(Number(row.expires)),
    userAgent: String(row.user_agent),
  };
}

function toPasskey(row: Row): StoredPasskey {
  return {
    id: String(row.id),
    memberId: String(row.member_id),
    name: String(row.name),
    createdAt: String(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : String(row.last_used_at),
    publicKey: String(row.public_key),
    counter: Number(row.counter),
    transports: JSON.parse(String(row.transports)) as string[],
  };
}

function toToken(row: Row): TokenInfo {
  return {
    id: String(row.id),
    memberId: String(row.member_id),
    name: String(row.name),
    sites: JSON.parse(String(row.sites)) as string[],
    access: String(row.access) as AccessLevel,
    createdAt: String(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : String(row.last_used_at),
  };
}

function toInvitation(row: Row): InvitationInfo {
  return {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    sites: JSON.parse(String(row.sites)) as string[],
    invitedBy: String(row.invited_by),
    createdAt: String(row.created_at),
    expiresAt: iso(Number(row.expires)),
    usedAt: row.used_at === null ? null : String(row.used_at),
    memberId: row.member_id === null ? null : String(row.member_id),
  };
}

/**
 * The moderation team's single writer (one object, named "team"): members and their roles and
 * sites, passkeys, dashboard sessions, invitations, sign-in links, WebAuthn challenges and API
 * tokens, in SQLite. Every change is one synchronous transaction on the object's current state,
 * so two requests never interleave: an invitation or a sign-in link is used once even when
 * opened twice at the same instant, a revoked session is refused by the next request.
 *
 * Secrets are never stored: sessions, tokens keep a SHA-256 of their secret; invitations and
 * sign-in links are random ids inside links signed by the Worker. It decides nothing about who
 * may do what: the Worker's team services do, then call it.
 */
export class TeamObject extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  private one(query: string, ...params: SqlStorageValue[]): Row | null {
    return this.sql.exec<Row>(query, ...params).toArray()[0] ?? null;
  }

  private all(query: string, ...params: SqlStorageValue[]): Row[] {
    return this.sql.exec<Row>(query, ...params).toArray();
  }

  // ── members ──────────────────────────────────────────────────────────────

  async owner(): Promise<Member | null> {
    const row = this.one(`SELECT * FROM members WHERE role = 'owner'`);
    return row ? toMember(row) : null;
  }

  async member(id: string): Promise<Member | null> {
    const row = this.one('SELECT * FROM members WHERE id = ?', id);
    return row ? toMember(row) : null;
  }

  async memberByEmail(email: string): Promise<Member | null> {
    const row = this.one('SELECT * FROM members WHERE email = ?', email.trim().toLowerCase());
    return row ? toMember(row) : null;
  }

  async members(): Promise<Member[]> {
    return this.all(`SELECT * FROM members ORDER BY role = 'owner' DESC, name COLLATE NOCASE`).map(toMember);
  }

  /** The owner's account, made the first time ADMIN_TOKEN signs in (later calls answer the existing owner). */
  async ensureOwner(input: { name: string; email: string | null }): Promise<Member> {
    const existing = await this.owner();
    if (existing) return existing;
    const email = input.email?.trim().toLowerCase() || null;
    const id = newId();
    this.ctx.storage.transactionSync(() => {
      // An address already given to a moderator stays theirs: the owner's account then has none.
      const taken = email ? this.one('SELECT id FROM members WHERE email = ?', email) : null;
      this.sql.exec(`INSERT INTO members (id, name, email, role, sites, created_at) VALUES (?, ?, ?, 'owner', ?, ?)`, id, input.name, taken ? null : email, JSON.stringify([ALL_SITES]), iso(Date.now()));
    });
    return (await this.member(id))!;
  }

  /** Changes a member's name, email, sites or notification choice. */
  async updateMember(id: string, changes: { name?: string; email?: string | null; sites?: string[]; notify?: NotifyMode; notifyOrigin?: string }): Promise<TeamResult<{ member: Member }>> {
    const current = await this.member(id);
    if (!current) return refuse(404, 'not_found', 'No such member.');
    const email = changes.email === undefined ? current.email : changes.email?.trim().toLowerCase() || null;
    if (email && email !== current.email && this.one('SELECT id FROM members WHERE email = ? AND id != ?', email, id)) {
      return refuse(409, 'already_member', 'Another member has that email address.', 'email');
    }
    const sites = current.role === 'owner' ? current.sites : (changes.sites ?? current.sites);
    this.sql.exec(
      'UPDATE members SET name = ?, email = ?, sites = ?, notify = ?, notify_origin = COALESCE(?, notify_origin) WHERE id = ?',
      changes.name ?? current.name,
      email,
      JSON.stringify(sites),
      changes.notify ?? current.notify,
      changes.notifyOrigin ?? null,
      id,
    );
    return { ok: true, member: (await this.member(id))! };
  }

  /** Removes a moderator and everything that lets them in: passkeys, sessions, tokens, sign-in links. */
  async removeMember(id: string): Promise<TeamResult<{ member: Member }>> {
    const current = await this.member(id);
    if (!current) return refuse(404, 'not_found', 'No such member.');
    if (current.role === 'owner') return refuse(409, 'owner_only', 'The owner cannot be removed.');
    this.ctx.storage.transactionSync(() => {
      for (const table of ['passkeys', 'sessions', 'tokens', 'sign_in_links', 'challenges']) this.sql.exec(`DELETE FROM ${table} WHERE member_id = ?`, id);
      this.sql.exec('DELETE FROM members WHERE id = ?', id);
    });
    return { ok: true, member: current };
  }

  // ── invitations ──────────────────────────────────────────────────────────

  async invite(input: { email: string; name: string; sites: string[]; invitedBy: string; ttlMs: number }): Promise<TeamResult<{ invitation: InvitationInfo }>> {
    const email = input.email.trim().toLowerCase();
    if (this.one('SELECT id FROM members WHERE email = ?', email)) return refuse(409, 'already_member', 'Someone with that email address is already a member.', 'email');
    const id = newId();
    const now = Date.now();
    this.sql.exec(
      'INSERT INTO invitations (id, email, name, sites, invited_by, created_at, expires) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      email,
      input.name,
      JSON.stringify(input.sites),
      input.invitedBy,
      iso(now),
      now + input.ttlMs,
    );
    return { ok: true, invitation: toInvitation(this.one('SELECT * FROM invitations WHERE id = ?', id)!) };
  }

  async invitation(id: string): Promise<InvitationInfo | null> {
    const row = this.one('SELECT * FROM invitations WHERE id = ?', id);
    return row ? toInvitation(row) : null;
  }

  /** Invitations not used yet, newest first (expired ones too, until they are cleaned up). */
  async invitations(): Promise<InvitationInfo[]> {
    return this.all('SELECT * FROM invitations WHERE used_at IS NULL ORDER BY created_at DESC').map(toInvitation);
  }

  async revokeInvitation(id: string): Promise<TeamResult<{ invitation: InvitationInfo }>> {
    const found = await this.invitation(id);
    if (!found || found.usedAt) return refuse(404, 'not_found', 'No such invitation waiting.');
    this.sql.exec('DELETE FROM invitations WHERE id = ?', id);
    return { ok: true, invitation: found };
  }

  /** Uses an invitation: once, before it expires; makes the moderator's account. */
  async acceptInvitation(input: { id: string; name: string }): Promise<TeamResult<{ member: Member }>> {
    const found = await this.invitation(input.id);
    if (!found) return refuse(410, 'invitation_invalid', 'This invitation was withdrawn. Ask the owner for a new one.');
    if (found.usedAt) return refuse(410, 'invitation_used', 'This invitation has already been used. Sign in instead, or ask the owner for a new one.');
    if (Date.parse(found.expiresAt) < Date.now()) return refuse(410, 'invitation_expired', 'This invitation has expired. Ask the owner for a new one.');
    if (this.one('SELECT id FROM members WHERE email = ?', found.email)) return refuse(409, 'already_member', 'Someone with that email address is already a member.');
    const id = newId();
    const now = iso(Date.now());
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`INSERT INTO members (id, name, email, role, sites, created_at) VALUES (?, ?, ?, 'moderator', ?, ?)`, id, input.name || found.name, found.email, JSON.stringify(found.sites), now);
      this.sql.exec('UPDATE invitations SET used_at = ?, member_id = ? WHERE id = ?', now, id, found.id);
    });
    return { ok: true, member: (await this.member(id))! };
  }

  // ── sessions ─────────────────────────────────────────────────────────────

  /** Starts a session; answers its id and secret (the secret is stored only as a hash). */
  async startSession(input: { memberId: string; method: SignInMethod; userAgent: string; ttlMs: number; tokenDigest?: string }): Promise<TeamResult<{ id: string; secret: string; expires: number }>> {
    if (!(await this.member(input.memberId))) return refuse(404, 'not_found', 'No such member.');
    const id = newId();
    const secret = newToken();
    const now = Date.now();
    this.sql.exec(
      'INSERT INTO sessions (id, member_id, secret_hash, method, token_digest, user_agent, created_at, last_seen_at, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      input.memberId,
      await sha256Hex(secret),
      input.method,
      input.tokenDigest ?? null,
      input.userAgent.slice(0, 200),
      iso(now),
      iso(now),
      now + input.ttlMs,
    );
    this.cleanUp(now);
    return { ok: true, id, secret, expires: now + input.ttlMs };
  }

  /**
   * The member of a live session, or null: unknown, revoked, expired, a wrong secret, or (for a
   * session started with ADMIN_TOKEN) a token that has changed since.
   */
  async session(input: { id: string; secret: string; tokenDigest: string }): Promise<{ member: Member; session: SessionInfo } | null> {
    const row = this.one('SELECT * FROM sessions WHERE id = ?', input.id);
    const now = Date.now();
    if (!row || Number(row.expires) < now || !(await secretsEqual(await sha256Hex(input.secret), String(row.secret_hash)))) return null;
    if (row.method === 'admin-token' && row.token_digest !== input.tokenDigest) return null;
    const member = await this.member(String(row.member_id));
    if (!member) return null;
    if (now - Date.parse(String(row.last_seen_at)) > TOUCH_EVERY_MS) this.sql.exec('UPDATE sessions SET last_seen_at = ? WHERE id = ?', iso(now), input.id);
    return { member, session: toSession(row) };
  }

  /** Live sessions, of one member or of everyone, newest first. */
  async sessions(memberId?: string): Promise<SessionInfo[]> {
    const now = Date.now();
    const rows = memberId
      ? this.all('SELECT * FROM sessions WHERE member_id = ? AND expires > ? ORDER BY created_at DESC', memberId, now)
      : this.all('SELECT * FROM sessions WHERE expires > ? ORDER BY created_at DESC', now);
    return rows.map(toSession);
  }

  async endSession(id: string): Promise<TeamResult<{ session: SessionInfo }>> {
    const row = this.one('SELECT * FROM sessions WHERE id = ?', id);
    if (!row) return refuse(404, 'not_found', 'No such session.');
    this.sql.exec('DELETE FROM sessions WHERE id = ?', id);
    return { ok: true, session: toSession(row) };
  }

  // ── passkeys and WebAuthn challenges ─────────────────────────────────────

  /** Keeps a WebAuthn challenge for 5 minutes; answers the id the ceremony's second step names. */
  async saveChallenge(input: { purpose: 'register' | 'authenticate'; memberId: string | null; challenge: string; ttlMs: number }): Promise<string> {
    const id = newId();
    this.sql.exec('INSERT INTO challenges (id, purpose, member_id, challenge, expires) VALUES (?, ?, ?, ?, ?)', id, input.purpose, input.memberId, input.challenge, Date.now() + input.ttlMs);
    return id;
  }

  /** Takes a challenge: once, before it expires, for the purpose (and member) it was made for. */
  async takeChallenge(input: { id: string; purpose: 'register' | 'authenticate'; memberId: string | null }): Promise<string | null> {
    const row = this.one('SELECT * FROM challenges WHERE id = ?', input.id);
    if (!row) return null;
    this.sql.exec('DELETE FROM challenges WHERE id = ?', input.id);
    if (row.purpose !== input.purpose || Number(row.expires) < Date.now() || (row.member_id ?? null) !== input.memberId) return null;
    return String(row.challenge);
  }

  async passkeys(memberId: string): Promise<PasskeyInfo[]> {
    return this.all('SELECT * FROM passkeys WHERE member_id = ? ORDER BY created_at', memberId).map((row) => {
      const { publicKey: _key, counter: _counter, transports: _transports, ...info } = toPasskey(row);
      return info;
    });
  }

  /** A stored passkey with what verification needs (its member's other keys are excluded from registration by id). */
  async passkey(id: string): Promise<StoredPasskey | null> {
    const row = this.one('SELECT * FROM passkeys WHERE id = ?', id);
    return row ? toPasskey(row) : null;
  }

  async passkeyIds(memberId: string): Promise<{ id: string; transports: string[] }[]> {
    return this.all('SELECT id, transports FROM passkeys WHERE member_id = ?', memberId).map((row) => ({ id: String(row.id), transports: JSON.parse(String(row.transports)) as string[] }));
  }

  async addPasskey(input: { id: string; memberId: string; name: string; publicKey: string; counter: number; transports: string[] }): Promise<TeamResult<{ passkey: PasskeyInfo }>> {
    if (!(await this.member(input.memberId))) return refuse(404, 'not_found', 'No such member.');
    if (this.one('SELECT id FROM passkeys WHERE id = ?', input.id)) return refuse(409, 'already_member', 'This passkey is already registered.');
    this.sql.exec(
      'INSERT INTO passkeys (id, member_id, name, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      input.id,
      input.memberId,
      input.name,
      input.publicKey,
      input.counter,
      JSON.stringify(input.transports),
      iso(Date.now()),
    );
    const { publicKey: _key, counter: _counter, transports: _transports, ...passkey } = (await this.passkey(input.id))!;
    return { ok: true, passkey };
  }

  /** Records a successful use: the signature counter (a counter that went backwards was refused before this) and when. */
  async usePasskey(input: { id: string; counter: number }): Promise<void> {
    this.sql.exec('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?', input.counter, iso(Date.now()), input.id);
  }

  async removePasskey(input: { id: string; memberId: string }): Promise<TeamResult<{ passkey: PasskeyInfo }>> {
    const found = await this.passkey(input.id);
    if (!found || found.memberId !== input.memberId) return refuse(404, 'not_found', 'No such passkey.');
    this.sql.exec('DELETE FROM passkeys WHERE id = ?', input.id);
    const { publicKey: _key, counter: _counter, transports: _transports, ...passkey } = found;
    return { ok: true, passkey };
  }

  // ── sign-in links (email) ────────────────────────────────────────────────

  /** A single-use sign-in link's id for the member with this email, or null (no such member: nothing is sent). */
  async createSignInLink(input: { email: string; ttlMs: number }): Promise<{ id: string; member: Member; expires: number } | null> {
    const member = await this.memberByEmail(input.email);
    if (!member) return null;
    const id = newId() + newId();
    const expires = Date.now() + input.ttlMs;
    this.sql.exec('INSERT INTO sign_in_links (id, member_id, expires) VALUES (?, ?, ?)', id, member.id, expires);
    return { id, member, expires };
  }

  /** Uses a sign-in link: once, before it expires. */
  async useSignInLink(id: string): Promise<TeamResult<{ member: Member }>> {
    const row = this.one('SELECT * FROM sign_in_links WHERE id = ?', id);
    if (!row) return refuse(410, 'link_invalid', 'This sign-in link is not valid any more. Ask for a new one.');
    if (Number(row.used)) return refuse(410, 'link_used', 'This sign-in link has already been used. Ask for a new one.');
    if (Number(row.expires) < Date.now()) return refuse(410, 'link_expired', 'This sign-in link has expired. Ask for a new one.');
    this.sql.exec('UPDATE sign_in_links SET used = 1 WHERE id = ?', id);
    const member = await this.member(String(row.member_id));
    if (!member) return refuse(410, 'link_invalid', 'This sign-in link is not valid any more.');
    return { ok: true, member };
  }

  // ── API tokens ───────────────────────────────────────────────────────────

  /** A new API token; its secret is answered once and stored only as a hash. */
  async createToken(input: { memberId: string; name: string; sites: string[]; access: AccessLevel }): Promise<TeamResult<{ token: TokenInfo; secret: string }>> {
    if (!(await this.member(input.memberId))) return refuse(404, 'not_found', 'No such member.');
    const id = newId();
    const secret = newToken();
    this.sql.exec(
      'INSERT INTO tokens (id, member_id, name, secret_hash, sites, access, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      input.memberId,
      input.name,
      await sha256Hex(secret),
      JSON.stringify(input.sites),
      input.access,
      iso(Date.now()),
    );
    return { ok: true, token: toToken(this.one('SELECT * FROM tokens WHERE id = ?', id)!), secret };
  }

  async tokens(memberId?: string): Promise<TokenInfo[]> {
    return (memberId ? this.all('SELECT * FROM tokens WHERE member_id = ? ORDER BY created_at DESC', memberId) : this.all('SELECT * FROM tokens ORDER BY created_at DESC')).map(toToken);
  }

  async token(id: string): Promise<TokenInfo | null> {
    const row = this.one('SELECT * FROM tokens WHERE id = ?', id);
    return row ? toToken(row) : null;
  }

  /** The token and its member when the secret is right (its last use is recorded, at most once a minute). */
  async useToken(input: { id: string; secret: string }): Promise<{ member: Member; token: TokenInfo } | null> {
    const row = this.one('SELECT * FROM tokens WHERE id = ?', input.id);
    if (!row || !(await secretsEqual(await sha256Hex(input.secret), String(row.secret_hash)))) return null;
    const member = await this.member(String(row.member_id));
    if (!member) return null;
    const now = Date.now();
    if (row.last_used_at === null || now - Date.parse(String(row.last_used_at)) > TOUCH_EVERY_MS) {
      this.sql.exec('UPDATE tokens SET last_used_at = ? WHERE id = ?', iso(now), input.id);
      row.last_used_at = iso(now);
    }
    return { member, token: toToken(row) };
  }

  async revokeToken(id: string): Promise<TeamResult<{ token: TokenInfo }>> {
    const found = await this.token(id);
    if (!found) return refuse(404, 'not_found', 'No such token.');
    this.sql.exec('DELETE FROM tokens WHERE id = ?', id);
    return { ok: true, token: found };
  }

  // ── notifications ────────────────────────────────────────────────────────

  /**
   * Members who want mail about pending comments, with when their last digest was made and the
   * dashboard's origin when they chose it (where the digest's links point: a cron has no request).
   */
  async notified(mode: 'instant' | 'digest'): Promise<(Member & { digestAt: number; origin: string | null })[]> {
    return this.all('SELECT * FROM members WHERE notify = ? AND email IS NOT NULL', mode).map((row) => ({ ...toMember(row), digestAt: Number(row.digest_at), origin: row.notify_origin === null ? null : String(row.notify_origin) }));
  }

  async markDigest(input: { memberId: string; at: number }): Promise<void> {
    this.sql.exec('UPDATE members SET digest_at = ? WHERE id = ?', input.at, input.memberId);
  }

  /** Deletes what has ended: expired sessions, challenges and links, invitations long past. */
  private cleanUp(now: number): void {
    this.sql.exec('DELETE FROM sessions WHERE expires < ?', now);
    this.sql.exec('DELETE FROM challenges WHERE expires < ?', now);
    this.sql.exec('DELETE FROM sign_in_links WHERE expires < ?', now - KEEP_ENDED_MS);
    this.sql.exec('DELETE FROM invitations WHERE expires < ?', now - KEEP_ENDED_MS);
  }
}
