import { SeededRandom, type Span } from './seeded-random';

/**
 * A model of Workers KV as it behaves in production, for tests: one central store and several
 * named locations (Cloudflare data centres), each a full `KVNamespace`.
 *
 * What it models, in simulated time (nothing waits for real):
 * - **Per-location caches.** A location keeps every `get()` / `getWithMetadata()` result, found
 *   or not (negative lookups too), and every `list()` page it fetched, for `cacheTtlMs`
 *   (KV's default 60 s; a range draws each entry's time from the seeded generator). Until then it
 *   answers from the cache, whatever the central store holds by now. A write elsewhere invalidates
 *   nothing.
 * - **Writes.** A `put()` / `delete()` is visible at the location that made it at once (its cached
 *   value is replaced; an uncached read or list there sees it too), and reaches the central store
 *   `propagationMs` later. Writes from one location arrive in the order they were made; writes from
 *   different locations race, and the last to *arrive* wins. There is no compare-and-swap. Cached
 *   `list()` pages are not updated by a write, not even at the writing location.
 * - **Expiry.** `expiration` / `expirationTtl` count in simulated time; KV's limits (TTL ≥ 60 s,
 *   keys ≤ 512 bytes, metadata ≤ 1,024 bytes, bulk reads ≤ 100 keys of text or JSON, lists ≤ 1,000 keys) throw as KV does.
 *
 * Not modelled: KV's limit of about one write per second per key, and failures.
 *
 * A test advances the clock with {@link advance} and settles everything with {@link quiesce}.
 * Any component that should run "at" a location gets that location's namespace from {@link at}:
 * `createApp({ wrapKv: () => model.at('lisbon') })`, and later a Durable Object's KV the same way.
 *
 * @example
 * const model = new MultiLocationKv({ locations: ['lisbon', 'tokyo'] });
 * await model.at('tokyo').get('k');            // null, and Tokyo caches that for 60 s
 * await model.at('lisbon').put('k', 'v');      // Lisbon sees 'v' at once; central in ~1 s
 * model.advance(5_000);
 * await model.at('tokyo').get('k');            // still null: Tokyo's cache
 * model.advance(60_000);
 * await model.at('tokyo').get('k');            // 'v'
 */
export class MultiLocationKv {
  private clock: number;
  private readonly random: SeededRandom;
  private readonly central = new Map<string, StoredEntry>();
  private readonly locationsByName = new Map<string, Location>();
  private pending: PendingWrite[] = [];
  private sequence = 0;
  private readonly log: WriteRecord[] = [];

  constructor(private readonly options: MultiLocationKvOptions) {
    this.clock = options.startTime ?? DEFAULT_START;
    this.random = new SeededRandom(options.seed ?? 1);
    const locations = Array.isArray(options.locations) ? Object.fromEntries(options.locations.map((name) => [name, {}])) : options.locations;
    for (const [name, settings] of Object.entries(locations)) this.addLocation(name, settings);
    if (this.locationsByName.size === 0) throw new Error('MultiLocationKv needs at least one location');
    options.onClock?.(this.clock);
  }

  /** The simulated time, ms since the epoch. */
  now(): number {
    return this.clock;
  }

  /** The names of every location, in the order they were added. */
  get locations(): string[] {
    return [...this.locationsByName.keys()];
  }

  /** Adds a location (e.g. where a Durable Object runs). Its caches start empty. */
  addLocation(name: string, settings: LocationOptions = {}): KVNamespace {
    if (this.locationsByName.has(name)) throw new Error(`location "${name}" already exists`);
    const location = new Location(this, name, settings);
    this.locationsByName.set(name, location);
    return location.namespace;
  }

  /**
   * The KV namespace as seen from one location: hand it to whatever runs there.
   *
   * @example
   * createApp({ wrapKv: () => model.at('lisbon') });
   */
  at(name: string): KVNamespace {
    const location = this.locationsByName.get(name);
    if (!location) throw new Error(`no location "${name}" (known: ${this.locations.join(', ')})`);
    return location.namespace;
  }

  /** Moves simulated time forward: writes due by then reach the central store; caches age. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`advance by a non-negative number of ms, not ${ms}`);
    this.clock += ms;
    this.deliver(this.clock);
    this.options.onClock?.(this.clock);
  }

  /**
   * Lets every write in flight arrive (the clock moves to the last arrival if that is later) and
   * empties every location's cache: afterwards each location reads what the central store holds.
   */
  quiesce(): void {
    const last = Math.max(this.clock, ...this.pending.map((write) => write.arrivesAt));
    this.clock = last;
    this.deliver(Number.POSITIVE_INFINITY);
    for (const location of this.locationsByName.values()) location.forget();
    this.options.onClock?.(this.clock);
  }

  /** Writes made somewhere that have not reached the central store yet. */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Every write ever made, in the order made, with where and when: what left each location,
   * whatever became of it (e.g. the mail a development outbox "sent").
   */
  get writes(): readonly WriteRecord[] {
    return this.log;
  }

  /** What the central store holds for a key now (text value), or null. For assertions and debugging. */
  peek(key: string): { value: string; metadata: unknown; expiration?: number } | null {
    const entry = this.live(this.central.get(key) ?? null);
    return entry ? { value: textOf(entry.value), metadata: clone(entry.metadata), ...(entry.expiration ? { expiration: entry.expiration } : {}) } : null;
  }

  /** The central store's live keys under a prefix, in key order. */
  keys(prefix = ''): string[] {
    return [...this.central.keys()].filter((key) => key.startsWith(prefix) && this.live(this.central.get(key)!)).sort(compareKeys);
  }

  // ---- used by locations ----

  /** @internal Draws a cache lifetime for one entry. */
  drawCacheTtl(settings: LocationOptions): number {
    return this.random.span(settings.cacheTtlMs ?? this.options.cacheTtlMs ?? DEFAULT_CACHE_TTL);
  }

  /** @internal Lets other requests in flight run first, a seeded number of turns, so concurrent requests interleave. */
  async jitter(): Promise<void> {
    const turns = this.options.interleave ? this.random.int(0, this.options.interleave) : 0;
    for (let turn = 0; turn < turns; turn++) await Promise.resolve();
  }

  /** @internal The entry a location reads when it has nothing cached: its own writes still in flight, else the central store's. */
  source(location: Location, key: string): StoredEntry | null {
    for (let index = this.pending.length - 1; index >= 0; index--) {
      const write = this.pending[index];
      if (write.location === location.name && write.key === key) return write.entry;
    }
    return this.central.get(key) ?? null;
  }

  /** @internal Every live key under a prefix as a location sees it uncached, in key order. */
  sourceList(location: Location, prefix: string): [string, StoredEntry][] {
    const merged = new Map<string, StoredEntry>();
    for (const [key, entry] of this.central) if (key.startsWith(prefix)) merged.set(key, entry);
    for (const write of this.pending) {
      if (write.location !== location.name || !write.key.startsWith(prefix)) continue;
      if (write.entry) merged.set(write.key, write.entry);
      else merged.delete(write.key);
    }
    return [...merged]
      .filter(([, entry]) => this.live(entry))
      .sort(([a], [b]) => compareKeys(a, b));
  }

  /** @internal Queues a write (null: a delete) made at a location. */
  write(location: Location, key: string, entry: StoredEntry | null): void {
    const delay = this.random.span(location.settings.propagationMs ?? this.options.propagationMs ?? DEFAULT_PROPAGATION);
    // One location's writes arrive in the order it made them.
    const arrivesAt = Math.max(this.clock + delay, location.lastArrival);
    location.lastArrival = arrivesAt;
    this.pending.push({ sequence: this.sequence++, location: location.name, key, entry, arrivesAt });
    this.log.push({ at: this.clock, location: location.name, key, value: entry ? textOf(entry.value) : null, metadata: entry ? clone(entry.metadata) : undefined, arrivesAt });
    // A write with no delay lands at once (a model with no delays and no caches is one consistent store).
    if (arrivesAt <= this.clock) this.deliver(this.clock);
  }

  /** @internal The entry if it has not expired by now. */
  live(entry: StoredEntry | null): StoredEntry | null {
    return entry && (entry.expiration === undefined || entry.expiration * 1000 > this.clock) ? entry : null;
  }

  private deliver(until: number): void {
    const due = this.pending.filter((write) => write.arrivesAt <= until).sort((a, b) => a.arrivesAt - b.arrivesAt || a.sequence - b.sequence);
    if (due.length === 0) return;
    const delivered = new Set(due);
    this.pending = this.pending.filter((write) => !delivered.has(write));
    for (const write of due) {
      if (write.entry) this.central.set(write.key, write.entry);
      else this.central.delete(write.key);
    }
  }
}

export interface MultiLocationKvOptions {
  /** Location names, or names with their own settings. */
  locations: string[] | Record<string, LocationOptions>;
  /** Seed of the draws (cache lifetimes, delays, interleaving). Default 1. */
  seed?: number;
  /** Simulated start time (ms since the epoch). Default 2026-05-01T00:00:00Z. */
  startTime?: number;
  /** How long a location keeps a read or list result. Default 60,000 ms (KV's default cacheTtl). */
  cacheTtlMs?: Span;
  /** How long a write takes to reach the central store. Default 100-2,000 ms. */
  propagationMs?: Span;
  /**
   * Up to this many turns of the microtask queue each KV call lets pass before it answers
   * (drawn per call), so requests running at once interleave differently per seed. Default 0.
   */
  interleave?: number;
  /** Called with the new simulated time whenever it changes (e.g. `(now) => vi.setSystemTime(now)`). */
  onClock?: (now: number) => void;
}

export interface LocationOptions {
  cacheTtlMs?: Span;
  propagationMs?: Span;
}

/** One write as it left its location. */
export interface WriteRecord {
  /** Simulated time it was made. */
  at: number;
  location: string;
  key: string;
  /** The value as text, or null for a delete. */
  value: string | null;
  metadata: unknown;
  /** Simulated time it reaches (reached) the central store. */
  arrivesAt: number;
}

const DEFAULT_START = Date.UTC(2026, 4, 1);
const DEFAULT_CACHE_TTL: Span = 60_000;
const DEFAULT_PROPAGATION: Span = { min: 100, max: 2_000 };
const MAX_KEY_BYTES = 512;
const MAX_METADATA_BYTES = 1024;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MIN_TTL_SECONDS = 60;
const MAX_BULK_KEYS = 100;
const MAX_LIST_LIMIT = 1000;

interface StoredEntry {
  value: string | Uint8Array;
  metadata: unknown;
  /** Seconds since the epoch. */
  expiration?: number;
}

interface PendingWrite {
  sequence: number;
  location: string;
  key: string;
  entry: StoredEntry | null;
  arrivesAt: number;
}

interface CacheLine<T> {
  value: T;
  expiresAt: number;
}

interface ListPage {
  keys: { name: string; expiration?: number; metadata?: unknown }[];
  cursor: string | null;
}

type ValueType = 'text' | 'json' | 'arrayBuffer' | 'stream';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One location: its caches, and the KVNamespace code running there uses. */
class Location {
  readonly namespace: KVNamespace;
  /** When this location's last write reaches the central store (keeps its writes in order). */
  lastArrival = 0;
  private readonly reads = new Map<string, CacheLine<StoredEntry | null>>();
  private readonly lists = new Map<string, CacheLine<ListPage>>();

  constructor(
    private readonly model: MultiLocationKv,
    readonly name: string,
    readonly settings: LocationOptions,
  ) {
    this.namespace = this.createNamespace();
  }

  forget(): void {
    this.reads.clear();
    this.lists.clear();
  }

  private read(key: string, cacheTtl?: number): StoredEntry | null {
    checkKey(key);
    const now = this.model.now();
    const cached = this.reads.get(key);
    if (cached && cached.expiresAt > now) return this.model.live(cached.value);
    const entry = this.model.source(this, key);
    const ttl = cacheTtl !== undefined ? Math.max(30, cacheTtl) * 1000 : this.model.drawCacheTtl(this.settings);
    this.reads.set(key, { value: entry, expiresAt: now + ttl });
    return this.model.live(entry);
  }

  private listPage(prefix: string, cursor: string | null, limit: number): ListPage {
    const cacheKey = `${prefix}\u0000${cursor ?? ''}\u0000${limit}`;
    const now = this.model.now();
    const cached = this.lists.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.value;
    const after = cursor === null ? null : decodeCursor(cursor);
    const all = this.model.sourceList(this, prefix).filter(([key]) => after === null || compareKeys(key, after) > 0);
    const chosen = all.slice(0, limit);
    const page: ListPage = {
      keys: chosen.map(([name, entry]) => ({
        name,
        ...(entry.expiration !== undefined ? { expiration: entry.expiration } : {}),
        ...(entry.metadata !== undefined && entry.metadata !== null ? { metadata: clone(entry.metadata) } : {}),
      })),
      cursor: all.length > limit ? encodeCursor(chosen[chosen.length - 1][0]) : null,
    };
    this.lists.set(cacheKey, { value: page, expiresAt: now + this.model.drawCacheTtl(this.settings) });
    return page;
  }

  private async store(key: string, value: unknown, options: KVNamespacePutOptions = {}): Promise<void> {
    checkKey(key);
    const bytes = await valueBytes(value);
    if ((typeof bytes === 'string' ? encoder.encode(bytes).byteLength : bytes.byteLength) > MAX_VALUE_BYTES) throw new Error('KV PUT failed: 413 Value length exceeds limit');
    const now = this.model.now();
    let expiration: number | undefined;
    if (options.expirationTtl !== undefined && options.expirationTtl !== null) {
      if (!(options.expirationTtl >= MIN_TTL_SECONDS)) throw new Error(`KV PUT failed: 400 Invalid expiration_ttl of ${options.expirationTtl}. Expiration TTL must be at least ${MIN_TTL_SECONDS}.`);
      expiration = Math.floor(now / 1000) + Math.floor(options.expirationTtl);
    } else if (options.expiration !== undefined && options.expiration !== null) {
      if (!(options.expiration >= Math.floor(now / 1000) + MIN_TTL_SECONDS)) {
        throw new Error(`KV PUT failed: 400 Invalid expiration of ${options.expiration}. Expiration times must be at least ${MIN_TTL_SECONDS} seconds in the future.`);
      }
      expiration = Math.floor(options.expiration);
    }
    const metadata = options.metadata === undefined || options.metadata === null ? undefined : clone(options.metadata);
    if (metadata !== undefined && encoder.encode(JSON.stringify(metadata)).byteLength > MAX_METADATA_BYTES) {
      throw new Error(`KV PUT failed: 413 Metadata length exceeds limit of ${MAX_METADATA_BYTES} bytes`);
    }
    const entry: StoredEntry = { value: bytes, metadata, ...(expiration !== undefined ? { expiration } : {}) };
    this.reads.set(key, { value: entry, expiresAt: now + this.model.drawCacheTtl(this.settings) });
    this.model.write(this, key, entry);
  }

  private remove(key: string): void {
    checkKey(key);
    this.reads.set(key, { value: null, expiresAt: this.model.now() + this.model.drawCacheTtl(this.settings) });
    this.model.write(this, key, null);
  }

  private createNamespace(): KVNamespace {
    const model = this.model;
    const namespace = {
      get: async (key: string | string[], typeOrOptions?: ValueType | Partial<KVNamespaceGetOptions<ValueType | undefined>>) => {
        await model.jitter();
        const { type, cacheTtl } = readOptions(typeOrOptions);
        if (Array.isArray(key)) {
          checkBulk(key, type);
          return new Map(key.map((name) => [name, decode(this.read(name, cacheTtl), type)]));
        }
        return decode(this.read(key, cacheTtl), type);
      },
      getWithMetadata: async (key: string | string[], typeOrOptions?: ValueType | Partial<KVNamespaceGetOptions<ValueType | undefined>>) => {
        await model.jitter();
        const { type, cacheTtl } = readOptions(typeOrOptions);
        const withMetadata = (entry: StoredEntry | null) => ({ value: decode(entry, type), metadata: entry?.metadata === undefined ? null : clone(entry.metadata), cacheStatus: null });
        if (Array.isArray(key)) {
          checkBulk(key, type);
          return new Map(key.map((name) => [name, withMetadata(this.read(name, cacheTtl))]));
        }
        return withMetadata(this.read(key, cacheTtl));
      },
      put: async (key: string, value: unknown, options?: KVNamespacePutOptions) => {
        await model.jitter();
        await this.store(key, value, options);
      },
      delete: async (key: string) => {
        await model.jitter();
        this.remove(key);
      },
      list: async (options: KVNamespaceListOptions = {}) => {
        await model.jitter();
        const limit = options.limit ?? MAX_LIST_LIMIT;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new Error(`KV LIST failed: 400 Invalid key list limit ${limit}; must be 1-${MAX_LIST_LIMIT}`);
        const page = this.listPage(options.prefix ?? '', options.cursor ?? null, limit);
        const keys = page.keys.map((key) => ({ ...key, ...(key.metadata !== undefined ? { metadata: clone(key.metadata) } : {}) }));
        return page.cursor === null ? { keys, list_complete: true, cacheStatus: null } : { keys, list_complete: false, cursor: page.cursor, cacheStatus: null };
      },
    };
    return namespace as unknown as KVNamespace;
  }
}

function readOptions(typeOrOptions: ValueType | Partial<KVNamespaceGetOptions<ValueType | undefined>> | undefined): { type: ValueType; cacheTtl?: number } {
  if (typeof typeOrOptions === 'string') return { type: typeOrOptions };
  return { type: typeOrOptions?.type ?? 'text', cacheTtl: typeOrOptions?.cacheTtl };
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '' || key === '.' || key === '..') throw new Error(`KV: invalid key ${JSON.stringify(key)}`);
  if (encoder.encode(key).byteLength > MAX_KEY_BYTES) throw new Error(`KV: 414 key is longer than ${MAX_KEY_BYTES} bytes`);
}

function checkBulk(keys: string[], type: ValueType): void {
  if (keys.length > MAX_BULK_KEYS) throw new Error(`KV GET_BULK failed: 400 more than ${MAX_BULK_KEYS} keys`);
  if (type !== 'text' && type !== 'json') throw new Error(`KV GET_BULK failed: 400 type must be text or json, not ${type}`);
}

async function valueBytes(value: unknown): Promise<string | Uint8Array> {
  if (typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ReadableStream) return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError('KV put() takes a string, ArrayBuffer, ArrayBufferView or ReadableStream');
}

function textOf(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : decoder.decode(value);
}

function decode(entry: StoredEntry | null, type: ValueType): unknown {
  if (!entry) return null;
  switch (type) {
    case 'text':
      return textOf(entry.value);
    case 'json':
      return JSON.parse(textOf(entry.value));
    case 'arrayBuffer': {
      const bytes = typeof entry.value === 'string' ? encoder.encode(entry.value) : entry.value;
      return bytes.slice().buffer;
    }
    case 'stream':
      return new Response(typeof entry.value === 'string' ? entry.value : entry.value.slice()).body;
    default:
      throw new Error(`KV GET failed: unknown type ${String(type)}`);
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** KV orders keys by their UTF-8 bytes, which is code point order (UTF-16 order differs only past surrogates). */
function compareKeys(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const left = [...a].map((char) => char.codePointAt(0)!);
  const right = [...b].map((char) => char.codePointAt(0)!);
  for (let index = 0; index < Math.min(left.length, right.length); index++) if (left[index] !== right[index]) return left[index] - right[index];
  return left.length - right.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function encodeCursor(lastKey: string): string {
  return btoa(String.fromCharCode(...encoder.encode(lastKey)));
}

function decodeCursor(cursor: string): string {
  try {
    return decoder.decode(Uint8Array.from(atob(cursor), (char) => char.charCodeAt(0)));
  } catch {
    throw new Error('KV LIST failed: 400 invalid cursor');
  }
}
