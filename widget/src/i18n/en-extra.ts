import type { ClientErrorCode } from '../api/transport';
import type { Plural } from './en';

/**
 * English strings of the features in widget-extra.js, shipped with them rather than in
 * widget.js: the comment form (but its box's label and placeholder, which the first paint
 * shows), and the messages of what writes. Translations carry them under `extra`
 * (widget/src/i18n/LANG.json).
 */
export const enExtra = {
  name: 'Name',
  email: 'Email (optional)',
  website: 'Website (optional)',
  hint: 'Markdown supported. Your email is never shown.',
  notify: 'Notify me of replies by email',
  preview: 'Preview',
  write: 'Write',
  left: { one: '# character left', other: '# characters left' } as Plural,
  post: 'Post comment',
  posting: 'Posting…',
  save: 'Save',
  cancel: 'Cancel',
  thanksPending: 'Thanks! Your comment is awaiting moderation; until then only you can see it.',
  thanksApproved: 'Thanks! Your comment is published.',
  confirmDelete: 'Delete this comment? This cannot be undone.',
  deleted: 'Your comment was deleted.',
  saved: 'Your changes are saved.',
  followEmail: 'Get new comments by email',
  followButton: 'Follow',
  followSent: 'Check your inbox to confirm.',
};

export type ExtraStrings = typeof enExtra;

/**
 * English messages of the errors a reader meets only when writing (translations have them in
 * `errors`, and the fields' in `fieldErrors`): the fields the form checks (`notify`: replies
 * asked for without an email), the fields the server checks, and rare codes.
 */
export const enErrors: Partial<Record<ClientErrorCode | 'author' | 'body' | 'notify' | 'email' | 'website', string>> = {
  author: 'Please enter your name.',
  body: 'Please write a comment.',
  notify: 'Enter your email to get replies.',
  email: 'Please enter a valid email address (or none).',
  website: 'Please enter a valid web address (or none).',
  unknown_site: 'Comments are not set up for this site.',
  parent_not_found: 'The comment you are replying to is gone.',
  not_found: 'This comment is no longer there.',
  forbidden_origin: 'This website may not post to this comment server.',
  rate_limited: 'You are posting too fast. Please wait a minute.',
  duplicate_comment: 'You already posted this comment.',
  banned: 'You cannot comment on this site.',
  thread_locked: 'Comments are closed.',
  captcha_failed: 'Please complete the spam check, then try again.',
  captcha_unavailable: 'The spam check is unavailable. Please try again later.',
  edit_window_closed: 'It is too late to change this comment.',
};
