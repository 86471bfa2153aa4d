import { decodeHTML } from 'entities';
import type { CommentStatus } from '../wire';
import { LIMITS } from '../wire';
import { DisqusReader, type DisqusPost, type DisqusThread } from './disqus';
import { htmlToMarkdown } from './html-to-markdown';
import { importedCommentId } from './import-ids';
import { IMPORT_BODY_LIMIT, IMPORT_FLAGS, type ImportFormat, type ImportWarning, type ImportedComment, type ProtectedPosts, type SkipReason } from './model';
import { exactMapping, isNormalisedThread, threadFits, threadForLink, type ThreadMapping } from './thread-map';
import { WxrReader, type WxrComment, type WxrItem } from './wordpress';
import { XmlStream, type XmlVisitor } from './xml-stream';
import { cleanText, isCleanLine, isEmail, isWebUrl } from '../lib/fields';

/** What an import run is told. */
export interface CommentImporterOptions {
  /** The Parley site the comments go to (part of every derived id). */
  site: string;
  /** Taken from the document's root element (`<rss>` or `<disqus>`) when not given. */
  format?: ImportFormat;
  mapping?: ThreadMapping;
  /** For error messages. */
  fileName?: string;
  /** Comments on a WordPress password-protected post: held for moderation (default) or skipped. */
  protectedPosts?: ProtectedPosts;
  /** The import's time (ms), given to comments the file dates nowhere (default: now). */
  importedAt?: number;
}

/** What was found in a file and what became of it. */
export interface ImportTally {
  format: ImportFormat | null;
  /** Comments in the file (every `<wp:comment>` or `<post>`). */
  found: number;
  /** Comments read and ready to import. */
  ready: number;
  byStatus: Record<CommentStatus, number>;
  skipped: Partial<Record<SkipReason, number>>;
  /** For `other-type`: how many of each WordPress comment type. */
  skippedTypes: Record<string, number>;
  warnings: Partial<Record<ImportWarning, number>>;
  /** Distinct threads the ready comments go to. */
  threads: number;
  /** A few original ids per reason or warning, to look them up in the file. */
  examples: Partial<Record<SkipReason | ImportWarning, string[]>>;
}

const EXAMPLES = 3;

/** A tally with nothing counted yet. */
export function emptyTally(format: ImportFormat | null = null): ImportTally {
  return { format, found: 0, ready: 0, byStatus: { pending: 0, approved: 0, spam: 0, removed: 0 }, skipped: {}, skippedTypes: {}, warnings: {}, threads: 0, examples: {} };
}

/** WordPress `comment_approved`: 1, 0, spam, trash (and post-trashed, when the post went to the trash). */
function wordpressStatus(approved: string): CommentStatus {
  switch (approved.trim().toLowerCase()) {
    case '1':
    case 'approve':
    case 'approved':
      return 'approved';
    case 'spam':
      return 'spam';
    case 'trash':
    case 'post-trashed':
      return 'removed';
    default:
      // 0, empty or unknown: a moderator decides.
      return 'pending';
  }
}

/** `2014-04-29 15:21:35` (WordPress, no zone: read as UTC) or ISO 8601 (Disqus); NaN when unusable. */
function parseDate(text: string): number {
  const value = text.trim();
  const wordpress = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (wordpress) {
    const [, y, mo, d, h, mi, s] = wordpress.map(Number);
    if (y === 0 || mo === 0 || d === 0) return NaN;
    return Date.UTC(y, mo - 1, d, h, mi, s || 0);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return Date.parse(value);
  // RSS pubDate: "Tue, 14 Jan 2014 17:31:03 +0000".
  if (/^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} /.test(value)) return Date.parse(value);
  return NaN;
}

function firstDate(...candidates: string[]): number {
  for (const candidate of candidates) {
    const ms = parseDate(candidate);
    if (Number.isFinite(ms)) return ms;
  }
  return NaN;
}

/** Names may carry HTML entities (`Ping 1 &laquo; What&#8217;s…`) and stray tags. */
function cleanAuthor(raw: string): string {
  const text = cleanText(decodeHTML(raw.replace(/<[^>]*>/g, '')), { oneLine: true }).trim();
  return [...text].slice(0, LIMITS.author).join('').slice(0, LIMITS.author).trim();
}

function cleanEmail(raw: string): string | null {
  const email = raw.trim();
  return email.length <= LIMITS.email && isEmail(email) ? email : null;
}

function cleanWebsite(raw: string): string | null {
  const text = decodeHTML(raw).trim();
  return text && text.length <= LIMITS.website && isCleanLine(text) && isWebUrl(text) ? text : null;
}

function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text.trim());
}

/**
 * Turns the text of an export into Parley comments, as it streams. Parsing is synchronous and
 * event-driven (./xml-stream.ts); the work that needs `await` (hashing ids) runs after each
 * chunk, on what that chunk completed. Pure: no I/O, so the same code runs in the Worker,
 * in workerd tests and in the Node CLI.
 *
 * - Threads come from each post's link through the {@link ThreadMapping}.
 * - Ids are derived from the original ids (./import-ids.ts): re-importing rewrites the same keys.
 * - Replies point to their parent's Parley id; a reply never comes out before its parent.
 * - Trackbacks, pingbacks, empty comments, duplicates and orphans are skipped and counted.
 *
 * @example
 * const importer = new CommentImporter({ site: 'demo' });
 * const ready = [...(await importer.write(chunk)), ...(await importer.end())];
 * importer.tally // found, ready, skipped…
 */
export class CommentImporter {
  readonly tally: ImportTally;
  private readonly xml: XmlStream;
  private readonly queue: ({ kind: 'item'; item: WxrItem } | { kind: 'thread'; thread: DisqusThread } | { kind: 'post'; post: DisqusPost })[] = [];
  private readonly output: ImportedComment[] = [];
  private readonly threadsSeen = new Set<string>();
  private readonly mapping: ThreadMapping;
  /** Threads already noted as not in the widget's normal form. */
  private readonly notedThreads = new Set<string>();
  private itemIndex = 0;
  /** WordPress: `{item}/{comment id}` of every comment read; Disqus: every post id. */
  private readonly seen = new Set<string>();
  /** Disqus pages by `dsq:id`. */
  private readonly disqusThreads = new Map<string, DisqusThread>();
  /** Disqus posts by `dsq:id`: the Parley id and thread they got (also for skipped empty ones, so replies keep their place). */
  private readonly disqusIds = new Map<string, { id: string; thread: string }>();
  /** Disqus posts waiting for their thread (orphans until the end) or their parent. */
  private readonly waitingForThread: DisqusPost[] = [];
  private readonly waitingForParent = new Map<string, DisqusPost[]>();

  /** The import's time, for comments dated nowhere in the file. */
  private readonly importedAt: number;

  constructor(private readonly options: CommentImporterOptions) {
    this.importedAt = options.importedAt ?? Date.now();
    this.tally = emptyTally(options.format ?? null);
    this.mapping = options.mapping ?? {};
    const dispatch: XmlVisitor = {
      open: (name, attributes) => {
        if (!reader) reader = this.readerFor(name);
        reader.open(name, attributes);
      },
      text: (text) => reader?.text(text),
      close: (name) => reader?.close(name),
    };
    let reader: XmlVisitor | null = null;
    this.xml = new XmlStream(dispatch, { fileName: options.fileName });
  }

  /** Parses the next chunk; returns the comments it completed, ready to send. */
  async write(chunk: string): Promise<ImportedComment[]> {
    this.xml.write(chunk);
    await this.drain();
    return this.output.splice(0);
  }

  /** Ends the document (throws if it is not well-formed) and returns the last comments. */
  async end(): Promise<ImportedComment[]> {
    this.xml.end();
    await this.drain();
    if (this.tally.format === null) throw new Error(`${this.options.fileName ?? 'The file'} is not a WordPress (WXR) or Disqus export: it has no <rss> or <disqus> root element.`);
    // Disqus: posts whose thread never came are orphans; replies whose parent never came go to the top level.
    for (const post of this.waitingForThread.splice(0)) {
      if (this.disqusThreads.has(post.thread)) await this.disqusPost(post, true);
      else this.skip('orphan', `disqus post ${post.dsqId}`);
    }
    while (this.waitingForParent.size > 0) {
      const [parent, posts] = this.waitingForParent.entries().next().value as [string, DisqusPost[]];
      this.waitingForParent.delete(parent);
      for (const post of posts) await this.disqusPost(post, true, true);
    }
    return this.output.splice(0);
  }

  private readerFor(root: string): XmlVisitor {
    const format: ImportFormat | null = root === 'rss' ? 'wordpress' : root === 'disqus' ? 'disqus' : null;
    const expected = this.options.format;
    if (!format || (expected && expected !== format)) {
      const what = format ? `a ${format === 'wordpress' ? 'WordPress' : 'Disqus'} export` : `<${root}>`;
      throw new Error(`${this.options.fileName ?? 'The file'} starts with ${what}, not ${expected ? `a ${expected} export` : 'a WordPress <rss> or Disqus <disqus> export'}.`);
    }
    this.tally.format = format;
    if (format === 'wordpress') return new WxrReader((item) => this.queue.push({ kind: 'item', item }));
    return new DisqusReader(
      (thread) => this.queue.push({ kind: 'thread', thread }),
      (post) => this.queue.push({ kind: 'post', post }),
    );
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event; event = this.queue.shift()) {
      if (event.kind === 'item') await this.wordpressItem(event.item);
      else if (event.kind === 'thread') this.disqusThread(event.thread);
      else await this.disqusPost(event.post);
    }
  }

  private skip(reason: SkipReason, original: string): void {
    this.tally.skipped[reason] = (this.tally.skipped[reason] ?? 0) + 1;
    this.example(reason, original);
  }

  private warn(warning: ImportWarning, original: string): void {
    this.tally.warnings[warning] = (this.tally.warnings[warning] ?? 0) + 1;
    this.example(warning, original);
  }

  private example(key: SkipReason | ImportWarning, original: string): void {
    const list = (this.tally.examples[key] ??= []);
    if (list.length < EXAMPLES) list.push(original);
  }

  private emit(comment: ImportedComment): void {
    this.output.push(comment);
    this.tally.ready++;
    this.tally.byStatus[comment.status]++;
    if (!this.threadsSeen.has(comment.thread)) {
      this.threadsSeen.add(comment.thread);
      this.tally.threads++;
    }
  }

  /**
   * When a comment was written: its own date; else its post's (noted); else, dated nowhere, the
   * import's time, noted and flagged for moderators. The id is built from a date that does not
   * change between runs (the post's, or 0), so importing again rewrites the same key.
   */
  private dated(own: number, post: number, original: string): { ms: number; idMs: number; flags: string[] } {
    if (Number.isFinite(own)) return { ms: own, idMs: own, flags: [] };
    if (Number.isFinite(post)) {
      this.warn('date-missing', original);
      return { ms: post, idMs: post, flags: [] };
    }
    this.warn('date-unknown', original);
    return { ms: this.importedAt, idMs: 0, flags: [IMPORT_FLAGS.dateUnknown] };
  }

  private author(raw: string, ...fallbacks: string[]): { name: string; missing: boolean } {
    for (const candidate of [raw, ...fallbacks]) {
      const name = cleanAuthor(candidate);
      if (name) return { name, missing: false };
    }
    return { name: 'Anonymous', missing: true };
  }

  private body(html: string, newlines: 'significant' | 'collapse', original: string): string {
    let body = cleanText(htmlToMarkdown(html, { newlines })).trim();
    if (body.length > IMPORT_BODY_LIMIT) {
      body = `${body.slice(0, IMPORT_BODY_LIMIT - 1)}…`;
      this.warn('truncated', original);
    }
    return body;
  }

  /** Where a post's comments go: its mapped link, else its guid, else `/?p={post id}`. */
  private wordpressThread(item: WxrItem): string | null {
    const link = item.link.trim() || (isUrl(item.guid) ? item.guid.trim() : '');
    if (link) return this.threadOf(link);
    const postId = item.postId.trim();
    return postId ? this.threadOf(`/?p=${postId}`) : null;
  }

  /**
   * A post's link as a thread id ({@link threadForLink}). Notes each thread (once) whose path is not
   * what a page's widget derives when the page names no thread (`/hello`, asked for as `/hello/`):
   * the owner may want `--normalise-paths`.
   */
  private threadOf(link: string): string | null {
    const thread = threadForLink(link, this.mapping);
    if (thread && !this.mapping.normalisePaths && exactMapping(link, this.mapping) === undefined && !isNormalisedThread(thread) && !this.notedThreads.has(thread)) {
      this.notedThreads.add(thread);
      this.warn('thread-not-normalised', thread);
    }
    return thread;
  }

  private async wordpressItem(item: WxrItem): Promise<void> {
    this.itemIndex++;
    if (item.comments.length === 0) return;
    const itemKey = item.postId.trim() || item.link.trim() || item.guid.trim() || `#${this.itemIndex}`;
    const thread = this.wordpressThread(item);
    const postDate = firstDate(item.postDateGmt, item.postDate, item.pubDate);
    const isProtected = item.postPassword.trim() !== '';
    const prepared: { raw: WxrComment; original: string; comment: ImportedComment }[] = [];
    /** Comment ids of this item → Parley ids, for replies. */
    const ids = new Map<string, string>();

    for (const raw of item.comments) {
      this.tally.found++;
      const commentId = raw.id.trim();
      const original = `wordpress comment ${commentId || '(no id)'} on ${item.link.trim() || `post ${itemKey}`}`;
      const type = raw.type.trim().toLowerCase();
      if (type === 'trackback' || type === 'pingback') {
        this.skip(type, original);
        continue;
      }
      if (type && type !== 'comment' && type !== 'review') {
        this.skip('other-type', original);
        this.tally.skippedTypes[type] = (this.tally.skippedTypes[type] ?? 0) + 1;
        continue;
      }
      if (!commentId) {
        this.skip('missing-id', original);
        continue;
      }
      const key = `${itemKey}/${commentId}`;
      if (this.seen.has(key)) {
        this.skip('duplicate', original);
        continue;
      }
      this.seen.add(key);
      if (!thread) {
        this.skip('no-thread', original);
        continue;
      }
      if (!threadFits(thread)) {
        this.skip('thread-too-long', original);
        continue;
      }
      if (isProtected && this.options.protectedPosts === 'skip') {
        this.skip('password-protected', original);
        continue;
      }
      const { ms, idMs, flags } = this.dated(firstDate(raw.dateGmt, raw.date), postDate, original);
      const id = await importedCommentId(this.options.site, 'wordpress', key, idMs);
      ids.set(commentId, id);
      const body = this.body(raw.content, 'significant', original);
      if (!body) {
        this.skip('missing-content', original);
        continue;
      }
      const author = this.author(raw.author);
      if (author.missing) this.warn('author-missing', original);
      let status = wordpressStatus(raw.approved);
      if (isProtected) {
        // WordPress showed these only to readers who knew the post's password: a moderator decides.
        if (status === 'approved') status = 'pending';
        flags.push(IMPORT_FLAGS.passwordProtected);
        this.warn('password-protected', original);
      }
      prepared.push({
        raw,
        original,
        comment: {
          id,
          thread,
          parentId: null,
          author: author.name,
          email: cleanEmail(raw.email),
          website: cleanWebsite(raw.url),
          body,
          status,
          createdAt: new Date(ms).toISOString(),
          ...(flags.length ? { flags } : {}),
        },
      });
    }
    // Parents are resolved once the whole post is read: a reply may come before its parent.
    for (const { raw, original, comment } of prepared) {
      const parent = raw.parent.trim();
      if (parent && parent !== '0') {
        const parentId = ids.get(parent);
        if (parentId && parentId !== comment.id) comment.parentId = parentId;
        else this.warn('parent-missing', original);
      }
      this.emit(comment);
    }
  }

  private disqusThread(thread: DisqusThread): void {
    if (thread.dsqId) this.disqusThreads.set(thread.dsqId, thread);
  }

  /**
   * A Disqus post. Waits for its thread (Disqus lists threads first; one that never comes makes
   * an orphan) and for its parent (so the parent's id is known), then comes out, followed by
   * the replies that waited for it. `again` is for a post coming back from waiting.
   */
  private async disqusPost(post: DisqusPost, again = false, parentGone = false): Promise<void> {
    const original = `disqus post ${post.dsqId || '(no id)'}`;
    if (!again) {
      this.tally.found++;
      if (!post.dsqId) return this.skip('missing-id', original);
      if (this.seen.has(post.dsqId)) return this.skip('duplicate', original);
      this.seen.add(post.dsqId);
    }
    const page = this.disqusThreads.get(post.thread);
    if (!page) {
      this.waitingForThread.push(post);
      return;
    }
    const parentRef = post.parent;
    const parent = parentRef && !parentGone ? this.disqusIds.get(parentRef) : undefined;
    if (parentRef && !parentGone && !parent) {
      const waiting = this.waitingForParent.get(parentRef) ?? [];
      waiting.push(post);
      this.waitingForParent.set(parentRef, waiting);
      return;
    }

    const thread = page.link.trim() ? this.threadOf(page.link) : null;
    const { ms, idMs, flags } = this.dated(firstDate(post.createdAt), firstDate(page.createdAt), original);
    const id = await importedCommentId(this.options.site, 'disqus', post.dsqId, idMs);
    if (thread) this.disqusIds.set(post.dsqId, { id, thread });
    this.disqusComment(post, original, id, thread, ms, parentRef ? (parent ?? null) : undefined, flags);
    // Replies that waited for this post come out after it.
    const waiting = this.waitingForParent.get(post.dsqId);
    if (waiting) {
      this.waitingForParent.delete(post.dsqId);
      for (const reply of waiting) await this.disqusPost(reply, true);
    }
  }

  /** The Parley comment of a Disqus post whose thread and parent are settled (`parent` undefined: not a reply; null: parent gone). */
  private disqusComment(post: DisqusPost, original: string, id: string, thread: string | null, ms: number, parent: { id: string; thread: string } | null | undefined, flags: string[]): void {
    if (!thread) return this.skip('no-thread', original);
    if (!threadFits(thread)) return this.skip('thread-too-long', original);
    const body = this.body(post.message, 'collapse', original);
    if (!body) return this.skip('missing-content', original);
    let parentId: string | null = null;
    if (parent !== undefined) {
      if (parent && parent.thread === thread && parent.id !== id) parentId = parent.id;
      else this.warn('parent-missing', original);
    }
    const author = this.author(post.authorName, post.authorUsername);
    if (author.missing) this.warn('author-missing', original);
    const isTrue = (text: string) => text.trim().toLowerCase() === 'true';
    this.emit({
      id,
      thread,
      parentId,
      author: author.name,
      email: cleanEmail(post.authorEmail),
      website: null,
      body,
      status: isTrue(post.isSpam) ? 'spam' : isTrue(post.isDeleted) ? 'removed' : 'approved',
      createdAt: new Date(ms).toISOString(),
      ...(flags.length ? { flags } : {}),
    });
  }
}
