import { Component, createElement, render } from 'preact';
import css from './styles/widget.css?inline';
import { createClient } from './api/client';
import type { Strings } from './i18n/en';
import { Widget } from './components/widget/widget';
import { featureLoader, type Features } from './features/features';
import { plural, strings, useStrings } from './lib/i18n';
import { applyTheme } from './lib/theme';
import { pagePath } from './lib/thread-id';
import { WidgetStore } from './state/store';

/** Languages with a translation in `/i18n/LANG.json`; English is built in. */
export const LANGUAGES = ['de', 'fr', 'es', 'pt', 'zh', 'ja', 'ar'];

/** What a widget is mounted with (docs/embedding.md): the script tag's `data-*` attributes, `<parley-comments>`'s attributes, `Parley.mount`'s options. */
export interface MountOptions {
  site: string;
  /** Used exactly as given; without it, derived from the page (lib/thread-id.ts). */
  thread?: string;
  /** Query parameters kept in a derived thread id. */
  threadQuery?: string[];
  /** `off`: a derived thread id is `location.pathname` exactly. */
  threadNormalize?: string;
  /** `lazy`: nothing loads until the element comes within about a screen of the viewport. */
  loading?: string;
  theme?: string;
  lang?: string;
  turnstileSitekey?: string;
}

/** What widget.js gives widget-embed.js (the element and the JS API, src/embed/): its way of mounting a widget, which returns how to take the widget away again (all it started). */
export type StartWidget = (host: HTMLElement, options: Omit<MountOptions, 'threadQuery'> & { thread: string }) => () => void;

/** widget-extra.js, an ES module beside widget.js (same origin, so the same CSP allowance), imported on first use. */
const importFeatures = (origin: string) => (): Promise<Features> => import(/* @vite-ignore */ `${origin}/widget-extra.js`).then((module) => module.createFeatures({ h: createElement, Component }));

/** A stylesheet for a shadow root: a constructed one needs no CSP allowance ('unsafe-inline'). */
function styleSheet(css: string) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}

/** The widget's words, by language: each translation is loaded once for the page. */
const words: Record<string, Promise<Partial<Strings> | undefined>> = {};

/** Uses the widget's words for `lang`: its translation when there is one (loaded once; English when it fails to load). */
function loadWords(origin: string, lang = document.documentElement.lang) {
  const code = lang.slice(0, 2).toLowerCase();
  return (words[code] ??= Promise.resolve(LANGUAGES.includes(code) ? createClient(origin).strings(code) : undefined)).then(useStrings, () => useStrings());
}

/**
 * Mounting for the API at `origin`: renders a widget into an open shadow root of `host` (made
 * once, kept after `stop`), with its own stylesheets. `load` loads widget-extra.js (tests give its source).
 */
export const widgetStarter =
  (origin: string, load = importFeatures(origin)): StartWidget =>
  (host, { site, thread, theme, lang, turnstileSitekey }) => {
    const api = createClient(origin);
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    // The forms' stylesheet comes with them.
    const features = featureLoader(() => load().then((loaded) => (root.adoptedStyleSheets = [...root.adoptedStyleSheets, styleSheet(loaded.styles)], loaded)));
    const store = new WidgetStore(api, site, thread, features, host);
    let stopTheme: (() => void) | undefined;
    let stopped = false;
    // The thread's first page, asked for in a task of its own, right after this one (alongside the
    // translation): starting a request took 17–33 ms of this task on a 4× slower CPU, which made
    // it a long one (docs/BENCHMARKS.md); the answer comes no later.
    setTimeout(() => stopped || store.load());
    loadWords(origin, lang).then(() => {
      if (stopped) return;
      root.adoptedStyleSheets = [styleSheet(css), ...root.adoptedStyleSheets];
      // With Turnstile, widget-extra.js comes at once: so does the form, where the challenge shows.
      if (turnstileSitekey) features().then((loaded) => ((store.captcha = loaded.startTurnstile(turnstileSitekey, host)), store.openForm()));
      // The theme (it reads the page's styles) and the first render each get a task of their own:
      // the page's task that runs widget.js stays short, and so do they.
      setTimeout(() => stopped || ((stopTheme = applyTheme(host, theme)), setTimeout(() => stopped || render(<Widget store={store} />, root))));
    });
    return () => {
      stopped = true;
      render(null, root);
      root.adoptedStyleSheets = [];
      stopTheme?.();
    };
  };

/**
 * What widget.js does for its `<script>` tag (attributes in docs/embedding.md), `script` (none
 * found: as without `data-site`). Mounts the widget into `data-target` (a CSS selector), else
 * `#comments`, else a new element right after the script tag (unless the page only has comment
 * counts or a Follow box), for thread `data-thread`, else the page's path normalised
 * (docs/embedding.md, "Thread ids"). Fills
 * `[data-parley-count]` elements with comment counts, and brings the Follow box
 * (`[data-parley-follow]`, widget-follow.js). The API is at the script's own origin. Mounting
 * into an element that has a widget does nothing.
 *
 * Imports widget-embed.js (src/embed/: `window.Parley`, `<parley-comments>`) only for a page that
 * uses them: one with a `<parley-comments>` element, a script tag without `data-site` (an app
 * that mounts widgets itself), and a script tag asking for what only widget-embed.js does
 * (`data-loading="lazy"`, `data-thread-normalize`, `data-thread-query`: it then mounts the
 * script tag's widget). An ordinary page (`#comments` and a script tag) never downloads it.
 * `loadFeatures` loads widget-extra.js (tests give its source).
 */
export function mountWidget(script: HTMLScriptElement | null, loadFeatures?: () => Promise<Features>): void {
  const origin = new URL(script?.src || location.href).origin;
  const start = widgetStarter(origin, loadFeatures);
  const { site, target, ...options } = script?.dataset ?? {};
  const counts = document.querySelectorAll<HTMLElement>('[data-parley-count]');
  // The Follow box comes in a chunk of its own, widget-follow.js (src/follow/), on pages that have one.
  const follow = document.querySelector('[data-parley-follow]');
  let host: HTMLElement | null = null;
  let mounted: ScriptWidget | undefined;
  if (site) {
    try {
      host = document.querySelector(target || '#comments');
    } catch {
      // An invalid selector: reported below.
    }
    if (!host && !target && !counts.length && !follow) script!.after((host = document.createElement('div')));
    if (!host && target) return console.error('Parley: no element for data-target');
    if (follow) import(/* @vite-ignore */ `${origin}/widget-follow.js`).then((module) => module.default(script));
    if (counts.length) {
      loadWords(origin, options.lang)
        .then(loadFeatures ?? importFeatures(origin))
        .then((loaded) => loaded.fillCounts(origin, site, counts, strings));
    }
    if (host && !host.shadowRoot) {
      const mount = { site, ...options };
      // The thread: `data-thread`, else the page's path normalised (lib/thread-id.ts). Lazy loading, kept query parameters and
      // `data-thread-normalize="off"` (`location.pathname` exactly) are widget-embed.js's to do: widget.js has no room for them.
      mounted = [host, mount, options.loading || options.threadQuery || options.threadNormalize ? undefined : start(host, { ...mount, thread: options.thread ?? pagePath() })];
    }
  }
  if (!site || (mounted && !mounted[2]) || document.querySelector('parley-comments')) {
    import(/* @vite-ignore */ `${origin}/widget-embed.js`).then((module) => module.defineEmbed(start, mounted), console.error);
  }
}

/** The script tag's element and options, and how to stop its widget (when widget.js mounted it: else widget-embed.js mounts it). */
export type ScriptWidget = [host: HTMLElement, options: ScriptOptions, stop?: () => void];

/** The script tag's `data-*` attributes (`data-thread-query` as written: comma-separated). */
export type ScriptOptions = Omit<MountOptions, 'threadQuery'> & { threadQuery?: string };
