import type { ImportFormat } from './model';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** 36^9 ms is past the year 5000: nine base-36 characters always suffice. */
const MAX_MS = 36 ** 9 - 1;

/**
 * The Parley id of an imported comment, the same on every run: 9 base-36 characters of its
 * original date in milliseconds (so imported comments sort by time among new ones, like any id)
 * and 10 characters of a SHA-256 of the site, the format and the comment's original id.
 * Importing a file twice therefore rewrites the same keys instead of adding duplicates.
 *
 * @example
 * await importedCommentId('demo', 'wordpress', '18/7', Date.parse('2014-04-29T15:21:35Z'))
 * // 'hus4sd1ls' + 10 hash characters
 */
export async function importedCommentId(site: string, format: ImportFormat, originalId: string, createdAtMs: number): Promise<string> {
  const ms = Math.min(Math.max(0, Math.floor(createdAtMs)), MAX_MS);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${site}\n${format}\n${originalId}`)));
  let hash = '';
  for (let i = 0; hash.length < 10; i++) hash += ALPHABET[digest[i] % 36];
  return ms.toString(36).padStart(9, '0') + hash;
}
