import type { ErrorBody, ErrorCode } from '../../../worker/src/wire';

/** Every error the widget can meet: the API's codes, plus `network_error` when fetch itself fails. */
export type ClientErrorCode = ErrorCode | 'network_error';

/**
 * A failed API call: an Error whose message is its code, with the request field at fault if any,
 * and the HTTP status (0 when no response arrived). The widget shows its own words for the code;
 * the server's message is for people reading the API, not readers.
 */
export interface ApiError extends Error {
  status: number;
  code: ClientErrorCode;
  field?: string;
}

/** An {@link ApiError} (a plain Error with its fields: no class of its own, which widget.js would carry). */
export const apiError = (status: number, code: ClientErrorCode, field?: string): ApiError => Object.assign(Error(code), { status, code, field });

/**
 * Sends one API request and reads its JSON answer. Never sends cookies; gives up after 20 s (as a
 * network error). Throws an {@link ApiError} for any failure, with the server's code when it sent
 * one. `init` is fetch's (method, headers, body: see ./extra-client.ts for the calls that write).
 *
 * @example
 * await request<ListCommentsResponse>('https://c.example/api/comments?site=s&thread=t');
 */
export async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  let data: Partial<ErrorBody> | null;
  try {
    response = await fetch(url, { ...init, credentials: 'omit', signal: AbortSignal.timeout(20_000) });
    data = await response.json().catch(() => null);
  } catch {
    throw apiError(0, 'network_error');
  }
  if (!response.ok || !data) throw apiError(response.status, data?.error?.code ?? 'internal_error', data?.error?.field);
  return data as T;
}
