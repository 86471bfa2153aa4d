import { describe, expect, it } from 'vitest';
import { MultiLocationKv } from '../support/multi-location-kv';

/** The KV model the consistency tests run the app on (tests/worker/support/multi-location-kv.ts). */
describe('the multi-location KV model', () => {
  const model = (options: Partial<ConstructorParameters<typeof MultiLocationKv>[0]> = {}) =>
    new MultiLocationKv({ locations: ['lisbon', 'tokyo'], propagationMs: 1_000, ...options });

  it('serves a stale read from a location cache, negative lookups included, until its 60 s are up', async () => {
    const kv = model();
    const lisbon = kv.at('lisbon');
    const tokyo = kv.at('tokyo');
    await lisbon.put('k', 'old');
    kv.advance(2_000);
    expect(await tokyo.get('k')).toBe('old'); // Tokyo caches 'old'
    expect(await tokyo.get('absent')).toBeNull(); // and that 'absent' is missing

    await lisbon.put('k', 'new');
    await lisbon.put('absent', 'here now');
    expect(await lisbon.get('k')).toBe('new'); // visible where it was written, at once
    kv.advance(30_000);
    expect(kv.peek('k')?.value).toBe('new'); // arrived centrally...
    expect(await tokyo.get('k')).toBe('old'); // ...but Tokyo still answers from its cache
    expect(await tokyo.get('absent')).toBeNull();

    kv.advance(30_000); // 60 s after Tokyo's reads
    expect(await tokyo.get('k')).toBe('new');
    expect(await tokyo.get('absent')).toBe('here now');
  });

  it('delivers a write to the central store after its delay, and quiesce() settles everything', async () => {
    const kv = model({ locations: { lisbon: { propagationMs: 5_000 }, tokyo: {} } });
    await kv.at('lisbon').put('k', 'v', { metadata: { s: 'approved' } });
    expect(kv.inFlight).toBe(1);
    expect(await kv.at('tokyo').getWithMetadata('k')).toEqual({ value: null, metadata: null, cacheStatus: null });
    kv.advance(4_999);
    expect(kv.peek('k')).toBeNull();
    kv.advance(1);
    expect(kv.peek('k')).toEqual({ value: 'v', metadata: { s: 'approved' } });
    expect(await kv.at('tokyo').get('k')).toBeNull(); // cached miss

    await kv.at('lisbon').delete('k');
    kv.quiesce();
    expect(kv.inFlight).toBe(0);
    expect(kv.peek('k')).toBeNull();
    await kv.at('lisbon').put('k', 'again');
    kv.quiesce();
    expect(await kv.at('tokyo').get('k')).toBe('again'); // caches emptied
  });

  it('keeps the write that arrives last, whatever was written first, with no compare-and-swap', async () => {
    const kv = model({ locations: { lisbon: { propagationMs: 3_000 }, tokyo: { propagationMs: 500 } } });
    await kv.at('lisbon').put('view', 'built in Lisbon');
    kv.advance(1_000);
    await kv.at('tokyo').put('view', 'built in Tokyo, later');
    kv.quiesce();
    expect(kv.peek('view')?.value).toBe('built in Lisbon'); // arrived last
    // One location's own writes arrive in the order it made them, whatever their delays.
    const ordered = model({ locations: { lisbon: { propagationMs: { min: 0, max: 5_000 } }, tokyo: {} }, seed: 7 });
    for (let n = 0; n < 20; n++) await ordered.at('lisbon').put('counter', String(n));
    ordered.quiesce();
    expect(ordered.peek('counter')?.value).toBe('19');
  });

  it('serves a stale list() page, and pages through a list with a cursor', async () => {
    const kv = model();
    const lisbon = kv.at('lisbon');
    for (const id of ['a', 'b', 'c']) await lisbon.put(`rec:${id}`, id, { metadata: { s: 'pending' } });
    kv.quiesce();
    const tokyo = kv.at('tokyo');
    const first = await tokyo.list({ prefix: 'rec:' });
    expect(first.keys).toEqual([
      { name: 'rec:a', metadata: { s: 'pending' } },
      { name: 'rec:b', metadata: { s: 'pending' } },
      { name: 'rec:c', metadata: { s: 'pending' } },
    ]);
    await lisbon.put('rec:b', 'b', { metadata: { s: 'removed' } });
    await lisbon.put('rec:d', 'd');
    await lisbon.delete('rec:a');
    kv.advance(10_000);
    expect((await tokyo.list({ prefix: 'rec:' })).keys.map((key) => [key.name, key.metadata])).toEqual([
      ['rec:a', { s: 'pending' }],
      ['rec:b', { s: 'pending' }],
      ['rec:c', { s: 'pending' }],
    ]);
    // Not even the writing location's cached list sees its own writes; an uncached list there does.
    expect((await lisbon.list({ prefix: 'rec:', limit: 2 })).keys.map((key) => key.name)).toEqual(['rec:b', 'rec:c']);

    kv.advance(50_001);
    const page1 = await tokyo.list({ prefix: 'rec:', limit: 2 });
    expect(page1).toMatchObject({ list_complete: false, keys: [{ name: 'rec:b', metadata: { s: 'removed' } }, { name: 'rec:c' }] });
    const page2 = await tokyo.list({ prefix: 'rec:', limit: 2, cursor: page1.list_complete ? undefined : page1.cursor });
    expect(page2).toEqual({ keys: [{ name: 'rec:d' }], list_complete: true, cacheStatus: null });
  });

  it('reads every form KV offers, expires keys in simulated time and refuses what KV refuses', async () => {
    const kv = model();
    const lisbon = kv.at('lisbon');
    await lisbon.put('j', JSON.stringify({ a: 1 }), { expirationTtl: 120, metadata: { m: true } });
    await lisbon.put('t', new TextEncoder().encode('bytes'));
    expect(await lisbon.get('j', 'json')).toEqual({ a: 1 });
    expect(await lisbon.get('j', { type: 'json' })).toEqual({ a: 1 });
    expect(new TextDecoder().decode((await lisbon.get('t', 'arrayBuffer'))!)).toBe('bytes');
    expect(await new Response(await lisbon.get('t', 'stream')).text()).toBe('bytes');
    expect(await lisbon.get(['j', 't', 'none'], 'text')).toEqual(new Map([['j', '{"a":1}'], ['t', 'bytes'], ['none', null]]));
    expect(await lisbon.get<{ a: number }>(['j', 'none'], 'json')).toEqual(new Map([['j', { a: 1 }], ['none', null]]));
    expect(await lisbon.getWithMetadata(['j'], 'json')).toEqual(new Map([['j', { value: { a: 1 }, metadata: { m: true }, cacheStatus: null }]]));
    const putAt = kv.now();
    kv.quiesce();
    expect((await lisbon.list({ prefix: 'j' })).keys).toEqual([{ name: 'j', expiration: Math.floor(putAt / 1000) + 120, metadata: { m: true } }]);
    kv.advance(121_000);
    expect(await kv.at('tokyo').get('j')).toBeNull();
    expect(kv.keys('j')).toEqual([]);

    await expect(lisbon.put('short', 'x', { expirationTtl: 30 })).rejects.toThrow(/at least 60/);
    await expect(lisbon.put('x'.repeat(513), 'x')).rejects.toThrow(/512/);
    await expect(lisbon.put('m', 'x', { metadata: { big: 'y'.repeat(1100) } })).rejects.toThrow(/Metadata/);
    await expect(lisbon.get(Array.from({ length: 101 }, (_, n) => `k${n}`), 'text')).rejects.toThrow(/100 keys/);
    await expect(lisbon.list({ limit: 1001 })).rejects.toThrow(/limit/);
  });
});
