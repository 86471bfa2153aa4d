// Development secrets for `wrangler dev`: HASH_KEY and LINK_SIGNING_KEY, which a deployed
// Worker gets from `npx wrangler secret put` (docs/configuration.md). Parley never falls back to
// a default key, so every local launcher (npm start, the import CLI's temporary server, the
// browser tests) passes these. They are random, made once per checkout and kept in
// .wrangler/dev-secrets.json (git-ignored, readable by its owner only): hashes (bans, likes,
// subscriptions) and signed links (sessions, mail) keep working across restarts. They do not
// depend on ADMIN_TOKEN, and nothing here ever prints them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets made here: each 32 random bytes, base64url. */
export const DEV_SECRET_NAMES = ['HASH_KEY', 'LINK_SIGNING_KEY'];

/** Where they are kept, under the project's `.wrangler/` folder. */
export function devSecretsPath(root) {
  return join(root, '.wrangler', 'dev-secrets.json');
}

function read(path) {
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    return DEV_SECRET_NAMES.every((name) => typeof stored[name] === 'string' && stored[name].length >= 32) ? stored : null;
  } catch {
    return null;
  }
}

/**
 * The development secrets of the checkout at `root`: read from .wrangler/dev-secrets.json, or
 * made and saved there the first time. Two launchers starting at once get the same values
 * (the file is created exclusively; the loser reads the winner's).
 *
 * @example
 * const { HASH_KEY, LINK_SIGNING_KEY } = devSecrets(root);
 */
export function devSecrets(root) {
  const path = devSecretsPath(root);
  const stored = read(path);
  if (stored) return Object.fromEntries(DEV_SECRET_NAMES.map((name) => [name, stored[name]]));
  mkdirSync(join(root, '.wrangler'), { recursive: true });
  const made = Object.fromEntries(DEV_SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')]));
  try {
    writeFileSync(path, `${JSON.stringify(made, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return made;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const winner = read(path);
    if (winner) return Object.fromEntries(DEV_SECRET_NAMES.map((name) => [name, winner[name]]));
    // A damaged file: replace it.
    writeFileSync(path, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
    return made;
  }
}

/**
 * `wrangler dev` arguments passing the development secrets: `['--var', 'HASH_KEY:…', …]`.
 * A value already in `env` (e.g. HASH_KEY exported in the shell) wins.
 */
export function devSecretVars(root, env = process.env, given = []) {
  const secrets = devSecrets(root);
  return DEV_SECRET_NAMES.filter((name) => !given.includes(name)).flatMap((name) => ['--var', `${name}:${env[name] || secrets[name]}`]);
}
