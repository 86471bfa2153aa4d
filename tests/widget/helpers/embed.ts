import { waitFor, within } from '@testing-library/preact';
import { expect } from 'vitest';
import { mountWidget } from '../../../widget/src/embed';
import { loadFeatures } from './render';
import { API } from './server';

/**
 * A page with `html` in its body and the widget's script tag (with `attributes`, plus src and
 * data-site) at the end, mounted as the embed does.
 */
export function embed(attributes: Record<string, string> = {}, html = '<div id="comments"></div>'): HTMLScriptElement {
  document.body.innerHTML = html;
  const script = document.createElement('script');
  // Not executed: happy-dom does not load it; mountWidget is called directly.
  script.type = 'text/plain';
  for (const [name, value] of Object.entries({ src: `${API}/widget.js`, 'data-site': 'demo', ...attributes })) script.setAttribute(name, value);
  document.body.append(script);
  mountWidget(script, loadFeatures);
  return script;
}

/** The widget inside `host`'s shadow root, once mounted (after a microtask, or a translation), for queries. */
export async function widgetIn(host: Element | null = document.getElementById('comments')) {
  await waitFor(() => expect(host?.shadowRoot).toBeTruthy());
  return within(host!.shadowRoot as unknown as HTMLElement);
}
