import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../../worker/src/index';
import type { CreateCommentRequest, CreateCommentResponse, ErrorBody, ListCommentsResponse, ListPageResponse, ListRepliesResponse, AdminListResponse, PublicComment } from '../../../worker/src/wire';

export const ADMIN_TOKEN = 'test-admin-token';
export const ORIGIN = 'https://blog.example';

/** Every key in the real KV namespace (to prove what a request did or did not write). */
export async function allKeys(): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.PARLEY_KV.list({ cursor });
    names.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return names;
}

/** Counts every call the app makes on its KV binding, by method (and, when asked, on its Durable Objects). */
export interface KvCounter {
  get: number;
  put: number;
  delete: number;
  list: number;
  getWithMetadata: number;
  /** Calls to Durable Objects (thread and site objects), when counted with {@link newCounter}`(true)`. */
  objects?: number;
}

export function countingKv(kv: KVNamespace, counter: KvCounter): KVNamespace {
  return new Proxy(kv, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property in counter) counter[property as keyof KvCounter]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Tests never reach the internet: any outbound request the app makes without a test's own recorder fails loudly. */
const refuseOutbound: typeof fetch = async (input) => {
  throw new Error(`unexpected outbound request to ${String(input instanceof Request ? input.url : input)}`);
};

/** Records the requests the Worker sends out (webhooks, Turnstile) and answers them as told. */
export function outboundRecorder(answer: (url: string, body: string) => Response = () => new Response('ok')) {
  const sent: { url: string; body: string; headers: Headers }[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.text();
    sent.push({ url: request.url, body, headers: request.headers });
    return answer(request.url, body);
  };
  return { sent, fetcher };
}

export function newCounter(withObjects = false): KvCounter {
  return { get: 0, put: 0, delete: 0, list: 0, getWithMetadata: 0, ...(withObjects ? { objects: 0 } : {}) };
}

/**
 * Sends a request through the real app, inside workerd, against the real local KV binding,
 * and waits for the work it left in waitUntil. With a counter, every KV call is counted.
 */
export async function call(
  path: string,
  init: RequestInit = {},
  counter?: KvCounter,
  envOverrides: Record<string, unknown> = {},
  outbound?: typeof fetch,
): Promise<Response> {
  const app = createApp({
    wrapKv: counter ? (kv) => countingKv(kv, counter) : undefined,
    onObjectCall: counter?.objects !== undefined ? () => void counter.objects!++ : undefined,
    outbound: outbound ?? refuseOutbound,
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`https://parley.test${path}`, init), { ...env, ...envOverrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** What a person filling in the widget's form sends besides the fields: how long it took (a post without it is held). */
export const TYPED = { elapsedMs: 60_000 } as const;

/** POSTs a comment as the widget would (with `elapsedMs`, unless the body sets it, even to undefined). */
export function postComment(body: Partial<CreateCommentRequest> & Record<string, unknown>, headers: Record<string, string> = {}) {
  return call('/api/comments', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers },
    body: JSON.stringify({ ...TYPED, ...body }),
  });
}

export async function createComment(fields: Partial<CreateCommentRequest> = {}, origin = ORIGIN): Promise<CreateCommentResponse> {
  const response = await postComment({ site: 'demo', thread: '/posts/hello/', author: 'Ada', body: 'Hello there', ...fields }, { origin });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function listThread(site = 'demo', thread = '/posts/hello/', counter?: KvCounter): Promise<ListCommentsResponse> {
  const response = await call(`/api/comments?site=${encodeURIComponent(site)}&thread=${encodeURIComponent(thread)}`, {}, counter);
  if (response.status !== 200) throw new Error(`list failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Every comment a reader can reach in a thread: the first page, every later page (`next`) and
 * every page of replies of each top-level comment that has more replies than its page shows.
 * Each comment once (pages may repeat pinned comments and replies shown inline), in page order.
 */
export async function listAll(site = 'demo', thread = '/posts/hello/'): Promise<PublicComment[]> {
  const base = `/api/comments?site=${encodeURIComponent(site)}&thread=${encodeURIComponent(thread)}`;
  const first = await listThread(site, thread);
  const seen = new Map<string, PublicComment>();
  const add = (comments: PublicComment[]) => {
    for (const comment of comments) if (!seen.has(comment.id)) seen.set(comment.id, comment);
  };
  add(first.comments);
  for (let next = first.next; next !== null; ) {
    const page = await (await call(`${base}&page=${next}`)).json<ListPageResponse>();
    add(page.comments);
    next = page.next;
  }
  for (const root of [...seen.values()].filter((comment) => comment.parentId === null && (comment.replies ?? 0) > 0)) {
    const shown = () => [...seen.values()].filter((comment) => comment.parentId !== null && rootOf(comment, seen) === root.id && !comment.deleted).length;
    for (let page: number | null = 0; page !== null && shown() < root.replies!; ) {
      const replies: ListRepliesResponse = await (await call(`/api/comments/replies?site=${encodeURIComponent(site)}&thread=${encodeURIComponent(thread)}&root=${root.id}&page=${page}`)).json<ListRepliesResponse>();
      add(replies.comments);
      page = replies.next;
    }
  }
  return [...seen.values()];
}

function rootOf(comment: PublicComment, byId: Map<string, PublicComment>): string {
  let current = comment;
  for (let hops = 0; current.parentId && byId.has(current.parentId) && hops < 10_000; hops++) current = byId.get(current.parentId)!;
  return current.id;
}

export function admin(path: string, init: RequestInit = {}, token = ADMIN_TOKEN) {
  return call(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
}

export async function approve(id: string): Promise<void> {
  const response = await admin(`/api/admin/comments/${id}/approve`, { method: 'POST' });
  if (response.status !== 200) throw new Error(`approve failed: ${response.status} ${await response.text()}`);
}

export async function pending(site?: string): Promise<AdminListResponse> {
  const response = await admin(`/api/admin/comments?status=pending${site ? `&site=${site}` : ''}`);
  return response.json();
}

export async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody;
  return body.error;
}
