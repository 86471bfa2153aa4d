import type { ComponentChildren } from 'preact';
import type { PublicComment } from '../../../../worker/src/wire';
import { fill, plural, t } from '../../lib/i18n';
import { identicon } from '../../lib/identicon';
import type { ThreadNode } from '../../lib/thread';
import { readableDate } from '../../lib/time';
import { EDIT_WINDOW, type App } from '../app/app';
import { CommentForm } from '../comment-form/comment-form';

/** Replies are indented up to this depth; deeper ones are shown at this depth, saying whom they answer. */
export const MAX_DEPTH = 4;

/** Replies shown under a comment before "Show N more replies". */
export const SHOWN_REPLIES = 3;

/** Whether `id` is this comment or one of its replies, at any depth. */
const contains = (node: ThreadNode, id?: string): boolean => node.comment.id === id || node.replies.some((reply) => contains(reply, id));

/** The commenter's picture: their Gravatar on sites that opted in, else an identicon drawn here from the seed. */
function avatar(comment: PublicComment) {
  if (comment.avatarUrl) return <img class="avatar" src={comment.avatarUrl} alt="" referrerpolicy="no-referrer" />;
  const { d, fill } = identicon(comment.avatar ?? comment.author);
  return (
    <svg class="avatar" viewBox="0 0 5 5" aria-hidden="true">
      <path d={d} fill={fill} />
    </svg>
  );
}

export interface CommentProps {
  node: ThreadNode;
  /** 0 for a top-level comment. */
  depth: number;
  /** Author of the parent, shown for replies deeper than {@link MAX_DEPTH}. */
  parentAuthor?: string;
  app: App;
}

/** A comment, its actions and open form, and its replies. Author and website are text, never HTML. */
export function Comment({ node: { comment, replies }, depth, parentAuthor, app }: CommentProps) {
  const { author, id } = comment;
  const { own, reply, edit, hl, open, list } = app.state;
  const entry = own.find((e) => e.id === id);
  const [liked, , likes] = app.liked(comment);
  const hidden = replies.length - SHOWN_REPLIES;
  const expanded = hidden < 1 || open[id] || replies.slice(SHOWN_REPLIES).some((r) => contains(r, hl));
  const website = comment.website && /^https?:\/\//i.test(comment.website) ? comment.website : null;
  const button = (name: string, label: ComponentChildren, onClick: () => void, state?: object) => (
    <button type="button" class={`link ${name}`} onClick={onClick} {...state}>
      {label}
    </button>
  );
  return (
    <li>
      <article id={`comment-${id}`} tabIndex={-1} class={hl === id ? 'hl' : undefined}>
        {comment.deleted ? (
          <p class="removed">{t.removed}</p>
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
              {depth > MAX_DEPTH && parentAuthor && <span class="muted">{fill(t.inReplyTo, parentAuthor)}</span>}
              <a href={`#comment-${id}`}>
                <time dateTime={comment.createdAt}>
                  {readableDate(comment.createdAt, t.locale, t.justNow)}
                </time>
              </a>
              {comment.edited && <span class="muted">{t.edited}</span>}
              {comment.pinned && <span class="badge pin">{t.pinned}</span>}
              {comment.pending && <span class="badge">{t.pending}</span>}
            </header>
            {edit === id && entry ? (
              <CommentForm app={app} body={entry.body ?? ''} onSubmit={(fields) => app.saveEdit(entry, fields.body)} onCancel={() => app.close(id, 'edit')} />
            ) : (
              <div class="body" dir="auto" dangerouslySetInnerHTML={{ __html: comment.html }} />
            )}
            <div class="row actions">
              {!comment.pending &&
                button(
                  'like',
                  <>
                    {t.like} {likes || ''}
                  </>,
                  () => app.like(comment),
                  { 'aria-pressed': liked },
                )}
              {!list!.locked && button('reply', t.reply, () => (reply === id ? app.close(id, 'reply') : app.setState({ reply: id })), { 'aria-expanded': reply === id })}
              {entry && edit !== id && Date.now() - Date.parse(comment.createdAt) < EDIT_WINDOW && (
                <>
                  {button('edit', t.edit, () => app.setState({ edit: id }))}
                  {button('delete', t.del, () => app.remove(entry))}
                </>
              )}
            </div>
            {reply === id && <CommentForm app={app} onSubmit={(fields) => app.submit(fields, id)} onCancel={() => app.close(id, 'reply')} />}
          </>
        )}
      </article>
      {replies.length > 0 && (
        <ol class={depth < MAX_DEPTH ? 'replies' : 'replies flat'}>
          {(expanded ? replies : replies.slice(0, SHOWN_REPLIES)).map((r) => (
            <Comment key={r.comment.id} node={r} depth={depth + 1} parentAuthor={author} app={app} />
          ))}
        </ol>
      )}
      {!expanded && button('more', plural(t.moreReplies, hidden), () => app.show(`#comment-${replies[SHOWN_REPLIES].comment.id}`, { open: { ...open, [id]: true } }))}
    </li>
  );
}
