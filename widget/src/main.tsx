import { mountWidget, widgetStarter } from './embed';

/*
 * Entry point of widget.js, a classic script (IIFE) that defines no globals itself: it mounts the
 * widget of a script tag with `data-site`, and imports widget-embed.js beside itself (src/embed/),
 * which defines `window.Parley` and `<parley-comments>`. `document.currentScript` is only set
 * while a classic script's top level runs (async or not), so it is read here, synchronously.
 */
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget"]');
const origin = new URL(script?.src || location.href).origin;
const start = widgetStarter(origin);
const run = () => {
  const mounted = script?.dataset.site ? mountWidget(script, undefined, origin, start) : undefined;
  import(/* @vite-ignore */ `${origin}/widget-embed.js`).then((module) => module.defineEmbed(start, mounted), console.error);
};
// An async script can run before the rest of the page is parsed.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
else run();
