import type { PublicComment, ThreadSort } from '../wire';

/** Top-level comments per page; each comes with all its replies. */
export const PAGE_SIZE = 50;

/** One top-level comment and its replies, oldest first. */
interface Subtree {
  root: PublicComment;
  comments: PublicComment[];
}

export interface ThreadPages {
  /** Pages in oldest-first order of their top-level comments. */
  chunks: PublicComment[][];
  /** The first page of each sort order (pinned subtrees included in each). */
  first: Record<ThreadSort, PublicComment[]>;
  /** For each sort, the page a reader asks for after the first, or null. */
  next: Record<ThreadSort, number | null>;
}

/**
 * Splits a thread into pages of {@link PAGE_SIZE} top-level comments, each with all its
 * replies, so a thread of any size opens with one small read. Oldest-first pages are fixed
 * blocks (a new comment changes only the last one); newest-first reads them backwards; top
 * (most liked) has its own first page and continues through the oldest-first pages.
 *
 * @example
 * paginate(comments, ['pinnedId']).first.oldest // the first 50 threads and their replies
 */
export function paginate(comments: PublicComment[], pinned: string[], pageSize = PAGE_SIZE): ThreadPages {
  const subtrees = groupByRoot(comments);
  const chunks: PublicComment[][] = [];
  for (let start = 0; start < subtrees.length || chunks.length === 0; start += pageSize) {
    chunks.push(subtrees.slice(start, start + pageSize).flatMap((tree) => tree.comments));
    if (subtrees.length === 0) break;
  }
  const last = chunks.length - 1;
  const pinnedTrees = subtrees.filter((tree) => pinned.includes(tree.root.id));
  // Pinned threads come first on the first page of every order, wherever they would fall.
  const withPinned = (trees: Subtree[]) => [...pinnedTrees, ...trees.filter((tree) => !pinned.includes(tree.root.id))].flatMap((tree) => tree.comments);
  // Newest first: the last block, and the one before it when the last is small, so the first page is never nearly empty.
  const newestBlocks = subtrees.length - last * pageSize < pageSize / 2 && last > 0 ? 2 : 1;
  const newestTrees = subtrees.slice(Math.max(0, (last + 1 - newestBlocks) * pageSize)).reverse();
  const topTrees = [...subtrees].sort((a, b) => (b.root.likes ?? 0) - (a.root.likes ?? 0) || (a.root.id < b.root.id ? 1 : -1)).slice(0, pageSize);
  return {
    chunks,
    first: { oldest: withPinned(subtrees.slice(0, pageSize)), newest: withPinned(newestTrees), top: withPinned(topTrees) },
    next: {
      oldest: last >= 1 ? 1 : null,
      newest: last + 1 - newestBlocks - 1 >= 0 ? last + 1 - newestBlocks - 1 : null,
      // Top continues through every block; the widget skips threads it already shows.
      top: subtrees.length > pageSize ? 0 : null,
    },
  };
}

/** A later page: block `index` in the sort's direction. */
export function pageOf(chunk: PublicComment[], sort: ThreadSort): PublicComment[] {
  if (sort !== 'newest') return chunk;
  return groupByRoot(chunk)
    .reverse()
    .flatMap((tree) => tree.comments);
}

/** The page after `index` in a sort, or null. */
export function nextPage(index: number, pages: number, sort: ThreadSort): number | null {
  if (sort === 'newest') return index - 1 >= 0 ? index - 1 : null;
  return index + 1 < pages ? index + 1 : null;
}

/** Groups comments (sorted by id, i.e. time) into top-level subtrees in time order. */
function groupByRoot(comments: PublicComment[]): Subtree[] {
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  const rootOf = (comment: PublicComment): string => {
    let current = comment;
    for (let hops = 0; current.parentId && byId.has(current.parentId) && hops < 1000; hops++) current = byId.get(current.parentId)!;
    return current.id;
  };
  const trees = new Map<string, Subtree>();
  for (const comment of comments) {
    const rootId = rootOf(comment);
    if (!trees.has(rootId)) trees.set(rootId, { root: byId.get(rootId)!, comments: [] });
    trees.get(rootId)!.comments.push(comment);
  }
  return [...trees.values()].sort((a, b) => (a.root.id < b.root.id ? -1 : 1));
}
