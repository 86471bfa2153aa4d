import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { admin, type KvCounter } from '../helpers/api';
import { wrapObjectKv } from '../../../worker/src/objects/kv-access';
import { threadObjectName } from '../../../worker/src/objects/thread-object';

/**
 * Helpers for the thread-object tests: large threads built through the real import endpoint (so
 * a 2,000-reply conversation takes seconds, not minutes), and the objects' own KV traffic
 * counted (or made to fail) through the test hook the objects read their binding through.
 */

let sequence = 0;

/** A comment id of the import's shape for a given time (9 base-36 characters of ms, then 10 more). */
export function idAt(ms: number): string {
  sequence++;
  return `${ms.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(10, '0')}`;
}

export interface ImportedShape {
  id: string;
  parentId: string | null;
  body?: string;
  status?: 'approved' | 'pending' | 'spam' | 'removed';
}

/** Imports comments into one thread (100 per request, the import's limit), oldest first; returns their ids. */
export async function importThread(site: string, thread: string, comments: ImportedShape[]): Promise<void> {
  const start = Date.now() - 86_400_000;
  for (let index = 0; index < comments.length; index += 100) {
    const batch = comments.slice(index, index + 100).map((comment, offset) => ({
      id: comment.id,
      thread,
      parentId: comment.parentId,
      author: `Reader ${index + offset}`,
      email: null,
      website: null,
      body: comment.body ?? `Comment number ${index + offset}, with a few words to make it look like one.`,
      status: comment.status ?? 'approved',
      createdAt: new Date(start + index + offset).toISOString(),
    }));
    const response = await admin('/api/admin/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'wordpress', site, comments: batch }) });
    if (response.status !== 200) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  }
}

/** `count` top-level comments, each with `replies` replies to it. */
export function shape(roots: number, replies = 0, body?: string): ImportedShape[] {
  const out: ImportedShape[] = [];
  const base = Date.now() - 86_400_000;
  for (let root = 0; root < roots; root++) {
    const rootId = idAt(base + out.length);
    out.push({ id: rootId, parentId: null, body });
    for (let reply = 0; reply < replies; reply++) out.push({ id: idAt(base + out.length), parentId: rootId, body });
  }
  return out;
}

/** A chain: each comment answers the one before. */
export function chain(length: number): ImportedShape[] {
  const out: ImportedShape[] = [];
  const base = Date.now() - 86_400_000;
  for (let n = 0; n < length; n++) out.push({ id: idAt(base + n), parentId: n ? out[n - 1].id : null });
  return out;
}

/** Counts (and can fail) the KV calls the Durable Objects make; call the returned function to stop. */
export function watchObjectKv(counter: KvCounter, fail?: (method: string, key: string) => boolean): () => void {
  wrapObjectKv(
    (kv) =>
      new Proxy(kv, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const name = String(property);
            if (name in counter) counter[name as keyof KvCounter]!++;
            if (fail?.(name, String(args[0]))) return Promise.reject(new Error(`KV ${name} failed (injected by the test)`));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
  );
  return () => wrapObjectKv(null);
}

/** A thread's object stub, for runInDurableObject / runDurableObjectAlarm. */
export function threadStub(site: string, thread: string) {
  return env.THREAD_OBJECTS.get(env.THREAD_OBJECTS.idFromName(threadObjectName(site, thread)));
}

/** What a test reaches inside a thread's object: its state's SQL. */
type WithStateSql = { state: { sql: SqlStorage } };

/**
 * The rows SQLite reads (what Durable Objects bill) in a thread's object while `action` runs: every
 * statement's cursor is kept, drained at the end and its `rowsRead` added up.
 *
 * @example
 * const rows = await rowsReadWhile(threadStub('demo', '/t'), () => postComment({ … }));
 */
export async function rowsReadWhile(stub: DurableObjectStub, action: () => Promise<unknown>): Promise<number> {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const sql = await runInDurableObject(stub, (instance) => {
    const { state } = instance as unknown as WithStateSql;
    const original = state.sql;
    state.sql = { exec: (...args: Parameters<SqlStorage['exec']>) => cursors[cursors.push(original.exec(...args)) - 1] } as SqlStorage;
    return original;
  });
  try {
    await action();
  } finally {
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as WithStateSql).state.sql = sql;
    });
  }
  // Drained inside the object: a cursor belongs to it.
  return runInDurableObject(stub, () => cursors.reduce((sum, cursor) => (cursor.toArray(), sum + cursor.rowsRead), 0));
}
