import { parseFeed, type AnyFeed } from 'feedsmith';
import { decodeHTML } from 'entities';
import type { FeedEntry } from '../objects/followers/protocol';
import { cleanText } from '../lib/fields';
import { readCapped } from '../lib/read-capped';

/**
 * A site's feed, read for new posts: fetched by the Cron Trigger (conditional GET, a size cap, a
 * time limit) and parsed by feedsmith (RSS 2.0, Atom, RDF and JSON Feed) into entries known by
 * their guid or id. See docs/following.md.
 */

/** A feed larger than this is refused (a blog's feed of full posts is a few hundred KB). */
export const MAX_FEED_BYTES = 2 * 1024 * 1024;
/** A feed with more entries than this is refused: it could not be compared with the last one reliably. */
export const MAX_FEED_ENTRIES = 1000;
/** More new entries than this in one poll are recorded without mailing anyone (a feed that changed its ids would flood followers). */
export const MAX_NEW_POSTS_PER_POLL = 10;
/** How long a feed may take to answer. */
const FETCH_TIMEOUT_MS = 10_000;

const LIMITS = { title: 300, summary: 2000, content: 100_000, author: 120, key: 500, url: 2000 };

/** A feed that cannot be used: its message says why (logged, and shown on the dashboard's Posts page). */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

export type FetchedFeed = { body: string; etag: string | null; lastModified: string | null } | { notModified: true } | { error: string };

/**
 * Fetches a feed, with the validators of the last poll (a 304 costs nothing more). Never
 * throws: a failure comes back as `{error}`. The body is read up to {@link MAX_FEED_BYTES}.
 */
export async function fetchFeed(url: string, options: { outbound: typeof fetch; etag?: string | null; lastModified?: string | null }): Promise<FetchedFeed> {
  const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5', 'user-agent': 'Parley (+followers by email)' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  let response: Response;
  try {
    response = await options.outbound(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    return { error: `the feed could not be fetched (${error instanceof Error ? error.message : String(error)})` };
  }
  if (response.status === 304) return { notModified: true };
  if (!response.ok) {
    await response.body?.cancel();
    return { error: `the feed answered HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_FEED_BYTES) {
    await response.body?.cancel();
    return { error: `the feed is ${declared} bytes, more than the ${MAX_FEED_BYTES} allowed` };
  }
  const bytes = response.body ? await readCapped(response.body, MAX_FEED_BYTES) : new Uint8Array();
  if (bytes === null) return { error: `the feed is more than ${MAX_FEED_BYTES} bytes` };
  return { body: new TextDecoder().decode(bytes), etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
}

/**
 * The entries of a feed, newest or oldest first as the feed has them, each with its key (guid or
 * id; an RSS item without a guid is known by its link) and an http(s) link. Entries without a
 * key or a link are left out. Throws a {@link FeedError} when the text is not a feed.
 *
 * @example
 * readFeed(rssText) // [{ key: 'https://blog.example/?p=12', url: 'https://blog.example/hello/', title: 'Hello', … }]
 */
export function readFeed(text: string): FeedEntry[] {
  if (text.length > MAX_FEED_BYTES) throw new FeedError(`the feed is more than ${MAX_FEED_BYTES} bytes`);
  let parsed: AnyFeed<string>;
  try {
    parsed = parseFeed<string>(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const name = error instanceof Error ? error.message : String(error);
    throw new FeedError(`this is not an RSS, Atom or JSON feed (${name})`);
  }
  const entries = entriesOf(parsed);
  if (entries.length > MAX_FEED_ENTRIES) throw new FeedError(`the feed has ${entries.length} entries, more than the ${MAX_FEED_ENTRIES} allowed`);
  const seen = new Set<string>();
  const out: FeedEntry[] = [];
  for (const entry of entries) {
    const key = entry.key?.trim().slice(0, LIMITS.key);
    const url = webUrl(entry.url);
    if (!key || !url || seen.has(key)) continue;
    seen.add(key);
    out.push({
      key,
      url,
      title: clip(plainText(entry.title ?? ''), LIMITS.title) || url,
      summary: clip(entry.summary ?? '', LIMITS.summary),
      content: clip(entry.content ?? '', LIMITS.content),
      author: clip(plainText(entry.author ?? ''), LIMITS.author),
      publishedAt: isoDate(entry.date),
    });
  }
  return out;
}

interface RawEntry {
  key?: string;
  url?: string;
  title?: string;
  summary?: string;
  content?: string;
  author?: string;
  date?: string;
}

function entriesOf(parsed: AnyFeed<string>): RawEntry[] {
  switch (parsed.format) {
    case 'rss':
      return (parsed.feed.items ?? []).map((item) => ({
        key: item.guid?.value ?? item.link,
        url: item.link ?? (item.guid && item.guid.isPermaLink !== false ? item.guid.value : undefined),
        title: item.title,
        summary: item.description,
        content: item.content?.encoded,
        author: item.dc?.creators?.[0] ?? item.authors?.[0]?.name ?? item.authors?.[0]?.email,
        date: item.pubDate ?? item.dc?.dates?.[0],
      }));
    case 'atom':
      return (parsed.feed.entries ?? []).map((entry) => ({
        key: entry.id,
        url: (entry.links?.find((link) => !link.rel || link.rel === 'alternate') ?? entry.links?.[0])?.href,
        title: entry.title?.type === 'html' || entry.title?.type === 'xhtml' ? htmlText(entry.title.value) : entry.title?.value,
        summary: entry.summary?.value,
        content: entry.content?.value,
        author: entry.authors?.[0]?.name,
        date: entry.published ?? entry.updated,
      }));
    case 'rdf':
      return (parsed.feed.items ?? []).map((item) => ({
        key: item.rdf?.about ?? item.link,
        url: item.link,
        title: item.title,
        summary: item.description,
        content: item.content?.encoded,
        author: item.dc?.creators?.[0],
        date: item.dc?.dates?.[0],
      }));
    case 'json':
      return (parsed.feed.items ?? []).map((item) => ({
        key: item.id === undefined || item.id === null ? undefined : String(item.id),
        url: item.url ?? item.external_url,
        title: item.title,
        summary: item.summary,
        content: item.content_html ?? item.content_text,
        author: item.authors?.[0]?.name,
        date: item.date_published ?? item.date_modified,
      }));
  }
}

function webUrl(text: string | undefined): string | null {
  if (!text) return null;
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'https:' || url.protocol === 'http:') && text.length <= LIMITS.url && !url.username && !url.password ? url.toString() : null;
  } catch {
    return null;
  }
}

function isoDate(text: string | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** HTML reduced to its text: tags dropped, entities decoded, whitespace collapsed. */
export function htmlText(html: string): string {
  return decodeHTML(html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** A title or a name: one line of text (feeds put markup in titles more often than they should). */
function plainText(text: string): string {
  return cleanText(/<[a-z/!]/i.test(text) ? htmlText(text) : text, { oneLine: true }).trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
