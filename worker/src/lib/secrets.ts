import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../app-env';
import { ApiError } from '../errors';

/**
 * The secrets Parley needs, each for its own job, none derived from another and none with a
 * default (see docs/threat-model.md, "Secrets"):
 *
 * - `ADMIN_TOKEN`: what moderators type to sign in, or send as `Authorization: Bearer`;
 * - `LINK_SIGNING_KEY`: signs dashboard sessions, one-click moderation links and the
 *   confirm / unsubscribe links in mail;
 * - `HASH_KEY`: keys the hashes of IP addresses and emails (bans, rate limits, likes,
 *   subscriptions).
 *
 * A Worker missing any of them serves readers (comments, counts, feeds, thread HTML) and
 * refuses everything else with a message naming what its owner must set.
 */
export const REQUIRED_SECRETS = ['ADMIN_TOKEN', 'LINK_SIGNING_KEY', 'HASH_KEY'] as const;

export type SecretName = (typeof REQUIRED_SECRETS)[number];

/** The required secrets this Worker lacks (an empty value counts as missing). */
export function missingSecrets(env: Bindings, names: readonly SecretName[] = REQUIRED_SECRETS): SecretName[] {
  return names.filter((name) => !env[name]);
}

/** "the ADMIN_TOKEN and HASH_KEY secrets", for messages. */
export function secretList(names: readonly string[]): string {
  const list = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `the ${list} secret${names.length === 1 ? '' : 's'}`;
}

/** The error for a Worker that lacks secrets: 503 `not_configured`, naming each and how to set it. */
export function notConfigured(missing: readonly SecretName[]): ApiError {
  return new ApiError(
    503,
    'not_configured',
    `This server is not set up yet: its owner must set ${secretList(missing)} (\`npx wrangler secret put ${missing[0]}\`; see docs/configuration.md). Nothing was saved.`,
  );
}

/**
 * One secret's value, or a 503 `not_configured` naming it. Every signing and hashing key
 * comes through here, so no code path can ever fall back to a public value.
 *
 * @example
 * const key = requireSecret(env, 'HASH_KEY');
 */
export function requireSecret(env: Bindings, name: SecretName): string {
  const value = env[name];
  if (!value) throw notConfigured([name]);
  return value;
}

/**
 * Middleware: refuses the request, before it reads or writes anything, unless every secret
 * in `names` (by default all of {@link REQUIRED_SECRETS}) is set.
 *
 * @example
 * commentsRoute.post('/', requireSecrets(), handler);
 */
export function requireSecrets({ names = REQUIRED_SECRETS }: { names?: readonly SecretName[] } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const missing = missingSecrets(c.env, names);
    if (missing.length > 0) throw notConfigured(missing);
    await next();
  };
}
