import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { HOSTS_DIR } from './host-server';

/*
 * What a reader's browser shows, looked at from inside: where keyboard focus is (through the
 * widget's shadow root) and whether it can be seen, what the live region says, what colours the
 * widget's text ends up with, and CSP violations. Also the demo page served at other paths and
 * in a dark version, for tests that need their own thread or the dark theme.
 */

/** Where keyboard focus is, however deep in shadow roots. */
export interface FocusInfo {
  /** Nothing (or only the body) has focus. */
  none: boolean;
  /** The focused element is inside the widget's shadow root (on `#comments`). */
  inWidget: boolean;
  tag: string;
  id: string;
  type: string | null;
  /** The element's text (buttons, links), trimmed, at most 80 characters. */
  text: string;
  /** Its label's text (form fields), else its aria-label. */
  label: string;
  /** The `id` of the comment (`<article id="comment-…">`) it is in, if any. */
  comment: string | null;
  /** Whether it matches `:focus-visible`. */
  focusVisible: boolean;
  /** What makes the focus visible: its outline or box-shadow, or null when it has neither. */
  indicator: string | null;
  /** One line for messages: `button "Reply" in #comment-… [outline 2px solid rgb(…)]`. */
  describe: string;
}

/** Where focus is now (see {@link FocusInfo}). */
export function focused(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
      return { none: true, inWidget: false, tag: '', id: '', type: null, text: '', label: '', comment: null, focusVisible: false, indicator: null, describe: '(nothing focused)' };
    }
    const root = el.getRootNode();
    const inWidget = root instanceof ShadowRoot && (root.host as HTMLElement).id === 'comments';
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 ? `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : null;
    const shadow = style.boxShadow && style.boxShadow !== 'none' ? `box-shadow ${style.boxShadow}` : null;
    const labels = (el as HTMLInputElement).labels;
    const label = (labels && labels.length ? labels[0].textContent : el.getAttribute('aria-label'))?.trim() ?? '';
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
    const comment = el.closest('article[id^="comment-"]')?.id ?? null;
    const indicator = outline ?? shadow;
    const name = label || text;
    return {
      none: false,
      inWidget,
      tag: el.localName,
      id: el.id,
      type: el.getAttribute('type'),
      text,
      label,
      comment,
      focusVisible: el.matches(':focus-visible'),
      indicator,
      describe: `${el.localName}${el.id ? `#${el.id}` : ''}${name ? ` "${name.slice(0, 40)}"` : ''}${comment && comment !== el.id ? ` in #${comment}` : ''}${inWidget ? '' : ' (outside the widget)'} [${indicator ?? 'no focus indicator'}]`,
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until focus satisfies `want`, at most `max` times; resolves with
 * every stop on the way (the last one is the one wanted). Throws, listing the stops, if focus
 * never gets there.
 */
export async function tabUntil(page: Page, want: (focus: FocusInfo) => boolean, what: string, options: { shift?: boolean; max?: number } = {}): Promise<FocusInfo[]> {
  const stops: FocusInfo[] = [];
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press(options.shift ? 'Shift+Tab' : 'Tab');
    const focus = await focused(page);
    stops.push(focus);
    if (want(focus)) return stops;
  }
  throw new Error(`pressing ${options.shift ? 'Shift+Tab' : 'Tab'} ${stops.length} times never reached ${what}; focus went:\n  ${stops.map((s) => s.describe).join('\n  ')}`);
}

/** The text of the widget's live region(s): every element with role=status or aria-live in its shadow root. */
export function liveRegionText(page: Page): Promise<{ role: string | null; live: string | null; text: string }[]> {
  return page.evaluate(() => {
    const root = document.querySelector('#comments')?.shadowRoot;
    if (!root) return [];
    return Array.from(root.querySelectorAll('[role="status"], [role="alert"], [aria-live]')).map((el) => ({
      role: el.getAttribute('role'),
      live: el.getAttribute('aria-live'),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
    }));
  });
}

/** The colour and a few inherited properties of elements in the widget, to check what reached in from the page. */
export interface WidgetStyle {
  /** `data-parley-theme` on the mount element. */
  theme: string | null;
  /** For each element found by the selectors asked for: its selector, text and computed style. */
  elements: { selector: string; text: string; color: string; lineHeight: string; fontSize: string; textTransform: string; textAlign: string; letterSpacing: string; textShadow: string; display: string; visibility: string }[];
}

/** Computed styles of the first element matching each selector in the widget's shadow root. */
export function widgetStyle(page: Page, selectors: string[]): Promise<WidgetStyle> {
  return page.evaluate((selectors) => {
    const host = document.querySelector('#comments');
    const root = host?.shadowRoot;
    const elements: WidgetStyle['elements'] = [];
    for (const selector of selectors) {
      const el = root?.querySelector(selector);
      if (!el) continue;
      const style = getComputedStyle(el);
      elements.push({
        selector,
        text: (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50),
        color: style.color,
        lineHeight: style.lineHeight,
        fontSize: style.fontSize,
        textTransform: style.textTransform,
        textAlign: style.textAlign,
        letterSpacing: style.letterSpacing,
        textShadow: style.textShadow,
        display: style.display,
        visibility: style.visibility,
      });
    }
    return { theme: host?.getAttribute('data-parley-theme') ?? null, elements };
  }, selectors);
}

/** The documented default text colour of each theme (docs/widget.md: `--parley-text`). */
export const THEME_TEXT = { light: 'rgb(31, 35, 40)', dark: 'rgb(230, 237, 243)' } as const;
/** The documented default accent of each theme (`--parley-accent`): the Post button's background. */
export const THEME_ACCENT = { light: 'rgb(9, 105, 218)', dark: 'rgb(68, 147, 248)' } as const;

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Init script: records every `securitypolicyviolation` event of the page in `window.__cspViolations`. Self-contained. */
export function recordCspViolations(): void {
  const list: string[] = [];
  Object.defineProperty(window, '__cspViolations', { value: list, configurable: false, writable: false });
  addEventListener(
    'securitypolicyviolation',
    (event) => list.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} (from ${event.sourceFile || location.href}:${event.lineNumber}) ${JSON.stringify(event.sample)}`),
    true,
  );
}

/** The CSP violations recorded in the page so far (see {@link recordCspViolations}); null if the recorder is not installed. */
export function cspViolations(page: Page): Promise<string[] | null> {
  return page.evaluate(() => (window.__cspViolations ? window.__cspViolations.slice() : null));
}

/**
 * Serves the demo page (what `wrangler dev` serves at `/`) at every path of `origin` a page is
 * opened at, so that a test gets its own thread (the widget's thread is the page's path); with
 * `?theme=dark`, a dark version: `demo-dark.css` (tests/fixtures/hosts) after the page's own
 * stylesheet, and `data-theme="dark"` on the embed. Everything else goes to the server.
 */
export async function serveDemoPages(context: BrowserContext, origin: string): Promise<void> {
  const darkCss = readFileSync(join(HOSTS_DIR, 'demo-dark.css'), 'utf8');
  await context.route(
    (url) => url.origin === origin && (url.pathname === '/__test/demo-dark.css' || !/^\/(api|admin|feeds|subscriptions|i18n)\/|\.[a-z0-9]+$|^\/admin$/.test(url.pathname)),
    async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/__test/demo-dark.css') return route.fulfill({ status: 200, contentType: 'text/css', body: darkCss });
      if (route.request().resourceType() !== 'document') return route.fallback();
      const response = await route.fetch({ url: `${origin}/` });
      let body = await response.text();
      if (url.searchParams.get('theme') === 'dark') {
        const dark = body
          .replace('<link rel="stylesheet" href="/demo.css">', '<link rel="stylesheet" href="/demo.css">\n  <link rel="stylesheet" href="/__test/demo-dark.css">')
          .replace('<script src="/widget.js" data-site="demo"', '<script src="/widget.js" data-site="demo" data-theme="dark"');
        if (!dark.includes('demo-dark.css') || !dark.includes('data-theme="dark"')) {
          return route.fulfill({ status: 500, body: 'the demo page changed: update serveDemoPages in tests/browser/support/reader.ts' });
        }
        body = dark;
      }
      return route.fulfill({ response, body });
    },
  );
}
