import { plural, strings } from './i18n';

const MINUTE = 6e4;
const HOUR = 36e5;
const DAY = 864e5;

/** One date formatter per locale: making one costs more than a hundred uses. */
const dates: Record<string, Intl.DateTimeFormat> = {};

/**
 * A short, readable age in the language in use: "just now", "5 minutes ago", "yesterday",
 * "3 days ago", and past a week the date itself ("Mar 4, 2026").
 */
export function readableDate(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  // An unreadable date (NaN) reads as "just now", as a date in the future does.
  const age = now - date.getTime() || 0;
  if (age >= 7 * DAY) return (dates[strings.locale] ??= new Intl.DateTimeFormat(strings.locale, { dateStyle: 'medium' })).format(date);
  // `| 0` truncates: under a week, an age in minutes, hours or days is far below 2^31.
  if (age >= 2 * DAY) return plural(strings.daysAgo, (age / DAY) | 0);
  if (age >= DAY) return strings.yesterday;
  if (age >= HOUR) return plural(strings.hoursAgo, (age / HOUR) | 0);
  return age >= MINUTE ? plural(strings.minutesAgo, (age / MINUTE) | 0) : strings.justNow;
}
