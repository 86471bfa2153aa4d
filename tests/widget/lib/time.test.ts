import { describe, expect, test } from 'vitest';
import { readableDate } from '../../../widget/src/lib/time';

const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

describe('readableDate', () => {
  test('is relative for the last week, then the date', () => {
    expect(readableDate(ago(20_000), 'en', 'just now', now)).toBe('just now');
    expect(readableDate(ago(5 * MIN), 'en', 'just now', now)).toBe('5 minutes ago');
    expect(readableDate(ago(3 * 60 * MIN), 'en', 'just now', now)).toBe('3 hours ago');
    expect(readableDate(ago(30 * 60 * MIN), 'en', 'just now', now)).toBe('yesterday');
    expect(readableDate(ago(6 * 24 * 60 * MIN), 'en', 'just now', now)).toBe('6 days ago');
    // Noon UTC is Dec 25 or 26 depending on the time zone the tests run in.
    expect(readableDate('2025-12-25T12:00:00Z', 'en', 'just now', now)).toMatch(/^Dec 2[56], 2025$/);
  });
});
