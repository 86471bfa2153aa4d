import { hmacHex } from '../lib/crypto';
import type { Bindings } from '../app-env';

/**
 * The key for hashing IPs and emails. HASH_KEY (a secret) when set; otherwise derived from
 * ADMIN_TOKEN, so hashes change when the token is rotated (set HASH_KEY to keep bans across
 * rotations). A keyed hash, not a plain one: IPv4 addresses are few enough to reverse a
 * plain SHA-256 by brute force.
 */
function hashKey(env: Bindings): string {
  return env.HASH_KEY || `derived:${env.ADMIN_TOKEN ?? 'parley-unset'}`;
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

/** The key used to sign moderation links and dashboard sessions. */
export function signingKey(env: Bindings): string {
  return env.LINK_SIGNING_KEY || `links:${env.ADMIN_TOKEN ?? ''}`;
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
