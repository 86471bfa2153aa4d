import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { admin, network, newThread, seed } from '../helpers/server';
import { commentBy, fillAndPost, lastOwnComment, mainForm, renderApp, repliesTo, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

describe('the thread', () => {
  test('shows the count, and replies nested under the comment they answer', async () => {
    const [ada, dee] = await seed(testThread(), [{ author: 'Ada' }, { author: 'Dee' }]);
    const [bob] = await seed(testThread(), [{ author: 'Bob', parent: ada }]);
    await seed(testThread(), [{ author: 'Cy', parent: bob }]);
    await seed(newThread(), [{ author: 'Elsewhere' }]);

    await renderApp({ box: true });
    expect(screen.getByText('Loading comments…')).toBeTruthy();
    expect(await threadShown('4 comments')).toBeTruthy();
    expect(screen.queryByText('Loading comments…')).toBeNull();

    expect(repliesTo(commentBy('Ada'))).toEqual(['Bob']);
    expect(repliesTo(commentBy('Bob'))).toEqual(['Cy']);
    expect(repliesTo(commentBy('Dee'))).toEqual([]);
    expect(screen.queryByText('Elsewhere')).toBeNull();
    // Top level, oldest first.
    const thread = screen.getByRole('region', { name: 'Comments' }).querySelector('.thread')!;
    expect([...thread.querySelectorAll(':scope > ol > li > article .author')].map((a) => a.textContent)).toEqual(['Ada', 'Dee']);
    expect(commentBy('Dee').id).toBe(`comment-${dee.id}`);

    const ada$ = commentBy('Ada');
    expect(ada$.id).toBe(`comment-${ada.id}`);
    expect(within(ada$).getByText('Ada says hello')).toBeTruthy();
    expect(ada$.querySelector('time')!.getAttribute('datetime')).toBe(ada.createdAt);
    expect(ada$.querySelector('time')!.textContent).toBe('3 days ago');
    expect(within(ada$).getByRole('button', { name: 'Reply' })).toBeTruthy();
  });

  test('counts one comment in the singular', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    await renderApp();
    expect(await threadShown('1 comment')).toBeTruthy();
  });

  test('caps visual nesting: deeper replies stay at the cap and say whom they answer', async () => {
    let [parent] = await seed(testThread(), [{ author: 'Level0' }]);
    for (let depth = 1; depth <= 6; depth++) [parent] = await seed(testThread(), [{ author: `Level${depth}`, parent }]);
    await renderApp();
    await threadShown('7 comments');
    // The page carries the conversation's first three replies; the rest come on demand.
    fireEvent.click(screen.getByRole('button', { name: 'Show 3 more replies' }));
    await waitFor(() => expect(commentBy('Level6')).toBeTruthy());

    const indents = (name: string) => {
      let count = 0;
      for (let node: Element | null = commentBy(name); node; node = node.parentElement) if (node.matches('ol.replies:not(.flat)')) count++;
      return count;
    };
    expect([0, 1, 2, 3, 4, 5, 6].map((depth) => indents(`Level${depth}`))).toEqual([0, 1, 2, 3, 4, 4, 4]);
    expect(within(commentBy('Level6')).getByText('in reply to Level5')).toBeTruthy();
    expect(within(commentBy('Level4')).queryByText('in reply to Level3')).toBeNull();
  });

  test('shows an empty state when nobody has commented', async () => {
    await renderApp();
    expect(await threadShown('No comments yet')).toBeTruthy();
    expect(screen.getByText('Be the first to comment.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Post comment' })).toBeTruthy();
  });

  test('shows author names and websites as text, never as HTML', async () => {
    await seed(testThread(), [{ author: '<img src=x onerror="alert(1)">Mallory', website: 'https://mallory.example/?a=<b>' }, { author: '<b>Bold</b>' }]);
    await renderApp();
    await threadShown('2 comments');

    const link = screen.getByRole('link', { name: '<img src=x onerror="alert(1)">Mallory' });
    expect(link.getAttribute('href')).toBe('https://mallory.example/?a=<b>');
    expect(link.getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(screen.getByText('<b>Bold</b>').tagName).toBe('SPAN');
    expect(screen.queryByRole('link', { name: '<b>Bold</b>' })).toBeNull();
    const region = screen.getByRole('region', { name: 'Comments' });
    expect(region.querySelector('img, .author b')).toBeNull();
  });

  test('keeps the replies of a removed comment under a placeholder', async () => {
    const [gone] = await seed(testThread(), [{ author: 'Gone', status: 'removed' }]);
    await seed(testThread(), [{ author: 'Replier', parent: gone }, { author: 'Other' }]);
    await renderApp();
    expect(await threadShown('2 comments')).toBeTruthy();

    const placeholder = screen.getByText('[This comment was removed]').closest('article')!;
    expect(placeholder.id).toBe(`comment-${gone.id}`);
    expect(within(placeholder).queryByRole('button', { name: 'Reply' })).toBeNull();
    expect(repliesTo(placeholder)).toEqual(['Replier']);
    expect(screen.queryByText('Gone')).toBeNull();
  });

  test('shows an error when the comments cannot be loaded, and "Try again" loads them', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    network.offline = true;
    await renderApp();

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain("Couldn't load comments.");
    expect(alert.textContent).toContain('Could not reach the comment server');
    // The form stays usable.
    expect(screen.getByRole('button', { name: 'Post comment' })).toBeTruthy();

    network.offline = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await threadShown('1 comment')).toBeTruthy();
    expect(commentBy('Ada')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('tells the reader when the site is not configured on the server', async () => {
    await renderApp({ site: 'nowhere' as 'demo' });
    expect((await screen.findByRole('alert')).textContent).toContain('Comments are not set up for this site.');
  });
});

describe('own comments after a reload', () => {
  test('a reloaded widget still shows my pending comment, until the list carries it approved', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    const first = await renderApp();
    await threadShown('1 comment');
    fillAndPost(mainForm(), { name: 'Me', comment: 'My first thoughts' });
    await screen.findByText(/awaiting moderation/);
    const posted = lastOwnComment();
    first.unmount();

    // Reload: the server still lists only Ada, but I see my comment, marked.
    const second = await renderApp();
    expect(await threadShown('2 comments')).toBeTruthy();
    const mine = commentBy('Me');
    expect(mine.id).toBe(`comment-${posted.id}`);
    expect(within(mine).getByText('Awaiting moderation')).toBeTruthy();
    expect(within(mine).getByText('My first thoughts')).toBeTruthy();
    // Kept with its token, for editing and deleting later.
    const stored = JSON.parse(localStorage.getItem(`parley:own:${posted.id}`)!);
    expect(stored).toMatchObject({ id: posted.id, site: 'demo', thread: testThread(), comment: { status: 'pending' } });
    expect(stored.token).toMatch(/^\S{20,}$/);
    expect(typeof stored.savedAt).toBe('number');
    second.unmount();

    // Not on another thread.
    await renderApp({ thread: newThread() });
    expect(await threadShown('No comments yet')).toBeTruthy();
  });

  test('once approved, my comment is shown once, from the list, unmarked; if later removed it goes', async () => {
    const first = await renderApp();
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Me', comment: 'Hello there' });
    await screen.findByText(/awaiting moderation/);
    const posted = lastOwnComment();
    first.unmount();

    await admin.approve(posted.id);
    const second = await renderApp();
    expect(await threadShown('1 comment')).toBeTruthy();
    expect(screen.getAllByText('Me', { selector: '.author' })).toHaveLength(1);
    expect(screen.queryByText('Awaiting moderation')).toBeNull();
    expect(JSON.parse(localStorage.getItem(`parley:own:${posted.id}`)!)).toMatchObject({ listed: true, token: posted.token });
    second.unmount();

    await admin.remove(posted.id);
    await renderApp();
    expect(await threadShown('No comments yet')).toBeTruthy();
    expect(screen.queryByText('Me')).toBeNull();
  });

  test('my pending comment replaces the placeholder standing for it when it already has an approved reply', async () => {
    const first = await renderApp();
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Me', comment: 'Parent text' });
    await screen.findByText(/awaiting moderation/);
    first.unmount();
    await seed(testThread(), [{ author: 'Replier', parent: lastOwnComment() }]);

    await renderApp();
    expect(await threadShown('2 comments')).toBeTruthy();
    expect(screen.queryByText('[This comment was removed]')).toBeNull();
    expect(within(commentBy('Me')).getByText('Awaiting moderation')).toBeTruthy();
    expect(repliesTo(commentBy('Me'))).toEqual(['Replier']);
  });
});

describe('locked and pinned', () => {
  test('a locked thread shows "Comments are closed." instead of the form, and no Reply buttons', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
    await seed(testThread(), [{ author: 'Bob', parent: ada }]);
    await admin.lock('demo', testThread());
    await renderApp();
    await threadShown('2 comments');
    expect(screen.getByText('Comments are closed.')).toBeTruthy();
    expect(document.querySelector('form')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reply' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Post comment' })).toBeNull();
  });

  test('an open thread has the form and Reply buttons, and does not say it is closed', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    await renderApp();
    await threadShown('1 comment');
    expect(screen.queryByText('Comments are closed.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Reply' })).toBeTruthy();
  });

  test('a pinned comment comes first, with a "Pinned" badge', async () => {
    await seed(testThread(), [{ author: 'Ada' }, { author: 'Bob', pinned: true }]);
    await renderApp();
    await threadShown('2 comments');
    const authors = [...document.querySelectorAll('.thread > ol > li > article .author')].map((a) => a.textContent);
    expect(authors).toEqual(['Bob', 'Ada']);
    expect(within(commentBy('Bob')).getByText('Pinned')).toBeTruthy();
    expect(within(commentBy('Ada')).queryByText('Pinned')).toBeNull();
  });
});
