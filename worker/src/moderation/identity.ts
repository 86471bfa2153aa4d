import { hmacHex } from '../lib/crypto';
import { requireSecret } from '../lib/secrets';
import type { Bindings } from '../app-env';

/**
 * The key for hashing IPs and emails: the HASH_KEY secret, never anything else (without it
 * this throws 503 `not_configured`). A keyed hash, not a plain one: IPv4 addresses are few
 * enough to reverse a plain SHA-256 by brute force, and a key anyone can read is no key.
 */
function hashKey(env: Bindings): string {
  return requireSecret(env, 'HASH_KEY');
}

/** Keyed hash of an IP address (never stored raw). */
export async function hashIp(env: Bindings, ip: string | null | undefined): Promise<string | null> {
  if (!ip) return null;
  return (await hmacHex(`ip:${hashKey(env)}`, ip.trim().toLowerCase())).slice(0, 32);
}

/** Keyed hash of an email address, case-insensitive. */
export async function hashEmail(env: Bindings, email: string | null | undefined): Promise<string | null> {
  if (!email) return null;
  return (await hmacHex(`email:${hashKey(env)}`, email.trim().toLowerCase())).slice(0, 32);
}

/**
 * The key that signs dashboard sessions, moderation links and subscription links: the
 * LINK_SIGNING_KEY secret, never anything else (without it this throws 503 `not_configured`).
 */
export function signingKey(env: Bindings): string {
  return requireSecret(env, 'LINK_SIGNING_KEY');
}

/** `a***@example.com`: enough for a moderator to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const [user, domain] = email.split('@');
  return `${user.slice(0, 1)}***@${domain ?? ''}`;
}

/** Seed for a locally drawn avatar: a keyed hash of the email (or the name when there is none), never reversible to the email. */
export async function avatarSeed(env: Bindings, email: string | null | undefined, author: string): Promise<string> {
  return (await hmacHex(`avatar:${hashKey(env)}`, (email || `name:${author}`).trim().toLowerCase())).slice(0, 16);
}
