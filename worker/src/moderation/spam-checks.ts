import type { SiteConfig } from '../config/sites';

/** What the content checks think of a new comment. */
export type Verdict = 'ok' | 'hold' | 'spam';

export interface Assessment {
  verdict: Verdict;
  /** Why, in words a moderator can read in the dashboard; empty when ok. */
  reasons: string[];
}

export interface SubmittedContent {
  author: string;
  email: string;
  website: string;
  body: string;
  /** Rendered HTML (to count real links, not text that looks like one). */
  html: string;
  /** The widget's hidden honeypot field: people never fill it, form-filling bots do. */
  honeypot: string;
  /**
   * Milliseconds between the form appearing and being sent, as the widget measured it. Missing
   * on a new comment is suspicious (a script that skips the form sends none), so it is held; null
   * where no form is timed (an author's edit).
   */
  elapsedMs?: number | null;
}

/**
 * Content heuristics, on by default for every site. Pure: no I/O, so every rule is cheap to test.
 * - honeypot filled, or a blocklisted word, phrase or domain anywhere: spam;
 * - more links than the site allows, sent faster than a person could, or sent without saying how
 *   long it took (no `elapsedMs`): held for a moderator.
 *
 * @example
 * assess(site, { author: 'A', email: '', website: '', body: 'hi', html: '<p>hi</p>', honeypot: '', elapsedMs: 9000 })
 * // { verdict: 'ok', reasons: [] }
 */
export function assess(site: SiteConfig, content: SubmittedContent): Assessment {
  const spam: string[] = [];
  const hold: string[] = [];
  if (content.honeypot.trim() !== '') spam.push('filled the hidden honeypot field');
  const haystack = `${content.author}\n${content.email}\n${content.website}\n${content.body}`.toLowerCase();
  for (const entry of site.blocklist) {
    if (haystack.includes(entry.toLowerCase())) spam.push(`contains blocklisted "${entry}"`);
  }
  const links = (content.html.match(/<a\s/g) ?? []).length;
  if (links > site.maxLinks) hold.push(`has ${links} links (more than ${site.maxLinks})`);
  if (content.elapsedMs === undefined) {
    hold.push('sent without the time it took to write (no elapsedMs)');
  } else if (content.elapsedMs !== null && content.elapsedMs < site.minSubmitSeconds * 1000) {
    hold.push(`sent ${(content.elapsedMs / 1000).toFixed(1)} s after the form appeared`);
  }
  if (spam.length) return { verdict: 'spam', reasons: [...spam, ...hold] };
  if (hold.length) return { verdict: 'hold', reasons: hold };
  return { verdict: 'ok', reasons: [] };
}

/** A body normalised for duplicate detection: case, spacing and punctuation do not make it new. */
export function normalizeForDuplicate(body: string): string {
  return body.toLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();
}

/** The checks on an author's edit of their comment: the text and its links (no honeypot, no timing: the comment exists already). */
export function assessEdit(site: SiteConfig, content: Omit<SubmittedContent, 'honeypot' | 'elapsedMs'>): Assessment {
  return assess(site, { ...content, honeypot: '', elapsedMs: Number.POSITIVE_INFINITY });
}
