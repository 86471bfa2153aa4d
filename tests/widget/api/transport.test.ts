import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createClient } from '../../../widget/src/api/client';
import { extraClient } from '../../../widget/src/api/extra-client';
import { request, type ApiError } from '../../../widget/src/api/transport';
import { API, network, newThread } from '../helpers/server';

beforeEach(() => network.watch());
afterEach(() => vi.unstubAllGlobals());

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as ApiError;
  }
  throw new Error('expected a failure');
}

describe('transport', () => {
  test('sends JSON without cookies and reads JSON back', async () => {
    const api = createClient(API);
    const { comment, token } = await extraClient(API).post({ site: 'demo', thread: newThread(), author: 'Grace', body: 'Hi' }, 'retry-key-0001');
    expect(comment).toMatchObject({ author: 'Grace', status: 'pending' });
    expect(token).toMatch(/^\S{20,}$/);
    const [, init] = vi.mocked(fetch).mock.calls[0];
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'retry-key-0001' } });

    const thread = `${newThread()} a path?&`;
    const list = await api.list('demo', thread, 'oldest');
    expect(list).toMatchObject({ comments: [], total: 0 });
    expect(network.requests[1].url.searchParams.get('thread')).toBe(thread);
    const [, get] = vi.mocked(fetch).mock.calls[1];
    expect(get).toMatchObject({ credentials: 'omit' });
    expect(get!.method ?? 'GET').toBe('GET');
  });

  test('an error answer becomes an ApiError with its code, field and status', async () => {
    const error = await failure(extraClient(API).post({ site: 'demo', thread: newThread(), author: '', body: 'Hi' }, 'retry-key-0002'));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: 'invalid_request', field: 'author' });
  });

  test('a failed fetch is a network_error', async () => {
    network.offline = true;
    expect(await failure(createClient(API).list('demo', newThread(), 'oldest'))).toMatchObject({ status: 0, code: 'network_error' });
  });

  test('an answer that is not Parley JSON (a proxy error page) is an internal_error with its status', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<h1>Bad gateway</h1>', { status: 502 })));
    expect(await failure(request(`${API}/api/comments`))).toMatchObject({ status: 502, code: 'internal_error' });
  });
});
