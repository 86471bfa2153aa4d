import type { OwnComment } from '../../../worker/src/wire';

/**
 * What the widget remembers in the host page's localStorage (first-party to that page;
 * nothing leaves the browser): the commenter's name/email/website for next time, every
 * comment they posted here with its token, and the comments they liked. The token lets
 * them edit or delete a comment in its first minutes and, once one was approved, proves
 * who they are on sites that trust known commenters (`first` moderation).
 *
 * Keys: `parley:profile`, `parley:likes`, and `parley:own:{id}` per comment (one key each, so two tabs
 * posting at once never overwrite each other's tokens). Every access is guarded:
 * storage can be missing or throw (privacy modes, sandboxed iframes, full quota).
 */

export interface OwnEntry {
  id: string;
  /** Secret proof of authorship, for editing or deleting, and for `proof`. */
  token: string;
  /** The comment as the server last returned it (when posted, or edited). */
  comment: OwnComment;
  site: string;
  thread: string;
  /** When it was posted (ms since epoch). */
  savedAt: number;
  /** Until when its author may edit or delete it (ms since epoch): the site's edit window (its config) from when it was posted. */
  editUntil?: number;
  /** The Markdown as sent (the API returns only HTML), for editing. */
  body?: string;
  /** Set once the comment has been seen approved in the public list: from then on the list is the truth. */
  listed?: boolean;
}

export interface Profile {
  author: string;
  email: string;
  website: string;
}

/** A like as this reader last set it: [liked, the server's count then, the count shown]. */
export type Like = [liked: boolean, server: number, shown: number];

const OWN = 'parley:own:';
const PROFILE = 'parley:profile';
const LIKES = 'parley:likes';
/** Own comments are forgotten after this long (ms): 30 days. */
export const OWN_MAX_AGE = 30 * 24 * 60 * 60 * 1000;

function read<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key)!) as T | null;
  } catch {
    return null;
  }
}

function write(key: string, value?: unknown): void {
  try {
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
  } catch {
    // Storage unavailable or full: the widget works on without remembering.
  }
}

/** This site's own comments, oldest first. Forgets (deletes) entries older than 30 days, and unreadable ones. */
export function loadOwn(site: string, now = Date.now()): OwnEntry[] {
  const found: OwnEntry[] = [];
  try {
    for (let i = localStorage.length; i--; ) {
      const key = localStorage.key(i)!;
      if (!key.startsWith(OWN)) continue;
      const entry = read<OwnEntry>(key);
      if (!entry?.comment || !(now - entry.savedAt < OWN_MAX_AGE)) localStorage.removeItem(key);
      else if (entry.site === site) found.push(entry);
    }
  } catch {
    // Storage unavailable.
  }
  return found.sort((a, b) => a.savedAt - b.savedAt);
}

/** Saves an own comment; with `forget`, deletes it. */
export const saveOwn = (entry: OwnEntry, forget?: boolean) => write(OWN + entry.id, !forget && entry);

export const loadProfile = (): Profile => ({ author: '', email: '', website: '', ...read<Partial<Profile>>(PROFILE) });

export const saveProfile = (profile: Profile) => write(PROFILE, profile);

export const loadLikes = (): Record<string, Like> => read(LIKES) ?? {};

export const saveLikes = (likes: Record<string, Like>) => write(LIKES, likes);
