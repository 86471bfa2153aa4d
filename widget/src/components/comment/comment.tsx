import { Component, createRef } from 'preact';
import { en as t } from '../../i18n/en';
import type { ThreadNode } from '../../lib/thread';
import { fullDate, readableDate } from '../../lib/time';
import type { ThreadActions } from '../comment-list/comment-list';
import { CommentForm } from '../comment-form/comment-form';

/** Replies are indented up to this depth; deeper ones are shown at this depth, saying whom they answer. */
export const MAX_DEPTH = 4;

/**
 * An avatar colour from the server's avatar seed (or the name). Set through the CSSOM (a `style` property, not a
 * `style` attribute in markup), which a CSP without 'unsafe-inline' allows.
 */
function avatarColor(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${hash % 360} 55% 40%)`;
}

export interface CommentProps {
  node: ThreadNode;
  /** 0 for a top-level comment. */
  depth: number;
  /** Author of the parent, shown for replies deeper than {@link MAX_DEPTH}. */
  parentAuthor?: string;
  actions: ThreadActions;
}

/** A comment, its reply form when open, and its replies. Author and website are text, never HTML. */
export class Comment extends Component<CommentProps> {
  article = createRef<HTMLElement>();
  replyButton = createRef<HTMLButtonElement>();

  componentDidMount() {
    this.focusIfAsked();
  }

  componentDidUpdate(previous: CommentProps) {
    this.focusIfAsked(previous.actions.focusId);
  }

  /** Takes focus (which scrolls it into view) when it becomes the comment to focus. */
  focusIfAsked(before?: string) {
    const { focusId } = this.props.actions;
    if (focusId === this.props.node.comment.id && before !== focusId) this.article.current!.focus();
  }

  cancel = () => {
    this.props.actions.setReplyTo(null);
    this.replyButton.current!.focus();
  };

  render({ node: { comment, replies }, depth, parentAuthor, actions }: CommentProps) {
    const { author, id } = comment;
    const replying = actions.replyTo === id;
    const website = comment.website && /^https?:\/\//i.test(comment.website) ? comment.website : null;
    return (
      <li>
        <article id={`comment-${id}`} ref={this.article} tabIndex={-1} class={comment.pending ? 'comment pending' : 'comment'}>
          {comment.deleted ? (
            <p class="removed">{t.removed}</p>
          ) : (
            <>
              <header class="meta">
                <span class="avatar" style={{ background: avatarColor(comment.avatar ?? author) }} aria-hidden="true">
                  {[...author][0]?.toUpperCase()}
                </span>
                {website ? (
                  <a class="author" href={website} rel="nofollow ugc noopener">
                    {author}
                  </a>
                ) : (
                  <span class="author">{author}</span>
                )}
                {depth > MAX_DEPTH && parentAuthor && (
                  <span class="muted">
                    {t.inReplyTo} {parentAuthor}
                  </span>
                )}
                <time dateTime={comment.createdAt} title={fullDate(comment.createdAt, t.locale)}>
                  {readableDate(comment.createdAt, t.locale, t.justNow)}
                </time>
                {comment.pending && <span class="badge">{t.pending}</span>}
              </header>
              <div class="body" dangerouslySetInnerHTML={{ __html: comment.html }} />
              <button type="button" class="link" ref={this.replyButton} aria-expanded={replying} onClick={() => (replying ? this.cancel() : actions.setReplyTo(id))}>
                {t.reply}
              </button>
              {replying && (
                <CommentForm
                  autoFocus
                  profile={actions.profile}
                  onProfile={actions.setProfile}
                  onSubmit={(body, profile) => actions.submit(body, profile, id)}
                  onCancel={this.cancel}
                />
              )}
            </>
          )}
        </article>
        {replies.length > 0 && (
          <ol class={depth < MAX_DEPTH ? 'replies' : 'replies flat'}>
            {replies.map((reply) => (
              <Comment key={reply.comment.id} node={reply} depth={depth + 1} parentAuthor={author} actions={actions} />
            ))}
          </ol>
        )}
      </li>
    );
  }
}
