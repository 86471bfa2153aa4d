import { ApiError } from '../errors';
import type { SiteObject } from './site-object';
import { threadObjectName, type ThreadObject } from './thread-object';
import type { Publication, ThreadRef, ThreadResult } from './thread/protocol';

/**
 * The Worker's way to the Durable Objects: a thread's object by site and thread id, a site's
 * object by site id. Refusals come back as {@link ApiError}s with their status and code; an
 * object that cannot be reached is a 503 that says a retry is safe.
 *
 * @example
 * const thread = stores.threads.of('demo', '/posts/hello/');
 * const { record } = await thread.call((stub, ref) => stub.moderate(ref, { id, action: 'approve', actor, keepDays: 30 }));
 */
export class ThreadObjects {
  constructor(
    private readonly namespace: DurableObjectNamespace<ThreadObject>,
    private readonly observe: () => void = () => {},
  ) {}

  of(site: string, thread: string): ThreadHandle {
    return new ThreadHandle(this.namespace, { site, thread }, this.observe);
  }
}

/** The answer of a call that succeeded (refusals are thrown). */
type Success<R> = R extends { ok: true } ? R : never;

export class ThreadHandle {
  constructor(
    private readonly namespace: DurableObjectNamespace<ThreadObject>,
    readonly ref: ThreadRef,
    private readonly observe: () => void = () => {},
  ) {}

  /** The object's stub (a new one per call: a stub that saw an error cannot be used again). */
  stub(): DurableObjectStub<ThreadObject> {
    this.observe();
    return this.namespace.get(this.namespace.idFromName(threadObjectName(this.ref.site, this.ref.thread)));
  }

  /**
   * Calls the object and returns what it answered; a refusal is thrown as an ApiError. With
   * `mustPublish`, a change the object saved but could not yet publish is a 503 too (the object
   * retries on its own; repeating the request completes it at once).
   */
  async call<F extends (stub: DurableObjectStub<ThreadObject>, ref: ThreadRef) => unknown>(method: F, options: { mustPublish?: boolean } = {}): Promise<Success<Awaited<ReturnType<F>>>> {
    const result = (await reach(() => method(this.stub(), this.ref) as Promise<unknown>)) as ThreadResult<Partial<Publication>>;
    if (!result.ok) {
      const { status, code, message, field } = result.refusal;
      throw new ApiError(status, code, message, field);
    }
    if (options.mustPublish !== false && result.published === false) throw notPublished();
    return result as unknown as Success<Awaited<ReturnType<F>>>;
  }

  /** Calls a method that answers a plain value (reads). */
  async read<T>(method: (stub: DurableObjectStub<ThreadObject>, ref: ThreadRef) => Promise<T>): Promise<T> {
    return (await reach(() => method(this.stub(), this.ref))) as T;
  }
}

export class SiteObjects {
  constructor(
    private readonly namespace: DurableObjectNamespace<SiteObject>,
    private readonly observe: () => void = () => {},
  ) {}

  of(site: string): DurableObjectStub<SiteObject> {
    this.observe();
    return this.namespace.get(this.namespace.idFromName(site));
  }

  /** Calls a site's object; a failure to reach it is a 503. */
  async call<T>(site: string, method: (stub: DurableObjectStub<SiteObject>) => Promise<T>): Promise<T> {
    return (await reach(() => method(this.of(site)))) as T;
  }
}

/** Runs an RPC call; an exception from the object (or the way to it) becomes a 503 that leaks nothing. */
export async function reach<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    console.error('durable object call failed', error);
    throw new ApiError(503, 'storage_unavailable', 'Comments storage did not answer. Your change may not have been saved; sending it again is safe (it is never applied twice).', undefined, { 'Retry-After': '5' });
  }
}

export function notPublished(): ApiError {
  return new ApiError(
    503,
    'not_published',
    'Your change was saved, but publishing it to readers failed for now. It is retried automatically within minutes; sending the same request again completes it at once.',
    undefined,
    { 'Retry-After': '5' },
  );
}
