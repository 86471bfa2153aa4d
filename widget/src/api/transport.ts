import type { ErrorBody, ErrorCode } from '../../../worker/src/wire';

/** Every error the widget can meet: the API's codes, plus `network_error` when fetch itself fails. */
export type ClientErrorCode = ErrorCode | 'network_error';

/**
 * A failed API call: its code (also its message), the request field at fault if any, and the
 * HTTP status (0 when no response arrived). The widget shows its own words for the code; the
 * server's message is for people reading the API, not readers.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    readonly field?: string,
  ) {
    super(code);
  }
}

/**
 * Sends one API request: a JSON body in (when given), JSON out; `token` (a comment's edit
 * token) goes in `Authorization: Bearer`. Never sends cookies; gives up after 20 s (as a
 * network error). Throws an {@link ApiError} for any failure, with the server's code when it sent one.
 *
 * @example
 * await request<ListCommentsResponse>('https://c.example/api/comments?site=s&thread=t');
 */
export async function request<T>(url: string, method = 'GET', body?: object, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  let data: Partial<ErrorBody> | null;
  try {
    response = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: 'omit', signal: AbortSignal.timeout(20_000) });
    data = await response.json().catch(() => null);
  } catch {
    throw new ApiError(0, 'network_error');
  }
  if (!response.ok || !data) throw new ApiError(response.status, data?.error?.code ?? 'internal_error', data?.error?.field);
  return data as T;
}
