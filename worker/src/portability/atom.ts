import type { SiteConfig } from '../config/sites';
import { threadUrl } from '../lib/thread-url';
import type { PublicComment } from '../wire';

/** Entries per feed. */
export const FEED_ENTRIES = 50;

/** A comment as a feed entry needs it: the public view plus where it lives. */
export interface FeedComment extends PublicComment {
  thread: string;
}

/** What {@link renderAtom} needs. */
export interface AtomFeedInput {
  site: SiteConfig;
  /** Set for a thread's feed; absent for the site-wide feed. */
  thread?: string;
  /** The feed's own absolute URL (its id and `rel="self"` link). */
  selfUrl: string;
  /** Newest first; at most {@link FEED_ENTRIES} are used. */
  comments: FeedComment[];
}

const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(XML_FORBIDDEN, '').replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

/**
 * A stable, globally unique entry id (RFC 4151 tag URI): the site's host (or the Worker's),
 * the day the comment was written, the site and the comment id. It never changes, whatever
 * happens to the comment.
 */
function entryId(authority: string, site: string, comment: PublicComment): string {
  return `tag:${authority},${comment.createdAt.slice(0, 10)}:parley/${encodeURIComponent(site)}/${comment.id}`;
}

/**
 * Renders an Atom 1.0 feed of comments. Entries carry the comment's rendered (already safe)
 * HTML as escaped `type="html"` content, the author's name (never an email) and website, and a
 * link to the comment on its page when the site's URL is known.
 *
 * @example
 * renderAtom({ site, selfUrl: 'https://parley.example/feeds/demo.atom', comments })
 */
export function renderAtom(input: AtomFeedInput): string {
  const { site, thread, selfUrl } = input;
  const comments = input.comments.filter((comment) => !comment.deleted).slice(0, FEED_ENTRIES);
  const authority = (() => {
    try {
      return new URL(site.url ?? selfUrl).hostname;
    } catch {
      return 'parley.invalid';
    }
  })();
  const home = thread ? threadUrl(site, thread) : site.url ?? null;
  const updated = comments.reduce((latest, comment) => (comment.createdAt > latest ? comment.createdAt : latest), '1970-01-01T00:00:00.000Z');
  const title = thread ? `Comments on ${thread} — ${site.name}` : `Comments on ${site.name}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(selfUrl)}</id>`,
    `  <title>${escapeXml(title)}</title>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(selfUrl)}"/>`,
    ...(home ? [`  <link rel="alternate" type="text/html" href="${escapeXml(home)}"/>`] : []),
    '  <generator>Parley</generator>',
  ];
  for (const comment of comments) {
    const page = threadUrl(site, comment.thread);
    const kind = comment.parentId ? 'Reply' : 'Comment';
    lines.push(
      '  <entry>',
      `    <id>${escapeXml(entryId(authority, site.id, comment))}</id>`,
      `    <title>${escapeXml(`${kind} by ${comment.author} on ${comment.thread}`)}</title>`,
      `    <published>${comment.createdAt}</published>`,
      `    <updated>${comment.createdAt}</updated>`,
      '    <author>',
      `      <name>${escapeXml(comment.author)}</name>`,
      ...(comment.website ? [`      <uri>${escapeXml(comment.website)}</uri>`] : []),
      '    </author>',
      ...(page ? [`    <link rel="alternate" type="text/html" href="${escapeXml(`${page}#comment-${comment.id}`)}"/>`] : []),
      `    <content type="html">${escapeXml(comment.html)}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
