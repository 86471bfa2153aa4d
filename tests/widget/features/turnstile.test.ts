import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { mountWidget } from '../../../widget/src/embed';
import { loadFeatures, threadShown } from '../helpers/render';
import { API, network, newThread } from '../helpers/server';

afterEach(() => {
  document.body.innerHTML = '';
  document.head.innerHTML = '';
  vi.unstubAllGlobals();
  localStorage.clear();
});

const TURNSTILE = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

function embed(attributes: Record<string, string>) {
  document.body.innerHTML = '<div id="comments"></div>';
  const script = document.createElement('script');
  script.type = 'text/plain';
  for (const [name, value] of Object.entries({ src: `${API}/widget.js`, 'data-site': 'demo', 'data-thread': newThread(), ...attributes })) script.setAttribute(name, value);
  document.body.append(script);
  mountWidget(script, loadFeatures);
  return document.getElementById('comments')!;
}

describe('Cloudflare Turnstile', () => {
  test('is not loaded unless the embed asks for it: no request to any other origin', async () => {
    network.watch();
    const host = embed({});
    await waitFor(() => expect(host.shadowRoot).toBeTruthy());
    await threadShown('No comments yet', within(host.shadowRoot as unknown as HTMLElement));
    expect(document.querySelector('script[src*="challenges.cloudflare.com"]')).toBeNull();
    expect(network.requests.map((r) => r.url.origin)).toEqual([API]);
  });

  test('with data-turnstile-sitekey: loads the script, renders into the slotted box, and sends the token once', async () => {
    network.watch();
    // Appended to <head>, where happy-dom would try (and fail) to fetch it: kept instead.
    const append = vi.spyOn(document.head, 'append').mockImplementation(() => {});
    const host = embed({ 'data-turnstile-sitekey': 'site-key-1' });
    // Loaded with widget-extra.js, once the widget is up.
    await waitFor(() => expect(append).toHaveBeenCalled());
    const script = append.mock.calls[0][0] as HTMLScriptElement;
    expect(script.src).toBe(TURNSTILE);
    append.mockRestore();

    let solved: (token: string) => void = () => {};
    const turnstile = {
      render: vi.fn((_box: HTMLElement, options: { sitekey: string; callback: (token: string) => void }) => {
        solved = options.callback;
        return 'widget-1';
      }),
      reset: vi.fn(),
    };
    vi.stubGlobal('turnstile', turnstile);
    script.onload!(new Event('load'));
    const [box, options] = turnstile.render.mock.calls[0];
    expect(options.sitekey).toBe('site-key-1');
    // The challenge lives in the page (light DOM), slotted into the main form.
    expect(box.parentElement).toBe(host);
    expect(box.slot).toBe('turnstile');
    solved('token-from-cloudflare');

    const widget = within(host.shadowRoot as unknown as HTMLElement);
    await threadShown('No comments yet', widget);
    const form = within(host.shadowRoot!.querySelector('form') as unknown as HTMLElement);
    fireEvent.input(form.getByLabelText('Name'), { target: { value: 'Grace' } });
    fireEvent.input(form.getByLabelText('Comment'), { target: { value: 'Hello' } });
    fireEvent.click(form.getByRole('button', { name: 'Post comment' }));
    await waitFor(() => expect(network.posts()).toHaveLength(1));
    // (The test site has no Turnstile secret: the server ignores the token. What matters here is what the widget sends.)
    expect(network.posts()[0].turnstileToken).toBe('token-from-cloudflare');
    // A token works once: the challenge is reset, and the next comment goes without it until solved again.
    await waitFor(() => expect(turnstile.reset).toHaveBeenCalledWith('widget-1'));
    // Once the first is posted (the form empties), a second one.
    const post = await form.findByRole('button', { name: 'Post comment' });
    fireEvent.input(form.getByLabelText('Comment'), { target: { value: 'Hello again' } });
    fireEvent.click(post);
    await waitFor(() => expect(network.posts()).toHaveLength(2));
    expect(network.posts()[1].turnstileToken).toBeUndefined();
  });
});
