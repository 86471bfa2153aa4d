import type { ComponentChildren, ComponentType, VNode } from 'preact';
import type { FormSlotProps } from '../../features/features';
import { fill, plural, strings } from '../../lib/i18n';
import { identicon } from '../../lib/identicon';
import { readableDate } from '../../lib/time';
import type { CommentNode } from '../../state/thread';

/** Replies are indented up to this depth; deeper ones are shown at this depth, saying whom they answer. */
export const MAX_DEPTH = 4;

/** Replies shown under a comment before "Show N more replies". */
export const SHOWN_REPLIES = 3;

/** What a comment can ask of the widget (by comment id). */
export interface CommentActions {
  /** Opens comment `id`'s reply or edit form (closing any other), or closes it. */
  toggleForm(id: string, form: 'reply' | 'edit'): void;
  like(id: string): void;
  deleteComment(id: string): void;
  /** Shows every reply of `id`; focus goes to `firstHidden`. */
  expand(id: string, firstHidden: string): void;
  /** Fetches the replies of top-level comment `id` not here yet, then shows them all. */
  loadReplies(id: string): void;
}

/** What every comment of a thread shares. */
export interface ThreadView {
  /** The thread takes no new comments: no Reply buttons. */
  locked: boolean;
  /** The reply and edit forms, once widget-extra.js has brought them (the comment a form is open under shows it then). */
  Form: ComponentType<FormSlotProps> | null;
  actions: CommentActions;
}

export interface CommentProps {
  node: CommentNode;
  /** 0 for a top-level comment. */
  depth: number;
  /** Author of the parent, shown for replies deeper than {@link MAX_DEPTH}. */
  parentAuthor?: string;
  view: ThreadView;
}

/** The commenter's picture: their Gravatar on sites that opted in, else an identicon drawn here from the seed. */
function avatar({ avatarUrl, avatar, author }: CommentNode['comment']) {
  if (avatarUrl) return <img class="avatar" src={avatarUrl} alt="" referrerpolicy="no-referrer" />;
  const { d, fill } = identicon(avatar ?? author);
  return (
    <svg class="avatar" viewBox="0 0 5 5" aria-hidden="true">
      <path d={d} fill={fill} />
    </svg>
  );
}

/** Replies of `node` shown or folded here (its whole subtree, placeholders not counted). */
const countShown = (node: CommentNode): number => node.replies.reduce((count, reply) => count + (reply.comment.deleted ? 0 : 1) + countShown(reply), 0);

/** Each node's last element, and the version it showed. */
const rendered = new WeakMap<CommentNode, [version: number, item: VNode]>();

/**
 * Comment `node` as a list item: the same element as last time while the node's version is the
 * same, which Preact then skips (state/thread.ts: the store bumps the version of a node that changed).
 */
export function commentItem(node: CommentNode, depth: number, view: ThreadView, parentAuthor?: string): VNode {
  let last = rendered.get(node);
  if (last?.[0] !== node.version) rendered.set(node, (last = [node.version, <Comment key={node.comment.id} node={node} depth={depth} parentAuthor={parentAuthor} view={view} />]));
  return last[1];
}

/** A comment, its actions and open form, and its replies. Author and website are text, never HTML. */
export function Comment({ node, depth, parentAuthor, view }: CommentProps) {
  const { locked, Form, actions } = view;
  const { comment, replies, own } = node;
  const { author, id } = comment;
  // Replies not here yet: a top-level comment says how many it has; its page carries the first few.
  const missing = depth ? 0 : Math.max(0, (comment.replies ?? 0) - countShown(node));
  const hidden = (node.expanded ? 0 : Math.max(0, replies.length - SHOWN_REPLIES)) + missing;
  const website = comment.website && /^https?:\/\//i.test(comment.website) ? comment.website : null;
  const button = (name: string, label: ComponentChildren, onClick: () => void, state?: object) => (
    <button type="button" class={`link ${name}`} onClick={onClick} {...state}>
      {label}
    </button>
  );
  return (
    <li role="listitem">
      <article id={`comment-${id}`} tabIndex={-1} class={node.highlighted ? 'hl' : undefined}>
        {comment.deleted ? (
          <p class="removed">{strings.removed}</p>
        ) : (
          <>
            <header>
              {avatar(comment)}
              {website ? (
                <a class="author" href={website} rel="nofollow ugc noopener">
                  {author}
                </a>
              ) : (
                <span class="author">{author}</span>
              )}
              {depth > MAX_DEPTH && parentAuthor && <span class="muted">{fill(strings.inReplyTo, parentAuthor)}</span>}
              <a href={`#comment-${id}`}>
                <time dateTime={comment.createdAt}>{readableDate(comment.createdAt)}</time>
              </a>
              {comment.edited && <span class="muted">{strings.edited}</span>}
              {comment.pinned && <span class="badge pin">{strings.pinned}</span>}
              {comment.pending && <span class="badge">{strings.pending}</span>}
            </header>
            {node.editing && own && Form ? (
              <Form edit={id} />
            ) : (
              <div class="body" dir="auto" dangerouslySetInnerHTML={{ __html: comment.html }} />
            )}
            <div class="row actions">
              {!comment.pending &&
                button(
                  'like',
                  <>
                    {strings.like} {node.likes || ''}
                  </>,
                  () => actions.like(id),
                  { 'aria-pressed': !!node.liked },
                )}
              {!locked && button('reply', strings.reply, () => actions.toggleForm(id, 'reply'), { 'aria-expanded': !!node.replying })}
              {own && !node.editing && Date.now() < (own.editUntil ?? 0) && (
                <>
                  {button('edit', strings.edit, () => actions.toggleForm(id, 'edit'))}
                  {button('delete', strings.delete, () => actions.deleteComment(id))}
                </>
              )}
            </div>
            {node.replying && Form && <Form replyTo={id} />}
          </>
        )}
      </article>
      {replies.length > 0 && (
        <ol class={depth < MAX_DEPTH ? 'replies' : 'replies flat'}>{(hidden > 0 ? replies.slice(0, SHOWN_REPLIES) : replies).map((reply) => commentItem(reply, depth + 1, view, author))}</ol>
      )}
      {hidden > 0 && button('more', plural(strings.moreReplies, hidden), () => (missing ? actions.loadReplies(id) : actions.expand(id, replies[SHOWN_REPLIES].comment.id)))}
    </li>
  );
}
