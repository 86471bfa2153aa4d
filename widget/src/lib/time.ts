import { plural, strings } from './i18n';

const MINUTE = 6e4;
const HOUR = 36e5;
const DAY = 864e5;

/**
 * A short, readable age in the language in use: "just now", "5 minutes ago", "yesterday",
 * "3 days ago", and past a week the date itself, in the reader's time zone, written as ISO 8601
 * does in every language ("2026-03-04").
 *
 * Not Intl's date formats: the first use of any of them (`Intl.DateTimeFormat`, even with
 * `timeZone: 'UTC'`, `RelativeTimeFormat`, `toLocaleDateString`) builds ICU's date data, 80–130 ms
 * of one task on a 4× slower CPU (20–30 ms at full speed), and nearly every thread has a comment
 * older than a week: its first step of rendering took that much longer (docs/BENCHMARKS.md).
 * `getTimezoneOffset` needs none of it.
 */
export function readableDate(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  // An unreadable date (NaN) reads as "just now", as a date in the future does.
  const age = now - date.getTime() || 0;
  if (age >= 7 * DAY) return new Date(+date - date.getTimezoneOffset() * MINUTE).toISOString().slice(0, 10);
  // `| 0` truncates: under a week, an age in minutes, hours or days is far below 2^31.
  if (age >= 2 * DAY) return plural(strings.daysAgo, (age / DAY) | 0);
  if (age >= DAY) return strings.yesterday;
  if (age >= HOUR) return plural(strings.hoursAgo, (age / HOUR) | 0);
  return age >= MINUTE ? plural(strings.minutesAgo, (age / MINUTE) | 0) : strings.justNow;
}
