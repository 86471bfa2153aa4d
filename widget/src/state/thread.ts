import type { PublicComment } from '../../../worker/src/wire';
import { saveOwn, type Like, type OwnEntry } from '../lib/own-comments';

/** A comment as the widget shows it: `pending` marks the reader's own comment awaiting moderation. */
export interface ShownComment extends PublicComment {
  pending?: boolean;
}

/**
 * One comment on screen: the comment, its replies, and what the reader did to it. Only the
 * store changes a node, and bumps its `version` (and its ancestors') when it does: a node whose
 * version is the one last rendered shows the same, and is not rendered again (components/comment).
 */
export interface CommentNode {
  comment: ShownComment;
  /**
   * The replies shown. (When threads come with only their first replies and a count of the rest,
   * the count goes beside them; `append` already hangs replies fetched later under their comment.)
   */
  replies: CommentNode[];
  /** The comment it answers, when that is shown (else it is shown at the top level). */
  parent?: CommentNode;
  version: number;
  /** The reader wrote it (here, in the last 30 days): its edit token and Markdown. */
  own?: OwnEntry;
  /** The reader likes it; `likes` is the count shown, theirs included. */
  liked?: boolean;
  likes: number;
  /** Its reply form is open. */
  replying?: boolean;
  /** Its edit form is open (own comments only). */
  editing?: boolean;
  /** All its replies are shown ("Show N more replies" was pressed, or a hidden reply was linked to). */
  expanded?: boolean;
  /** The page's address names it (#comment-ID). */
  highlighted?: boolean;
}

/** Marks `node` changed: it and each comment above it render again. */
export function touch(node: CommentNode) {
  for (let changed: CommentNode | undefined = node; changed; changed = changed.parent) changed.version++;
}

/**
 * [liked, the server's count then, the count shown]: the reader's like counts at once, until the
 * server's count changes (about a minute later) and so includes it.
 */
export function likeOf(likes: Record<string, Like>, comment: PublicComment): Like {
  const like = likes[comment.id];
  const server = comment.likes ?? 0;
  return like?.[1] === server ? like : [!!like?.[0], server, server];
}

const isListed = (list: PublicComment[], id: string) => list.some((c) => c.id === id && !c.deleted);

/**
 * Marks (and saves) the own comments the server's list now carries as `listed`: from then
 * on the list is the truth for them, so one a moderator later removes disappears for its
 * author too.
 */
export function markListed(list: PublicComment[], own: OwnEntry[]): OwnEntry[] {
  return own.map((entry) => {
    if (entry.listed || !isListed(list, entry.id)) return entry;
    const listed = { ...entry, listed: true };
    saveOwn(listed);
    return listed;
  });
}

/**
 * The server's approved list, in the server's order, followed by the reader's own comments
 * it does not carry yet (marked `pending` unless approved), oldest first. A placeholder
 * standing for the reader's own pending comment (it already has an approved reply) is
 * replaced by it, in place. `extra` counts the own comments added.
 */
export function mergeOwn(list: PublicComment[], own: OwnEntry[]): { comments: ShownComment[]; extra: number } {
  const byId = new Map<string, ShownComment>(list.map((c) => [c.id, c]));
  let extra = 0;
  for (const { id, listed, comment } of own) {
    if (listed || isListed(list, id)) continue;
    byId.set(id, { ...comment, pending: comment.status !== 'approved' });
    extra++;
  }
  return { comments: [...byId.values()], extra };
}

/**
 * Builds the reply tree of `comments` (the server's order kept) from `node(comment)` for each,
 * also hanging a reply under an already shown comment from `shown`. A comment whose parent is not
 * shown goes to the top level; pinned top-level comments go first (the server prepends pinned
 * threads from other pages, but leaves those already on the page where they are). Returns the
 * new top-level comments.
 */
export function buildTree(
  comments: ShownComment[],
  node = (comment: ShownComment): CommentNode => ({ comment, replies: [], likes: 0, version: 0 }),
  shown = new Map<string, CommentNode>(),
): CommentNode[] {
  const nodes = new Map(comments.map((comment) => [comment.id, node(comment)]));
  const roots: CommentNode[] = [];
  for (const child of nodes.values()) {
    const parent = nodes.get(child.comment.parentId!) ?? shown.get(child.comment.parentId!);
    if (parent) {
      child.parent = parent;
      parent.replies.push(child);
      touch(parent);
    } else {
      roots.push(child);
    }
    shown.set(child.comment.id, child);
  }
  return roots.sort((a, b) => +!!b.comment.pinned - +!!a.comment.pinned);
}
