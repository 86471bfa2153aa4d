import type { ClientErrorCode } from '../api/transport';
import { en, type Plural } from '../i18n/en';
import { pluralIn } from './plural';

/** The strings in use: English until {@link useStrings} swaps in a translation. */
export const strings = { ...en };

/** Uses a translation (a parsed `/i18n/LANG.json`); with none, English again. */
export const useStrings = (translation?: Partial<typeof en>) => Object.assign(strings, en, translation);

export { fill } from './plural';

/** The message for `n` in the language in use, with `n` in it (./plural.ts). */
export const plural = (message: Plural, n: number) => pluralIn(strings.locale, message, n);

/** English messages of rare errors (by code, or by field for `invalid_request`): widget-extra.js brings them (i18n/en-extra.ts). */
export const rareErrors: Partial<Record<string, string>> = {};

/** What an API error code means to a reader. */
export const errorText = (code?: ClientErrorCode) => strings.errors[code!] ?? rareErrors[code!] ?? strings.retry;
