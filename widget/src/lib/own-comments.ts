import type { OwnComment } from '../../../worker/src/wire';

/**
 * What the widget remembers in the host page's localStorage (first-party to that page;
 * nothing leaves the browser): the commenter's name/email/website for next time, and
 * every comment they posted here with its token, so that
 * - after a reload they still see their own comments that are awaiting moderation, and
 * - a later version can let them edit or delete them (the token is the only proof).
 *
 * Keys: `parley:profile`, and `parley:own:{id}` per comment (one key each, so two tabs
 * posting at once never overwrite each other's tokens). Every access is guarded:
 * storage can be missing or throw (privacy modes, sandboxed iframes, full quota).
 */

export interface OwnEntry {
  id: string;
  /** Secret proof of authorship, for editing or deleting later. */
  token: string;
  /** The comment as the server returned it when it was posted. */
  comment: OwnComment;
  site: string;
  thread: string;
  /** When it was posted (ms since epoch). */
  savedAt: number;
  /** Set once the comment has been seen in the public list: from then on the list is the truth. */
  listed?: boolean;
}

export interface Profile {
  author: string;
  email: string;
  website: string;
}

const OWN = 'parley:own:';
const PROFILE = 'parley:profile';
/** Own comments are forgotten after this long (ms): 30 days. */
export const OWN_MAX_AGE = 30 * 24 * 60 * 60 * 1000;

function read<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage unavailable or full: the widget works on without remembering.
  }
}

/** This thread's own comments, oldest first. Forgets (deletes) entries older than 30 days, and unreadable ones. */
export function loadOwn(site: string, thread: string, now = Date.now()): OwnEntry[] {
  const found: OwnEntry[] = [];
  try {
    for (let i = localStorage.length; i--; ) {
      const key = localStorage.key(i);
      if (!key?.startsWith(OWN)) continue;
      const entry = read<OwnEntry>(key);
      if (!entry?.comment || !(now - entry.savedAt < OWN_MAX_AGE)) localStorage.removeItem(key);
      else if (entry.site === site && entry.thread === thread) found.push(entry);
    }
  } catch {
    // Storage unavailable.
  }
  return found.sort((a, b) => a.savedAt - b.savedAt);
}

export const saveOwn = (entry: OwnEntry) => write(OWN + entry.id, entry);

export const loadProfile = (): Profile => ({ author: '', email: '', website: '', ...read<Partial<Profile>>(PROFILE) });

export const saveProfile = (profile: Profile) => write(PROFILE, profile);
