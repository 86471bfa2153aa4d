import { chunks } from '../lib/chunks';

/** KV returns at most 1,000 keys per list() call. */
export const LIST_PAGE = 1000;

/** KV reads at most 100 keys in one bulk get. */
export const BULK_GET = 100;

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

/** JSON values of many keys, 100 per bulk read; missing keys are absent from the map. */
export async function bulkGet<T>(kv: KVNamespace, names: string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const results = await Promise.all(chunks([...new Set(names)], BULK_GET).map((chunk) => kv.get<T>(chunk, 'json') as Promise<Map<string, T | null>>));
  for (const result of results) for (const [name, value] of result) if (value !== null) found.set(name, value);
  return found;
}
