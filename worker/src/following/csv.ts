import { csvFormat, csvParseRows } from 'd3-dsv';
import { isEmail } from '../lib/fields';
import type { Follower } from '../objects/followers/protocol';

/**
 * Followers in and out as CSV (d3-dsv, RFC 4180).
 *
 * Import takes either a CSV with a header row — WordPress.com's "Download subscribers as CSV",
 * Jetpack's, Substack's or any list with a column whose name holds "email" — or a plain list of
 * addresses, one per line (or separated by commas or semicolons). Rows a header marks as not
 * subscribed (a `status` column saying unconfirmed, unsubscribed, pending, bounced, blocked or
 * "not …") are left out: they had not agreed, or had left.
 */
export interface ParsedList {
  emails: string[];
  /** Rows left out: not an address, or marked as not subscribed. */
  skipped: number;
}

const NOT_SUBSCRIBED = /\b(not|un(?:confirmed|subscribed)|pending|bounced?|blocked|complain|inactive|cancel)/i;

export function parseFollowerList(text: string): ParsedList {
  const rows = csvParseRows(text.replace(/^\uFEFF/, '').trim());
  if (rows.length === 0) return { emails: [], skipped: 0 };
  const header = rows[0].map((cell) => cell.trim().toLowerCase());
  const emailColumn = header.findIndex((name) => name.includes('email') && !name.includes('subscri'));
  const anyEmailColumn = emailColumn >= 0 ? emailColumn : header.findIndex((name) => name.includes('email'));
  const hasHeader = anyEmailColumn >= 0 && !isEmail(rows[0][anyEmailColumn]?.trim() ?? '');
  const emails: string[] = [];
  let skipped = 0;
  if (hasHeader) {
    const statusColumn = header.findIndex((name, index) => index !== anyEmailColumn && /status|subscri/.test(name) && !/date|time|since|type|plan/.test(name));
    for (const row of rows.slice(1)) {
      const email = row[anyEmailColumn]?.trim() ?? '';
      if (!email && row.every((cell) => !cell.trim())) continue;
      if (!isEmail(email) || (statusColumn >= 0 && NOT_SUBSCRIBED.test(row[statusColumn] ?? ''))) skipped++;
      else emails.push(email);
    }
  } else {
    for (const cell of text.split(/[\s,;]+/)) {
      const email = cell.trim().replace(/^["'<]+|[">']+$/g, '');
      if (!email) continue;
      if (isEmail(email)) emails.push(email);
      else skipped++;
    }
  }
  return { emails, skipped };
}

/** A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is made text with a leading `'`. */
function inert(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The Followers page's export: one row per follower (suppressed addresses are kept only as a hash, so they are left out). */
export function followersCsv(followers: Follower[]): string {
  return `${csvFormat(
    followers
      .filter((follower) => follower.email)
      .map((follower) => ({ email: inert(follower.email), status: follower.status, mode: follower.mode, source: follower.source, created_at: follower.createdAt, confirmed_at: follower.confirmedAt ?? '' })),
    ['email', 'status', 'mode', 'source', 'created_at', 'confirmed_at'],
  )}\n`;
}
