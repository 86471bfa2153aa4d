import { extraClient } from '../api/extra-client';
import type { ApiError } from '../api/transport';
import type { App } from '../components/app/app';
import { tx } from '../i18n/en-extra';
import { errorText, t } from './i18n';
import type { PublicComment } from '../../../worker/src/wire';
import type { CommentForm } from '../components/comment-form/comment-form';
import { saveLikes, saveOwn, type Like, type OwnEntry } from './own-comments';
import { markListed } from './thread';

/**
 * Saves an edit of the reader's own comment (rejects with the ApiError for the form to show).
 * On a site that pre-moderates everything it goes back to awaiting moderation.
 */
export async function saveEdit(app: App, entry: OwnEntry, body: string) {
  const { comment } = await extraClient(app.props.api.base).edit(entry.id, entry.token, body);
  const { list, own } = app.state;
  const approved = comment.status === 'approved';
  // Once pending again, the list no longer carries it: the stored copy is shown instead.
  const updated = { ...entry, comment, body, listed: entry.listed && approved };
  saveOwn(updated);
  app.show(`#comment-${entry.id}`, {
    own: own.map((e) => (e === entry ? updated : e)),
    list: list && { ...list, comments: list.comments.map((c) => (c.id === entry.id ? { ...c, ...comment, pending: !approved } : c)) },
    edit: null,
    notice: approved ? tx().saved : t.thanksPending,
  });
}

/** Deletes the reader's own comment, after asking. Its replies keep their place under a placeholder. */
export async function remove(app: App, entry: OwnEntry) {
  if (!confirm(tx().confirmDelete)) return;
  await extraClient(app.props.api.base).remove(entry.id, entry.token);
  saveOwn(entry, true);
  const { list, own } = app.state;
  const listed = list?.comments.some((c) => c.id === entry.id && !c.deleted);
  const comments = list?.comments.flatMap((c) => (c.id !== entry.id ? [c] : list.comments.some((r) => r.parentId === c.id) ? [{ ...c, deleted: true }] : []));
  app.show('h2', {
    own: own.filter((e) => e !== entry),
    list: list && { ...list, comments: comments!, total: list.total - +!!listed },
    notice: tx().deleted,
  });
}

/**
 * "Load more comments": appends the next page, skipping threads already shown (pinned threads
 * come first on the first page; `top` continues through the oldest-first pages), and moves
 * focus to the first new comment.
 */
export async function more(app: App) {
  const { api, site, thread } = app.props;
  const list = app.state.list!;
  app.setState({ busy: true });
  try {
    const page = await extraClient(api.base).page(site, thread, list.sort, list.next!);
    const fresh = page.comments.filter((comment) => !list.comments.some((shown) => shown.id === comment.id));
    app.show(`#comment-${fresh[0]?.id}`, { list: { ...list, comments: [...list.comments, ...fresh], next: page.next }, own: markListed(fresh, app.state.own) });
  } catch (error) {
    app.fail(error as ApiError);
  }
  app.setState({ busy: false });
}

/**
 * Likes a comment, or takes the like back. The count shown changes at once; the server's
 * count follows about a minute later (see App.liked). Reverts if the server refuses.
 */
export function like(app: App, comment: PublicComment) {
  const [liked, server, shown] = app.liked(comment);
  const before = app.state.likes;
  const likes = { ...before, [comment.id]: [!liked, server, shown + (liked ? -1 : 1)] as Like };
  saveLikes(likes);
  app.setState({ likes });
  extraClient(app.props.api.base)
    .like(comment.id, !liked)
    .catch((error: ApiError) => {
      saveLikes(before);
      app.setState({ likes: before });
      app.fail(error);
    });
}

/** "Preview" renders the comment on the server, exactly as it would be published; "Write" goes back. */
export async function preview(form: CommentForm) {
  if (form.state.preview != null) return form.setState({ preview: null });
  try {
    form.setState({ preview: (await extraClient(form.props.app.props.api.base).preview(form.state.body)).html, error: null });
  } catch (error) {
    form.fail({ text: errorText((error as ApiError).code) });
  }
}
