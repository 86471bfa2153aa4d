/**
 * `list` in consecutive parts of at most `size` items: for limits on one call (KV's 100 keys per
 * bulk read, 100 bound parameters per SQL statement, 100 messages per queue batch).
 *
 * @example
 * for (const ids of chunks(rootIds, 50)) countReplies(ids);
 */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < list.length; start += size) parts.push(list.slice(start, start + size));
  return parts;
}
