// The summary `npm run import` prints when it is done.
import { basename } from 'node:path';

const FORMAT_NAMES = { wordpress: 'WordPress', disqus: 'Disqus' };

const SKIP_REASONS = {
  trackback: 'trackbacks',
  pingback: 'pingbacks',
  'other-type': 'other comment types',
  'missing-content': 'no text (e.g. deleted)',
  'missing-id': 'no original id',
  duplicate: 'duplicates (same original id twice)',
  orphan: 'orphans (thread not in the file)',
  'no-thread': 'no link to make a thread of',
  'thread-too-long': 'thread id over 256 characters, or not one line of text',
  erased: 'erased on request before (GDPR)',
  'password-protected': 'on password-protected posts (--protected-posts skip)',
};

const WARNINGS = {
  'parent-missing': 'replies whose parent is not in the file (imported as top-level comments)',
  'date-missing': "comments without a date (the post's date was used)",
  'date-unknown': "comments without a date on a post without one (dated at the time of the import, and flagged for moderators)",
  'password-protected': 'comments on password-protected posts (held for moderation whatever their status, and flagged; --protected-posts skip leaves them out)',
  truncated: 'bodies over 20,000 characters (cut)',
  'author-missing': 'comments without an author name ("Anonymous")',
  'thread-not-normalised':
    'threads filed under their link\'s path exactly, which a page that names no thread (no data-thread) asks for normalised (/hello as /hello/): import with --normalise-paths if your pages leave the thread to the widget',
};

const number = (n) => n.toLocaleString('en');
const pad = (label) => `  ${label.padEnd(22)}`;

/** The summary of an XML import (or a dry run). */
export function formatReport({ report, where, seconds }, file, options) {
  const lines = [];
  const format = FORMAT_NAMES[report.format] ?? report.format;
  lines.push(options.dryRun ? `Checked ${basename(file)} (${format} export): nothing was written (--dry-run).` : `Imported ${basename(file)} (${format} export) into site "${options.site}" in ${where}.`);
  lines.push(`${pad('comments in the file')}${number(report.found)}`);
  const statuses = Object.entries(report.byStatus).map(([status, count]) => `${status} ${number(count)}`).join(' · ');
  if (options.dryRun) {
    lines.push(`${pad('would be imported')}${number(report.ready)}  (${statuses})`);
  } else {
    lines.push(`${pad('imported')}${number(report.sent)}  (${number(report.created)} new, ${number(report.updated)} updated, ${number(report.unchanged)} already there unchanged)`);
    lines.push(`${pad('')}${statuses} (as read from the file; comments already in Parley keep their status)`);
  }
  const skipped = Object.entries(report.skipped).filter(([, count]) => count > 0);
  lines.push(`${pad('skipped')}${number(skipped.reduce((sum, [, count]) => sum + count, 0))}`);
  for (const [reason, count] of skipped) {
    const types = reason === 'other-type' ? ` (${Object.entries(report.skippedTypes).map(([type, n]) => `${type} ${n}`).join(', ')})` : '';
    const examples = report.examples?.[reason]?.length ? `, e.g. ${report.examples[reason][0]}` : '';
    lines.push(`${pad('')}${number(count)} ${SKIP_REASONS[reason] ?? reason}${types}${examples}`);
  }
  for (const [warning, count] of Object.entries(report.warnings)) {
    const examples = report.examples?.[warning]?.length ? `, e.g. ${report.examples[warning][0]}` : '';
    lines.push(`${pad('note')}${number(count)} ${WARNINGS[warning] ?? warning}${examples}`);
  }
  lines.push(`${pad('threads')}${number(report.threads)}`);
  if (!options.dryRun) {
    const rate = seconds > 0 ? ` (${number(Math.round(report.sent / seconds))} comments/s, ${number(report.requests)} requests)` : '';
    lines.push(`${pad('time')}${seconds.toFixed(1)} s${rate}`);
    lines.push('Running the same command again is safe: nothing is duplicated, and moderation done since is kept.');
  }
  return `${lines.join('\n')}\n`;
}

/** The summary of a Parley export restored. */
export function formatRestore({ totals, where, seconds }, file, options) {
  if (options.dryRun) return `Checked ${basename(file)} (Parley export): ${number(totals.comments)} comments in ${number(totals.batches)} requests; nothing was written (--dry-run).\n`;
  return [
    `Restored ${basename(file)} (Parley export) into site "${options.site}" in ${where}.`,
    `${pad('comments')}${number(totals.created)} new, ${number(totals.updated)} updated, ${number(totals.unchanged)} unchanged${totals.expired ? `, ${number(totals.expired)} past their purge date (not restored)` : ''}`,
    `${pad('thread settings')}${number(totals.threads)}`,
    `${pad('audit entries')}${number(totals.audit)}`,
    `${pad('subscriptions')}${number(totals.subscriptions)}${totals.unconfirmed ? ` (${number(totals.unconfirmed)} confirmed in the file, restored unconfirmed: they get mail once they follow again and confirm)` : ''}`,
    ...(totals.avatarUrlsDropped ? [`${pad('note')}${number(totals.avatarUrlsDropped)} Gravatar URLs left out: this site has gravatar off`] : []),
    `${pad('erased ids')}${number(totals.erased)}`,
    `${pad('time')}${seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}
