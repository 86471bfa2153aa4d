import type { ClientErrorCode } from '../api/transport';
import type { ExtraStrings } from './en-extra';

/** A message that depends on a number: `#` stands for it. Keys are `Intl.PluralRules` categories, plus `zero` for 0. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * Every string the widget shows, in English: the only language built into widget.js. The
 * others are JSON files of this same shape (`widget/src/i18n/LANG.json`, served as
 * `/i18n/LANG.json`), fetched only when the page asks for that language. `#` is replaced
 * by a number or a name.
 */
export const en = {
  /** BCP 47 language tag, for dates, numbers and plurals. */
  locale: 'en',
  dir: 'ltr' as 'ltr' | 'rtl',
  justNow: 'just now',
  /**
   * Ages under a week, and one day ago (`yesterday`). Words of our own rather than
   * Intl.RelativeTimeFormat: its first use costs 20 ms (80 ms on a slow phone), a hitch the
   * first comments would wait for. Older dates are written as ISO 8601 dates ("2026-03-04", lib/time.ts).
   */
  minutesAgo: { one: '# minute ago', other: '# minutes ago' } as Plural,
  hoursAgo: { one: '# hour ago', other: '# hours ago' } as Plural,
  daysAgo: { other: '# days ago' } as Plural,
  yesterday: 'yesterday',
  comments: 'Comments',
  count: { zero: 'No comments yet', one: '# comment', other: '# comments' } as Plural,
  loading: 'Loading comments…',
  loadFailed: "Couldn't load comments.",
  tryAgain: 'Try again',
  empty: 'Be the first to comment.',
  closed: 'Comments are closed.',
  sortBy: 'Sort by',
  sorts: { oldest: 'Oldest', newest: 'Newest', top: 'Top' },
  more: 'Load more comments',
  moreReplies: { one: 'Show # more reply', other: 'Show # more replies' } as Plural,

  removed: '[This comment was removed]',
  pending: 'Awaiting moderation',
  pinned: 'Pinned',
  edited: '(edited)',
  inReplyTo: 'in reply to #',
  like: 'Like',
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Delete',

  /** The comment box the first paint shows; the rest of the form's words come with it (./en-extra.ts). */
  comment: 'Comment',
  placeholder: 'Join the discussion…',

  follow: 'Follow this thread',
  followers: { one: 'Join # other follower.', other: 'Join # other followers.' } as Plural,

  /** The strings of widget-extra.js (English: ./en-extra.ts); undefined here so that English resets them. */
  extra: undefined as Partial<ExtraStrings> | undefined,

  /**
   * What is wrong with a field the form names (`notify`: replies asked for without an email), and
   * with a field of an `invalid_request` error. English has them in ./en-extra.ts (with the code
   * that checks); translations carry them all here.
   */
  fieldErrors: {} as Record<string, string | undefined>,

  /**
   * What an error means to a reader; codes with no message show `retry`. English has only the
   * offline message here (widget-extra.js cannot load then either); the others are in
   * ./en-extra.ts. Translations carry every message here.
   */
  retry: 'Something went wrong. Please try again.',
  errors: {
    network_error: 'Could not reach the comment server. Please check your connection.',
  } as Partial<Record<ClientErrorCode, string>>,
};

export type Strings = typeof en;
