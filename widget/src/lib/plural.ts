import type { Plural } from '../i18n/en';

/** Puts `value` where a string has `#` (as text: a name's `$&` stays as typed). */
export const fill = (text: string, value: string | number) => text.split('#').join(value as string); // join() makes a number a string itself

const pluralRules: Record<string, Intl.PluralRules> = {};

/**
 * The message for `n` in language `locale`, with `n` in it. Numbers under 1,000 need no
 * grouping in any of the widget's languages, so they skip Intl.NumberFormat, whose first use
 * costs 20 ms (80 ms on a slow phone); Intl.PluralRules is cheap. (Apart from lib/i18n.ts, which
 * holds the strings in use, so that widget-extra.js can use it without them.)
 */
export const pluralIn = (locale: string, message: Plural, n: number) =>
  fill((n ? message[(pluralRules[locale] ??= new Intl.PluralRules(locale)).select(n)] : message.zero) ?? message.other, n < 1000 ? n : n.toLocaleString(locale));
