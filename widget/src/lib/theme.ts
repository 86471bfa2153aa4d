/** Whether a computed colour is dark (by luminance); undefined when transparent or unreadable. */
function isDark(colour: string): boolean | undefined {
  const [r, g, b, alpha = 1] = colour.match(/[\d.]+/g)?.map(Number) ?? [];
  if (b != null && alpha > 0) return r * 0.299 + g * 0.587 + b * 0.114 < 128;
}

/**
 * Whether the page is dark where the widget sits: the first opaque background among the mount
 * element and its ancestors decides; with none, the browser's canvas shows through, which is
 * dark exactly when the page's text is light (a page with `color-scheme: dark`, by CSS or
 * `<meta name="color-scheme">`, for a reader who prefers dark).
 */
export function pageIsDark(host: HTMLElement): boolean {
  for (let element: Element | null = host; element; element = element.parentElement) {
    const dark = isDark(getComputedStyle(element).backgroundColor);
    if (dark != null) return dark;
  }
  return isDark(getComputedStyle(host.parentElement ?? document.documentElement).color) === false;
}

/**
 * Sets `data-parley-theme="light|dark"` on the mount element, which the widget's stylesheet
 * (`:host([data-parley-theme=dark])`) turns into colours. `theme` is the embed's `data-theme`:
 * `light` or `dark` as given; otherwise (`auto`, the default) {@link pageIsDark}, checked again
 * when the page has loaded (its stylesheets may come after widget.js) and whenever the reader's
 * `prefers-color-scheme` changes. Returns what stops those checks (the widget is unmounted).
 */
export function applyTheme(host: HTMLElement, theme?: string): () => void {
  const apply = () => host.setAttribute('data-parley-theme', theme === 'light' || theme === 'dark' ? theme : pageIsDark(host) ? 'dark' : 'light');
  const media = matchMedia('(prefers-color-scheme: dark)');
  apply();
  addEventListener('load', apply);
  media.onchange = apply;
  return () => {
    removeEventListener('load', apply);
    media.onchange = null;
  };
}
