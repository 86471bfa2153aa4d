import { waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { mountWidget } from '../../widget/src/embed';
import { FakeServer } from './helpers/fake-server';

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer().install();
  server.seed({ author: 'Ada', thread: location.pathname });
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
    mountWidget(scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo' }));

    const host = document.getElementById('comments')!;
    const widget = await widgetIn(host);
    expect(await widget.findByRole('heading', { name: '1 comment' })).toBeTruthy();
    expect(widget.getByText('Ada')).toBeTruthy();
    const url = server.requests[0].url;
    expect(url.origin).toBe('https://parley.test');
    expect(url.searchParams.get('site')).toBe('demo');
    expect(url.searchParams.get('thread')).toBe(location.pathname);
    // The widget's stylesheet lives in the shadow root, not the page.
    const root = host.shadowRoot!;
    expect(root.adoptedStyleSheets.length + root.querySelectorAll('style').length).toBe(1);
    expect(document.head.querySelector('style')).toBeNull();
  });

  test('honours data-thread and data-target', async () => {
    document.body.innerHTML = '<div id="comments"></div><aside class="talk"></aside>';
    server.seed({ author: 'Bea', thread: 'custom-thread' });
    mountWidget(scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo', 'data-thread': 'custom-thread', 'data-target': 'aside.talk' }));

    const widget = await widgetIn(document.querySelector('aside.talk')!);
    expect(await widget.findByText('Bea')).toBeTruthy();
    expect(document.getElementById('comments')!.shadowRoot).toBeNull();
  });

  test('without #comments, mounts into a new element right after the script tag', async () => {
    document.body.innerHTML = '<p>Before</p>';
    const script = scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo' });
    document.body.append(Object.assign(document.createElement('p'), { textContent: 'After' }));
    mountWidget(script);

    const host = script.nextElementSibling!;
    expect(host.tagName).toBe('DIV');
    expect(await (await widgetIn(host)).findByText('Ada')).toBeTruthy();
  });

  test('mounting twice into the same element does nothing more', async () => {
    document.body.innerHTML = '<div id="comments"></div>';
    const script = scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo' });
    mountWidget(script);
    mountWidget(script);
    await (await widgetIn(document.getElementById('comments')!)).findByText('Ada');
    expect(server.requests).toHaveLength(1);
  });

  test('without data-site, or with a data-target that matches nothing, it only logs an error', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    document.body.innerHTML = '<div id="comments"></div>';
    mountWidget(scriptTag({ src: 'https://parley.test/widget.js' }));
    mountWidget(scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo', 'data-target': '#nowhere' }));
    mountWidget(scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo', 'data-target': '[[bad' }));
    expect(log).toHaveBeenCalledTimes(3);
    expect(document.getElementById('comments')!.shadowRoot).toBeNull();
    expect(server.requests).toHaveLength(0);
    log.mockRestore();
  });

  test('main.tsx finds its script tag, mounts, and defines no globals', async () => {
    document.body.innerHTML = '<div id="comments"></div>';
    scriptTag({ src: 'https://parley.test/widget.js', 'data-site': 'demo' });
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    await import('../../widget/src/main');
    await (await widgetIn(document.getElementById('comments')!)).findByText('Ada');
    expect(Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name))).toEqual([]);
  });
});
