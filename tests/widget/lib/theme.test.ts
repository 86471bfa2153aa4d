import { readFileSync } from 'node:fs';
import { waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { embed, widgetIn } from '../helpers/embed';
import { repoFile } from '../helpers/repo';

afterEach(() => {
  document.body.innerHTML = '';
  document.body.removeAttribute('style');
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** matchMedia, with the reader's colour scheme preference. */
function prefersDark(dark: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: dark && query.includes('prefers-color-scheme: dark'), media: query, onchange: null }));
}

const themeOf = async (attributes: Record<string, string>, html?: string) => {
  embed(attributes, html);
  await widgetIn();
  const host = document.getElementById('comments')!;
  await waitFor(() => expect(host.getAttribute('data-parley-theme')).toBeTruthy());
  return host.getAttribute('data-parley-theme');
};

describe('themes', () => {
  test('data-theme="light" or "dark" is used as given', async () => {
    prefersDark(true);
    expect(await themeOf({ 'data-theme': 'light' })).toBe('light');
    prefersDark(false);
    expect(await themeOf({ 'data-theme': 'dark' })).toBe('dark');
  });

  test('auto (the default) follows a dark page background where the widget sits, whatever the reader prefers', async () => {
    prefersDark(false);
    expect(await themeOf({}, '<main style="background-color: rgb(17, 17, 17)"><section><div id="comments"></div></section></main>')).toBe('dark');
    prefersDark(true);
    expect(await themeOf({ 'data-theme': 'auto' }, '<main style="background-color: rgb(250, 250, 245)"><div id="comments"></div></main>')).toBe('light');
    // A transparent background does not count: the next opaque one up does.
    expect(await themeOf({}, '<main style="background-color: rgb(0, 0, 0)"><div style="background-color: rgba(255, 255, 255, 0)"><div id="comments"></div></div></main>')).toBe('dark');
  });

  test('auto, on a page with no background of its own: the canvas, dark exactly when the page’s text is light (color-scheme: dark)', async () => {
    // A page that declares no dark color-scheme has a white canvas and dark text, whatever the reader prefers.
    prefersDark(true);
    expect(await themeOf({})).toBe('light');
    // `color-scheme: light dark` (CSS or <meta>) for a reader who prefers dark: light text on a dark canvas.
    expect(await themeOf({}, '<main style="color: rgb(255, 255, 255)"><div id="comments"></div></main>')).toBe('dark');
  });

  test('auto is checked again when the page has loaded (late stylesheets) and when the reader’s preference changes', async () => {
    let media = { matches: false, onchange: null as null | (() => void) };
    vi.stubGlobal('matchMedia', () => media);
    expect(await themeOf({}, '<main><div id="comments"></div></main>')).toBe('light');
    const host = document.getElementById('comments')!;
    // The page's dark stylesheet arrives after widget.js.
    (document.querySelector('main') as HTMLElement).style.backgroundColor = 'rgb(15, 23, 42)';
    window.dispatchEvent(new Event('load'));
    expect(host.getAttribute('data-parley-theme')).toBe('dark');
    // The reader switches their OS to light, and the page (color-scheme: light dark) follows.
    (document.querySelector('main') as HTMLElement).style.backgroundColor = 'rgb(255, 255, 255)';
    media.onchange!();
    expect(host.getAttribute('data-parley-theme')).toBe('light');
    media = { matches: false, onchange: null };
  });

  test('every colour, font, radius and spacing is a --parley-* property with a default in both themes, and documented', () => {
    const css = readFileSync(repoFile('widget/src/styles/widget.css'), 'utf8');
    const docs = readFileSync(repoFile('docs/widget.md'), 'utf8');
    const block = (selector: string) => css.slice(css.indexOf(`${selector} {`), css.indexOf('}', css.indexOf(`${selector} {`)));
    const declared = (text: string) => new Set([...text.matchAll(/(--parley-[\w-]+):/g)].map((m) => m[1]));
    const light = declared(block(':host'));
    const dark = declared(block(':host([data-parley-theme=dark])'));
    const used = new Set([...css.matchAll(/var\((--parley-[\w-]+)/g)].map((m) => m[1]));
    // Font and font size inherit from the page unless set.
    for (const name of used) if (!['--parley-font', '--parley-font-size'].includes(name)) expect(light, name).toContain(name);
    for (const name of [...light, '--parley-font', '--parley-font-size']) expect(docs, name).toContain(`\`${name}\``);
    // The dark theme changes colours only, and every colour that is not derived or transparent.
    for (const name of dark) expect(light).toContain(name);
    for (const name of ['--parley-text', '--parley-muted', '--parley-accent', '--parley-accent-text', '--parley-danger', '--parley-warning', '--parley-border', '--parley-surface', '--parley-input-bg']) expect(dark).toContain(name);
    // No colour is written anywhere but in the two theme blocks.
    const rest = css.replace(block(':host'), '').replace(block(':host([data-parley-theme=dark])'), '');
    expect(rest.replace(/\/\*[\s\S]*?\*\//g, '')).not.toMatch(/#[0-9a-f]{3,8}\b|rgb|hsl/i);
  });

  test('the widget root takes back every inherited text property but the font (a page may set them on the mount element, even !important)', () => {
    const css = readFileSync(repoFile('widget/src/styles/widget.css'), 'utf8');
    const rule = /\nsection \{([^}]*)\}/.exec(css)![1];
    for (const declaration of ['color: var(--parley-text)', 'line-height:', 'text-align: start', 'text-transform: none', 'letter-spacing: normal', 'word-spacing: normal', 'text-shadow: none']) {
      expect(rule).toContain(declaration);
    }
    expect(rule).not.toContain('font-family');
  });
});
