import { waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { useStrings } from '../../../widget/src/lib/i18n';
import { embed, widgetIn } from '../helpers/embed';
import { FakeServer } from '../helpers/fake-server';

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
    const server = new FakeServer().install();
    server.seed({ author: 'Ada', thread: '/a' });
    server.seed({ author: 'Bob', thread: '/a' });
    server.seed({ author: 'Cy', thread: '/b' });
    server.seed({ author: 'Pending', thread: '/c', status: 'pending' });
    embed({}, `${countsPage(['/a', '/b', '/c'])}<footer><span data-parley-count="/a">…</span></footer>`);

    await waitFor(() => expect(text('/a')).toBe('2 comments'));
    expect(text('/b')).toBe('1 comment');
    expect(text('/c')).toBe('No comments yet');
    expect(document.querySelector('footer span')!.textContent).toBe('2 comments');
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.url.pathname).toBe('/api/counts');
    expect(request.url.searchParams.get('site')).toBe('demo');
    expect(request.url.searchParams.getAll('thread')).toEqual(['/a', '/b', '/c']);
    // No thread on an index page.
    expect([...document.querySelectorAll('*')].some((element) => element.shadowRoot)).toBe(false);
  });

  test('ask for at most 50 threads at a time', async () => {
    const server = new FakeServer().install();
    const threads = Array.from({ length: 120 }, (_, i) => `/post-${i}`);
    server.seed({ author: 'Ada', thread: '/post-119' });
    embed({}, countsPage(threads));
    await waitFor(() => expect(text('/post-119')).toBe('1 comment'));
    await waitFor(() => expect(text('/post-0')).toBe('No comments yet'));
    expect(server.requests.map((r) => r.url.searchParams.getAll('thread').length)).toEqual([50, 50, 20]);
  });

  test('a post with counts elsewhere on the page shows both', async () => {
    const server = new FakeServer().install();
    server.seed({ author: 'Ada', thread: '/related' });
    embed({ 'data-thread': '/post' }, `${countsPage(['/related'])}<div id="comments"></div>`);
    const widget = await widgetIn();
    expect(await widget.findByRole('heading', { name: 'No comments yet' })).toBeTruthy();
    await waitFor(() => expect(text('/related')).toBe('1 comment'));
  });

  test('are translated with the widget', async () => {
    const server = new FakeServer().install();
    server.seed({ author: 'Ada', thread: '/a' });
    server.seed({ author: 'Bob', thread: '/a' });
    embed({ 'data-lang': 'fr' }, countsPage(['/a', '/b']));
    await waitFor(() => expect(text('/a')).toBe('2 commentaires'));
    expect(text('/b')).toBe('Aucun commentaire pour l’instant');
  });
});
