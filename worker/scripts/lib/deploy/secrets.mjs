// The secrets `npm run deploy` makes when the Worker lacks them. Each is its own 32 random bytes;
// none is derived from another (docs/configuration.md, "Secrets and variables").
import { randomBytes } from 'node:crypto';

/** The required secrets, as the Worker names them (worker/src/lib/secrets.ts). */
export const REQUIRED_SECRETS = ['ADMIN_TOKEN', 'LINK_SIGNING_KEY', 'HASH_KEY'];

/** A new secret value: 32 random bytes, base64url (43 characters). */
export function newSecret() {
  return randomBytes(32).toString('base64url');
}

/** The names in `wrangler secret list --format json`'s answer (a JSON array of `{name, type}`). */
export function secretNames(stdout) {
  const start = stdout.indexOf('[');
  const end = stdout.lastIndexOf(']');
  if (start < 0 || end < start) throw new Error(`could not read the list of secrets: ${stdout.slice(0, 200)}`);
  const list = JSON.parse(stdout.slice(start, end + 1));
  return new Set(list.map((secret) => secret.name));
}
