import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { FakeServer } from '../helpers/fake-server';
import { commentBy, post, renderApp, resetBetweenTests, status } from '../helpers/render';

resetBetweenTests();

const likeButton = (name: string) => within(commentBy(name)).getByRole('button', { name: /^Like/ });

describe('likes', () => {
  test('a Like button shows the count; pressing it likes (POST), pressing again unlikes (DELETE), counting at once', async () => {
    const server = new FakeServer().install();
    const ada = server.seed({ author: 'Ada', likes: 3 });
    server.seed({ author: 'Bob' });
    renderApp();
    await screen.findByRole('heading', { name: '2 comments' });
    const like = likeButton('Ada');
    expect(like.textContent).toBe('Like 3');
    expect(like.getAttribute('aria-pressed')).toBe('false');
    // No likes yet: no number.
    expect(likeButton('Bob').textContent!.trim()).toBe('Like');

    fireEvent.click(like);
    await waitFor(() => expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true'));
    expect(likeButton('Ada').textContent).toBe('Like 4');
    await waitFor(() => expect(server.sent(`/api/comments/${ada.id}/like`, 'POST')).toHaveLength(1));

    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('false'));
    expect(likeButton('Ada').textContent).toBe('Like 3');
    await waitFor(() => expect(server.sent(`/api/comments/${ada.id}/like`, 'DELETE')).toHaveLength(1));
  });

  test('are remembered: after a reload my like shows, counted until the server’s count includes it, never twice', async () => {
    const server = new FakeServer().install();
    const ada = server.seed({ author: 'Ada', likes: 3 });
    const first = renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(server.liked.has(ada.id)).toBe(true));
    expect(JSON.parse(localStorage.getItem('parley:likes')!)[ada.id][0]).toBe(true);
    first.unmount();

    // Within the minute: the server still says 3.
    const second = renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true');
    expect(likeButton('Ada').textContent).toBe('Like 4');
    second.unmount();

    // The server's count caught up (and someone else liked it too).
    ada.likes = 5;
    renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true');
    expect(likeButton('Ada').textContent).toBe('Like 5');
  });

  test('a refused like is taken back and the reason said', async () => {
    const server = new FakeServer().install();
    server.seed({ author: 'Ada', likes: 1 });
    renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    server.fail = { method: 'POST', status: 404, code: 'not_found' };
    fireEvent.click(likeButton('Ada'));
    await waitFor(() => expect(status()).toBe('This comment is no longer there.'));
    expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('false');
    expect(likeButton('Ada').textContent).toBe('Like 1');
    expect(localStorage.getItem('parley:likes')).toBe('{}');
  });

  test('my comment awaiting moderation cannot be liked yet', async () => {
    new FakeServer().install();
    renderApp();
    await screen.findByRole('heading', { name: 'No comments yet' });
    await post({ name: 'Me', comment: 'Mine' });
    expect(within(commentBy('Me')).queryByRole('button', { name: /^Like/ })).toBeNull();
  });
});
