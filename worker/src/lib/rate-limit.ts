import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../app-env';
import { ApiError } from '../errors';
import { clientKey } from '../moderation/identity';

/** The Rate Limiting bindings declared in wrangler.jsonc (`ratelimits`). */
export type RateLimitBinding = { [K in keyof Bindings]-?: Bindings[K] extends RateLimit | undefined ? K : never }[keyof Bindings];

export interface LimitPerClientOptions {
  /** Which Rate Limiting bindings count (each one's limit and period are set in wrangler.jsonc); past any of them, refused. */
  binding: RateLimitBinding | readonly RateLimitBinding[];
  /** What is counted, in the plural: part of the counter's key and of the message ("Too many likes…"). */
  name: string;
  /** Only these methods are counted (default: all that reach the middleware). */
  methods?: readonly string[];
}

/** `RATE_LIMIT=0` turns every per-client limit off, for load tests (docs/configuration.md). */
export function limitsOff(env: Bindings): boolean {
  return env.RATE_LIMIT !== undefined && env.RATE_LIMIT.trim() !== '' && Number(env.RATE_LIMIT) === 0;
}

/**
 * Middleware: counts the request against a per-client limit of a Workers Rate Limiting binding
 * before the handler reads or writes anything in KV (the binding costs no KV operation), and
 * answers `429 rate_limited` with `Retry-After` past it. A client is {@link clientKey}: an IPv4
 * address or an IPv6 /64. Needs HASH_KEY (mount it after `requireSecrets()`).
 *
 * A request without `CF-Connecting-IP` is not counted: Cloudflare sets it on every request it
 * serves (and `wrangler dev` does too), so only code calling the app directly goes without.
 *
 * @example
 * route.post('/:id/like', requireSecrets(), limitPerClient({ binding: 'LIKE_RATE_LIMITER', name: 'likes' }), handler);
 */
export function limitPerClient({ binding, name: what, methods }: LimitPerClientOptions): MiddlewareHandler<AppEnv> {
  const bindings: readonly RateLimitBinding[] = typeof binding === 'string' ? [binding] : binding;
  return async (c, next) => {
    if ((methods && !methods.includes(c.req.method)) || limitsOff(c.env)) return next();
    const client = await clientKey(c.env, c.req.header('cf-connecting-ip'));
    for (const name of bindings) {
      const limiter = c.env[name];
      if (!limiter) throw new ApiError(503, 'not_configured', `This server is not set up yet: the ${name} rate-limiting binding is missing from its wrangler configuration.`);
      if (client && !(await limiter.limit({ key: `${what}:${client}` })).success) {
        throw new ApiError(429, 'rate_limited', `Too many ${what} from you in a short time. Try again in a minute.`, undefined, { 'Retry-After': '60' });
      }
    }
    await next();
  };
}
