import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import { network, seed } from '../helpers/server';
import { commentBy, likeButton, renderApp, repliesTo, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

/** Authors of the top-level comments shown, in order. */
const topLevel = () => [...document.querySelectorAll('.thread > ol > li > article .author')].map((a) => a.textContent);
/** Every comment article shown, by id. */
const shownIds = () => [...document.querySelectorAll('article[id^="comment-"]')].map((a) => a.id);
const names = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => `T${String(from < to ? from + i : from - i).padStart(3, '0')}`);
const loadMore = () => fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
/** Waits long enough for a page of 50 threads to render (a slice per task). */
const long = { timeout: 5_000 };

/**
 * 130 top-level comments, T000 (oldest) to T129: seven pages of the server's 20 top-level
 * comments (the last one 10). T050 has a reply; T120 and T003 are the most liked.
 */
async function longThread() {
  const likes: Record<string, number> = { T120: 9, T003: 8 };
  const roots = await seed(testThread(), names(0, 129).map((author) => ({ author, likes: likes[author] })));
  await seed(testThread(), [{ author: 'T050-reply', parent: roots[50] }]);
  return Object.fromEntries(roots.map((root) => [root.author, root.id]));
}

/** Presses "Load more comments" until it is gone; returns the `page` of each later page asked for. */
async function loadAll(): Promise<string[]> {
  const button = () => screen.queryByRole<HTMLButtonElement>('button', { name: 'Load more comments' });
  for (let clicks = 0; button(); clicks++) {
    if (clicks > 20) throw new Error('"Load more comments" never went away');
    const asked = network.sent('/api/comments', 'GET').length;
    loadMore();
    // While a page loads the button stays, disabled: the next press waits for the page and the button's return (or its going).
    await waitFor(() => expect([network.sent('/api/comments', 'GET').length > asked, button()?.disabled ?? false]).toEqual([true, false]), long);
  }
  return network.sent('/api/comments', 'GET').slice(1).map((r) => r.url.searchParams.get('page')!);
}

describe('Load more comments', () => {
  test('asks for the next page with the same sort, appends it, and moves focus to the first new comment', async () => {
    const ids = await longThread();
    await renderApp();
    await threadShown('131 comments');
    await waitFor(() => expect(topLevel()).toEqual(names(0, 19)), long);

    loadMore();
    await waitFor(() => expect(topLevel()).toEqual(names(0, 39)), long);
    const [request] = network.sent('/api/comments', 'GET').slice(1);
    expect(Object.fromEntries(request.url.searchParams)).toEqual({ site: 'demo', thread: testThread(), sort: 'oldest', page: '1' });
    await waitFor(() => expect(document.activeElement!.id).toBe(`comment-${ids.T020}`));

    expect(await loadAll()).toEqual(['1', '2', '3', '4', '5', '6']);
    // A long page is rendered a slice at a time: the last slices follow the last answer.
    await waitFor(() => expect(topLevel()).toEqual(names(0, 129)), long);
    expect(screen.getByText('T050-reply')).toBeTruthy();
    expect(screen.getByRole('heading', { name: '131 comments' })).toBeTruthy();
  });

  test('is not there when the thread fits one page', async () => {
    await seed(testThread(), [{ author: 'A' }]);
    await renderApp();
    await threadShown('1 comment');
    expect(screen.queryByRole('button', { name: 'Load more comments' })).toBeNull();
  });
});

describe('sorting', () => {
  test('a "Sort by" select offers Oldest, Newest and Top; choosing one reloads in that order', async () => {
    await longThread();
    await renderApp();
    await threadShown('131 comments');
    const select = screen.getByLabelText('Sort by') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['oldest', 'Oldest'],
      ['newest', 'Newest'],
      ['top', 'Top'],
    ]);
    expect(select.value).toBe('oldest');

    fireEvent.change(select, { target: { value: 'newest' } });
    // Newest first: the last page of the thread (10), and the newest of the page before it.
    await waitFor(() => expect(topLevel()).toEqual(names(129, 110)), long);
    expect(network.requests.at(-1)!.url.searchParams.get('sort')).toBe('newest');
    // The select stays (with focus) while the new order loads.
    expect(screen.getByLabelText('Sort by')).toBe(select);

    // Later pages come in publication order: the widget shows their comments newest first, skipping those shown.
    loadMore();
    await waitFor(() => expect(topLevel()).toEqual(names(129, 100)), long);
    expect(Object.fromEntries(network.requests.at(-1)!.url.searchParams)).toMatchObject({ sort: 'newest', page: '5' });
    await loadAll();
    await waitFor(() => expect(topLevel()).toEqual(names(129, 0)), long);
  });

  test('Top shows the most liked first; later pages (oldest order) skip threads already shown', async () => {
    const ids = await longThread();
    await renderApp();
    await threadShown('131 comments');
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'top' } });
    // The most liked, then (as many are liked alike) the newest.
    await waitFor(() => expect([topLevel()[0], topLevel().length]).toEqual(['T120', 20]), long);
    const first = topLevel();
    expect(first.slice(0, 4)).toEqual(['T120', 'T003', 'T129', 'T128']);

    loadMore(); // page 0: T000–T019, T003 shown already
    await waitFor(() => expect(topLevel()).toEqual([...first, ...names(0, 19).filter((name) => name !== 'T003')]), long);
    // Focus goes to the first comment that is new, not to one shown before.
    await waitFor(() => expect(document.activeElement!.id).toBe(`comment-${ids.T000}`));
    // Then on through every page, skipping threads already shown: each comment once, all of them.
    await loadAll();
    await waitFor(() => expect([...topLevel()].sort()).toEqual(names(0, 129)), long);
    const shown = shownIds();
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toHaveLength(131);
  });

  test('is offered only when there is something to sort', async () => {
    await seed(testThread(), [{ author: 'A' }]);
    await renderApp();
    await threadShown('1 comment');
    expect(screen.queryByLabelText('Sort by')).toBeNull();
  });
});

describe('a long first page', () => {
  test('is rendered a slice of threads per task, so the page stays responsive, and ends up complete', async () => {
    // A full first page: 20 top-level comments, each with the three replies a page carries.
    const roots = await seed(testThread(), names(0, 19).map((author) => ({ author })));
    await seed(testThread(), roots.flatMap((root) => [1, 2, 3].map((n) => ({ author: `${root.author}-r${n}`, parent: root }))));
    await renderApp();
    await screen.findByRole('heading', { name: '80 comments' });
    // The task that brings the thread shows its count, and no comment yet (that task stays short
    // on a slow phone); the comments follow from the next task on, a slice per task, the list busy meanwhile.
    expect(topLevel()).toEqual([]);
    expect(document.querySelector('.thread')!.getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(topLevel()[0]).toBe('T000'), long);
    expect(topLevel().length).toBeLessThan(20);
    expect(document.querySelector('.thread')!.getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(topLevel().length).toBe(20), long);
    expect(topLevel().at(-1)).toBe('T019');
    expect(document.querySelector('.thread')!.getAttribute('aria-busy')).toBe('false');
  });
});

describe('a page of Load more', () => {
  test('shows its first comments in the task that brings them, without waiting for a frame', async () => {
    const ids = await longThread();
    await renderApp();
    await waitFor(() => expect(topLevel()).toEqual(names(0, 19)), long);
    // From here no animation frame comes: what shows, shows in the answer's own task.
    const frames = vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 0);
    try {
      loadMore();
      await waitFor(() => expect(topLevel().length).toBeGreaterThan(20), long);
      // A first step of at least four top-level comments, in order, and focus on the first.
      expect(topLevel().slice(0, 24)).toEqual(names(0, 23));
      expect(document.activeElement!.id).toBe(`comment-${ids.T020}`);
    } finally {
      frames.mockRestore();
    }
  });
});

describe('a thread in chunks of ten', () => {
  test('a comment past the first chunks shows a like, its hidden replies and the next page like any other', async () => {
    const roots = await seed(testThread(), names(0, 24).map((author) => ({ author })));
    await seed(testThread(), Array.from({ length: 5 }, (_, i) => ({ author: `T017-reply-${i + 1}`, parent: roots[17] })));
    await renderApp();
    await threadShown('30 comments');
    await waitFor(() => expect(topLevel()).toEqual(names(0, 19)), long);

    // A like in the second chunk: its button, and the comments either side of it unchanged.
    fireEvent.click(likeButton('T015'));
    await waitFor(() => expect(likeButton('T015').textContent).toBe('Like 1'));
    expect(likeButton('T014').textContent!.trim()).toBe('Like');

    // The hidden replies of a comment in the second chunk.
    expect(repliesTo(commentBy('T017'))).toEqual(['T017-reply-1', 'T017-reply-2', 'T017-reply-3']);
    fireEvent.click(within(commentBy('T017').parentElement!).getByRole('button', { name: 'Show 2 more replies' }));
    await waitFor(() => expect(repliesTo(commentBy('T017'))).toHaveLength(5));

    // The next page fills the third chunk; a like there too.
    loadMore();
    await waitFor(() => expect(topLevel()).toEqual(names(0, 24)), long);
    fireEvent.click(likeButton('T023'));
    await waitFor(() => expect(likeButton('T023').getAttribute('aria-pressed')).toBe('true'));
    expect(document.querySelectorAll('.thread > ol')).toHaveLength(3);
  });
});
