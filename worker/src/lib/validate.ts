import * as v from 'valibot';
import { LIMITS } from '../wire';
import { ApiError } from '../errors';
import { validator } from 'hono/validator';
import type { createCommentSchema } from '../requests';
import { parseOrThrow } from './fields';
import { readCapped } from './read-capped';

/** `POST /api/comments`, as validated (defaults filled in). */
export type CreateCommentInput = v.InferOutput<typeof createCommentSchema>;

/**
 * Validates the query string with `schema` (Hono's validator): a 400 `invalid_request` naming
 * the parameter at fault, or the handler reads the typed result from `c.req.valid('query')`.
 *
 * @example
 * route.get('/', validQuery(threadQuery), (c) => { const { site, thread, sort } = c.req.valid('query'); … });
 */
export const validQuery = <S extends v.GenericSchema<Record<string, unknown>>>(schema: S) =>
  validator('query', (query): v.InferOutput<S> => parseOrThrow(schema, query));

export { parseOrThrow, parseField } from './fields';

/**
 * Reads a JSON request body, refusing anything over `maxBytes` before parsing it
 * (by Content-Length when sent, and while reading when not).
 */
export async function readJsonBody(request: Request, maxBytes: number = LIMITS.requestBytes): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain') {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new ApiError(400, 'invalid_json', 'The request has no body; send a JSON object.');
  const bytes = await readCapped(request.body, maxBytes);
  if (bytes === null) throw tooLarge(maxBytes);
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not a JSON object.');
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
}
