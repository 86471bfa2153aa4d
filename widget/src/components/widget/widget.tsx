import { Component } from 'preact';
import type { ThreadSort } from '../../../../worker/src/wire';
import { plural, strings } from '../../lib/i18n';
import type { WidgetStore } from '../../state/store';
import { CommentBox } from '../comment-box/comment-box';
import { Thread } from '../thread/thread';

export interface WidgetProps {
  store: WidgetStore;
}

const commentInAddress = () => /^#comment-(\w+)$/.exec(location.hash)?.[1];

/**
 * The whole widget: the form (a comment box until it is used), the count and sort, the thread, "Load more", "Follow this thread".
 * It renders what the store holds (whoever asked it to load), after every change of it; the
 * thread below it renders only the comments that changed.
 */
export class Widget extends Component<WidgetProps> {
  /** The widget's root element. */
  #root?: HTMLElement | null;

  componentDidMount() {
    const { store } = this.props;
    store.onChange = () => this.forceUpdate();
    addEventListener('hashchange', this.#showLinked);
    this.#showLinked();
    this.forceUpdate();
  }

  // The store may still change (an answer on its way): Preact renders no component it has unmounted.
  componentWillUnmount() {
    removeEventListener('hashchange', this.#showLinked);
  }

  /** Shows the comment the page's address names, if it names one. */
  #showLinked = () => {
    const { store } = this.props;
    const linked = commentInAddress();
    if (linked) store.highlight((store.linked = linked));
  };

  /** Moves focus to the element the store asked for, once it is there. */
  componentDidUpdate = () => {
    const { store } = this.props;
    const element = store.focus && this.#root?.querySelector<HTMLElement>(store.focus);
    if (element) (store.focus = ''), store.moveFocus(element);
  };

  render({ store }: WidgetProps) {
    const { info, loads, loadError, sort, loadingMore, notice, form, following: FollowForm } = store.state;
    const { roots } = store;
    const locked = info?.locked;
    return (
      <section ref={(root) => void (this.#root = root)} lang={strings.locale} dir={strings.dir} aria-label={strings.comments} aria-busy={!info && !loadError}>
        {locked ? (
          <p class="notice">{strings.closed}</p>
        ) : (
          <CommentBox form={form} onOpen={store.openForm} />
        )}
        <p class="notice" role="status">
          {notice}
        </p>
        <div class="row bar">
          <h2 tabIndex={-1}>{info ? plural(strings.count, info.total) : strings.comments}</h2>
          {info && info.total > 1 && (
            <label>
              {strings.sortBy}{' '}
              <select value={sort} onChange={(event) => store.load(event.currentTarget.value as ThreadSort)}>
                {(['oldest', 'newest', 'top'] as const).map((value) => (
                  <option value={value}>{strings.sorts[value]}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {loadError ? (
          <div class="row err" role="alert">
            <p>
              {strings.loadFailed} {loadError}
            </p>
            <button type="button" onClick={() => store.load()}>
              {strings.tryAgain}
            </button>
          </div>
        ) : !info ? (
          <p class="muted">{strings.loading}</p>
        ) : roots.length ? (
          <Thread key={loads} roots={roots} view={{ locked: !!locked, Form: form, actions: store }} onRendered={this.componentDidUpdate} />
        ) : (
          <p class="muted">{strings.empty}</p>
        )}
        {info?.next != null && (
          <button type="button" class="more" disabled={loadingMore} onClick={store.loadMore}>
            {strings.more}
          </button>
        )}
        {info && !locked && (
          <div class="row follow">
            {FollowForm ? (
              <FollowForm onFollow={store.follow} />
            ) : (
              <button type="button" onClick={store.openFollow}>
                {strings.follow}
              </button>
            )}
            {info.followers > 0 && <p class="muted">{plural(strings.followers, info.followers)}</p>}
          </div>
        )}
      </section>
    );
  }
}
