import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../../worker/src/wire';
import { network, seed } from '../helpers/server';
import { commentBy, fillAndPost, formShown, lastOwnComment, mainForm, renderApp, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

describe('the comment box of the first paint', () => {
  test('is the comment field alone; coming into it brings the form, which keeps what was typed, the caret and focus', async () => {
    await renderApp({ box: true });
    expect(mainForm()).toBeNull();
    const box = screen.getByLabelText('Comment') as HTMLTextAreaElement;
    expect(box.placeholder).toBe('Join the discussion…');
    // The reader types at once, before widget-extra.js has come.
    box.focus();
    fireEvent.focus(box);
    box.value = 'Hello there';
    box.setSelectionRange(5, 5);
    await formShown();
    const field = within(mainForm()).getByLabelText('Comment') as HTMLTextAreaElement;
    expect(field).not.toBe(box);
    expect(field.value).toBe('Hello there');
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([5, 5]);
    expect(within(mainForm()).getByLabelText('Name')).toBeTruthy();
  });
});

describe('the comment form', () => {
  test('has labelled fields, length limits, a Markdown hint and a "Post comment" button', async () => {
    await renderApp();
    const form = within(mainForm());
    expect(form.getByLabelText('Name').getAttribute('maxlength')).toBe(String(LIMITS.author));
    expect(form.getByLabelText('Email (optional)').getAttribute('type')).toBe('email');
    expect(form.getByLabelText('Website (optional)').getAttribute('maxlength')).toBe(String(LIMITS.website));
    expect(form.getByLabelText('Comment').tagName).toBe('TEXTAREA');
    expect(form.getByLabelText('Comment').getAttribute('maxlength')).toBe(String(LIMITS.body));
    expect(form.getByText(/Markdown supported/)).toBeTruthy();
    expect((form.getByRole('button', { name: 'Post comment' }) as HTMLButtonElement).type).toBe('submit');
  });

  test('posting shows "awaiting moderation" and the pending comment, marked, in the thread', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    await renderApp();
    await threadShown('1 comment');

    fillAndPost(mainForm(), { name: 'Grace', email: 'grace@example.com', comment: 'A **fine** post' });
    const button = within(mainForm()).getByRole('button', { name: 'Posting…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));
    expect(network.posts()).toEqual([
      { site: 'demo', thread: testThread(), parentId: null, author: 'Grace', email: 'grace@example.com', body: 'A **fine** post', hp: '', elapsedMs: expect.any(Number) },
    ]);
    const mine = commentBy('Grace');
    expect(within(mine).getByText('Awaiting moderation')).toBeTruthy();
    // As the server rendered it: Markdown, as HTML.
    expect(within(mine).getByText('fine').tagName).toBe('STRONG');
    expect(screen.getByRole('heading', { name: '2 comments' })).toBeTruthy();
    // Ready for another comment.
    const form = within(mainForm());
    await waitFor(() => expect((form.getByLabelText('Comment') as HTMLTextAreaElement).value).toBe(''));
    expect((form.getByRole('button', { name: 'Post comment' }) as HTMLButtonElement).disabled).toBe(false);
    expect(mine.id).toBe(`comment-${lastOwnComment().id}`);
  });

  test('a comment published at once (no moderation) is shown unmarked', async () => {
    await renderApp({ site: 'open' });
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Straight in' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Thanks! Your comment is published.'));
    // The thread was empty: its list comes with the comment, a task later.
    expect(within(await waitFor(() => commentBy('Grace'))).queryByText('Awaiting moderation')).toBeNull();
    expect(screen.getByRole('heading', { name: '1 comment' })).toBeTruthy();
  });

  test('shows a server validation error next to the field at fault', async () => {
    await renderApp();
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', email: 'not-an-address', comment: 'Hello' });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Please enter a valid email address (or none).');
    expect(network.posts()).toHaveLength(1);
    const email = within(mainForm()).getByLabelText('Email (optional)');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toContain(alert.id);
    expect(alert.parentElement).toBe(email.parentElement);
    expect(document.activeElement).toBe(email);
    // Nothing was posted, and what was typed is kept.
    expect(screen.queryByText('Awaiting moderation')).toBeNull();
    expect((within(mainForm()).getByLabelText('Comment') as HTMLTextAreaElement).value).toBe('Hello');

    fillAndPost(mainForm(), { email: 'grace@example.com' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(email.hasAttribute('aria-invalid')).toBe(false);
  });

  test('asks for a name and a comment before sending anything', async () => {
    await renderApp();
    await threadShown('No comments yet');

    fillAndPost(mainForm(), { comment: 'No name given' });
    expect((await screen.findByRole('alert')).textContent).toBe('Please enter your name.');
    expect(document.activeElement).toBe(within(mainForm()).getByLabelText('Name'));

    fillAndPost(mainForm(), { name: 'Grace', comment: '   ' });
    expect((await screen.findByRole('alert')).textContent).toBe('Please write a comment.');
    expect(network.posts()).toHaveLength(0);
  });

  test('a failed post keeps the text and says why', async () => {
    await renderApp();
    await threadShown('No comments yet');
    network.offline = true;
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Important words' });

    expect((await screen.findByRole('alert')).textContent).toBe('Could not reach the comment server. Please check your connection.');
    expect((within(mainForm()).getByLabelText('Comment') as HTMLTextAreaElement).value).toBe('Important words');
    expect((within(mainForm()).getByRole('button', { name: 'Post comment' }) as HTMLButtonElement).disabled).toBe(false);
  });

  test('completes a website given without https:// and remembers name, email and website for next time', async () => {
    const first = await renderApp();
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: '  Grace ', email: 'grace@example.com', website: 'grace.example', comment: 'Hi' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));
    expect(network.posts()[0]).toMatchObject({ author: 'Grace', website: 'https://grace.example' });
    expect((await screen.findByRole('link', { name: 'Grace' })).getAttribute('href')).toBe('https://grace.example');
    first.unmount();

    await renderApp();
    const form = within(mainForm());
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('Grace');
    expect((form.getByLabelText('Email (optional)') as HTMLInputElement).value).toBe('grace@example.com');
    expect((form.getByLabelText('Website (optional)') as HTMLInputElement).value).toBe('https://grace.example');
  });

  test('Ctrl+Enter in the comment field posts', async () => {
    await renderApp();
    await threadShown('No comments yet');
    const form = within(mainForm());
    fireEvent.input(form.getByLabelText('Name'), { target: { value: 'Grace' } });
    fireEvent.input(form.getByLabelText('Comment'), { target: { value: 'Quick' } });
    fireEvent.keyDown(form.getByLabelText('Comment'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(network.posts()).toHaveLength(1));
    await screen.findByText(/awaiting moderation/);
  });
});
