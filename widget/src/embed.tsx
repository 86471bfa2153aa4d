import { render, type ComponentChild } from 'preact';
import css from './styles/widget.css?inline';
import { createClient } from './api/client';
import { App } from './components/app/app';

/**
 * Mounts the widget for its `<script>` tag:
 * - `data-site` (required) the site id configured on the server;
 * - `data-thread` the thread id (default: the page's path);
 * - `data-target` a CSS selector for the element to mount into (default: `#comments`,
 *   or else a new element right after the script tag).
 * The API is at the script's own origin. The widget renders in an open shadow root with
 * its own stylesheet; mounting twice into the same element does nothing.
 */
export function mountWidget(script: HTMLScriptElement): void {
  const { site, thread = location.pathname, target } = script.dataset;
  let host: HTMLElement | null = null;
  try {
    host = site ? document.querySelector(target || '#comments') : null;
  } catch {
    // An invalid selector: reported below.
  }
  if (site && !host && document.readyState === 'loading') {
    // An async script can run before the rest of the page is parsed.
    return document.addEventListener('DOMContentLoaded', () => mountWidget(script), { once: true });
  }
  if (!host && site && !target) script.after((host = document.createElement('div')));
  if (!host || !site) return console.error('Parley: the script tag needs data-site, and data-target (if given) must match an element.');
  if (host.shadowRoot) return;
  const root = host.attachShadow({ mode: 'open' });

  // A constructed stylesheet needs no CSP allowance; older browsers get a <style> element.
  let style: ComponentChild = <style>{css}</style>;
  if ('adoptedStyleSheets' in root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      style = null;
    } catch {
      // Fall back to <style>.
    }
  }
  const api = createClient(script.src ? new URL(script.src).origin : location.origin);
  render(
    <>
      {style}
      <App api={api} site={site} thread={thread} />
    </>,
    root,
  );
}
