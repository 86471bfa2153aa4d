import type { Bindings } from '../app-env';

/** Wraps the KV binding an object uses; only tests set it (a model of several locations, a failing KV). */
let wrapper: ((kv: KVNamespace, object: 'thread' | 'site' | 'registry') => KVNamespace) | null = null;

/**
 * The KV namespace a Durable Object writes to: the binding itself, or what a test wrapped it in
 * (see tests/worker/support). Objects run in the same isolate as the tests in the workers pool.
 */
export function objectKv(env: Pick<Bindings, 'PARLEY_KV'>, object: 'thread' | 'site' | 'registry'): KVNamespace {
  return wrapper ? wrapper(env.PARLEY_KV, object) : env.PARLEY_KV;
}

/** Tests only: wrap every object's KV (null to stop). */
export function wrapObjectKv(wrap: ((kv: KVNamespace, object: 'thread' | 'site' | 'registry') => KVNamespace) | null): void {
  wrapper = wrap;
}
