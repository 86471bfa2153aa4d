import * as v from 'valibot';
import { WIDGET_LANGUAGES, type WidgetLanguage } from '../wire';

/**
 * One blog (or any site) this Worker serves comments for, declared in the `SITES` variable
 * of the wrangler config as a JSON array. See docs/configuration.md.
 *
 * @example
 * [{"id":"myblog","name":"My blog","origins":["https://blog.example.com"],"moderation":"all"}]
 */
export interface SiteConfig {
  /** Stable id used by the embed (`data-site`) and in storage keys. */
  id: string;
  /** Human name shown in the dashboard. */
  name: string;
  /** Browser origins allowed to post comments for this site. The Worker's own origin is always allowed. */
  origins: string[];
  /** `all`: every comment waits for a moderator (the default). */
  moderation: 'all' | 'first' | 'none';
  /** Base URL of the site, used to link a thread from the dashboard (optional). */
  url?: string;
  /** Posts allowed per IP per minute on this site; 0 turns the limit off. The RATE_LIMIT variable overrides it. */
  rateLimit: number;
  /** A comment with more links than this waits for a moderator whatever the mode. */
  maxLinks: number;
  /** A comment sent sooner than this after the form appeared waits for a moderator (bots are fast). */
  minSubmitSeconds: number;
  /** Words, phrases or domains (case-insensitive): a comment containing one is marked spam. */
  blocklist: string[];
  /** Threads lock (read-only) this many days after their first comment; null never. */
  autoLockDays: number | null;
  /** Removed comments can be restored for this many days, then are deleted for good. */
  tombstoneDays: number;
  /** Where to POST a notification for every comment that waits (Slack- and Discord-compatible body). */
  webhook?: string;
  /** Cloudflare Turnstile site key; when set, posts must carry a Turnstile token (secret: TURNSTILE_SECRET_KEY). */
  turnstileSiteKey?: string;
  /** Minutes after posting during which an author may edit or delete their comment with its token. */
  editWindowMinutes: number;
  /** Show Gravatar images for commenters with an email (a request to gravatar.com per avatar); off by default. */
  gravatar: boolean;
  /** The site's RSS 2.0, Atom or JSON Feed: new entries are mailed to followers (docs/following.md). */
  feed?: string;
  /** The language of mail to followers and of the pages they open from it (one of the widget's languages). */
  language: SiteLanguage;
  /** What a mail to followers carries of a post: its summary (the default), or its full text. */
  followContent: 'summary' | 'full';
  /** Languages the widget may show on this site, the first being its fallback; empty: any it has (fallback English). */
  languages: WidgetLanguage[];
}

/** The widget's languages: also those of follower mail and pages. */
export const SITE_LANGUAGES = WIDGET_LANGUAGES;
export type SiteLanguage = WidgetLanguage;

/**
 * Every site setting, validated the same way wherever it comes from: the `SITES` variable, the
 * dashboard's site pages, `PUT /api/admin/sites/:id` and `npm run deploy` (which checks SITES
 * before uploading anything). Unset settings take their defaults.
 */
export const siteSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'site id: 1-64 of a-z, 0-9, _ and -')),
  name: v.optional(v.string()),
  origins: v.optional(v.array(v.pipe(v.string(), v.url())), []),
  moderation: v.optional(v.picklist(['all', 'first', 'none']), 'all'),
  url: v.optional(v.pipe(v.string(), v.url())),
  rateLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 5),
  maxLinks: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 3),
  minSubmitSeconds: v.optional(v.pipe(v.number(), v.minValue(0)), 3),
  blocklist: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
  autoLockDays: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0))), null),
  tombstoneDays: v.optional(v.pipe(v.number(), v.minValue(1)), 30),
  webhook: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'webhook must be an http(s) URL'))),
  turnstileSiteKey: v.optional(v.pipe(v.string(), v.minLength(1))),
  editWindowMinutes: v.optional(v.pipe(v.number(), v.minValue(0)), 15),
  gravatar: v.optional(v.boolean(), false),
  feed: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'feed must be an http(s) URL'))),
  language: v.optional(v.picklist(SITE_LANGUAGES, `language must be one of ${SITE_LANGUAGES.join(', ')}`), 'en'),
  followContent: v.optional(v.picklist(['summary', 'full'], 'followContent must be summary or full'), 'summary'),
  languages: v.optional(v.array(v.picklist(WIDGET_LANGUAGES, `languages: each one of ${WIDGET_LANGUAGES.join(', ')}`)), []),
});

/** A site's settings as given (`SITES`, the dashboard): only what was set; the rest takes its default. */
export type SiteSettings = v.InferInput<typeof siteSchema>;

/** A site's settings, validated, with every default filled in. */
export function toSiteConfig(site: v.InferOutput<typeof siteSchema>): SiteConfig {
  return { ...site, name: site.name || site.id, origins: site.origins.map((origin) => new URL(origin).origin) };
}

let cached: { raw: string; sites: Map<string, SiteConfig> } | undefined;

/**
 * Parses the `SITES` JSON once per isolate. A broken config is a deploy error, so it throws
 * with a message naming the problem rather than serving with no sites.
 */
export function loadSites(raw: string | undefined): Map<string, SiteConfig> {
  const text = raw ?? '[]';
  if (cached?.raw === text) return cached.sites;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('SITES is not valid JSON');
  }
  const result = v.safeParse(v.array(siteSchema), parsed);
  if (!result.success) throw new Error(`SITES is invalid: ${v.summarize(result.issues)}`);
  const sites = new Map<string, SiteConfig>();
  for (const site of result.output) sites.set(site.id, toSiteConfig(site));
  cached = { raw: text, sites };
  return sites;
}
