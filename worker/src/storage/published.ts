import type { ThreadSort } from '../wire';
import { threadPart } from './thread-part';

/**
 * What readers read: the thread views, pages and counts that a thread's object publishes to KV.
 * Each is stored as the exact JSON a reader gets (or nearly: a few fields that depend on the
 * request are spliced in front), so a read never parses or re-serialises comments.
 *
 * - `view:{site}:{thread}` the first page of each sort order, concatenated; the metadata gives
 *   each one's offsets ({@link ViewMeta}). One read answers `GET /api/comments` in any order.
 * - `vpage:{site}:{thread}:{n}` block n of top-level comments (with their first replies), in
 *   publication order: the later pages. Metadata `{last}`.
 * - `vrep:{site}:{thread}:{rootId}:{n}` page n of the replies to one top-level comment.
 * - `cnt:{site}:{thread}` the number of approved comments (a few bytes, for index pages).
 *
 * This module is the only code that builds or parses these keys and formats.
 */
export const VIEW_FORMAT = 3;

/** Offsets (UTF-16 code units) of each sort's first page inside a view's value. */
export interface ViewMeta {
  /** format: 3 */
  f: typeof VIEW_FORMAT;
  o: [number, number];
  n: [number, number];
  t: [number, number];
  /** When the first comment shown was posted (ms), for auto-lock; null when none is. */
  a: number | null;
}

/** Metadata of a stored page: whether it is the last one (in oldest-first order). */
export interface PageMeta {
  last: boolean;
}

/** A first page as stored: its JSON, and what the reader's request may still change in it. */
export interface StoredFirstPage {
  /** The JSON body, beginning with `{"locked":false,` or `{"locked":true,`. */
  body: string;
  firstAt: number | null;
}

const SORT_FIELD: Record<ThreadSort, 'o' | 'n' | 't'> = { oldest: 'o', newest: 'n', top: 't' };

export const publishedKeys = {
  async view(site: string, thread: string): Promise<string> {
    return `view:${site}:${await threadPart(thread)}`;
  },
  async block(site: string, thread: string, index: number): Promise<string> {
    return `vpage:${site}:${await threadPart(thread)}:${index}`;
  },
  async replies(site: string, thread: string, rootId: string, index: number): Promise<string> {
    return `vrep:${site}:${await threadPart(thread)}:${rootId}:${index}`;
  },
  async count(site: string, thread: string): Promise<string> {
    return `cnt:${site}:${await threadPart(thread)}`;
  },
};

/** The JSON of a thread nobody has commented on (what a read answers when there is no view). */
export function emptyFirstPage(sort: ThreadSort, pageSize: number): string {
  return `{"locked":false,"total":0,"followers":0,"sort":"${sort}","pageSize":${pageSize},"next":null,"comments":[]}`;
}

/** A first page with `locked` set to true (auto-lock by age is decided when it is read). */
export function lockedFirstPage(body: string): string {
  return body.startsWith('{"locked":false,') ? `{"locked":true,${body.slice('{"locked":false,'.length)}` : body;
}

/**
 * Reads and writes the published views. Readers use the read side (one KV read per request);
 * only a thread's object writes.
 */
export class PublishedStore {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * The stored first page of a sort (one read), `null` when nothing was ever published there,
   * or `'legacy'` when the view is in the layout before thread objects (its object then
   * republishes it once).
   */
  async readFirstPage(site: string, thread: string, sort: ThreadSort): Promise<StoredFirstPage | 'legacy' | null> {
    const { value, metadata } = await this.kv.getWithMetadata<ViewMeta>(await publishedKeys.view(site, thread), 'text');
    if (value === null) return null;
    if (!metadata || metadata.f !== VIEW_FORMAT) return 'legacy';
    const [start, end] = metadata[SORT_FIELD[sort]];
    return { body: value.slice(start, end), firstAt: metadata.a };
  }

  /** A stored block of top-level comments (one read), or null. */
  async readBlock(site: string, thread: string, index: number): Promise<{ body: string; last: boolean } | null> {
    const { value, metadata } = await this.kv.getWithMetadata<PageMeta>(await publishedKeys.block(site, thread, index), 'text');
    return value === null ? null : { body: value, last: metadata?.last !== false };
  }

  /** A stored page of replies (one read), or null. */
  async readReplies(site: string, thread: string, rootId: string, index: number): Promise<{ body: string; last: boolean } | null> {
    const { value, metadata } = await this.kv.getWithMetadata<PageMeta>(await publishedKeys.replies(site, thread, rootId, index), 'text');
    return value === null ? null : { body: value, last: metadata?.last !== false };
  }

  /** Approved-comment counts of several threads of a site: one batched read of their count keys. */
  async readCounts(site: string, threads: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (threads.length === 0) return counts;
    const countKeys = await Promise.all(threads.map((thread) => publishedKeys.count(site, thread)));
    const stored = (await this.kv.get<number>(countKeys, 'json')) as Map<string, number | null>;
    threads.forEach((thread, index) => {
      const value = stored.get(countKeys[index]);
      counts.set(thread, typeof value === 'number' ? value : 0);
    });
    return counts;
  }

  /** Writes a view: the first page of each sort, each stored once even when two sorts share it. */
  static packView(pages: Record<ThreadSort, string>, firstAt: number | null): { value: string; metadata: ViewMeta } {
    let value = '';
    const offsets = new Map<string, [number, number]>();
    const place = (body: string): [number, number] => {
      const known = offsets.get(body);
      if (known) return known;
      const range: [number, number] = [value.length, value.length + body.length];
      value += body;
      offsets.set(body, range);
      return range;
    };
    const metadata: ViewMeta = { f: VIEW_FORMAT, o: place(pages.oldest), n: place(pages.newest), t: place(pages.top), a: firstAt };
    return { value, metadata };
  }
}
