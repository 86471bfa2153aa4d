import type { ClientErrorCode } from '../api/transport';
import { en, type Plural } from '../i18n/en';

/** The strings in use: English until {@link useStrings} swaps in a translation. */
export const strings = { ...en };

/** Uses a translation (a parsed `/i18n/LANG.json`); with none, English again. */
export const useStrings = (translation?: Partial<typeof en>) => Object.assign(strings, en, translation);

/** Puts `value` where a string has `#` (as text: a name's `$&` stays as typed). */
export const fill = (text: string, value: string | number) => text.split('#').join(String(value));

const pluralRules: Record<string, Intl.PluralRules> = {};

/**
 * The message for `n` in the current language, with `n` in it. Numbers under 1,000 need no
 * grouping in any of the widget's languages, so they skip Intl.NumberFormat, whose first use
 * costs 20 ms (80 ms on a slow phone); Intl.PluralRules is cheap.
 */
export const plural = (message: Plural, n: number) =>
  fill(
    (n ? message[(pluralRules[strings.locale] ??= new Intl.PluralRules(strings.locale)).select(n)] : message.zero) ?? message.other,
    n < 1000 ? n : n.toLocaleString(strings.locale),
  );

/** English messages of rare errors (by code, or by field for `invalid_request`): widget-extra.js brings them (i18n/en-extra.ts). */
export const rareErrors: Partial<Record<string, string>> = {};

/** What an API error code means to a reader. */
export const errorText = (code?: ClientErrorCode) => strings.errors[code!] ?? rareErrors[code!] ?? strings.retry;

/** What is wrong with a field, if the widget knows (the server's fields: once widget-extra.js is there). */
export const fieldText = (field: string) => strings.fieldErrors[field] ?? rareErrors[field];
