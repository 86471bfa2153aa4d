/** KV returns at most 1,000 keys per list() call. */
export const LIST_PAGE = 1000;

/**
 * Every key under a prefix, with its metadata, following KV's cursor: one list() per 1,000 keys.
 * `enough` stops early once the caller has what it needs.
 *
 * @example
 * const keys = await listKeys<RecordMeta>(kv, 'rec:demo:%2F:');
 */
export async function listKeys<Meta>(kv: KVNamespace, prefix: string, enough?: (found: KVNamespaceListKey<Meta>[]) => boolean): Promise<KVNamespaceListKey<Meta>[]> {
  const found: KVNamespaceListKey<Meta>[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list<Meta>({ prefix, cursor, limit: LIST_PAGE });
    found.push(...page.keys);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && !enough?.(found));
  return found;
}
