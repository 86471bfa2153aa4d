import type { ComponentType } from 'preact';
import type { ListCommentsResponse, ThreadSort } from '../../../worker/src/wire';
import type { Client } from '../api/client';
import type { ApiError } from '../api/transport';
import type { Captcha, FeatureHost, Features, FormSlotProps } from '../features/features';
import type { FollowFormProps } from '../components/follow-form/follow-form';
import { errorText, strings } from '../lib/i18n';
import { loadLikes, loadOwn, type Like, type OwnEntry, type Profile } from '../lib/own-comments';
import { buildTree, likeOf, markListed, mergeOwn, touch, type CommentNode, type ShownComment } from './thread';

/** The thread as the server described it, with the reader's own comments counted. */
export interface ThreadInfo {
  /** Comments shown: the server's approved ones plus the reader's own it does not list yet. */
  total: number;
  locked: boolean;
  followers: number;
  /**
   * The page to ask for after the last one shown (with the same sort), or null. (Pages that also
   * carry `prev`, newest-first, would keep it here beside `next`.)
   */
  next: number | null;
}

/** The features of widget-extra.js that act on a widget (given it first), by name; and what else they take. */
type HostFeature = { [K in keyof Features]: Features[K] extends (host: FeatureHost, ...rest: never[]) => Promise<unknown> ? K : never }[keyof Features];
type ArgumentsOf<K extends HostFeature> = Features[K] extends (host: FeatureHost, ...rest: infer A) => unknown ? A : never;

/** Everything the widget shows but the comments themselves (see {@link WidgetStore.roots}). */
export interface WidgetState {
  /** The order asked for. */
  sort: ThreadSort;
  /** Null until the first page arrives. */
  info: ThreadInfo | null;
  /** Counts the first pages shown (the first, another sort, "Try again"): each is rendered afresh. */
  loads: number;
  /** Why the thread could not be loaded. */
  loadError: string | null;
  /** A later page is loading. */
  loadingMore: boolean;
  /** The name, email and website every form shares: widget-extra.js reads them (from local storage) when it first brings a form. */
  profile?: Profile;
  /** The one polite live region's message: thanks, awaiting moderation, errors of buttons… */
  notice: string;
  /** The comment form, once widget-extra.js has brought it (until then the main form is a comment box alone). */
  form: ComponentType<FormSlotProps> | null;
  /** "Follow this thread" is open: its form (it comes with widget-extra.js). */
  following: ComponentType<FollowFormProps> | null;
  /** The reader's own comments on this site (from local storage), and likes, as last set here. */
  own: OwnEntry[];
  likes: Record<string, Like>;
}

/**
 * The widget's state and the only code that changes it, one store per mounted widget. Components
 * call its named actions through their callbacks. Reading is built in; what writes (the comment
 * form, posting, editing, deleting, liking, following, "Load more", previews) is in
 * widget-extra.js, loaded on first use, which changes what is shown through the store's typed
 * {@link FeatureHost} actions (`set`, `change`, `append`). Every change calls `onChange`: the
 * widget renders again, and of the comments only those whose node changed (state/thread.ts).
 */
export class WidgetStore {
  declare state: WidgetState;
  /** The top-level comments. */
  roots: CommentNode[] = [];
  /** Called after every change. */
  onChange = () => {};
  /** A CSS selector for the element to move focus to once it is rendered. */
  focus = '';
  /**
   * Moves focus to that element, once rendered: focus alone (the browser scrolls it into view if
   * needed: "Show N more replies" before widget-extra.js is loaded); once widget-extra.js is, its
   * `moveFocus`, which scrolls it to the middle of the view first (smoothly, unless the reader prefers reduced motion).
   */
  moveFocus = (element: HTMLElement) => element.focus();
  /** The Turnstile challenge, on sites that use one. */
  declare captcha?: Captcha;
  /** The strings in use (the lazily loaded features carry no translation of their own). */
  strings = strings;
  /** Every comment shown, by id (changed only here and by widget-extra.js, through `change`, `append` and touch). */
  readonly nodes = new Map<string, CommentNode>();
  /** The comment the page's address names (`#comment-ID`): widget-extra.js highlights it once the thread is shown. */
  declare linked?: string;

  // Declared, not initialised: assigned in the constructor (a class field that is only declared costs widget.js bytes).
  declare readonly api: Client;
  declare readonly site: string;
  declare readonly thread: string;
  declare readonly features: () => Promise<Features>;
  /** The element the widget is mounted on (Turnstile's box goes in it). */
  declare readonly element?: HTMLElement;

  constructor(api: Client, site: string, thread: string, features: () => Promise<Features>, element?: HTMLElement) {
    Object.assign(this, { api, site, thread, features, element });
    this.state = { sort: 'oldest', info: null, loads: 0, loadError: null, loadingMore: false, notice: '', form: null, following: null, own: loadOwn(site), likes: loadLikes() };
  }

  /** Changes what the widget shows (and where focus goes next). */
  set = (changes: Partial<WidgetState>, focus?: string) => {
    this.state = { ...this.state, ...changes };
    if (focus) this.focus = focus;
    this.onChange();
  };

  /** Changes what comment `id` shows. */
  change = (id: string, changes: Partial<CommentNode>, focus?: string) => {
    const node = this.nodes.get(id);
    if (node) touch(Object.assign(node, changes));
    this.set({}, focus);
  };

  /** A node for a comment of this thread, with what the reader did to it. */
  #node = (comment: ShownComment): CommentNode => {
    const [liked, , likes] = likeOf(this.state.likes, comment);
    return { comment, replies: [], version: 0, own: this.state.own.find((entry) => entry.id === comment.id), liked, likes };
  };

  /** Shows comments (with their replies): replies to shown comments under them, the rest at the end of the thread. */
  append = (comments: ShownComment[], focus?: string) => {
    this.roots.push(...buildTree(comments, this.#node, this.nodes));
    this.set({}, focus);
  };

  /** Loads the first page in `sort` order (the comments shown stay until the new ones arrive). */
  load = (sort = this.state.sort) => {
    this.set({ loadError: null, sort });
    this.api.list(this.site, this.thread, sort).then(
      (page) => sort === this.state.sort && this.#show(page),
      (error: ApiError) => this.explain(error).then((text) => this.set({ loadError: text })),
    );
  };

  #show(page: ListCommentsResponse) {
    const own = markListed(page.comments, this.state.own);
    const { comments, extra } = mergeOwn(
      page.comments,
      own.filter((entry) => entry.thread === this.thread),
    );
    const { total, locked, followers, next } = page;
    this.nodes.clear();
    this.roots = [];
    this.state = { ...this.state, own, info: { total: total + extra, locked, followers, next }, loads: this.state.loads + 1 };
    this.append(comments);
    // The comment the address names: shown (also when folded away) and focused.
    if (this.linked) this.highlight(this.linked);
  }

  /** "Show N more replies": shows them all, and moves focus to the first that was hidden. */
  expand = (id: string, firstHidden: string) => this.change(id, { expanded: true }, `#comment-${firstHidden}`);

  /** Puts a message in the live region. */
  say = (notice: string) => this.set({ notice });

  /** What an error means to a reader, with the messages of rare errors widget-extra.js brings (when it can be loaded). */
  explain = (error?: ApiError): Promise<string> => {
    const describe = () => errorText(error?.code);
    return this.features().then(describe, describe);
  };

  /** Says in the live region what went wrong. */
  fail = (error: ApiError) => this.explain(error).then(this.say);

  /** Runs feature `name` of widget-extra.js on this widget (loading it first); what fails is said in the live region. */
  #use =
    <K extends HostFeature>(name: K) =>
    (...args: ArgumentsOf<K>) =>
      this.features()
        .then((features): Promise<unknown> => ((this.moveFocus = features.moveFocus), (features[name] as unknown as (host: FeatureHost, ...rest: ArgumentsOf<K>) => Promise<unknown>)(this, ...args)))
        .catch(this.fail);

  /** Brings the comment form: the reader is in the comment box. */
  openForm = this.#use('openForm');

  /** Opens comment `id`'s reply (or edit) form, closing any other; or closes it. */
  toggleForm = this.#use('toggleForm');

  /** "Load more comments". */
  loadMore = this.#use('loadMore');

  /** "Show N more replies" of a top-level comment whose replies are not all here: fetches them. */
  loadReplies = this.#use('loadReplies');

  /**
   * The page's address names comment `id` ({@link linked}): highlights it, shows it if folded away,
   * and moves focus to it, once the thread is shown; one not shown yet (on a later page, or a page
   * of replies) is fetched first. (widget-extra.js: a page linked to a comment loads it.)
   */
  highlight = this.#use('highlight');

  /** Likes comment `id`, or takes the like back. */
  like = this.#use('like');

  /** Deletes the reader's own comment `id` (after asking). */
  deleteComment = this.#use('remove');

  /** Asks the server to mail a confirmation link for following this thread. */
  follow = this.#use('follow');

  /** Opens "Follow this thread". */
  openFollow = this.#use('openFollow');
}
