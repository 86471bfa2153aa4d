import { Component, createElement, render } from 'preact';
import css from './styles/widget.css?inline';
import { createClient } from './api/client';
import { Widget } from './components/widget/widget';
import { featureLoader, type Features } from './features/features';
import { plural, strings, useStrings } from './lib/i18n';
import { applyTheme } from './lib/theme';
import { WidgetStore } from './state/store';

/** Languages with a translation in `/i18n/LANG.json`; English is built in. */
export const LANGUAGES = ['de', 'fr', 'es', 'pt', 'zh', 'ja', 'ar'];

/** widget-extra.js, an ES module beside widget.js (same origin, so the same CSP allowance), imported on first use. */
const importFeatures = (origin: string) => (): Promise<Features> => import(/* @vite-ignore */ `${origin}/widget-extra.js`).then((module) => module.createFeatures({ h: createElement, Component }));

/** A stylesheet for a shadow root: a constructed one needs no CSP allowance ('unsafe-inline'). */
function styleSheet(css: string) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}

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
 * into the same element does nothing. `loadFeatures` loads widget-extra.js (tests give its source).
 */
export function mountWidget(script: HTMLScriptElement, loadFeatures?: () => Promise<Features>): void {
  // An async script can run before the rest of the page is parsed.
  if (document.readyState === 'loading') return document.addEventListener('DOMContentLoaded', () => mountWidget(script, loadFeatures));
  const { site, thread = location.pathname, target, theme, lang = document.documentElement.lang, turnstileSitekey } = script.dataset;
  const counts = document.querySelectorAll<HTMLElement>('[data-parley-count]');
  // The Follow box comes in a chunk of its own, widget-follow.js (src/follow/), on pages that have one.
  const follow = document.querySelector('[data-parley-follow]');
  let host: HTMLElement | null = null;
  try {
    host = document.querySelector(target || '#comments');
  } catch {
    // An invalid selector: reported below.
  }
  if (!host && !target && !counts.length && !follow) script.after((host = document.createElement('div')));
  if (!site || (!host && target)) return console.error('Parley: no data-site, or no data-target element');
  const origin = new URL(script.src || location.href).origin;
  if (follow) import(/* @vite-ignore */ `${origin}/widget-follow.js`).then((module) => module.default(script));
  const api = createClient(origin);
  const load = loadFeatures ?? importFeatures(origin);
  let store: WidgetStore | undefined;
  let root: ShadowRoot | undefined;
  // The forms' stylesheet comes with them.
  const features = featureLoader(() => load().then((loaded) => (root && (root.adoptedStyleSheets = [...root.adoptedStyleSheets, styleSheet(loaded.styles)]), loaded)));
  const code = lang.slice(0, 2).toLowerCase();
  if (host && !host.shadowRoot) {
    store = new WidgetStore(api, site, thread, features);
    // The thread's first page, asked for at once (alongside the translation).
    store.load();
    root = host.attachShadow({ mode: 'open' });
  }
  // A translation that fails to load leaves English.
  Promise.resolve(LANGUAGES.includes(code) ? api.strings(code) : undefined)
    .then(useStrings, () => useStrings())
    .then(() => {
      if (counts.length) features().then((loaded) => loaded.fillCounts(origin, site, counts, (count) => plural(strings.count, count)));
      if (!store || !root) return;
      root.adoptedStyleSheets = [styleSheet(css), ...root.adoptedStyleSheets];
      // With Turnstile, widget-extra.js comes at once: so does the form, where the challenge shows.
      if (turnstileSitekey) features().then((loaded) => ((store.captcha = loaded.startTurnstile(turnstileSitekey, host!)), store.openForm()));
      // The theme (it reads the page's styles) and the first render each get a task of their own:
      // the page's task that runs widget.js stays short, and so do they.
      setTimeout(() => {
        applyTheme(host!, theme);
        setTimeout(() => render(<Widget store={store} />, root));
      });
    });
}
