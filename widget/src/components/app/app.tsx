import { Component } from 'preact';
import type { ListCommentsResponse } from '../../../../worker/src/wire';
import type { Client } from '../../api/client';
import type { ApiError } from '../../api/transport';
import { en as t } from '../../i18n/en';
import { loadOwn, loadProfile, saveOwn, saveProfile, type OwnEntry, type Profile } from '../../lib/own-comments';
import { markListed, mergeOwn } from '../../lib/thread';
import { CommentForm } from '../comment-form/comment-form';
import { CommentList, type ThreadActions } from '../comment-list/comment-list';

export interface AppProps {
  api: Client;
  site: string;
  thread: string;
}

interface AppState {
  /** The server's list; null while loading or after a failure. */
  list: ListCommentsResponse | null;
  loadError: ApiError | null;
  /** The reader's own comments on this thread, from local storage. */
  own: OwnEntry[];
  profile: Profile;
  /** The comment whose reply form is open. */
  replyTo: string | null;
  /** The comment to move focus to: named by the page's address (#comment-ID), or a reply just posted. */
  focusId?: string;
  /** The live "thanks / awaiting moderation" message. */
  notice: string;
}

/** The whole widget: the form, then the count and the thread. */
export class App extends Component<AppProps, AppState> {
  constructor(props: AppProps) {
    super(props);
    this.state = {
      list: null,
      loadError: null,
      own: loadOwn(props.site, props.thread),
      profile: loadProfile(),
      replyTo: null,
      focusId: /^#comment-(\w+)$/.exec(location.hash)?.[1],
      notice: '',
    };
  }

  componentDidMount() {
    this.load();
  }

  load = () => {
    const { api, site, thread } = this.props;
    this.setState({ list: null, loadError: null });
    api.listComments(site, thread).then(
      (list) => this.setState({ list, own: markListed(list.comments, this.state.own) }),
      (loadError) => this.setState({ loadError }),
    );
  };

  /** Posts a comment or reply; rejects with the ApiError for the form to show. */
  submit = async (body: string, profile: Profile, parentId: string | null) => {
    const { api, site, thread } = this.props;
    this.setState({ notice: '' });
    const { comment, token } = await api.createComment({
      site,
      thread,
      parentId: parentId ?? undefined,
      author: profile.author,
      email: profile.email || undefined,
      website: profile.website || undefined,
      body,
    });
    saveProfile(profile);
    const entry: OwnEntry = { id: comment.id, token, comment, site, thread, savedAt: Date.now() };
    saveOwn(entry);
    this.setState({
      own: [...this.state.own, entry],
      notice: comment.status === 'approved' ? t.thanksApproved : t.thanksPending,
      replyTo: null,
      focusId: parentId ? comment.id : this.state.focusId,
    });
  };

  render(_: AppProps, { list, loadError, own, profile, replyTo, focusId, notice }: AppState) {
    const setProfile = (profile: Profile) => this.setState({ profile });
    const actions: ThreadActions = { replyTo, setReplyTo: (replyTo) => this.setState({ replyTo }), focusId, profile, setProfile, submit: this.submit };
    const merged = list && mergeOwn(list.comments, own);
    return (
      <section class="parley" aria-label={t.comments} aria-busy={!list && !loadError}>
        <CommentForm profile={profile} onProfile={setProfile} onSubmit={(body, author) => this.submit(body, author, null)} />
        <p class="notice" role="status">
          {notice}
        </p>
        <h2 class="count">{merged ? t.count(list.total + merged.extra) : t.comments}</h2>
        {loadError ? (
          <div class="load-error" role="alert">
            <p>
              {t.loadFailed} {t.errors[loadError.code]}
            </p>
            <button type="button" class="button secondary" onClick={this.load}>
              {t.tryAgain}
            </button>
          </div>
        ) : !merged ? (
          <p class="muted loading">{t.loading}</p>
        ) : merged.comments.length ? (
          <CommentList comments={merged.comments} actions={actions} />
        ) : (
          <p class="muted empty">{t.empty}</p>
        )}
      </section>
    );
  }
}
