import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode } from './wire';

/**
 * The one exception type the API throws. `onError` renders it as
 * `{"error":{"code","message","field"?}}` with its status.
 *
 * @example
 * throw new ApiError(404, 'not_found', 'No comment with that id.');
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds the JSON error body. */
export function errorBody(code: ErrorCode, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

/** Hono `onError` handler: ApiError as documented; anything else as a 500 that leaks nothing. */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.field), err.status);
  }
  console.error('unhandled error', err);
  return c.json(errorBody('internal_error', 'Something went wrong on our side. Nothing was saved; please try again.'), 500);
}
