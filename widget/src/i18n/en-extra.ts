import type { ClientErrorCode } from '../api/transport';
import { moreErrors, t } from '../lib/i18n';

/**
 * English strings of the features in widget-extra.js, shipped with them rather than in
 * widget.js. Translations carry them under `extra` (widget/src/i18n/LANG.json).
 */
export const enExtra = {
  confirmDelete: 'Delete this comment? This cannot be undone.',
  deleted: 'Your comment was deleted.',
  saved: 'Your changes are saved.',
  followEmail: 'Get new comments by email',
  followButton: 'Follow',
  followSent: 'Check your inbox to confirm.',
};

/** English messages of the errors a reader rarely meets (translations have them in `errors` and `fieldErrors`). */
export const enErrors: Partial<Record<ClientErrorCode | 'email' | 'website', string>> = {
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
Object.assign(moreErrors, enErrors);

/** These strings in the language in use. */
export const tx = () => ({ ...enExtra, ...t.extra });
