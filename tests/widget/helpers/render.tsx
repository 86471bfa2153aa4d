import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { Component, h } from 'preact';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { createClient } from '../../../widget/src/api/client';
import { Widget } from '../../../widget/src/components/widget/widget';
import { featureLoader } from '../../../widget/src/features/features';
import { useStrings } from '../../../widget/src/lib/i18n';
import { WidgetStore } from '../../../widget/src/state/store';
import type { TestSite } from '../setup/sites';
import { API, network, newThread } from './server';

let thread = '';

/** The current test's thread: a new one for every test (the tests share one Worker). */
export const testThread = () => thread;

/** widget-extra.js, from its source (the embed imports the built file from the server). */
export const loadFeatures = () => import('../../../widget/src/features').then((module) => module.createFeatures({ h, Component }));

/**
 * Mounts the widget as the embed does (minus the shadow root), against the Worker. Then, as a
 * reader who comes into the comment box, brings the comment form (widget-extra.js), which
 * replaces the box, and resolves once it has (unless `box` is set: the box stays, alone).
 */
export async function renderApp(options: { thread?: string; site?: TestSite; box?: boolean } = {}) {
  const store = new WidgetStore(createClient(API), options.site ?? 'demo', options.thread ?? thread, featureLoader(loadFeatures));
  store.load();
  const rendered = render(<Widget store={store} />);
  if (!options.box) {
    fireEvent.focus(rendered.container.querySelector('textarea#box')!);
    // The form is in the store, and the box gone (replaced by it, or by "Comments are closed").
    await waitFor(() => expect(!!store.state.form && !rendered.container.querySelector('textarea#box')).toBe(true));
  }
  return rendered;
}

/**
 * Waits for the thread's count (its heading, `name`: "4 comments") in `scope` (the page, or a
 * widget's shadow root), then for its comments: they come a task after the count, a step at a
 * time (components/thread), and the list is busy (`aria-busy`) until all are there.
 */
export async function threadShown(name: string | RegExp, scope: Pick<typeof screen, 'findByRole'> = screen): Promise<HTMLElement> {
  const heading = await scope.findByRole('heading', { name });
  await waitFor(() => expect(heading.closest('section')!.querySelector('.thread[aria-busy="true"]')).toBeNull());
  return heading;
}

/** Waits for the main comment form (it comes with widget-extra.js). */
export const formShown = () => waitFor(() => expect(mainForm()).toBeTruthy());

/**
 * A fresh page for every test: nothing mounted, nothing stored, English, no address fragment,
 * a thread of its own, and the network watched ({@link network}).
 */
export function resetBetweenTests() {
  beforeEach(() => {
    localStorage.clear();
    thread = newThread();
    network.watch();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.useRealTimers();
    localStorage.clear();
    useStrings();
    if (location.hash) location.hash = '';
    document.body.innerHTML = '';
  });
}

/** The text of the widget's one live region. */
export const status = () => screen.getByRole('status').textContent;

/** Fills the main form, posts, and waits for the server's answer to show (and the form to be ready for another). */
export async function post(fields: { name?: string; email?: string; website?: string; comment?: string }) {
  await formShown();
  const before = status();
  fillAndPost(mainForm(), fields);
  await waitFor(() => expect(status()).not.toBe(before));
  await formReady();
}

/** Waits until the main form is empty again and its button says "Post comment": ready for another comment. */
export const formReady = () =>
  waitFor(() => {
    expect((within(mainForm()).getByLabelText('Comment') as HTMLTextAreaElement).value).toBe('');
    expect(within(mainForm()).getByRole('button', { name: 'Post comment' })).toBeTruthy();
  });

/** The `<article>` of the comment whose author is `name`. */
export function commentBy(name: string): HTMLElement {
  const article = screen.getByText(name, { selector: '.author' }).closest('article');
  if (!article) throw new Error(`no comment by ${name}`);
  return article;
}

/** The Like button of the comment whose author is `name` (its name is "Like" and the count). */
export const likeButton = (name: string): HTMLElement => within(commentBy(name)).getByRole('button', { name: /^Like/ });

/** The comments shown as direct replies to `article`'s comment, by author. */
export function repliesTo(article: HTMLElement): string[] {
  const list = article.parentElement!.querySelector(':scope > ol');
  if (!list) return [];
  return [...list.querySelectorAll(':scope > li > article')].map((reply) => reply.querySelector('.author')?.textContent ?? '(removed)');
}

/** Fills a comment form and submits it. */
export function fillAndPost(form: HTMLElement, fields: { name?: string; email?: string; website?: string; comment?: string }) {
  const scope = within(form);
  if (fields.comment !== undefined) fireEvent.input(scope.getByLabelText('Comment'), { target: { value: fields.comment } });
  if (fields.name !== undefined) fireEvent.input(scope.getByLabelText('Name'), { target: { value: fields.name } });
  if (fields.email !== undefined) fireEvent.input(scope.getByLabelText('Email (optional)'), { target: { value: fields.email } });
  if (fields.website !== undefined) fireEvent.input(scope.getByLabelText('Website (optional)'), { target: { value: fields.website } });
  fireEvent.click(scope.getByRole('button', { name: 'Post comment' }));
}

/** The top-level comment form (the first form of the widget). */
export function mainForm(): HTMLElement {
  return document.querySelector('form')!;
}

/** The id of the comment the widget remembers posting last (from its localStorage), and its edit token. */
export function lastOwnComment(): { id: string; token: string } {
  const entries = Object.keys(localStorage)
    .filter((key) => key.startsWith('parley:own:'))
    .map((key) => JSON.parse(localStorage.getItem(key)!) as { id: string; token: string; savedAt: number });
  const last = entries.sort((a, b) => a.savedAt - b.savedAt).at(-1);
  if (!last) throw new Error('no own comment in localStorage');
  return last;
}

/**
 * Lets what a click started finish: opening or closing a reply or edit form runs in
 * widget-extra.js (a promise, even once it is loaded), then the widget renders again.
 */
export const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
