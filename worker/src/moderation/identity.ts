import { hmacHex, secretsEqual, sha256Hex } from '../lib/crypto';
import type { RecordStore } from '../storage/records';
import { requireSecret } from '../lib/secrets';
import { clientNetwork } from '../lib/client-address';
import type { Bindings } from '../app-env';

/**
 * The key for hashing IPs and emails: the HASH_KEY secret, never anything else (without it
 * this throws 503 `not_configured`). A keyed hash, not a plain one: IPv4 addresses are few
 * enough to reverse a plain SHA-256 by brute force, and a key anyone can read is no key.
 */
function hashKey(env: Bindings): string {
  return requireSecret(env, 'HASH_KEY');
}

/**
 * The key that stands for one client: a keyed hash of its IP address, IPv6 cut to the /64
 * (see {@link clientNetwork}). The one helper for everything counted or recorded per client:
 * rate limits, likes (one per voter) and the IP on record for bans. The IP itself is never
 * stored. Null without an address (only outside Cloudflare's network, e.g. a unit test).
 *
 * @example
 * await clientKey(env, c.req.header('cf-connecting-ip'))
 */
export async function clientKey(env: Bindings, ip: string | null | undefined): Promise<string | null> {
  if (!ip?.trim()) return null;
  return (await hmacHex(`ip:${hashKey(env)}`, clientNetwork(ip))).slice(0, 32);
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

/**
 * The avatar seed of a new comment. A seed computed from the email would be an oracle: anyone
 * could post with a guessed address and compare seeds (even a held comment's POST answer
 * carries one). So the seed says nothing about who wrote a comment: it is random, unless the
 * author proves, with the edit token of an earlier comment on the same site (`proof`, which
 * the widget sends), that they wrote that one; then the new comment gets the same avatar.
 * Only the holder of a token can link a new comment to an old one.
 *
 * @example
 * avatar: await avatarSeed(c.var.stores.records, site.id, input.proof)
 */
export async function avatarSeed(store: Pick<RecordStore, 'get'>, site: string, proof?: { id: string; token: string }): Promise<string> {
  if (proof) {
    const earlier = await store.get(proof.id);
    if (earlier?.avatar && earlier.site === site && earlier.tokenHash && (await secretsEqual(await sha256Hex(proof.token), earlier.tokenHash))) return earlier.avatar;
  }
  return randomSeed();
}

/** 16 random hex characters. */
function randomSeed(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The avatar seed of an imported comment: a keyed hash (HASH_KEY) of its email, or its name,
 * so one commenter's imported comments share an avatar. No reader can make the Worker compute
 * it for an address of their choosing (only moderators import), so it is no oracle.
 */
export async function importedAvatarSeed(env: Bindings, email: string | null | undefined, author: string): Promise<string> {
  return (await hmacHex(`avatar:${hashKey(env)}`, (email || `name:${author}`).trim().toLowerCase())).slice(0, 16);
}
