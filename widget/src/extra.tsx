/**
 * The features only some readers use, loaded on demand as widget-extra.js (see lib/extra.ts):
 * nothing here is downloaded by a reader who only reads and comments.
 */
export { loadTurnstile } from './lib/turnstile';
export { fillCounts } from './lib/counts';
export { like, more, preview, remove, saveEdit } from './lib/own-actions';
export { Follow } from './components/follow/follow';
export { enErrors } from './i18n/en-extra';
