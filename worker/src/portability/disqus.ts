import type { XmlVisitor } from './xml-stream';

/** One `<thread>` of a Disqus export (a page that had a comment box). */
export interface DisqusThread {
  /** `dsq:id`, what posts refer to. */
  dsqId: string;
  /** The page's Disqus identifier (`<id>`), often empty. */
  identifier: string;
  link: string;
  createdAt: string;
}

/** One `<post>` (comment) of a Disqus export, every field as text ('' when absent). */
export interface DisqusPost {
  dsqId: string;
  message: string;
  createdAt: string;
  isDeleted: string;
  isSpam: string;
  authorName: string;
  authorEmail: string;
  authorUsername: string;
  /** `dsq:id` of its thread. */
  thread: string;
  /** `dsq:id` of the post it answers, or ''. */
  parent: string;
}

function dsqId(attributes: Record<string, string>): string {
  if (attributes['dsq:id'] !== undefined) return attributes['dsq:id'].trim();
  for (const [name, value] of Object.entries(attributes)) if (name.endsWith(':id')) return value.trim();
  return '';
}

const THREAD_FIELDS: Record<string, keyof DisqusThread> = { id: 'identifier', link: 'link', createdAt: 'createdAt' };
const POST_FIELDS: Record<string, keyof DisqusPost> = { message: 'message', createdAt: 'createdAt', isDeleted: 'isDeleted', isSpam: 'isSpam' };
const AUTHOR_FIELDS: Record<string, keyof DisqusPost> = { name: 'authorName', email: 'authorEmail', username: 'authorUsername' };

/**
 * Reads a Disqus XML export as it streams: `<thread>` elements (pages) and `<post>` elements
 * (comments), each handed over when it closes. Categories and everything else are skipped.
 */
export class DisqusReader implements XmlVisitor {
  private readonly stack: string[] = [];
  private thread: DisqusThread | null = null;
  private post: DisqusPost | null = null;
  private capture: { target: Record<string, string>; field: string; depth: number } | null = null;

  constructor(
    private readonly onThread: (thread: DisqusThread) => void,
    private readonly onPost: (post: DisqusPost) => void,
  ) {}

  open(name: string, attributes: Record<string, string>): void {
    const parent = this.stack[this.stack.length - 1];
    this.stack.push(name);
    const depth = this.stack.length;
    if (this.capture) return;
    if (depth === 2 && name === 'thread') {
      this.thread = { dsqId: dsqId(attributes), identifier: '', link: '', createdAt: '' };
    } else if (depth === 2 && name === 'post') {
      this.post = { dsqId: dsqId(attributes), message: '', createdAt: '', isDeleted: '', isSpam: '', authorName: '', authorEmail: '', authorUsername: '', thread: '', parent: '' };
    } else if (this.thread && depth === 3 && name in THREAD_FIELDS) {
      this.capture = { target: this.thread as unknown as Record<string, string>, field: THREAD_FIELDS[name], depth };
    } else if (this.post && depth === 3) {
      if (name === 'thread') this.post.thread = dsqId(attributes);
      else if (name === 'parent') this.post.parent = dsqId(attributes);
      else if (name in POST_FIELDS) this.capture = { target: this.post as unknown as Record<string, string>, field: POST_FIELDS[name], depth };
    } else if (this.post && depth === 4 && parent === 'author' && name in AUTHOR_FIELDS) {
      this.capture = { target: this.post as unknown as Record<string, string>, field: AUTHOR_FIELDS[name], depth };
    }
  }

  text(text: string): void {
    if (this.capture) this.capture.target[this.capture.field] += text;
  }

  close(name: string): void {
    if (this.capture && this.capture.depth === this.stack.length) this.capture = null;
    const depth = this.stack.length;
    this.stack.pop();
    if (this.capture || depth !== 2) return;
    if (name === 'thread' && this.thread) {
      const thread = this.thread;
      this.thread = null;
      this.onThread(thread);
    } else if (name === 'post' && this.post) {
      const post = this.post;
      this.post = null;
      this.onPost(post);
    }
  }
}
