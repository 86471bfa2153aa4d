import type { Locator, Page } from 'playwright-core';
import type { CreateCommentResponse, OwnComment } from '../../../worker/src/wire';

/**
 * The widget on the demo page: the element it renders into. Its content lives in an open
 * shadow root, which Playwright's CSS, role and label locators pierce.
 */
export function widgetOn(page: Page): Locator {
  return page.locator('#comments');
}

/** The count heading the widget shows once the thread has loaded ("No comments yet", "1 comment", "3 comments"). */
export const LOADED_HEADING = /^(No comments yet|1 comment|\d+ comments)$/;

/**
 * Waits until `widget` shows its thread: the count heading (`heading`), then every comment of
 * the page, which come a task after the count, a step at a time, while the list is `aria-busy`.
 */
export async function threadLoaded(widget: Locator, heading: string | RegExp = LOADED_HEADING): Promise<Locator> {
  await widget.getByRole('heading', { name: heading, exact: typeof heading === 'string' || undefined }).waitFor();
  await widget.locator('.thread[aria-busy="true"]').waitFor({ state: 'detached' });
  return widget;
}

/**
 * Opens (or reloads) the demo page and waits until the widget has loaded the thread, so
 * what it shows next is the server's answer, not a loading state.
 */
export async function openDemo(page: Page, origin: string, how: 'goto' | 'reload' = 'goto'): Promise<Locator> {
  if (how === 'reload') await page.reload();
  else await page.goto(`${origin}/`);
  return threadLoaded(widgetOn(page));
}

/**
 * Reloads the demo page until the widget's count heading says `heading`: a thread's view is
 * written at most once a second (KV's limit; its object's alarm writes the last change), so a
 * moderator's second action within a second shows a moment later. Gives up after 10 s.
 */
export async function openDemoShowing(page: Page, origin: string, heading: string): Promise<Locator> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const widget = await openDemo(page, origin, 'reload');
    const shown = await countHeading(widget);
    if (shown === heading || Date.now() > deadline) return widget;
    await page.waitForTimeout(300);
  }
}

/** The count heading's text, e.g. "2 comments". */
export async function countHeading(widget: Locator): Promise<string> {
  return (await widget.getByRole('heading', { name: LOADED_HEADING }).textContent())?.trim() ?? '';
}

/** A comment's own element (`#comment-ID`: author, body, actions; its replies follow it). */
export function commentById(widget: Locator, id: string): Locator {
  return widget.locator(`#comment-${id}`);
}

/**
 * Comes into the comment box as a reader does (the first paint shows it alone): the comment form
 * (widget-extra.js) replaces it. Resolves once the form is there.
 */
export async function openForm(widget: Locator): Promise<void> {
  await widget.getByLabel('Comment', { exact: true }).first().focus();
  await widget.getByRole('button', { name: 'Post comment', exact: true }).first().waitFor();
}

export interface CommentInput {
  name?: string;
  email?: string;
  website?: string;
  body: string;
}

/**
 * Fills the form found in `scope` (bringing it first, {@link openForm}) by its labels ("Comment", "Name", "Email (optional)", "Website (optional)"),
 * clicks "Post comment", and resolves with the comment the server created (read from the
 * API's answer, for its id).
 */
export async function postComment(page: Page, scope: Locator, input: CommentInput): Promise<OwnComment> {
  await openForm(scope);
  await scope.getByLabel('Comment', { exact: true }).fill(input.body);
  if (input.name !== undefined) await scope.getByLabel('Name', { exact: true }).fill(input.name);
  if (input.email !== undefined) await scope.getByLabel('Email (optional)', { exact: true }).fill(input.email);
  if (input.website !== undefined) await scope.getByLabel('Website (optional)', { exact: true }).fill(input.website);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/comments'),
    scope.getByRole('button', { name: 'Post comment', exact: true }).click(),
  ]);
  const text = await response.text();
  if (response.status() !== 201) throw new Error(`POST /api/comments answered ${response.status()}: ${text}`);
  return (JSON.parse(text) as CreateCommentResponse).comment;
}

/**
 * Where the element of comment `childId` sits relative to comment `parentId`: "nested" when
 * its ancestor chain includes the parent's comment element (the list item holding the
 * parent's `#comment-ID`, or that element itself), else a description of its ancestors.
 */
export async function nesting(widget: Locator, childId: string, parentId: string): Promise<string> {
  return commentById(widget, childId).evaluate((child, parentId) => {
    const root = child.getRootNode() as Document | ShadowRoot;
    const parent = root.getElementById(`comment-${parentId}`);
    if (!parent) return `the parent comment #comment-${parentId} is not on the page`;
    const parentItem = parent.closest('li') ?? parent;
    const chain: Element[] = [];
    for (let el = child.parentElement; el; el = el.parentElement) chain.push(el);
    if (chain.includes(parent) || chain.includes(parentItem)) return 'nested';
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
    return `not nested under #comment-${parentId}; ancestors: ${chain.map(describe).join(' < ')}`;
  }, parentId);
}
