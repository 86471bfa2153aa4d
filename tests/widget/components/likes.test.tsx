import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import { admin, network, readThread, seed } from '../helpers/server';
import { commentBy, likeButton, post, renderApp, resetBetweenTests, status, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

describe('likes', () => {
  test('a Like button shows the count; pressing it likes (POST), pressing again unlikes (DELETE), counting at once', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada', likes: 3 }, { author: 'Bob' }]);
    await renderApp();
    await threadShown('2 comments');
    const like = likeButton('Ada');
    expect(like.textContent).toBe('Like 3');
    expect(like.getAttribute('aria-pressed')).toBe('false');
    // No likes yet: no number.
    expect(likeButton('Bob').textContent!.trim()).toBe('Like');

    fireEvent.click(like);
    await waitFor(() => expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true'));
    expect(likeButton('Ada').textContent).toBe('Like 4');
    await waitFor(() => expect(network.sent(`/api/comments/${ada.id}/like`, 'POST')).toHaveLength(1));

    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('false'));
    expect(likeButton('Ada').textContent).toBe('Like 3');
    await waitFor(() => expect(network.sent(`/api/comments/${ada.id}/like`, 'DELETE')).toHaveLength(1));
  });

  test('are remembered: after a reload my like shows, counted once whether or not the server’s count has it yet', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada', likes: 3 }]);
    const first = await renderApp();
    await threadShown('1 comment');
    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(network.sent(`/api/comments/${ada.id}/like`, 'POST')).toHaveLength(1));
    expect(JSON.parse(localStorage.getItem('parley:likes')!)[ada.id][0]).toBe(true);
    first.unmount();

    // Right away (the server's count may still say 3): mine is counted once.
    const second = await renderApp();
    await threadShown('1 comment');
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true');
    expect(likeButton('Ada').textContent).toBe('Like 4');
    second.unmount();

    // Once the server's count has caught up (and someone else liked it too), its count is shown: mine is in it.
    await seed(testThread(), [{ author: 'Ada', id: ada.id, createdAt: Date.parse(ada.createdAt), likes: 5 }]);
    const counted = await vi.waitFor(
      async () => {
        const likes = (await readThread('demo', testThread())).comments[0].likes ?? 0;
        if (likes < 5) throw new Error(`the server counts ${likes} likes`);
        return likes;
      },
      { timeout: 10_000, interval: 200 },
    );
    await renderApp();
    await threadShown('1 comment');
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true');
    expect(likeButton('Ada').textContent).toBe(`Like ${counted}`);
  });

  test('a refused like is taken back and the reason said', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada', likes: 1 }]);
    await renderApp();
    await threadShown('1 comment');
    // A moderator removes it while the page is open.
    await admin.remove(ada.id);
    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(status()).toBe('This comment is no longer there.'));
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('false');
    expect(likeButton('Ada').textContent).toBe('Like 1');
    expect(localStorage.getItem('parley:likes')).toBe('{}');
  });

  test('my comment awaiting moderation cannot be liked yet', async () => {
    await renderApp();
    await threadShown('No comments yet');
    await post({ name: 'Me', comment: 'Mine' });
    expect(within(await waitFor(() => commentBy('Me'))).queryByRole('button', { name: /^Like/ })).toBeNull();
  });
});
