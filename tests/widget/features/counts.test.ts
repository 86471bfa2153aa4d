import { waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { useStrings } from '../../../widget/src/lib/i18n';
import { embed, widgetIn } from '../helpers/embed';
import { network, newThread, seed } from '../helpers/server';
import { threadShown } from '../helpers/render';

beforeEach(() => network.watch());
afterEach(() => {
  useStrings();
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
  localStorage.clear();
});

const countsPage = (threads: string[]) => `<ul>${threads.map((thread) => `<li><a href="${thread}">Post</a> <span data-parley-count="${thread}">…</span></li>`).join('')}</ul>`;
const text = (thread: string) => document.querySelector(`[data-parley-count="${thread}"]`)!.textContent;

describe('comment counts on index pages', () => {
  test('fill every [data-parley-count] element in one request, and show no thread', async () => {
    const [a, b, c] = [newThread('a'), newThread('b'), newThread('c')];
    await seed(a, [{ author: 'Ada' }, { author: 'Bob' }]);
    await seed(b, [{ author: 'Cy' }]);
    await seed(c, [{ author: 'Pending', status: 'pending' }]);
    embed({}, `${countsPage([a, b, c])}<footer><span data-parley-count="${a}">…</span></footer>`);

    await waitFor(() => expect(text(a)).toBe('2 comments'));
    expect(text(b)).toBe('1 comment');
    expect(text(c)).toBe('No comments yet');
    expect(document.querySelector('footer span')!.textContent).toBe('2 comments');
    expect(network.requests).toHaveLength(1);
    const [request] = network.requests;
    expect(request.url.pathname).toBe('/api/counts');
    expect(request.url.searchParams.get('site')).toBe('demo');
    expect(request.url.searchParams.getAll('thread')).toEqual([a, b, c]);
    // No thread on an index page.
    expect([...document.querySelectorAll('*')].some((element) => element.shadowRoot)).toBe(false);
  });

  test('ask for at most 50 threads at a time', async () => {
    const threads = Array.from({ length: 120 }, () => newThread());
    await seed(threads[119], [{ author: 'Ada' }]);
    embed({}, countsPage(threads));
    await waitFor(() => expect(text(threads[119])).toBe('1 comment'));
    await waitFor(() => expect(text(threads[0])).toBe('No comments yet'));
    expect(network.requests.map((r) => r.url.searchParams.getAll('thread').length)).toEqual([50, 50, 20]);
  });

  test('a post with counts elsewhere on the page shows both', async () => {
    const related = newThread('related');
    await seed(related, [{ author: 'Ada' }]);
    embed({ 'data-thread': newThread() }, `${countsPage([related])}<div id="comments"></div>`);
    const widget = await widgetIn();
    expect(await threadShown('No comments yet', widget)).toBeTruthy();
    await waitFor(() => expect(text(related)).toBe('1 comment'));
  });

  test('are translated with the widget', async () => {
    const [a, b] = [newThread('a'), newThread('b')];
    await seed(a, [{ author: 'Ada' }, { author: 'Bob' }]);
    embed({ 'data-lang': 'fr' }, countsPage([a, b]));
    await waitFor(() => expect(text(a)).toBe('2 commentaires'));
    expect(text(b)).toBe('Aucun commentaire pour l’instant');
  });
});
