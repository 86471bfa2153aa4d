import type { CommentRecord } from '../../storage/records';
import type { ThreadSort } from '../../wire';
import { ROOTS_PER_BLOCK, utf8Length, type CommentRow, type ThreadState } from './state';

/** Replies shown under a top-level comment on a page; the rest are on pages of replies. */
export const INLINE_REPLIES = 3;
/** A first page or a block stops taking comments at this many bytes (a page stays under 64 KB). */
export const PAGE_BYTES = 60_000;
/** A block whose top-level comments alone pass this (after edits) moves its last ones to a new block. */
const BLOCK_HARD_BYTES = 63_000;

/** One top-level comment as it appears on a page: its JSON and that of its replies shown inline. */
interface RootEntry {
  id: string;
  pieces: string[];
  bytes: number;
}

export interface BuiltPage {
  json: string;
  last: boolean;
}

export interface BuiltView {
  pages: Record<ThreadSort, string>;
  firstAt: number | null;
}

/**
 * Builds what readers read from a thread's state, as JSON strings joined from each comment's
 * stored JSON: the first page of each order, the blocks of top-level comments, the pages of
 * replies. Costs grow with the size of a page, never with the size of the thread.
 */
export class PageBuilder {
  private readonly pinned: string[];
  private readonly replyCounts = new Map<string, number>();

  constructor(private readonly state: ThreadState) {
    this.pinned = state.pinned;
  }

  /** The first page of every order, and when the earliest shown comment was posted. */
  view(): BuiltView {
    const total = this.state.approvedCount();
    const header = `"total":${total},"followers":${this.state.followers()}`;
    const locked = this.state.locked;
    const page = (sort: ThreadSort, entries: RootEntry[], next: number | null) =>
      `{"locked":${locked},${header},"sort":"${sort}","pageSize":${ROOTS_PER_BLOCK},"next":${next},"comments":[${entries.flatMap((entry) => entry.pieces).join(',')}]}`;
    const lastBlock = this.state.lastBlock();
    const oldest = this.fill(ascending(0, lastBlock), (rows) => rows);
    const newest = this.fill(ascending(0, lastBlock).reverse(), (rows) => [...rows].reverse());
    const top = this.topPage();
    return {
      pages: { oldest: page('oldest', oldest.entries, oldest.next), newest: page('newest', newest.entries, newest.next), top: page('top', top.entries, top.next) },
      firstAt: this.state.firstShownAt(),
    };
  }

  /** A block of top-level comments with their first replies; `overflow` lists comments to move out (too large). */
  block(index: number): BuiltPage & { overflow: string[] } {
    const rows = this.countReplies(this.state.blockRoots(index));
    // Top-level comments first: they must all be on their block; replies inline only while there is room.
    const roots = rows.map((row) => this.rootEntry(row, 0)).filter((entry): entry is RootEntry => entry !== null);
    let bytes = roots.reduce((sum, entry) => sum + entry.bytes + 1, 0);
    const overflow: string[] = [];
    while (bytes > BLOCK_HARD_BYTES && roots.length > 1) {
      // Edits made them too large for one page: the last ones move to a new block.
      const moved = roots.pop()!;
      overflow.unshift(moved.id);
      bytes -= moved.bytes + 1;
    }
    const shown: RootEntry[] = [];
    const rowOf = new Map(rows.map((row) => [row.id, row]));
    for (const root of roots) {
      const entry = this.rootEntry(rowOf.get(root.id)!, PAGE_BYTES - bytes + root.bytes)!;
      bytes += entry.bytes - root.bytes;
      shown.push(entry);
    }
    return { json: `{"page":${index},"comments":[${shown.flatMap((entry) => entry.pieces).join(',')}]}`, last: index >= this.state.lastBlock(), overflow };
  }

  /** Page `index` of the replies to a top-level comment, with placeholders for hidden parents. */
  replies(rootId: string, index: number): BuiltPage {
    const pieces: string[] = [];
    const included = new Set<string>([rootId]);
    for (const row of this.state.repliesOnPage(rootId, index)) this.addWithAncestors(row, pieces, included);
    return { json: `{"root":"${rootId}","page":${index},"comments":[${pieces.join(',')}]}`, last: index >= (this.state.lastReplyPage(rootId) ?? 0) };
  }

  /**
   * Entries in the given block order until a page is full: ROOTS_PER_BLOCK top-level comments or
   * PAGE_BYTES. Pinned comments come first (and do not count). `next` is the block to read after
   * this page: the one cut short, or the one after the last read whole.
   */
  private fill(blocks: number[], order: (rows: CommentRow[]) => CommentRow[]): { entries: RootEntry[]; next: number | null } {
    const entries = this.pinnedEntries();
    let bytes = entries.reduce((sum, entry) => sum + entry.bytes + 1, 0);
    let roots = 0;
    for (const [position, block] of blocks.entries()) {
      for (const row of order(this.countReplies(this.state.blockRoots(block)))) {
        if (this.pinned.includes(row.id)) continue;
        const entry = this.rootEntry(row, PAGE_BYTES - bytes);
        if (!entry) continue;
        if (roots >= ROOTS_PER_BLOCK || (roots > 0 && bytes + entry.bytes + 1 > PAGE_BYTES)) return { entries, next: block };
        entries.push(entry);
        bytes += entry.bytes + 1;
        roots++;
      }
      if (roots >= ROOTS_PER_BLOCK) return { entries, next: blocks[position + 1] ?? null };
    }
    return { entries, next: null };
  }

  /** The most liked top-level comments; later pages continue through the blocks from the first. */
  private topPage(): { entries: RootEntry[]; next: number | null } {
    const entries = this.pinnedEntries();
    let bytes = entries.reduce((sum, entry) => sum + entry.bytes + 1, 0);
    let roots = 0;
    let more = false;
    for (const row of this.countReplies(this.state.mostLiked(ROOTS_PER_BLOCK + this.pinned.length + 1))) {
      if (this.pinned.includes(row.id)) continue;
      const entry = this.rootEntry(row, PAGE_BYTES - bytes);
      if (!entry) continue;
      if (roots >= ROOTS_PER_BLOCK || (roots > 0 && bytes + entry.bytes + 1 > PAGE_BYTES)) {
        more = true;
        break;
      }
      entries.push(entry);
      bytes += entry.bytes + 1;
      roots++;
    }
    return { entries, next: more ? 0 : null };
  }

  private pinnedEntries(): RootEntry[] {
    const entries: RootEntry[] = [];
    let bytes = 0;
    for (const id of this.pinned) {
      const row = this.state.row(id);
      // Pinned comments come first, each with as many of its replies as leave room for the page.
      const entry = row && row.parent_id === null ? this.rootEntry(row, PAGE_BYTES / 2 - bytes) : null;
      if (entry) {
        entries.push(entry);
        bytes += entry.bytes + 1;
      }
    }
    return entries;
  }

  /**
   * A top-level comment (or its placeholder, when hidden but answered) and as many of its first
   * replies as fit in `room` bytes (the rest are on its pages of replies); null when nothing of it shows.
   */
  private rootEntry(row: CommentRow, room: number): RootEntry | null {
    const replies = this.replyCount(row);
    if (row.status !== 'approved' && replies === 0) return null;
    const pieces = [row.status === 'approved' ? this.commentJson(row, replies) : placeholderJson(row, replies)];
    let bytes = utf8Length(pieces[0]);
    const included = new Set<string>([row.id]);
    if (replies > 0) {
      for (const reply of this.state.firstReplies(row.id, INLINE_REPLIES)) {
        const added: string[] = [];
        this.addWithAncestors(reply, added, new Set(included));
        const more = added.reduce((sum, piece) => sum + utf8Length(piece) + 1, 0);
        if (bytes + more > room) break;
        this.addWithAncestors(reply, pieces, included);
        bytes += more;
      }
    }
    return { id: row.id, pieces, bytes };
  }

  /** A shown reply, after placeholders for its hidden parents up to the first one shown. */
  private addWithAncestors(row: CommentRow, pieces: string[], included: Set<string>): void {
    const chain: CommentRow[] = [];
    for (let parent = row.parent_id ? this.state.row(row.parent_id) : null; parent && !included.has(parent.id) && parent.status !== 'approved'; parent = parent.parent_id ? this.state.row(parent.parent_id) : null) {
      chain.unshift(parent);
    }
    for (const hidden of chain) {
      included.add(hidden.id);
      pieces.push(placeholderJson(hidden, 0));
    }
    if (!included.has(row.id)) {
      included.add(row.id);
      pieces.push(this.commentJson(row, 0));
    }
  }

  /** Counts the replies of these top-level comments in one statement (those not counted yet): a page's worth at a time. */
  private countReplies(rows: CommentRow[]): CommentRow[] {
    const missing = rows.map((row) => row.id).filter((id) => !this.replyCounts.has(id));
    if (missing.length) {
      const counts = this.state.visibleReplyCounts(missing);
      for (const id of missing) this.replyCounts.set(id, counts.get(id) ?? 0);
    }
    return rows;
  }

  private replyCount(row: CommentRow): number {
    this.countReplies([row]);
    return this.replyCounts.get(row.id)!;
  }

  /** A comment's stored JSON with what depends on the thread: pinned, likes, replies. */
  private commentJson(row: CommentRow, replies: number): string {
    const extra: string[] = [];
    if (this.pinned.includes(row.id)) extra.push('"pinned":true');
    if (row.likes > 0) extra.push(`"likes":${row.likes}`);
    if (replies > 0) extra.push(`"replies":${replies}`);
    return extra.length ? `{${extra.join(',')},${row.public.slice(1)}` : row.public;
  }
}

/** What stands in for a hidden comment that has shown replies: its place in the tree, nothing of its content. */
function placeholderJson(row: CommentRow, replies: number): string {
  const record = JSON.parse(row.record) as CommentRecord;
  return JSON.stringify({ id: row.id, parentId: row.parent_id, author: '', website: null, html: '', createdAt: record.createdAt, deleted: true, ...(replies > 0 ? { replies } : {}) });
}

function ascending(from: number, to: number): number[] {
  const out: number[] = [];
  for (let index = from; index <= to; index++) out.push(index);
  return out;
}
