import type { SiteConfig } from './config/sites';
import type { Stores } from './storage/stores';
import type { MailJob } from './mail/follow';
import type { FollowJob } from './following/jobs';
import type { Principal } from './team/model';

/** Bindings the Worker reads. `ADMIN_TOKEN` is a secret; when it is unset every admin request is refused. */
export interface Bindings extends Omit<Cloudflare.Env, 'MAIL_QUEUE' | 'FOLLOW_QUEUE'> {
  ADMIN_TOKEN?: string;
  /** Least milliseconds between two writes of one KV key by a thread's object (default 1000: KV's limit; tests use 0). */
  KV_WRITE_INTERVAL_MS?: string;
  /** Posts per client (an IPv4 address or an IPv6 /64) per minute for every site, overriding each site's `rateLimit`; "0" turns every per-client limit off. */
  RATE_LIMIT?: string;
  /** Secret key for hashing IPs and emails. Required, no default, never derived (lib/secrets.ts). */
  HASH_KEY?: string;
  /** Secret key for signing sessions, moderation links and the links in mail. Required, no default, never derived (lib/secrets.ts). */
  LINK_SIGNING_KEY?: string;
  /** Cloudflare Turnstile secret, for sites with `turnstileSiteKey`. */
  TURNSTILE_SECRET_KEY?: string;
  /** Sender address for notification mail, e.g. `Comments <comments@blog.example>`. */
  MAIL_FROM?: string;
  /** An HTTP mail API endpoint and its key; without them mail goes to the send_email binding or the outbox. */
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  /** Cloudflare `send_email` binding (optional). */
  SEND_EMAIL?: SendEmail;
  /** The mail queue (see wrangler.jsonc); without it, mail is sent after the response instead. */
  MAIL_QUEUE?: Queue<MailJob>;
  /** The queue of mail to sites' followers (see wrangler.jsonc); without it, jobs run after the response. */
  FOLLOW_QUEUE?: Queue<FollowJob>;
  /** Mails per queue message when sending to followers (default 40: the free plan's 50 subrequests an invocation). */
  FOLLOW_BATCH_SIZE?: string;
  /** How long a consumer holds a batch of a send before another may take it over (default 300; only tests change it). */
  FOLLOW_LEASE_SECONDS?: string;
  /** Signing secret of the Resend webhook (`whsec_…`) that reports bounces and complaints. */
  RESEND_WEBHOOK_SECRET?: string;
  /** Cloudflare Access in front of /admin: the team domain (`myteam.cloudflareaccess.com`) and the application's audience tag. Both, or Access is not trusted. */
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
}

/** Per-request values set by middleware. */
export interface Variables {
  /** Every store of the request, built once on the (possibly counted) bindings. */
  stores: Stores;
  /** fetch for requests leaving the Worker (webhooks, Turnstile); tests replace it. */
  outbound: typeof fetch;
  /** Who is moderating, for the audit log (set by requireAdmin). */
  actor: string;
  /** The verified identity behind `actor`: a member's id, `admin-token` or `webhook` (set with it). */
  actorId?: string;
  /** Who is asking and what they may touch (set by requireAdmin; see team/access.ts). */
  principal?: Principal;
  sites: Map<string, SiteConfig>;
}

/** Typed Hono context: `new Hono<AppEnv>()`. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
