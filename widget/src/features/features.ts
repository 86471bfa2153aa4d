import type { Draft } from '../components/comment-form/comment-form';
import { rareErrors } from '../lib/i18n';
import type { WidgetStore } from '../state/store';

/**
 * Everything that writes, and the features only some readers use, loaded on first use as
 * widget-extra.js: an ES module built from ./index.ts, whose `createFeatures(h)` implements this
 * interface with widget.js's Preact. widget.js never imports it: it asks for it through the loader
 * it was given (the embed's imports `widget-extra.js` from widget.js's origin), and the features
 * change what the widget shows only through the store's actions ({@link FeatureHost}).
 */
export interface Features {
  /** English messages of rare errors, by code or by field (translations carry them in `errors` and `fieldErrors`). */
  errors: Partial<Record<string, string>>;
  /** Checks and posts a comment, or a reply to `parentId`; rejects with a FormError (what is missing) or the ApiError. */
  post(host: FeatureHost, draft: Draft, parentId: string | null): Promise<void>;
  /** "Load more comments": the next page of the thread with something new in it. */
  loadMore(host: FeatureHost): Promise<void>;
  /** "Show N more replies" of top-level comment `id`: its pages of replies, then all shown. */
  loadReplies(host: FeatureHost, id: string): Promise<void>;
  /** A link names comment `id`, which is not on the first page: loads the pages it is on, then shows it. */
  reveal(host: FeatureHost, id: string): Promise<void>;
  /** Likes comment `id`, or takes the like back: counted at once, reverted if the server refuses. */
  like(host: FeatureHost, id: string): Promise<void>;
  /** Saves an edit of the reader's own comment; rejects with a FormError (nothing written) or the ApiError. */
  saveEdit(host: FeatureHost, id: string, body: string): Promise<void>;
  /** Deletes the reader's own comment, after asking. */
  remove(host: FeatureHost, id: string): Promise<void>;
  /** Opens "Follow this thread" (its words come with these features). */
  openFollow(host: FeatureHost): Promise<void>;
  /** "Follow this thread": asks the server to mail a confirmation link. */
  follow(host: FeatureHost, email: string): Promise<void>;
  /** The comment rendered by the server exactly as it would be published (HTML). */
  preview(host: FeatureHost, body: string): Promise<string>;
  /** Opt-in Cloudflare Turnstile: loads it into a box slotted into the main form. */
  startTurnstile(sitekey: string, host: HTMLElement): Captcha;
  /** Fills `[data-parley-count]` elements with their threads' counts, worded by `format`. */
  fillCounts(base: string, site: string, elements: NodeListOf<HTMLElement>, format: (count: number) => string): void;
}

/** What a feature may use of the widget: its place and API, its state, and the actions that change what it shows. */
export type FeatureHost = Pick<WidgetStore, 'api' | 'site' | 'thread' | 'strings' | 'captcha' | 'state' | 'node' | 'set' | 'setProfile' | 'change' | 'append' | 'removeNode' | 'say' | 'highlight'>;

/** A Turnstile challenge: its current token ('' until solved, and after each use). */
export interface Captcha {
  readonly token: string;
  /** Asks for a new token (a token works once). */
  reset(): void;
}

/**
 * Loads the features once (again after a failure), and makes their rare error messages known to
 * widget.js.
 *
 * @example
 * const features = featureLoader(() => import(`${origin}/widget-extra.js`).then((module) => module.features));
 * (await features()).fillCounts(...);
 */
export function featureLoader(load: () => Promise<Features>): () => Promise<Features> {
  let loading: Promise<Features> | undefined;
  return () =>
    (loading ??= load().then(
      (features) => (Object.assign(rareErrors, features.errors), features),
      (error) => {
        loading = undefined;
        throw error;
      },
    ));
}
