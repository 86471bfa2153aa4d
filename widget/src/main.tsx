import { mountWidget } from './embed';

/*
 * Entry point of widget.js, a classic script (IIFE) that defines no globals itself: it mounts the
 * widget of its script tag, and brings widget-embed.js (`window.Parley`, `<parley-comments>`) to
 * the pages that use them (embed.tsx). `document.currentScript` is only set while a classic
 * script's top level runs (async or not), so it is read here, synchronously.
 */
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget"]');
const run = () => mountWidget(script);
// An async script can run before the rest of the page is parsed. Otherwise the mounting gets a task
// of its own, after the one that compiles and runs this file: on the demo post with the CPU 4×
// slower, the two in one task made it a long one in nearly every load (docs/BENCHMARKS.md). A page
// that removes this script tag on its load event (before that task) names the widget's element
// with #comments or data-target: the fallback right after the tag needs the tag in the page.
if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', run);
else setTimeout(run);
