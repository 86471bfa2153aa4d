import * as v from 'valibot';
import { LIMITS } from '../wire';
import { ApiError } from '../errors';
import { fields } from './fields';
import { readCapped } from './read-capped';

/** `POST /api/comments` body. Unknown fields are ignored (valibot's `object` strips them). Each field's rule is in ./fields.ts. */
export const createCommentSchema = v.object({
  site: fields.site,
  thread: fields.thread,
  parentId: v.optional(v.nullable(fields.commentId)),
  author: fields.author,
  email: v.optional(fields.email, ''),
  website: v.optional(fields.website, ''),
  body: fields.body,
  hp: v.optional(v.pipe(v.string('hp must be text'), v.maxLength(500, 'hp is too long')), ''),
  elapsedMs: v.optional(v.pipe(v.number('elapsedMs must be a number'), v.minValue(0, 'elapsedMs must not be negative'))),
  turnstileToken: v.optional(v.pipe(v.string('turnstileToken must be text'), v.maxLength(4096, 'turnstileToken is too long'))),
  notify: v.optional(v.boolean('notify must be true or false'), false),
  proof: v.optional(v.object({ id: fields.commentId, token: fields.token })),
});

export type CreateCommentInput = v.InferOutput<typeof createCommentSchema>;

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
