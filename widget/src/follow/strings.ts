import type { Plural } from '../i18n/en';

/**
 * The Follow box's words in English (docs/widget.md, "The Follow box"), built into its chunk
 * (widget-follow.js); the other languages are ./i18n/LANG.ts, each a chunk of its own that the box
 * imports on a page in that language. None of them come with widget.js or its translations: a
 * page without the box downloads none of them. `#` is the number; plurals as in the rest of the
 * widget (lib/plural.ts). TypeScript checks every language has every key.
 */
export const en = {
  locale: 'en',
  dir: 'ltr' as 'ltr' | 'rtl',
  followTitle: 'Follow',
  /** Replaced by the element's `data-pitch`. */
  followPitch: 'Get every new post on this blog delivered to your Inbox.',
  followEmailLabel: 'Email address',
  followButton: 'Follow',
  followSending: 'Following…',
  followJoin: { zero: 'Be the first to follow.', one: 'Join # other follower.', other: 'Join # other followers.' } as Plural,
  followSentBox: 'Check your inbox: confirm with the link in the email we just sent.',
  followInvalidEmail: 'Enter a valid email address.',
  followRateLimited: 'Too many attempts. Try again in a minute.',
  followUnavailable: 'Following is not available here.',
  followFailed: 'That did not work. Please try again.',
};

export type FollowStrings = typeof en;

/** The languages the box speaks besides English (the comments' own: `LANGUAGES` in embed.tsx), each loaded on demand. */
export const translations: Record<string, () => Promise<{ default: FollowStrings }>> = {
  de: () => import('./i18n/de'),
  fr: () => import('./i18n/fr'),
  es: () => import('./i18n/es'),
  pt: () => import('./i18n/pt'),
  zh: () => import('./i18n/zh'),
  ja: () => import('./i18n/ja'),
  ar: () => import('./i18n/ar'),
};

/**
 * The words for `lang` (`data-lang`, else `<html lang>`; the region ignored, as for the comments):
 * English if the widget does not speak it, or if its translation fails to load.
 */
export const followStringsFor = (lang = ''): Promise<FollowStrings> =>
  Promise.resolve(translations[lang.slice(0, 2).toLowerCase()]?.()).then(
    (module) => module?.default ?? en,
    () => en,
  );
