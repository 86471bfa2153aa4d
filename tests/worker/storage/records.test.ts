import { afterEach, describe, expect, it } from 'vitest';
import { reset, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { admin, allKeys, approve, countingKv, createComment, newCounter } from '../helpers/api';
import { threadStub, watchObjectKv } from '../objects/support';
import { RecordStore, type CommentRecord } from '../../../worker/src/storage/records';

afterEach(() => reset());

const TRUSTED = 'https://trusted.example';
const THREAD = '/posts/kept/';

/** The record and pointer keys in KV (`ptr:`, and `rec:` as releases before this one wrote them). */
const recordKeys = async () => (await allKeys()).filter((key) => key.startsWith('ptr:') || key.startsWith('rec:'));

describe('comment records in KV', () => {
  it("keeps a new comment's whole record under one key, written once and read back with one KV read", async () => {
    // The demo site holds every comment for moderation: a post changes nothing readers see, only the record.
    const written = newCounter();
    const stopWatching = watchObjectKv(written);
    const { comment } = await createComment({ thread: THREAD, body: 'Kept whole' }).finally(stopWatching);
    expect(written.put).toBe(1);
    expect(await recordKeys()).toEqual([`ptr:${comment.id}`]);
    const { value, metadata } = await env.PARLEY_KV.getWithMetadata<CommentRecord>(`ptr:${comment.id}`, 'json');
    expect(value).toMatchObject({ id: comment.id, site: 'demo', thread: THREAD, body: 'Kept whole', status: 'pending' });
    expect(metadata).toMatchObject({ s: 'pending', p: null });

    const counter = newCounter();
    const records = new RecordStore(countingKv(env.PARLEY_KV, counter));
    expect(await records.get(comment.id)).toMatchObject({ id: comment.id, body: 'Kept whole' });
    expect(await records.locate(comment.id)).toEqual({ site: 'demo', thread: THREAD });
    expect((await records.getMany([comment.id, 'nosuchcomment000000'])).get(comment.id)).toMatchObject({ status: 'pending' });
    expect(counter.get).toBe(3);
  });

  it('reads a comment an earlier release kept under two keys, and moves it to one key the next time it changes', async () => {
    const { comment, token } = await createComment({ site: 'trusted', thread: THREAD, email: 'ada@example.com', body: 'Written before the upgrade' }, TRUSTED);
    await approve(comment.id);
    // Put it as the release before this one left it: the record under `rec:`, only its place under
    // `ptr:`, and the thread's object remembering that layout and the `rec:` key it wrote.
    const oldKey = await RecordStore.recordKey('trusted', THREAD, comment.id);
    const { value: record, metadata } = await env.PARLEY_KV.getWithMetadata<CommentRecord>(`ptr:${comment.id}`, 'json');
    await env.PARLEY_KV.put(oldKey, JSON.stringify(record), { metadata });
    await env.PARLEY_KV.put(`ptr:${comment.id}`, JSON.stringify({ site: 'trusted', thread: THREAD }));
    await runInDurableObject(threadStub('trusted', THREAD), (instance) => {
      const { state } = instance as unknown as { state: { sql: SqlStorage; markPointerWritten(id: string, state: number): void } };
      state.markPointerWritten(comment.id, 1);
      state.sql.exec('UPDATE written SET kv_key = ? WHERE kv_key = ?', oldKey, `ptr:${comment.id}`);
    });

    // Read by id: the author's edit token still proves an approved comment, so the next one shows at once.
    const next = await createComment({ site: 'trusted', thread: THREAD, email: 'ada@example.com', body: 'And after it', proof: { id: comment.id, token } }, TRUSTED);
    expect(next.comment.status).toBe('approved');
    expect(await new RecordStore(env.PARLEY_KV).get(comment.id)).toMatchObject({ body: 'Written before the upgrade', status: 'approved' });

    // Its next change writes the whole record to `ptr:`, read from then on; the `rec:` key is left for a rollback.
    expect((await admin(`/api/admin/comments/${comment.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await env.PARLEY_KV.get<CommentRecord>(`ptr:${comment.id}`, 'json')).toMatchObject({ id: comment.id, status: 'removed', removedFrom: 'approved' });
    expect(await new RecordStore(env.PARLEY_KV).get(comment.id)).toMatchObject({ status: 'removed' });
    expect(await env.PARLEY_KV.get<CommentRecord>(oldKey, 'json')).toMatchObject({ status: 'approved' });
    // The reconciler checks the key that is there now, not the one deleted.
    const checked = await runInDurableObject(threadStub('trusted', THREAD), (instance) =>
      (instance as unknown as { state: { sql: SqlStorage } }).state.sql.exec<{ kv_key: string }>("SELECT kv_key FROM written WHERE artifact LIKE 'record:%'").toArray().map((row) => row.kv_key),
    );
    expect(checked.sort()).toEqual([`ptr:${comment.id}`, `ptr:${next.comment.id}`].sort());
  });

  it('writes a record whole again when the earlier release changed it in between (a rollback, then this release)', async () => {
    const { comment } = await createComment({ site: 'trusted', thread: THREAD, body: 'Changed during a rollback' }, TRUSTED);
    const stub = threadStub('trusted', THREAD);
    const oldKey = await RecordStore.recordKey('trusted', THREAD, comment.id);
    // What the earlier release does when a moderator removes it: the row changes, and only `rec:` is written.
    type Inside = { checkedLayout: boolean; state: { sql: SqlStorage; row(id: string): { record: string } } };
    const removed = await runInDurableObject(stub, (instance) => {
      const { state } = instance as unknown as Inside;
      const record = { ...(JSON.parse(state.row(comment.id).record) as CommentRecord), status: 'removed' as const, removedFrom: 'pending' as const };
      state.sql.exec("UPDATE comments SET record = ?, status = 'removed' WHERE id = ?", JSON.stringify(record), comment.id);
      state.sql.exec("INSERT INTO written (kv_key, artifact, at, hash, checked_at) VALUES (?, ?, ?, 'earlier', 0)", oldKey, `record:${comment.id}`, Date.now());
      return record;
    });
    await env.PARLEY_KV.put(oldKey, JSON.stringify(removed));
    expect(await env.PARLEY_KV.get<CommentRecord>(`ptr:${comment.id}`, 'json')).toMatchObject({ status: 'pending' });
    // This release starts again.
    await runInDurableObject(stub, (instance) => void ((instance as unknown as Inside).checkedLayout = false));
    expect(await stub.publishNow({ site: 'trusted', thread: THREAD })).toMatchObject({ ok: true });
    expect(await new RecordStore(env.PARLEY_KV).get(comment.id)).toMatchObject({ status: 'removed' });
  });

  it("erases a comment an earlier release kept under two keys: neither is left", async () => {
    const { comment } = await createComment({ site: 'trusted', thread: THREAD, email: 'bo@example.com', body: 'Forget me' }, TRUSTED);
    const oldKey = await RecordStore.recordKey('trusted', THREAD, comment.id);
    await env.PARLEY_KV.put(oldKey, (await env.PARLEY_KV.get(`ptr:${comment.id}`))!);
    await env.PARLEY_KV.put(`ptr:${comment.id}`, JSON.stringify({ site: 'trusted', thread: THREAD }));
    await runInDurableObject(threadStub('trusted', THREAD), (instance) => {
      (instance as unknown as { state: { markPointerWritten(id: string, state: number): void } }).state.markPointerWritten(comment.id, 1);
    });
    expect((await admin('/api/admin/erase?email=bo@example.com', { method: 'DELETE' })).status).toBe(200);
    expect(await recordKeys()).toEqual([]);
  });
});
