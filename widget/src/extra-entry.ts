import { enErrors } from './i18n/en-extra';
import { fillCounts } from './lib/counts';
import { like, more, preview, remove, saveEdit } from './lib/own-actions';
import { loadTurnstile } from './lib/turnstile';
import { Follow } from './components/follow/follow';
import type * as Extra from './extra';

// widget-extra.js, loaded by lib/extra.ts: hands its exports back on its own script element
// (a plain object: lighter than a module namespace).
const extra: typeof Extra = { loadTurnstile, fillCounts, like, more, preview, remove, saveEdit, Follow, enErrors };
(document.currentScript as HTMLScriptElement & { x: typeof Extra }).x = extra;
