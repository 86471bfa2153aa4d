import { afterEach, describe, expect, test, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { useStrings } from '../../../widget/src/lib/i18n';
import { readableDate } from '../../../widget/src/lib/time';
import { repoFile } from '../helpers/repo';

afterEach(() => useStrings());

const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

describe('readableDate', () => {
  test('is relative for the last week, then the date', () => {
    expect(readableDate(ago(20_000), now)).toBe('just now');
    expect(readableDate(ago(MIN), now)).toBe('1 minute ago');
    expect(readableDate(ago(5 * MIN), now)).toBe('5 minutes ago');
    expect(readableDate(ago(60 * MIN), now)).toBe('1 hour ago');
    expect(readableDate(ago(3 * 60 * MIN), now)).toBe('3 hours ago');
    expect(readableDate(ago(30 * 60 * MIN), now)).toBe('yesterday');
    expect(readableDate(ago(6 * 24 * 60 * MIN), now)).toBe('6 days ago');
    // Noon UTC is Dec 25 or 26 depending on the time zone the tests run in.
    expect(readableDate('2025-12-25T12:00:00Z', now)).toMatch(/^2025-12-2[56]$/);
  });

  test('past a week, the date in the reader\'s time zone, without Intl\'s date formats (their first use blocks a phone for about 100 ms)', () => {
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    const relative = vi.spyOn(Intl, 'RelativeTimeFormat');
    const zone = process.env.TZ;
    try {
      // Time zones either side of UTC, with half- and quarter-hour offsets, across daylight-saving
      // changes (Node applies a new TZ at once); the day is read back with the local getters.
      for (const tz of ['UTC', 'America/St_Johns', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'Etc/GMT+12']) {
        process.env.TZ = tz;
        for (const iso of ['2024-02-29T23:30:00Z', '2025-01-01T00:30:00Z', '2019-07-04T12:00:00Z', '2025-03-09T09:59:00Z', '2025-03-30T00:30:00Z', '2025-10-26T01:30:00Z', '2025-04-06T15:30:00Z']) {
          const date = new Date(iso);
          const local = [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
          expect(readableDate(iso, now), `${iso} in ${tz}`).toBe(local);
        }
      }
      process.env.TZ = 'Pacific/Kiritimati';
      expect(readableDate('2025-12-31T11:00:00Z', now), 'UTC+14: already the next day').toBe('2026-01-01');
      process.env.TZ = 'Etc/GMT+12';
      expect(readableDate('2026-01-01T11:00:00Z', now), 'UTC−12: still the day before').toBe('2025-12-31');
      expect(made).not.toHaveBeenCalled();
      expect(relative).not.toHaveBeenCalled();
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      made.mockRestore();
      relative.mockRestore();
    }
  });

  test('a date in the future (a skewed clock) or an unreadable one: "just now", never an error that would stop the thread rendering', () => {
    expect(readableDate(ago(-5 * MIN), now)).toBe('just now');
    expect(readableDate('not a date', now)).toBe('just now');
  });

  test('says the same as Intl.RelativeTimeFormat would, in every language', () => {
    for (const lang of ['de', 'fr', 'es', 'pt', 'zh', 'ja', 'ar']) {
      useStrings(JSON.parse(readFileSync(repoFile(`widget/src/i18n/${lang}.json`), 'utf8')));
      const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'always' });
      for (const [minutes, value, unit] of [[1, 1, 'minute'], [2, 2, 'minute'], [45, 45, 'minute'], [60, 1, 'hour'], [180, 3, 'hour'], [11 * 60, 11, 'hour'], [3 * 1440, 3, 'day'], [6 * 1440, 6, 'day']] as const) {
        expect(readableDate(ago(minutes * MIN), now), `${lang}: ${minutes} minutes`).toBe(relative.format(-value, unit));
      }
      expect(readableDate(ago(30 * 60 * MIN), now)).toBe(new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }).format(-1, 'day'));
    }
  });
});
