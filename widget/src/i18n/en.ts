import type { ClientErrorCode } from '../api/transport';

const retry = 'Something went wrong. Please try again.';

/**
 * Every string the widget shows, in English. Other languages will be files of the same
 * shape (`typeof en`), so keep all user-visible text here.
 */
export const en = {
  /** BCP 47 language tag, for dates. */
  locale: 'en',
  justNow: 'just now',
  comments: 'Comments',
  count: (n: number) => (n ? `${n} comment${n > 1 ? 's' : ''}` : 'No comments yet'),
  loading: 'Loading comments…',
  loadFailed: 'Comments could not be loaded.',
  tryAgain: 'Try again',
  empty: 'Be the first to share your thoughts.',

  removed: '[This comment was removed]',
  pending: 'Awaiting moderation',
  reply: 'Reply',
  cancel: 'Cancel',
  inReplyTo: 'to',

  name: 'Name',
  email: 'Email (optional)',
  website: 'Website (optional)',
  comment: 'Comment',
  placeholder: 'Join the discussion…',
  hint: 'Markdown supported. Your email is never shown.',
  post: 'Post comment',
  posting: 'Posting…',

  thanksPending: 'Thanks! Your comment is awaiting moderation; until then only you can see it.',
  thanksApproved: 'Thanks! Your comment is published.',

  /** For `invalid_request` errors naming a field of the form. */
  fieldErrors: {
    author: 'Please enter your name.',
    email: 'Please enter a valid email address (or none).',
    website: 'Please enter a valid web address (or none).',
    body: 'Please write a comment.',
  } as Record<string, string | undefined>,

  /** What each error means to a reader. The compiler checks that every code has one. */
  errors: {
    network_error: 'Could not reach the comment server. Check your connection and try again.',
    invalid_json: retry,
    invalid_request: retry,
    payload_too_large: retry,
    unsupported_media_type: retry,
    unknown_site: 'Comments are not set up for this site.',
    parent_not_found: 'The comment you are replying to is gone.',
    not_found: retry,
    unauthorized: retry,
    forbidden_origin: 'This website may not post to this comment server.',
    rate_limited: 'You are posting too fast. Please wait a minute.',
    duplicate_comment: 'You already posted this comment.',
    banned: 'You cannot comment on this site.',
    thread_locked: 'This discussion is closed.',
    captcha_failed: retry,
    captcha_unavailable: retry,
    link_invalid: retry,
    link_expired: retry,
    link_used: retry,
    edit_window_closed: retry,
    admin_disabled: retry,
    internal_error: retry,
  } satisfies Record<ClientErrorCode, string>,
};

export type Strings = typeof en;
