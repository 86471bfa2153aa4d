import { waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { widgetStarter } from '../../widget/src/embed';
import { createParley, defineElement } from '../../widget/src/embed/index';
import { pageThread } from '../../widget/src/lib/thread-id';
import { loadFeatures } from './helpers/render';
import { API, network, newThread, seed } from './helpers/server';

/*
 * The JS API (`Parley.mount`, `setThread`, `unmount`), `<parley-comments>` and thread ids derived
 * from the page (docs/embedding.md), against the real Worker.
 */

const parley = createParley(widgetStarter(API, loadFeatures));
beforeEach(() => network.watch());
afterEach(() => {
  document.body.innerHTML = '';
  document.head.querySelectorAll('link').forEach((link) => link.remove());
  vi.unstubAllGlobals();
  localStorage.clear();
});

const widgetIn = async (host: Element) => {
  await waitFor(() => expect(host.shadowRoot?.querySelector('h2')).toBeTruthy());
  return within(host.shadowRoot as unknown as HTMLElement);
};
const threadsAsked = () => network.sent('/api/comments', 'GET').map((request) => request.url.searchParams.get('thread'));

describe('thread ids derived from the page', () => {
  test.each([
    ['/posts/hello', '/posts/hello/'],
    ['/posts/hello/', '/posts/hello/'],
    ['/posts/hello/index.html?utm_source=x#comment-abc', '/posts/hello/'],
    ['/2014/post.html', '/2014/post.html'],
    ['/', '/'],
    ['/caf%C3%A9', '/caf%C3%A9/'],
  ])('%s is %s', (address, thread) => {
    history.replaceState(null, '', address);
    expect(pageThread()).toBe(thread);
  });

  test('query parameters named are kept, in the order named; off: the path exactly', () => {
    history.replaceState(null, '', '/?utm=1&p=123&x=2');
    expect(pageThread(['p'])).toBe('/?p=123');
    history.replaceState(null, '', '/posts/hello?p=1');
    expect(pageThread([], false)).toBe('/posts/hello');
    // off, with data-thread-query: the path exactly, the named parameters still kept (plain WordPress permalinks).
    history.replaceState(null, '', '/?utm=1&p=123');
    expect(pageThread(['p'], false)).toBe('/?p=123');
  });

  test('the canonical link wins (only its path)', () => {
    history.replaceState(null, '', '/amp/posts/hello');
    document.head.insertAdjacentHTML('beforeend', '<link rel="canonical" href="https://blog.example/posts/hello/">');
    expect(pageThread()).toBe('/posts/hello/');
  });
});

describe('the script tag\'s widget, handed to widget-embed.js (adopt)', () => {
  test('derives its thread normalised, like the element; data-thread-normalize="off": location.pathname exactly', async () => {
    const post = newThread();
    await seed(`${post}/`, [{ author: 'Normal Nia' }]);
    await seed(post, [{ author: 'Exact Eve' }]);
    history.replaceState(null, '', `${post}?utm_source=feed`);
    document.body.innerHTML = '<div id="normal"></div><div id="exact"></div>';
    const normal = document.getElementById('normal')!;
    const exact = document.getElementById('exact')!;
    parley.adopt([normal, { site: 'demo', loading: 'eager' }]);
    parley.adopt([exact, { site: 'demo', loading: 'eager', threadNormalize: 'off' }]);
    expect(await (await widgetIn(normal)).findByText('Normal Nia')).toBeTruthy();
    expect(await (await widgetIn(exact)).findByText('Exact Eve')).toBeTruthy();
    expect(threadsAsked()).toEqual([`${post}/`, post]);
    parley.unmount(normal);
    parley.unmount(exact);
  });
});

describe('Parley.mount, setThread, unmount', () => {
  test('mounts a thread, switches threads in the same shadow root, and unmounts', async () => {
    const [a, b] = [newThread('a'), newThread('b')];
    await seed(a, [{ author: 'Ada' }]);
    await seed(b, [{ author: 'Bea' }, { author: 'Cy' }]);
    document.body.innerHTML = '<div id="here"></div>';
    const host = document.getElementById('here')!;
    parley.mount(host, { site: 'demo', thread: a });
    expect(await (await widgetIn(host)).findByText('Ada')).toBeTruthy();
    const root = host.shadowRoot;

    parley.setThread(host, b);
    const widget = await widgetIn(host);
    expect(await widget.findByText('Bea')).toBeTruthy();
    expect(widget.queryByText('Ada')).toBeNull();
    expect(host.shadowRoot).toBe(root);
    // The same thread again: nothing asked (the first page is asked for a task later: wait for it).
    const asked = threadsAsked().length;
    parley.setThread(host, b);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(threadsAsked().length).toBe(asked);
    expect(threadsAsked()).toEqual([a, b]);

    parley.unmount(host);
    await waitFor(() => expect(root!.childNodes.length).toBe(0));
    expect(root!.adoptedStyleSheets).toEqual([]);
    // setThread and unmount on an element without a widget do nothing.
    parley.setThread(host, a);
    parley.unmount(host);
    expect(threadsAsked()).toEqual([a, b]);
  });

  test('without a thread, derives it from the page; setThread() derives it again after a route change', async () => {
    const path = newThread('route');
    await seed(`${path}/`, [{ author: 'Ada' }]);
    history.replaceState(null, '', path);
    document.body.innerHTML = '<div id="here"></div>';
    const host = document.getElementById('here')!;
    parley.mount(host, { site: 'demo' });
    expect(await (await widgetIn(host)).findByText('Ada')).toBeTruthy();
    history.pushState(null, '', `${path}-next`);
    parley.setThread(host);
    await waitFor(() => expect(threadsAsked()).toEqual([`${path}/`, `${path}-next/`]));
  });

  test('errors throw a TypeError, and nothing is mounted', () => {
    document.body.innerHTML = '<div id="here"></div>';
    expect(() => parley.mount(document.getElementById('here')!, {} as never)).toThrow(TypeError);
    expect(() => parley.mount(null as never, { site: 'demo' })).toThrow(TypeError);
    expect(network.requests).toHaveLength(0);
  });

  test('loading lazy: nothing loads until the element nears the viewport', async () => {
    const thread = newThread('lazy');
    await seed(thread, [{ author: 'Ada' }]);
    let seen: ((entries: { isIntersecting: boolean }[]) => void) | undefined;
    const observe = vi.fn();
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: typeof seen, options: IntersectionObserverInit) {
          seen = callback;
          expect(options.rootMargin).toBe('600px');
        }
        observe = observe;
        disconnect() {}
      },
    );
    document.body.innerHTML = '<div id="here"></div>';
    const host = document.getElementById('here')!;
    parley.mount(host, { site: 'demo', thread, loading: 'lazy' });
    expect(observe).toHaveBeenCalledWith(host);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(network.requests).toHaveLength(0);
    expect(host.shadowRoot).toBeNull();
    seen!([{ isIntersecting: true }]);
    expect(await (await widgetIn(host)).findByText('Ada')).toBeTruthy();
  });
});

describe('<parley-comments>', () => {
  test('mounts when connected, follows its thread attribute and property, unmounts when removed', async () => {
    if (!customElements.get('parley-comments')) defineElement(parley);
    const [a, b] = [newThread('el-a'), newThread('el-b')];
    await seed(a, [{ author: 'Ada' }]);
    await seed(b, [{ author: 'Bea' }]);
    document.body.innerHTML = `<parley-comments site="demo" thread="${a}"></parley-comments>`;
    const element = document.querySelector('parley-comments') as HTMLElement & { thread: string | null; threadQuery: string | null };
    expect(await (await widgetIn(element)).findByText('Ada')).toBeTruthy();
    expect(element.thread).toBe(a);

    element.thread = b;
    expect(element.getAttribute('thread')).toBe(b);
    expect(await (await widgetIn(element)).findByText('Bea')).toBeTruthy();

    const root = element.shadowRoot!;
    element.remove();
    await waitFor(() => expect(root.childNodes.length).toBe(0));
    expect(threadsAsked()).toEqual([a, b]);
  });
});
