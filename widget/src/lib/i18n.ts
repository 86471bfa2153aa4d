import type { ClientErrorCode } from '../api/transport';
import { en, type Plural } from '../i18n/en';

/** The strings in use: English until {@link useStrings} swaps in a translation. */
export const t = { ...en };

/** Uses a translation (a parsed `/i18n/LANG.json`); with none, English again. */
export const useStrings = (strings?: Partial<typeof en>) => Object.assign(t, en, strings);

/** Puts `value` where a string has `#` (as text: a name's `$&` stays as typed). */
export const fill = (text: string, value: string | number) => text.split('#').join(String(value));

/** The message for `n` in the current language, with `n` formatted in it. */
export const plural = (p: Plural, n: number) => fill((n ? p[new Intl.PluralRules(t.locale).select(n)] : p.zero) ?? p.other, n.toLocaleString(t.locale));

/** English messages of rare errors (by code, or by field for `invalid_request`), filled in by widget-extra.js (i18n/en-extra.ts) when it loads. */
export const moreErrors: Partial<Record<string, string>> = {};

/** What an API error code means to a reader (call through lib/extra.ts `explain` for rare codes in English). */
export const errorText = (code?: ClientErrorCode) => t.errors[code!] ?? moreErrors[code!] ?? t.retry;

/** What is wrong with a field, if the widget knows (the server's fields: once widget-extra.js is there). */
export const fieldText = (field: string) => t.fieldErrors[field] ?? moreErrors[field];
