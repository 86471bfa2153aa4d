import { render } from 'preact';
import css from './styles/widget.css?inline';
import { createClient } from './api/client';
import { App } from './components/app/app';
import { extra, extraScript } from './lib/extra';
import { useStrings } from './lib/i18n';
import { applyTheme } from './lib/theme';

/** Languages with a translation in `/i18n/LANG.json`; English is built in. */
export const LANGUAGES = ['de', 'fr', 'es', 'pt', 'zh', 'ja', 'ar'];

/**
 * Mounts the widget for its `<script>` tag (attributes in docs/widget.md):
 * - `data-site` (required) the site id configured on the server;
 * - `data-thread` the thread id (default: the page's path);
 * - `data-target` a CSS selector for the element to mount into (default: `#comments`, or
 *   else a new element right after the script tag, unless the page only has comment counts);
 * - `data-theme` `light`, `dark` or `auto` (default); `data-lang` a language (default: `<html lang>`);
 * - `data-turnstile-sitekey` turns on Cloudflare Turnstile.
 * Fills `[data-parley-count]` elements with comment counts. The API is at the script's own
 * origin. The widget renders in an open shadow root with its own stylesheet; mounting twice
 * into the same element does nothing.
 */
export function mountWidget(script: HTMLScriptElement): void {
  // An async script can run before the rest of the page is parsed.
  if (document.readyState === 'loading') return document.addEventListener('DOMContentLoaded', () => mountWidget(script));
  const { site, thread = location.pathname, target, theme, lang = document.documentElement.lang, turnstileSitekey } = script.dataset;
  const counts = document.querySelectorAll<HTMLElement>('[data-parley-count]');
  let host: HTMLElement | null = null;
  try {
    host = document.querySelector(target || '#comments');
  } catch {
    // An invalid selector: reported below.
  }
  if (!host && !target && !counts.length) script.after((host = document.createElement('div')));
  if (!site || (!host && target)) return console.error('Parley: no data-site, or no element for data-target');
  const origin = new URL(script.src || location.href).origin;
  const api = createClient(origin);
  extraScript.src = `${origin}/widget-extra.js`;
  const code = lang.slice(0, 2).toLowerCase();
  // A translation that fails to load leaves English.
  Promise.resolve(LANGUAGES.includes(code) ? api.strings(code) : undefined).then(useStrings, () => useStrings()).then(() => {
    if (counts.length) extra().then((x) => x.fillCounts(api, site, counts));
    if (!host || host.shadowRoot) return;
    const root = host.attachShadow({ mode: 'open' });
    // A constructed stylesheet needs no CSP allowance ('unsafe-inline').
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    applyTheme(host, theme);
    if (turnstileSitekey) extra().then((x) => x.loadTurnstile(turnstileSitekey, host));
    render(<App api={api} site={site} thread={thread} />, root);
  });
}
