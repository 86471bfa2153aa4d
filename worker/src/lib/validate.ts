import * as v from 'valibot';
import { LIMITS } from '../wire';
import { ApiError } from '../errors';

/** Collapses runs of whitespace (newlines included) so a name is one clean line. */
const oneLine = v.transform((text: string) => text.replace(/\s+/g, ' ').trim());

/** A lone UTF-16 surrogate cannot be stored or shown as text (it becomes U+FFFD or invalid UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Any control character: names, emails and websites are single-line text. */
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

const wellFormed = (label: string) => v.check((text: string) => !LONE_SURROGATE.test(text), `${label} contains an invalid character (a lone UTF-16 surrogate)`);
const noControl = (label: string, pattern: RegExp) => v.check((text: string) => !pattern.test(text), `${label} contains a control character`);

/**
 * An optional single-line field where an empty string means "not given": trimmed, checked
 * against `valid` only when not empty.
 */
const optionalLine = (label: string, max: number, valid: (text: string) => boolean, invalidMessage: string) =>
  v.optional(
    v.pipe(
      v.string(`${label} must be text`),
      v.trim(),
      wellFormed(label),
      noControl(label, ANY_CONTROL),
      v.maxLength(max, `${label} is at most ${max} characters`),
      v.check((text: string) => text === '' || valid(text), invalidMessage),
    ),
    '',
  );

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isWebUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** `POST /api/comments` body. Unknown fields are ignored (valibot's `object` strips them). */
export const createCommentSchema = v.object({
  site: v.pipe(v.string('site is required'), v.minLength(1, 'site is required'), v.maxLength(LIMITS.site, `site is at most ${LIMITS.site} characters`)),
  thread: v.pipe(v.string('thread is required'), v.minLength(1, 'thread is required'), v.maxLength(LIMITS.thread, `thread is at most ${LIMITS.thread} characters`), wellFormed('thread')),
  parentId: v.optional(v.nullable(v.pipe(v.string('parentId must be a comment id'), v.regex(/^[0-9a-z]{19}$/, 'parentId must be a comment id')))),
  author: v.pipe(
    v.string('Name is required'),
    wellFormed('Name'),
    noControl('Name', CONTROL),
    oneLine,
    v.minLength(1, 'Name is required'),
    v.maxLength(LIMITS.author, `Name is at most ${LIMITS.author} characters`),
  ),
  email: optionalLine('Email', LIMITS.email, (text) => EMAIL.test(text), 'Email is not a valid address'),
  website: optionalLine('Website', LIMITS.website, isWebUrl, 'Website must be a full http:// or https:// address'),
  body: v.pipe(
    v.string('Comment is required'),
    wellFormed('Comment'),
    v.trim(),
    v.minLength(1, 'Comment is required'),
    v.maxLength(LIMITS.body, `Comment is at most ${LIMITS.body} characters`),
  ),
  hp: v.optional(v.pipe(v.string('hp must be text'), v.maxLength(500, 'hp is too long')), ''),
  elapsedMs: v.optional(v.pipe(v.number('elapsedMs must be a number'), v.minValue(0, 'elapsedMs must not be negative'))),
  turnstileToken: v.optional(v.pipe(v.string('turnstileToken must be text'), v.maxLength(4096, 'turnstileToken is too long'))),
  notify: v.optional(v.boolean('notify must be true or false'), false),
  proof: v.optional(
    v.object({
      id: v.pipe(v.string('proof.id must be a comment id'), v.regex(/^[0-9a-z]{19}$/, 'proof.id must be a comment id')),
      token: v.pipe(v.string('proof.token must be text'), v.maxLength(200, 'proof.token is too long')),
    }),
  ),
});

export type CreateCommentInput = v.InferOutput<typeof createCommentSchema>;

/**
 * Validates `input` against `schema`, or throws a 400 `invalid_request` naming the first
 * field at fault.
 */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = v.getDotPath(issue) ?? undefined;
  throw new ApiError(400, 'invalid_request', issue.message, field);
}

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
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
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
