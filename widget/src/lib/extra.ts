import type { ClientErrorCode } from '../api/transport';
import { errorText } from './i18n';
import { kit } from './kit';

/** The features only some readers use (widget/src/extra.tsx), built into widget-extra.js. */
export type Extra = typeof import('../extra');

/** Where widget-extra.js is: set by the embed, beside widget.js. */
export const extraScript = { src: '' };

let loading: Promise<Extra> | undefined;

/**
 * Loads the features only some readers use, once: editing and deleting your comment, "Follow
 * this thread", "Load more comments", Turnstile, comment counts on index pages. widget.js is a
 * classic script, so this adds a classic `<script>` for widget-extra.js (same origin, so the
 * same CSP allowance), handing it the kit; it hands its exports back on the same element.
 * Tests (and `vite dev`) import the module itself; the build removes that branch.
 */
export function extra(): Promise<Extra> {
  return (loading ??= import.meta.env.VITEST
    ? import('../extra')
    : new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement('script'), { src: extraScript.src, k: kit, onerror: reject, onload: () => resolve(script.x!) }) as HTMLScriptElement & { k: typeof kit; x?: Extra };
        document.head.append(script);
      }));
}

/** What an error means to a reader, once widget-extra.js (with the English messages of rare errors) is there. */
export const explain = (code?: ClientErrorCode) => extra().then(
  () => errorText(code),
  () => errorText(code),
);
