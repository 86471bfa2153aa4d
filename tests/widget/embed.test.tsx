import { waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { mountWidget } from '../../widget/src/embed';
import { API, network, newThread, seed } from './helpers/server';
import { threadShown } from './helpers/render';

beforeEach(async () => {
  // The page's own path is the default thread: a new path (and thread) for every test, already
  // normal (a trailing slash), so that the thread seeded is the one the script tag derives.
  history.replaceState(null, '', `${newThread()}/`);
  network.watch();
  await seed(location.pathname, [{ author: 'Ada' }]);
});
afterEach(() => {
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
  localStorage.clear();
});

function scriptTag(attributes: Record<string, string>): HTMLScriptElement {
  // Not executed: happy-dom does not load it; the tests call mountWidget (or import main) themselves.
  const script = document.createElement('script');
  script.type = 'text/plain';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  document.body.append(script);
  return script;
}

/** The widget inside the shadow root of `host` (the embed mounts after a microtask, or a translation), for queries. */
async function widgetIn(host: Element) {
  await waitFor(() => expect(host.shadowRoot).toBeTruthy());
  return within(host.shadowRoot as unknown as HTMLElement);
}

describe('mounting', () => {
  test('mounts into #comments in an open shadow root, with the API at the script\'s origin', async () => {
    document.body.innerHTML = '<article><p>Post</p><div id="comments"></div></article>';
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo' }));

    const host = document.getElementById('comments')!;
    const widget = await widgetIn(host);
    expect(await threadShown('1 comment', widget)).toBeTruthy();
    expect(widget.getByText('Ada')).toBeTruthy();
    const url = network.requests[0].url;
    expect(url.origin).toBe(API);
    expect(url.searchParams.get('site')).toBe('demo');
    expect(url.searchParams.get('thread')).toBe(location.pathname);
    // The widget's stylesheet lives in the shadow root, not the page.
    const root = host.shadowRoot!;
    expect(root.adoptedStyleSheets.length + root.querySelectorAll('style').length).toBe(1);
    expect(document.head.querySelector('style')).toBeNull();
  });

  test('honours data-thread and data-target', async () => {
    document.body.innerHTML = '<div id="comments"></div><aside class="talk"></aside>';
    const custom = `custom-${newThread().slice(1)}`;
    await seed(custom, [{ author: 'Bea' }]);
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-thread': custom, 'data-target': 'aside.talk' }));

    const widget = await widgetIn(document.querySelector('aside.talk')!);
    expect(await widget.findByText('Bea')).toBeTruthy();
    expect(document.getElementById('comments')!.shadowRoot).toBeNull();
  });

  test('without data-thread: the page\'s path, normalised (index.html, the trailing slash, the canonical link), never the query nor the fragment', async () => {
    const post = location.pathname; // '/post-…/'
    document.body.innerHTML = '<div id="comments"></div><div id="second"></div>';
    history.replaceState(null, '', `${post}index.html?utm_source=feed#comment-abc`);
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo' }));
    expect(await (await widgetIn(document.getElementById('comments')!)).findByText('Ada')).toBeTruthy();

    // The same post at an address without the slash, and an AMP copy naming it as canonical: the same thread.
    history.replaceState(null, '', post.slice(0, -1));
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-target': '#second' }));
    expect(await (await widgetIn(document.getElementById('second')!)).findByText('Ada')).toBeTruthy();
    history.replaceState(null, '', `/amp${post}`);
    document.head.insertAdjacentHTML('beforeend', `<link rel="canonical" href="https://blog.example${post}">`);
    document.body.insertAdjacentHTML('beforeend', '<div id="third"></div>');
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-target': '#third' }));
    expect(await (await widgetIn(document.getElementById('third')!)).findByText('Ada')).toBeTruthy();
    document.head.querySelector('link[rel=canonical]')!.remove();

    expect(network.requests.map((request) => request.url.searchParams.get('thread'))).toEqual([post, post, post]);
  });

  test('without #comments, mounts into a new element right after the script tag', async () => {
    document.body.innerHTML = '<p>Before</p>';
    const script = scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo' });
    document.body.append(Object.assign(document.createElement('p'), { textContent: 'After' }));
    mountWidget(script);

    const host = script.nextElementSibling!;
    expect(host.tagName).toBe('DIV');
    expect(await (await widgetIn(host)).findByText('Ada')).toBeTruthy();
  });

  test('mounting twice into the same element does nothing more', async () => {
    document.body.innerHTML = '<div id="comments"></div>';
    const script = scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo' });
    mountWidget(script);
    mountWidget(script);
    await (await widgetIn(document.getElementById('comments')!)).findByText('Ada');
    expect(network.requests).toHaveLength(1);
  });

  test('with a data-target that matches nothing, or is no selector, it only logs an error', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    document.body.innerHTML = '<div id="comments"></div>';
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-target': '#nowhere' }));
    mountWidget(scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-target': '[[bad' }));
    expect(log).toHaveBeenCalledTimes(2);
    expect(document.getElementById('comments')!.shadowRoot).toBeNull();
    expect(network.requests).toHaveLength(0);
    log.mockRestore();
  });

  test('without data-site it mounts nothing (not even into #comments): it only brings widget-embed.js, for code that mounts widgets itself', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    document.body.innerHTML = '<div id="comments"></div>';
    mountWidget(scriptTag({ src: `${API}/widget.js` }));
    // Node cannot import widget-embed.js from an http: address: that failure is what is logged.
    await waitFor(() => expect(log).toHaveBeenCalledTimes(1));
    expect(document.getElementById('comments')!.shadowRoot).toBeNull();
    expect(network.requests).toHaveLength(0);
    log.mockRestore();
  });

  test('main.tsx finds its script tag, mounts, and defines no globals (on a page with #comments it imports no widget-embed.js: tests/browser/spa.test.ts)', async () => {
    document.body.innerHTML = '<div id="comments"></div>';
    scriptTag({ src: `${API}/widget.js`, 'data-site': 'demo' });
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await import('../../widget/src/main');
    await (await widgetIn(document.getElementById('comments')!)).findByText('Ada');
    expect(Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name))).toEqual([]);
    // Nothing failed to import: widget-embed.js was never asked for.
    expect(log.mock.calls.map((call) => String((call[0] as Error).stack))).toEqual([]);
    log.mockRestore();
  });
});
