import { Component } from 'preact';
import type { ListCommentsResponse, PublicComment, ThreadSort } from '../../../../worker/src/wire';
import type { Client } from '../../api/client';
import type { ApiError } from '../../api/transport';
import { plural, t } from '../../lib/i18n';
import { loadLikes, loadOwn, loadProfile, saveOwn, saveProfile, type Like, type OwnEntry, type Profile } from '../../lib/own-comments';
import { buildTree, markListed, mergeOwn } from '../../lib/thread';
import { captcha } from '../../lib/captcha';
import { explain, extra, type Extra } from '../../lib/extra';
import { Comment } from '../comment/comment';
import { CommentForm, type FormFields } from '../comment-form/comment-form';

export interface AppProps {
  api: Client;
  site: string;
  thread: string;
}

export interface AppState {
  /** The server's list (later pages appended); null while loading the first time or after a failure. */
  list: ListCommentsResponse | null;
  /** Why the thread could not be loaded. */
  loadError: string | null;
  /** The order asked for. */
  sort: ThreadSort;
  /** A later page is loading. */
  busy?: boolean;
  /** The reader's own comments on this site, from local storage. */
  own: OwnEntry[];
  profile: Profile;
  /** The comment whose reply form is open, and the one being edited. */
  reply?: string | null;
  edit?: string | null;
  /** The comment named by the page's address (#comment-ID): highlighted. */
  hl?: string;
  /** Comments whose long reply lists were expanded. */
  open: Record<string, boolean>;
  likes: Record<string, Like>;
  /** The email typed into "Follow this thread". */
  follow?: string;
  /** The "Follow this thread" form, once opened (from widget-extra.js). */
  Follow?: Extra['Follow'];
  /** The one polite live region's message: thanks, awaiting moderation, errors of buttons, … */
  notice: string;
}

/** How long after posting an author may edit or delete (the server's default `editWindowMinutes`). */
export const EDIT_WINDOW = 15 * 60_000;

const hashId = () => /^#comment-(\w+)$/.exec(location.hash)?.[1];

/** The whole widget: the form, the count and sort, the thread, "Load more", "Follow this thread". */
export class App extends Component<AppProps, AppState> {
  /** The widget's root element. */
  root?: HTMLElement | null;
  state: AppState = { list: null, loadError: null, sort: 'oldest', own: loadOwn(this.props.site), profile: loadProfile(), hl: hashId(), open: {}, likes: loadLikes(), notice: '' };

  /** Top-level threads rendered so far: a long page is rendered a slice per task, so no task blocks the page for long. */
  shown = 6;
  /** Top-level threads in the list. */
  roots?: number;

  /** A selector for the element to move focus to after the next render that has it: at first, the comment the address names. */
  focus? = this.state.hl && `#comment-${this.state.hl}`;

  componentDidMount() {
    this.load();
    addEventListener('hashchange', this.hash);
  }

  componentWillUnmount() {
    removeEventListener('hashchange', this.hash);
  }

  /** Scrolls to and focuses the element asked for, once it is there (without motion if the reader prefers). */
  componentDidUpdate() {
    if (this.shown < this.roots!) setTimeout(() => ((this.shown += 12), this.forceUpdate()));
    const element = this.focus && this.root?.querySelector<HTMLElement>(this.focus);
    if (element) {
      this.focus = '';
      element.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
      element.focus({ preventScroll: true });
    }
  }

  /** The page's address now names a comment: show it. */
  hash = () => {
    const hl = hashId();
    if (hl) this.show(`#comment-${hl}`, { hl });
  };

  /** Sets state, then moves focus to `selector`. */
  show(selector: string, state: Partial<AppState>) {
    this.focus = selector;
    this.setState(state as AppState);
  }

  /** Puts a message in the live region. */
  say = (notice: string) => this.setState({ notice });

  fail = (error: ApiError) => explain(error?.code).then(this.say);

  /** Loads the first page in `sort` order (the list shown stays until the new one arrives). */
  load = (sort = this.state.sort) => {
    const { api, site, thread } = this.props;
    this.setState({ loadError: null, sort });
    api.list(site, thread, sort).then(
      (list) => sort === this.state.sort && this.setState({ list, own: markListed(list.comments, this.state.own) }),
      (error: ApiError) => explain(error.code).then((loadError) => this.setState({ loadError })),
    );
  };

  /** Runs a feature of widget-extra.js on this widget (loading it first, once). */
  run<K extends 'more' | 'like' | 'remove' | 'saveEdit'>(name: K, ...args: Extra[K] extends (app: App, ...rest: infer A) => unknown ? A : never) {
    return extra().then((x) => (x[name] as (app: App, ...rest: unknown[]) => unknown)(this, ...args));
  }

  /** "Load more comments" (in widget-extra.js). */
  more = () => this.run('more').catch(this.fail);

  /** Posts a comment or reply; rejects with the ApiError for the form to show. */
  submit = async (fields: FormFields, parentId: string | null) => {
    const { api, site, thread } = this.props;
    const { own, open } = this.state;
    // `first` moderation publishes at once for a commenter who proves an earlier comment was approved.
    const proof = own.find((entry) => entry.listed || entry.comment.status === 'approved');
    this.say('');
    const sending = api.post({
      ...fields,
      site,
      thread,
      parentId,
      email: fields.email || undefined,
      website: fields.website || undefined,
      proof: proof && { id: proof.id, token: proof.token },
      turnstileToken: captcha.token || undefined,
    });
    // A Turnstile token works once, whatever the answer: ask for a new one at once.
    captcha.reset();
    const { comment, token } = await sending;
    saveProfile({ author: fields.author, email: fields.email!, website: fields.website! });
    const entry: OwnEntry = { id: comment.id, token, comment, site, thread, savedAt: Date.now(), body: fields.body };
    saveOwn(entry);
    const state: Partial<AppState> = {
      own: [...own, entry],
      notice: comment.status === 'approved' ? t.thanksApproved : t.thanksPending,
      reply: null,
      open: parentId ? { ...open, [parentId]: true } : open,
    };
    if (parentId) this.show(`#comment-${comment.id}`, state);
    else this.setState(state as AppState);
  };

  /** Saves an edit of the reader's own comment (in widget-extra.js); rejects for the form to show. */
  saveEdit = (entry: OwnEntry, body: string) => this.run('saveEdit', entry, body) as Promise<void>;

  /** Deletes the reader's own comment, after asking (in widget-extra.js). */
  remove = (entry: OwnEntry) => this.run('remove', entry).catch(this.fail);

  /** [liked, server count then, count shown]: optimistic until the server's count changes (about a minute later). */
  liked(comment: PublicComment): Like {
    const like = this.state.likes[comment.id];
    const server = comment.likes ?? 0;
    return like?.[1] === server ? like : [!!like?.[0], server, server];
  }

  /** Likes a comment or takes the like back (in widget-extra.js). */
  like = (comment: PublicComment) => this.run('like', comment).catch(this.fail);

  /** Closes a comment's reply or edit form and gives focus back to the button that opened it. */
  close(id: string, form: 'reply' | 'edit') {
    this.show(`#comment-${id} .${form}`, { [form]: null });
  }

  render({ thread }: AppProps, { list, loadError, own, notice, sort, busy, Follow }: AppState) {
    const locked = list?.locked;
    const merged = list && mergeOwn(list.comments, own.filter((entry) => entry.thread === thread));
    const nodes = merged && buildTree(merged.comments);
    this.roots = nodes?.length;
    return (
      <section ref={(root) => void (this.root = root)} lang={t.locale} dir={t.dir} aria-label={t.comments} aria-busy={!list && !loadError}>
        {locked ? <p class="notice">{t.closed}</p> : <CommentForm app={this} main onSubmit={(fields) => this.submit(fields, null)} />}
        <p class="notice" role="status">
          {notice}
        </p>
        <div class="row bar">
          <h2 tabIndex={-1}>{merged ? plural(t.count, list.total + merged.extra) : t.comments}</h2>
          {list && list.total > 1 && (
            <label>
              {t.sortBy}{' '}
              <select value={sort} onChange={(event) => this.load(event.currentTarget.value as ThreadSort)}>
                {(['oldest', 'newest', 'top'] as const).map((value) => (
                  <option value={value}>{t.sorts[value]}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {loadError ? (
          <div class="row err" role="alert">
            <p>
              {t.loadFailed} {loadError}
            </p>
            <button type="button" onClick={() => this.load()}>
              {t.tryAgain}
            </button>
          </div>
        ) : !merged ? (
          <p class="muted">{t.loading}</p>
        ) : merged.comments.length ? (
          <ol class="thread">
            {nodes!.slice(0, this.shown).map((node) => (
              <Comment key={node.comment.id} node={node} depth={0} app={this} />
            ))}
          </ol>
        ) : (
          <p class="muted">{t.empty}</p>
        )}
        {list?.next != null && (
          <button type="button" class="more" disabled={busy} onClick={this.more}>
            {t.more}
          </button>
        )}
        {list && !locked && (
          <div class="row follow">
            {Follow ? (
              <Follow app={this} />
            ) : (
              <button type="button" onClick={() => extra().then((x) => this.show('.follow input', { Follow: x.Follow }), this.fail)}>
                {t.follow}
              </button>
            )}
            {list.followers > 0 && <p class="muted">{plural(t.followers, list.followers)}</p>}
          </div>
        )}
      </section>
    );
  }
}
