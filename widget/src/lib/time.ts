const UNITS = { day: 864e5, hour: 36e5, minute: 6e4 };

/**
 * A short, readable age in `locale`: "just now", "5 minutes ago", "yesterday", "3 days ago",
 * and past a week the date itself ("Mar 4, 2026").
 */
export function readableDate(iso: string, locale: string, justNow: string, now = Date.now()): string {
  const date = new Date(iso);
  const diff = date.getTime() - now;
  if (diff < -7 * UNITS.day) return date.toLocaleDateString(locale, { dateStyle: 'medium' });
  for (const [unit, size] of Object.entries(UNITS)) {
    if (-diff >= size) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.trunc(diff / size), unit as Intl.RelativeTimeFormatUnit);
  }
  return justNow;
}
