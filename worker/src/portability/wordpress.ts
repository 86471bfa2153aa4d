import type { XmlVisitor } from './xml-stream';

/** One `<wp:comment>` as found in a WordPress export (WXR), every field as text ('' when absent). */
export interface WxrComment {
  id: string;
  author: string;
  email: string;
  url: string;
  date: string;
  dateGmt: string;
  content: string;
  approved: string;
  type: string;
  parent: string;
}

/** One `<item>` (post, page, attachment…) with its comments. */
export interface WxrItem {
  link: string;
  guid: string;
  postId: string;
  postType: string;
  postDate: string;
  postDateGmt: string;
  pubDate: string;
  /** `wp:post_password`: not empty on a password-protected post, whose comments WordPress shows only to readers who know it. */
  postPassword: string;
  comments: WxrComment[];
}

const ITEM_FIELDS: Record<string, keyof Omit<WxrItem, 'comments'>> = {
  link: 'link',
  guid: 'guid',
  post_id: 'postId',
  post_type: 'postType',
  post_date: 'postDate',
  post_date_gmt: 'postDateGmt',
  pubDate: 'pubDate',
  post_password: 'postPassword',
};

const COMMENT_FIELDS: Record<string, keyof WxrComment> = {
  comment_id: 'id',
  comment_author: 'author',
  comment_author_email: 'email',
  comment_author_url: 'url',
  comment_date: 'date',
  comment_date_gmt: 'dateGmt',
  comment_content: 'content',
  comment_approved: 'approved',
  comment_type: 'type',
  comment_parent: 'parent',
};

function emptyComment(): WxrComment {
  return { id: '', author: '', email: '', url: '', date: '', dateGmt: '', content: '', approved: '', type: '', parent: '' };
}

/**
 * Reads a WordPress eXtended RSS export (WXR 1.0–1.2, any namespace scheme) as it streams:
 * hands over each `<item>` with its comments when the item closes, so memory holds one post's
 * comments at most. Everything else (post bodies, terms, comment meta) is skipped unread.
 */
export class WxrReader implements XmlVisitor {
  private readonly stack: string[] = [];
  private item: WxrItem | null = null;
  private comment: WxrComment | null = null;
  private capture: { target: Record<string, string>; field: string; depth: number } | null = null;

  constructor(private readonly onItem: (item: WxrItem) => void) {}

  open(name: string): void {
    const parent = this.stack[this.stack.length - 1];
    this.stack.push(name);
    if (this.capture) return;
    if (name === 'item' && parent === 'channel') {
      this.item = { link: '', guid: '', postId: '', postType: '', postDate: '', postDateGmt: '', pubDate: '', postPassword: '', comments: [] };
    } else if (name === 'comment' && parent === 'item' && this.item) {
      this.comment = emptyComment();
    } else if (this.comment && parent === 'comment' && name in COMMENT_FIELDS) {
      this.capture = { target: this.comment as unknown as Record<string, string>, field: COMMENT_FIELDS[name], depth: this.stack.length };
    } else if (this.item && !this.comment && parent === 'item' && name in ITEM_FIELDS) {
      this.capture = { target: this.item as unknown as Record<string, string>, field: ITEM_FIELDS[name], depth: this.stack.length };
    }
  }

  text(text: string): void {
    if (this.capture) this.capture.target[this.capture.field] += text;
  }

  close(name: string): void {
    if (this.capture && this.capture.depth === this.stack.length) this.capture = null;
    this.stack.pop();
    if (this.capture) return;
    if (name === 'comment' && this.comment && this.stack[this.stack.length - 1] === 'item') {
      this.item?.comments.push(this.comment);
      this.comment = null;
    } else if (name === 'item' && this.item && this.stack[this.stack.length - 1] === 'channel') {
      const item = this.item;
      this.item = null;
      this.onItem(item);
    }
  }
}
