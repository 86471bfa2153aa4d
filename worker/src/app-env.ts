import type { CommentStore } from './storage/comment-store';
import type { SiteConfig } from './config/sites';

/** Bindings the Worker reads. `ADMIN_TOKEN` is a secret; when it is unset every admin request is refused. */
export interface Bindings extends Cloudflare.Env {
  ADMIN_TOKEN?: string;
  /** Seconds a thread view stays "unsettled" after a change (default 65; tests use 0). */
  VIEW_SETTLE_SECONDS?: string;
}

/** Per-request values set by middleware. */
export interface Variables {
  store: CommentStore;
  sites: Map<string, SiteConfig>;
}

/** Typed Hono context: `new Hono<AppEnv>()`. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
