/**
 * The sites the widget tests' Worker serves. Each lists the origin of the page the tests run in
 * (happy-dom's `location`, set in tests/vitest.config.ts), so CORS and the origin check pass as
 * they do for a blog embedding the widget. `minSubmitSeconds: 0`: a test fills a form faster
 * than a person, and would otherwise be held for moderation as a bot.
 */
export const widgetTestSites = (origins: string[]) => [
  /** Pre-moderated: every comment waits (the default mode). */
  { id: 'demo', name: 'Demo', origins, moderation: 'all', minSubmitSeconds: 0 },
  /** Published at once. */
  { id: 'open', name: 'Open', origins, moderation: 'none', minSubmitSeconds: 0 },
  /** Published at once for commenters who prove an earlier approved comment. */
  { id: 'trusted', name: 'Trusted commenters', origins, moderation: 'first', minSubmitSeconds: 0 },
  /** Published at once, and shows Gravatars of commenters with an email. */
  { id: 'gravatar', name: 'Gravatar site', origins, moderation: 'none', minSubmitSeconds: 0, gravatar: true },
  /** Published at once, and never editable afterwards (an edit window of 0 minutes). */
  { id: 'no-edits', name: 'No edits', origins, moderation: 'none', minSubmitSeconds: 0, editWindowMinutes: 0 },
];

export type TestSite = 'demo' | 'open' | 'trusted' | 'gravatar' | 'no-edits';
