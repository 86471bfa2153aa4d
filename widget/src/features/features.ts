import type { Component, createElement } from 'preact';
import type { Strings } from '../i18n/en';
import { rareErrors } from '../lib/i18n';
import type { WidgetStore } from '../state/store';

/**
 * Everything that writes, and the features only some readers use, loaded on first use as
 * widget-extra.js: an ES module built from ./index.ts, whose `createFeatures(preact)` implements
 * this interface with widget.js's Preact (the forms it brings are made of widget.js's elements and
 * components). widget.js never imports it: it asks for it through the loader it was given (the
 * embed imports `widget-extra.js` from widget.js's origin), and the features change what the
 * widget shows only through the store's actions ({@link FeatureHost}).
 */
export interface Features {
  /** English messages of rare errors, by code or by field (translations carry them in `errors` and `fieldErrors`). */
  errors: Partial<Record<string, string>>;
  /** The stylesheet of what these features bring (styles/extra.css), for the widget's shadow root. */
  styles: string;
  /** Brings the comment form ({@link FormSlotProps}): the main form replaces the comment box, and reply and edit forms can open. */
  openForm(host: FeatureHost): Promise<void>;
  /** Opens comment `id`'s reply (or edit) form, closing any other; or closes it, focus going back to its button. */
  toggleForm(host: FeatureHost, id: string, form: 'reply' | 'edit'): Promise<void>;
  /** "Load more comments": the next page of the thread with something new in it. */
  loadMore(host: FeatureHost): Promise<void>;
  /** "Show N more replies" of top-level comment `id`: its pages of replies, then all shown. */
  loadReplies(host: FeatureHost, id: string): Promise<void>;
  /**
   * The page's address names comment `id`: once the thread is shown (nothing before), highlights
   * it (and no other), shows it if folded away and moves focus to it; one not shown yet (on a
   * later page, or a page of replies) is fetched first (the pages it is on).
   */
  highlight(host: FeatureHost, id: string): Promise<void>;
  /** Likes comment `id`, or takes the like back: counted at once, reverted if the server refuses. */
  like(host: FeatureHost, id: string): Promise<void>;
  /** Deletes the reader's own comment, after asking. */
  remove(host: FeatureHost, id: string): Promise<void>;
  /** Opens "Follow this thread" (its words come with these features). */
  openFollow(host: FeatureHost): Promise<void>;
  /** "Follow this thread": asks the server to mail a confirmation link. */
  follow(host: FeatureHost, email: string): Promise<void>;
  /** Moves focus to `element` (one the widget asked for, now rendered), scrolling it to the middle of the view first: smoothly, unless the reader prefers reduced motion. */
  moveFocus(element: HTMLElement): void;
  /** Opt-in Cloudflare Turnstile: loads it into a box slotted into the main form. */
  startTurnstile(sitekey: string, host: HTMLElement): Captcha;
  /** Fills `[data-parley-count]` elements with their threads' counts, in the widget's words (`count`). */
  fillCounts(base: string, site: string, elements: NodeListOf<HTMLElement>, words: Pick<Strings, 'locale' | 'count'>): void;
}

/** What widget-extra.js builds its forms with: widget.js's Preact. */
export interface Preact {
  h: typeof createElement;
  Component: typeof Component;
}

/**
 * Where the comment form of widget-extra.js (bound to its widget's store) goes: the main form (no
 * `replyTo` nor `edit`: it replaces the comment `box`, taking over what was typed in it), the
 * reply form under comment `replyTo`, or the edit form of the reader's own comment `edit`.
 */
export interface FormSlotProps {
  replyTo?: string;
  edit?: string;
  /**
   * The comment box the main form replaces, as the form first renders (null or undefined later,
   * and when the form came before the box was shown): the form takes over its text.
   */
  box?: HTMLTextAreaElement | null;
  /** The box had focus (read while it was on the page): the form's comment field takes it, with the box's caret or selection. */
  focused?: boolean;
}

/** What a feature may use of the widget: its place and API, its state, and the actions that change what it shows. */
export type FeatureHost = Pick<WidgetStore, 'api' | 'element' | 'site' | 'thread' | 'strings' | 'captcha' | 'state' | 'roots' | 'nodes' | 'set' | 'change' | 'append' | 'say' | 'linked' | 'explain'>;

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
