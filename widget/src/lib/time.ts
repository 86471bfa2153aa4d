const MINUTE = 60_000;
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 24 * 60 * MINUTE],
  ['hour', 60 * MINUTE],
  ['minute', MINUTE],
];

/**
 * A short, readable age: "just now", "5 minutes ago", "yesterday", "3 days ago", and
 * past a week the date itself ("Mar 4, 2026").
 */
export function readableDate(iso: string, locale: string, justNow: string, now = Date.now()): string {
  const date = new Date(iso);
  const diff = date.getTime() - now;
  if (diff < -7 * UNITS[0][1]) return date.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
  for (const [unit, size] of UNITS) {
    if (-diff >= size) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.trunc(diff / size), unit);
  }
  return justNow;
}

/** The full date and time, for a tooltip. */
export const fullDate = (iso: string, locale: string) => new Date(iso).toLocaleString(locale, { dateStyle: 'long', timeStyle: 'short' });
