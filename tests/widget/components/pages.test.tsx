import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { FakeServer } from '../helpers/fake-server';
import { renderApp, resetBetweenTests } from '../helpers/render';

resetBetweenTests();

/** Authors of the top-level comments shown, in order. */
const topLevel = () => [...document.querySelectorAll('.thread > li > article .author')].map((a) => a.textContent);
/** Every comment article shown, by id. */
const shownIds = () => [...document.querySelectorAll('article[id^="comment-"]')].map((a) => a.id);

/** Five top-level comments, A (oldest) to E, pages of two; C has a reply. */
function fiveThreads() {
  const server = new FakeServer({ pageSize: 2 }).install();
  const ids: Record<string, string> = {};
  for (const name of ['A', 'B', 'C', 'D', 'E']) ids[name] = server.seed({ author: name, likes: { A: 8, B: 1, C: 2, D: 9, E: 0 }[name] || undefined }).id;
  server.seed({ author: 'C-reply', parentId: ids.C });
  return { server, ids };
}

describe('Load more comments', () => {
  test('asks for the next page with the same sort, appends it, and moves focus to the first new comment', async () => {
    const { server, ids } = fiveThreads();
    renderApp();
    await screen.findByRole('heading', { name: '6 comments' });
    expect(topLevel()).toEqual(['A', 'B']);

    fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
    await waitFor(() => expect(topLevel()).toEqual(['A', 'B', 'C', 'D']));
    const [request] = server.sent('/api/comments', 'GET').slice(1);
    expect(Object.fromEntries(request.url.searchParams)).toEqual({ site: 'demo', thread: '/post', sort: 'oldest', page: '1' });
    expect(screen.getByText('C-reply')).toBeTruthy();
    expect(document.activeElement!.id).toBe(`comment-${ids.C}`);

    fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
    await waitFor(() => expect(topLevel()).toEqual(['A', 'B', 'C', 'D', 'E']));
    // The last page: no more button.
    expect(screen.queryByRole('button', { name: 'Load more comments' })).toBeNull();
    expect(screen.getByRole('heading', { name: '6 comments' })).toBeTruthy();
  });

  test('is not there when the thread fits one page', async () => {
    new FakeServer().install().seed({ author: 'A' });
    renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    expect(screen.queryByRole('button', { name: 'Load more comments' })).toBeNull();
  });
});

describe('sorting', () => {
  test('a "Sort by" select offers Oldest, Newest and Top; choosing one reloads in that order', async () => {
    const { server } = fiveThreads();
    renderApp();
    await screen.findByRole('heading', { name: '6 comments' });
    const select = screen.getByLabelText('Sort by') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['oldest', 'Oldest'],
      ['newest', 'Newest'],
      ['top', 'Top'],
    ]);
    expect(select.value).toBe('oldest');

    fireEvent.change(select, { target: { value: 'newest' } });
    // Newest first: the last block of the thread (E), then the blocks before it, backwards.
    await waitFor(() => expect(topLevel()).toEqual(['E']));
    expect(server.requests.at(-1)!.url.searchParams.get('sort')).toBe('newest');
    // The select stays (with focus) while the new order loads.
    expect(screen.getByLabelText('Sort by')).toBe(select);

    fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
    await waitFor(() => expect(topLevel()).toEqual(['E', 'D', 'C']));
    expect(Object.fromEntries(server.requests.at(-1)!.url.searchParams)).toMatchObject({ sort: 'newest', page: '1' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
    await waitFor(() => expect(topLevel()).toEqual(['E', 'D', 'C', 'B', 'A']));
    expect(screen.queryByRole('button', { name: 'Load more comments' })).toBeNull();
  });

  test('Top shows the most liked first; later pages (oldest order) skip threads already shown', async () => {
    const { server, ids } = fiveThreads();
    renderApp();
    await screen.findByRole('heading', { name: '6 comments' });
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'top' } });
    await waitFor(() => expect(topLevel()).toEqual(['D', 'A']));

    const loadMore = () => fireEvent.click(screen.getByRole('button', { name: 'Load more comments' }));
    loadMore(); // page 0: A (shown already), B
    await waitFor(() => expect(topLevel()).toEqual(['D', 'A', 'B']));
    // Focus goes to the first comment that is new, not to one shown before.
    await waitFor(() => expect(document.activeElement!.id).toBe(`comment-${ids.B}`));
    loadMore(); // page 1: C (+ reply), D (shown)
    await waitFor(() => expect(topLevel()).toEqual(['D', 'A', 'B', 'C']));
    loadMore(); // page 2: E
    await waitFor(() => expect(topLevel()).toEqual(['D', 'A', 'B', 'C', 'E']));
    expect(server.sent('/api/comments', 'GET').slice(2).map((r) => r.url.searchParams.get('page'))).toEqual(['0', '1', '2']);
    const shown = shownIds();
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toHaveLength(6);
  });

  test('is offered only when there is something to sort', async () => {
    new FakeServer().install().seed({ author: 'A' });
    renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    expect(screen.queryByLabelText('Sort by')).toBeNull();
  });
});

describe('a long first page', () => {
  test('is rendered a slice of threads per task, so the page stays responsive, and ends up complete', async () => {
    const server = new FakeServer().install();
    for (let i = 0; i < 40; i++) server.seed({ author: `Reader ${i}` });
    renderApp();
    await screen.findByRole('heading', { name: '40 comments' });
    // The first task shows only the first slice: the rest follows in later tasks.
    expect(topLevel().length).toBeLessThan(40);
    expect(topLevel()[0]).toBe('Reader 0');
    await waitFor(() => expect(topLevel().length).toBe(40));
    expect(topLevel().at(-1)).toBe('Reader 39');
  });
});
