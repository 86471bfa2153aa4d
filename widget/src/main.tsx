import { mountWidget } from './embed';

/*
 * Entry point of widget.js, a classic script (IIFE) that defines no globals: this module
 * exports nothing. `document.currentScript` is only set while a classic script's top
 * level runs (async or not), so it is read here, synchronously.
 */
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-site][src*="widget"]');
if (script) mountWidget(script);
