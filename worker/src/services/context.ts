import type { AppEnv, Bindings } from '../app-env';
import type { Principal } from '../team/model';

/**
 * What a service needs from a request: the bindings, the request's stores and sites, and a way
 * to run work after the response. A Hono `Context<AppEnv>` is one; the queue consumer and the
 * cron build their own.
 */
export interface ServiceContext {
  env: Bindings;
  var: Pick<AppEnv['Variables'], 'stores' | 'sites' | 'outbound'> & { actor?: string; actorId?: string; principal?: Principal };
  executionCtx: Pick<ExecutionContext, 'waitUntil'>;
  req: { url: string; header(name: string): string | undefined };
}

/** The Worker's own origin (links in mail and chat point here). */
export function originOf(c: Pick<ServiceContext, 'req'>): string {
  return new URL(c.req.url).origin;
}
