import type { PublicComment } from '../../../worker/src/wire';
import { saveOwn, type OwnEntry } from './own-comments';

/** A comment as the widget shows it: `pending` marks the reader's own comment awaiting moderation. */
export interface ShownComment extends PublicComment {
  pending?: boolean;
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

export interface ThreadNode {
  comment: ShownComment;
  replies: ThreadNode[];
}

/**
 * Builds the reply tree. A comment whose parent is not shown at all is shown at the top level.
 * Pinned comments go first (the server prepends pinned threads from other pages, but leaves
 * those already on the page where they are); otherwise the server's order is kept.
 */
export function buildTree(comments: ShownComment[]): ThreadNode[] {
  const nodes = new Map(comments.map((comment) => [comment.id, { comment, replies: [] as ThreadNode[] }]));
  const roots: ThreadNode[] = [];
  for (const node of nodes.values()) (nodes.get(node.comment.parentId!)?.replies ?? roots).push(node);
  return roots.sort((a, b) => +!!b.comment.pinned - +!!a.comment.pinned);
}
