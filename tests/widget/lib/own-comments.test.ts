import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { loadOwn, loadProfile, OWN_MAX_AGE, saveOwn, saveProfile, type OwnEntry } from '../../../widget/src/lib/own-comments';

const entry = (id: string, savedAt: number, thread = '/post'): OwnEntry => ({
  id,
  token: `token-${id}`,
  site: 'demo',
  thread,
  savedAt,
  comment: { id, parentId: null, author: 'Me', website: null, html: '<p>hi</p>', createdAt: new Date(savedAt).toISOString(), status: 'pending' },
});

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('own comments in localStorage', () => {
  test('are kept per site under parley: keys, oldest first, and forgotten on request', () => {
    const now = Date.now();
    saveOwn(entry('b', now - 1000));
    saveOwn(entry('a', now - 2000));
    saveOwn(entry('c', now, '/elsewhere'));
    expect(Object.keys(localStorage).sort()).toEqual(['parley:own:a', 'parley:own:b', 'parley:own:c']);
    expect(loadOwn('demo', now).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(loadOwn('other-site', now)).toEqual([]);
    saveOwn(entry('b', now), true);
    expect(loadOwn('demo', now).map((e) => e.id)).toEqual(['a', 'c']);
  });

  test('are forgotten after 30 days, as are unreadable entries', () => {
    const now = Date.now();
    saveOwn(entry('old', now - OWN_MAX_AGE - 1));
    saveOwn(entry('recent', now - OWN_MAX_AGE + 60_000));
    localStorage.setItem('parley:own:broken', '{not json');
    localStorage.setItem('unrelated', 'kept');
    expect(loadOwn('demo', now).map((e) => e.id)).toEqual(['recent']);
    expect(Object.keys(localStorage).sort()).toEqual(['parley:own:recent', 'unrelated']);
    expect(OWN_MAX_AGE).toBe(30 * 24 * 60 * 60 * 1000);
  });

  test('the profile is remembered, with empty defaults', () => {
    expect(loadProfile()).toEqual({ author: '', email: '', website: '' });
    saveProfile({ author: 'Grace', email: 'g@example.com', website: '' });
    expect(loadProfile()).toEqual({ author: 'Grace', email: 'g@example.com', website: '' });
  });

  test('nothing throws when storage is unavailable (privacy modes, sandboxed iframes)', () => {
    const throwing = {
      get length(): number {
        throw new DOMException('denied', 'SecurityError');
      },
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    vi.stubGlobal('localStorage', throwing);
    expect(() => saveOwn(entry('a', Date.now()))).not.toThrow();
    expect(loadOwn('demo')).toEqual([]);
    expect(() => saveProfile({ author: 'Grace', email: '', website: '' })).not.toThrow();
    expect(loadProfile()).toEqual({ author: '', email: '', website: '' });
  });
});
