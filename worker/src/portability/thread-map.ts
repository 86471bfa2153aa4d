import { LIMITS } from '../wire';
import { isCleanLine } from '../lib/fields';
import { normalisedPath } from '../lib/thread-path';

/**
 * How the links of an export's posts become Parley thread ids. By default a thread is the
 * path of the post's URL exactly (with its query, if any: `?p=4` permalinks stay apart), as
 * earlier releases imported it and as pages that name their thread with `data-thread="{path}"`
 * ask for it. `normalisePaths` normalises the path as the widget derives a page's thread when the
 * page names none ({@link normalisedPath}: `/2014/hello` and `/2014/hello/index.html` are
 * `/2014/hello/`).
 */
export interface ThreadMapping {
  /** Paths normalised as the widget derives them (`--normalise-paths`). */
  normalisePaths?: boolean;
  /** Whole links mapped to thread ids, checked first. */
  exact?: Record<string, string>;
  /**
   * Link prefixes replaced by another prefix, longest first: `{from: 'https://old.example/blog',
   * to: '/posts'}` turns `https://old.example/blog/2014/hello/` into `/posts/2014/hello/`.
   */
  prefixes?: { from: string; to: string }[];
}

/**
 * Parses a `FROM=TO` argument (`--map-prefix https://old.example=/`).
 *
 * @example
 * parseMapPrefix('https://old.example/blog=/posts') // { from: 'https://old.example/blog', to: '/posts' }
 */
export function parseMapPrefix(argument: string): { from: string; to: string } {
  const at = argument.lastIndexOf('=');
  if (at <= 0) throw new Error(`--map-prefix takes FROM=TO, e.g. https://old.example=/ (got "${argument}")`);
  return { from: argument.slice(0, at), to: argument.slice(at + 1) };
}

/**
 * Reads a JSON map file: an object of link → thread id. A key ending in `*` is a prefix, and
 * its value's trailing `*` (optional) stands for the rest of the link.
 *
 * @example
 * parseMapFile({ 'http://example.tld/?p=4': '/2014/test/', 'https://old.example/*': '/*' })
 */
export function parseMapFile(json: unknown): ThreadMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('The map file must hold a JSON object of "old link": "thread id" pairs.');
  const mapping: Required<Omit<ThreadMapping, 'normalisePaths'>> = { exact: {}, prefixes: [] };
  for (const [key, value] of Object.entries(json)) {
    if (typeof value !== 'string') throw new Error(`The map file's value for "${key}" must be a string.`);
    if (key.endsWith('*')) mapping.prefixes.push({ from: key.slice(0, -1), to: value.endsWith('*') ? value.slice(0, -1) : value });
    else mapping.exact[key] = value;
  }
  return mapping;
}

/** Joins a mapped prefix and the rest of a link without doubling or losing the slash between them. */
function joinPath(to: string, rest: string): string {
  if (to.endsWith('/') && rest.startsWith('/')) return to + rest.slice(1);
  return to + rest;
}


/**
 * The path and query of a URL, or the string itself when it is already a path. `normalise`: the
 * path as the widget derives it from a page's address (percent-encoded as the URL parser gives
 * it, then {@link normalisedPath}).
 */
function pathOf(target: string, normalise = false): string | null {
  const text = target.trim();
  if (!text) return null;
  if (text.startsWith('/') && !normalise) return text.split('#')[0] || '/';
  try {
    // A path is read against a placeholder origin ("//host/x" is a path here, not another host).
    const url = text.startsWith('/') ? new URL(text.replace(/^\/+/, '/'), 'http://path.invalid') : new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return (normalise ? normalisedPath(url.pathname) : url.pathname) + url.search;
  } catch {
    return null;
  }
}

/** Whether a derived thread id's path is already what the widget would derive (for the importer's note). */
export function isNormalisedThread(thread: string): boolean {
  if (!thread.startsWith('/')) return true;
  const path = thread.split(/[?#]/)[0];
  return normalisedPath(path) === path;
}

/**
 * The thread id for a post's link, or null when there is none to be had (reported as
 * `no-thread`). A mapped value that is not a URL or a path (e.g. `post-42`) is taken as it is.
 *
 * @example
 * threadForLink('https://old.example/2014/hello/#comments', {}) // '/2014/hello/'
 * threadForLink('https://old.example/2014/hello', {}) // '/2014/hello'
 * threadForLink('https://old.example/2014/hello', { normalisePaths: true }) // '/2014/hello/' (as the widget derives it)
 */
export function threadForLink(link: string, mapping: ThreadMapping = {}): string | null {
  const text = link.trim();
  if (!text) return null;
  // A whole link mapped to a thread id: the id as the owner wrote it.
  const exact = exactMapping(text, mapping);
  if (exact !== undefined) return finish(pathOf(exact) ?? exact.trim());
  const normalise = mapping.normalisePaths === true;
  const prefix = [...(mapping.prefixes ?? [])].sort((a, b) => b.from.length - a.from.length).find((entry) => text.startsWith(entry.from));
  if (prefix) {
    const mapped = joinPath(prefix.to, text.slice(prefix.from.length)).split('#')[0];
    return finish(pathOf(mapped, normalise) ?? mapped.trim());
  }
  return finish(pathOf(text, normalise));
}

/** The thread id `mapping` gives this whole link (with or without its fragment), if it names it. */
export function exactMapping(link: string, mapping: ThreadMapping): string | undefined {
  const text = link.trim();
  return mapping.exact?.[text] ?? mapping.exact?.[text.split('#')[0]];
}

function finish(thread: string | null): string | null {
  return thread ? thread : null;
}

/** Whether a thread id fits Parley's rules: at most 256 characters of one line of text (lib/fields.ts). */
export function threadFits(thread: string): boolean {
  return thread.length <= LIMITS.thread && isCleanLine(thread);
}
