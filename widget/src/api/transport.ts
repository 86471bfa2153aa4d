import type { ErrorBody, ErrorCode } from '../../../worker/src/wire';

/** Every error the widget can meet: the API's codes, plus `network_error` when fetch itself fails. */
export type ClientErrorCode = ErrorCode | 'network_error';

/** A failed API call. `status` is 0 when no HTTP response arrived. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Gives up on a request that has not answered in this long (ms), as a network error. */
const TIMEOUT = 20_000;

/**
 * Sends one API request: a JSON body in (when given), JSON out. Never sends cookies.
 * Throws an {@link ApiError} for any failure, with the server's code when it sent one.
 *
 * @example
 * await request<ListCommentsResponse>('https://c.example/api/comments?site=s&thread=t');
 */
export async function request<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT);
  let response: Response;
  let data: Partial<ErrorBody> | null = null;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      signal: abort.signal,
    });
    data = await response.json().catch(() => null);
  } catch (error) {
    throw new ApiError(0, 'network_error', String(error));
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !data) {
    const error = data?.error;
    throw new ApiError(response.status, error?.code ?? 'internal_error', error?.message ?? `HTTP ${response.status}`, error?.field);
  }
  return data as T;
}
