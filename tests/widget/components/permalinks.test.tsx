import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import { seed } from '../helpers/server';
import { commentBy, renderApp, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

/** matchMedia answering `reduce` for prefers-reduced-motion as asked. */
function prefersReducedMotion(reduce: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: reduce && query.includes('reduced-motion'), media: query, addEventListener() {}, removeEventListener() {} }));
}

describe('permalinks', () => {
  test('every comment is #comment-ID, and its date links there', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
    await renderApp();
    await threadShown('1 comment');
    const article = commentBy('Ada');
    expect(article.id).toBe(`comment-${ada.id}`);
    const link = within(article).getByRole('link', { name: '3 days ago' });
    expect(link.getAttribute('href')).toBe(`#comment-${ada.id}`);
    expect(link.querySelector('time')!.getAttribute('datetime')).toBe(ada.createdAt);
  });

  test('the comment named by the address on load is highlighted, scrolled to smoothly and focused', async () => {
    prefersReducedMotion(false);
    const scroll = vi.spyOn(HTMLElement.prototype, 'scrollIntoView');
    const [, bob] = await seed(testThread(), [{ author: 'Ada' }, { author: 'Bob' }]);
    location.hash = `#comment-${bob.id}`;
    await renderApp();
    await threadShown('2 comments');
    await waitFor(() => expect(document.activeElement).toBe(commentBy('Bob')));
    expect(commentBy('Bob').classList.contains('hl')).toBe(true);
    expect(commentBy('Ada').classList.contains('hl')).toBe(false);
    expect(scroll).toHaveBeenCalledWith({ block: 'center', behavior: 'smooth' });
    expect(scroll.mock.contexts.at(-1)).toBe(commentBy('Bob'));
    scroll.mockRestore();
  });

  test('without motion for readers who prefer reduced motion', async () => {
    prefersReducedMotion(true);
    const scroll = vi.spyOn(HTMLElement.prototype, 'scrollIntoView');
    const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
    location.hash = `#comment-${ada.id}`;
    await renderApp();
    await waitFor(() => expect(scroll).toHaveBeenCalledWith({ block: 'center', behavior: 'auto' }));
    scroll.mockRestore();
  });

  test('when the address changes to another comment, that one is highlighted and focused', async () => {
    const [ada, bob] = await seed(testThread(), [{ author: 'Ada' }, { author: 'Bob' }]);
    location.hash = `#comment-${ada.id}`;
    await renderApp();
    await waitFor(() => expect(document.activeElement).toBe(commentBy('Ada')));
    location.hash = `#comment-${bob.id}`;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await waitFor(() => expect(document.activeElement).toBe(commentBy('Bob')));
    expect(commentBy('Bob').classList.contains('hl')).toBe(true);
    expect(commentBy('Ada').classList.contains('hl')).toBe(false);
  });

  test('a linked reply hidden under "Show more replies" is shown', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
    const replies = await seed(testThread(), ['R1', 'R2', 'R3', 'R4', 'R5'].map((author) => ({ author, parent: ada })));
    location.hash = `#comment-${replies[4].id}`;
    await renderApp();
    await waitFor(() => expect(document.activeElement).toBe(commentBy('R5')));
    expect(screen.queryByRole('button', { name: /more repl/ })).toBeNull();
  });
});
