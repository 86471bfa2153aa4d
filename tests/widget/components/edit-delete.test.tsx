import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import type { TestSite } from '../setup/sites';
import { admin, network, readThread, seed } from '../helpers/server';
import { commentBy, lastOwnComment, post, renderApp, repliesTo, resetBetweenTests, status, testThread, settled, threadShown } from '../helpers/render';

resetBetweenTests();

/** A thread with Ada's comment, where I (Me) posted one just now. */
async function withMyComment(site: TestSite = 'demo') {
  await seed(testThread(), [{ author: 'Ada' }], site);
  const view = await renderApp({ site });
  await threadShown('1 comment');
  await post({ name: 'Me', comment: 'My *first* draft' });
  return { mine: lastOwnComment(), view };
}

const editButton = (name: string) => within(commentBy(name)).queryByRole('button', { name: 'Edit' });
const deleteButton = (name: string) => within(commentBy(name)).queryByRole('button', { name: 'Delete' });

describe('Edit and Delete buttons', () => {
  test('show on my own comment, for 15 minutes after posting, and never on anyone else’s', async () => {
    const { view } = await withMyComment();
    expect(editButton('Me')).toBeTruthy();
    expect(deleteButton('Me')).toBeTruthy();
    expect(editButton('Ada')).toBeNull();
    expect(deleteButton('Ada')).toBeNull();
    view.unmount();

    // 14 minutes later, still; at 16 minutes, gone.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 14 * 60_000);
    const again = await renderApp();
    await threadShown('2 comments');
    expect(editButton('Me')).toBeTruthy();
    again.unmount();
    vi.setSystemTime(Date.now() + 2 * 60_000);
    await renderApp();
    await threadShown('2 comments');
    expect(editButton('Me')).toBeNull();
    expect(deleteButton('Me')).toBeNull();
  });

  test('do not show without my token (another browser)', async () => {
    const { view } = await withMyComment('open');
    view.unmount();
    localStorage.clear();
    await renderApp({ site: 'open' });
    await threadShown('2 comments');
    expect(editButton('Me')).toBeNull();
  });
});

describe('editing my comment', () => {
  test('opens my Markdown in the form, sends PATCH with my token, shows the result marked "(edited)"', async () => {
    const { mine } = await withMyComment('open');
    fireEvent.click(editButton('Me')!);
    await settled();
    const form = commentBy('Me').querySelector('form')!;
    const field = within(form).getByLabelText('Comment') as HTMLTextAreaElement;
    expect(field.value).toBe('My *first* draft');
    expect(document.activeElement).toBe(field);
    // Only the comment: name, email and website are not editable.
    expect(within(form).queryByLabelText('Name')).toBeNull();

    fireEvent.input(field, { target: { value: 'My **second** thoughts' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(commentBy('Me')).getByText('second').tagName).toBe('STRONG'));
    const [patch] = network.sent(`/api/comments/${mine.id}`, 'PATCH');
    expect(patch.body).toEqual({ body: 'My **second** thoughts' });
    expect(patch.headers.get('authorization')).toBe(`Bearer ${mine.token}`);
    expect(within(commentBy('Me')).getByText('(edited)')).toBeTruthy();
    expect(commentBy('Me').querySelector('form')).toBeNull();
    expect(status()).toBe('Your changes are saved.');
    expect(document.activeElement).toBe(commentBy('Me'));
    // Remembered: the next edit starts from the new text; and every reader sees it.
    expect(JSON.parse(localStorage.getItem(`parley:own:${mine.id}`)!).body).toBe('My **second** thoughts');
    expect((await readThread('open', testThread())).comments.find((c) => c.id === mine.id)).toMatchObject({ edited: true, html: expect.stringContaining('<strong>second</strong>') });
  });

  test('an approved comment edited on a pre-moderated site shows "Awaiting moderation" again', async () => {
    const { mine, view } = await withMyComment('demo');
    await admin.approve(mine.id);
    view.unmount();
    await renderApp();
    await threadShown('2 comments');
    expect(within(commentBy('Me')).queryByText('Awaiting moderation')).toBeNull();

    fireEvent.click(editButton('Me')!);
    await settled();
    fireEvent.input(within(commentBy('Me')).getByLabelText('Comment'), { target: { value: 'Changed' } });
    fireEvent.click(within(commentBy('Me')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(commentBy('Me')).getByText('Awaiting moderation')).toBeTruthy());
    expect(status()).toContain('awaiting moderation');
  });

  test('the window is the site’s (its config): on a site with 0 minutes, never offered', async () => {
    await withMyComment('no-edits');
    await waitFor(() => expect(network.sent('/api/sites/no-edits/config')).toHaveLength(1));
    expect(editButton('Me')).toBeNull();
    expect(deleteButton('Me')).toBeNull();
  });

  test('Cancel closes the form and gives focus back to Edit', async () => {
    await withMyComment('open');
    fireEvent.click(editButton('Me')!);
    await settled();
    fireEvent.click(within(commentBy('Me')).getByRole('button', { name: 'Cancel' }));
    await settled();
    expect(commentBy('Me').querySelector('form')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(editButton('Me')));
  });
});

describe('deleting my comment', () => {
  test('asks first; sends DELETE with my token; the comment, its count and its token go', async () => {
    const { mine } = await withMyComment('open');
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    fireEvent.click(deleteButton('Me')!);
    await waitFor(() => expect(confirm).toHaveBeenCalledWith('Delete this comment? This cannot be undone.'));
    expect(network.sent(/^\/api\/comments\/\w+$/, 'DELETE')).toHaveLength(0);

    confirm.mockReturnValue(true);
    fireEvent.click(deleteButton('Me')!);
    await waitFor(() => expect(screen.queryByText('Me', { selector: '.author' })).toBeNull());
    const [request] = network.sent(`/api/comments/${mine.id}`, 'DELETE');
    expect(request.headers.get('authorization')).toBe(`Bearer ${mine.token}`);
    expect(screen.getByRole('heading', { name: '1 comment' })).toBeTruthy();
    expect(status()).toBe('Your comment was deleted.');
    expect(localStorage.getItem(`parley:own:${mine.id}`)).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: '1 comment' }));
    expect((await readThread('open', testThread())).total).toBe(1);
  });

  test('replies to a deleted comment keep their place under a placeholder', async () => {
    const { mine, view } = await withMyComment('open');
    await seed(testThread(), [{ author: 'Bob', parent: mine }], 'open');
    view.unmount();
    await renderApp({ site: 'open' });
    await threadShown('3 comments');
    vi.stubGlobal('confirm', () => true);
    fireEvent.click(deleteButton('Me')!);
    const placeholder = (await screen.findByText('[This comment was removed]')).closest('article')!;
    expect(repliesTo(placeholder)).toEqual(['Bob']);
  });

  test('a refusal (a wrong token) is said in the live region and nothing changes', async () => {
    const { mine, view } = await withMyComment('open');
    view.unmount();
    const stored = JSON.parse(localStorage.getItem(`parley:own:${mine.id}`)!);
    localStorage.setItem(`parley:own:${mine.id}`, JSON.stringify({ ...stored, token: 'wrong' }));
    await renderApp({ site: 'open' });
    await threadShown('2 comments');
    vi.stubGlobal('confirm', () => true);
    fireEvent.click(deleteButton('Me')!);
    await waitFor(() => expect(status()).toBe('Something went wrong. Please try again.'));
    expect(screen.getAllByText('Me', { selector: '.author' })).toHaveLength(1);
    expect(localStorage.getItem(`parley:own:${mine.id}`)).toBeTruthy();
  });
});
