import * as v from 'valibot';
import { ApiError } from '../errors';
import { COMMENT_STATUSES, LIMITS } from '../wire';
import { COMMENT_ID } from './ids';

/**
 * Every field the API accepts, validated once, here: each route that takes a thread id, a name,
 * a body… uses the schema below, so one field has one rule and one message wherever it comes
 * in (a comment, an edit, a subscription, a moderator's form, an import or a restore).
 *
 * Rules for all text:
 * - a lone UTF-16 surrogate is refused (it cannot be stored or shown as text);
 * - multi-line text (bodies) may hold tab and line feed; CR LF and CR become LF; every other
 *   control character (C0, DEL, C1) is refused;
 * - single-line text (names, emails, websites, thread and site ids, reasons) may hold no control
 *   character at all, except that a name's tabs and line breaks become spaces.
 *
 * @example
 * const input = parseOrThrow(v.object({ site: fields.site, thread: fields.thread }), body);
 * const thread = parseField(fields.thread, c.req.query('thread'), 'thread');
 */

/** A lone UTF-16 surrogate: cannot be stored or shown as text (it becomes U+FFFD or invalid UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters other than tab and line feed (after CR LF and CR became LF). */
const TEXT_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/** Control characters a name may not hold (tab and line breaks become spaces). */
const NAME_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Any control character: single-line text. */
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Whether `text` holds nothing that cannot round-trip as text, nor any control character (a single line). */
export function isCleanLine(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !ANY_CONTROL.test(text);
}

const wellFormed = (label: string) => v.check((text: string) => !LONE_SURROGATE.test(text), `${label} contains an invalid character (a lone UTF-16 surrogate)`);
const noControl = (label: string, pattern: RegExp) => v.check((text: string) => !pattern.test(text), `${label} contains a control character`);
const newlines = v.transform((text: string) => text.replace(/\r\n?/g, '\n'));
const oneLine = v.transform((text: string) => text.replace(/\s+/g, ' ').trim());

/** A required single-line identifier (thread, site): not trimmed — it is a key, spaces included. */
const identifier = (label: string, max: number) =>
  v.pipe(v.string(`${label} is required`), v.minLength(1, `${label} is required`), v.maxLength(max, `${label} is at most ${max} characters`), wellFormed(label), noControl(label, ANY_CONTROL));

/** Multi-line text: 1–`max` characters after trimming. */
const text = (label: string, max: number) =>
  v.pipe(v.string(`${label} is required`), newlines, wellFormed(label), noControl(label, TEXT_CONTROL), v.trim(), v.minLength(1, `${label} is required`), v.maxLength(max, `${label} is at most ${max} characters`));

/** An optional single-line field where '' means "not given": trimmed, checked by `valid` only when not empty. */
const optionalLine = (label: string, max: number, valid: (text: string) => boolean, invalidMessage: string) =>
  v.pipe(
    v.string(`${label} must be text`),
    v.trim(),
    wellFormed(label),
    noControl(label, ANY_CONTROL),
    v.maxLength(max, `${label} is at most ${max} characters`),
    v.check((text: string) => text === '' || valid(text), invalidMessage),
  );

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether `text` is an email address as Parley takes one (one line, `x@y.z`). */
export function isEmail(text: string): boolean {
  return EMAIL.test(text) && isCleanLine(text);
}

/**
 * Text from elsewhere (an import) made to pass the rules: line breaks as LF, other control
 * characters dropped, lone surrogates replaced by U+FFFD. `oneLine` also turns tabs and line
 * breaks into spaces.
 */
export function cleanText(text: string, options: { oneLine?: boolean } = {}): string {
  const cleaned = text
    .replace(/\r\n?/g, '\n')
    .replace(new RegExp(TEXT_CONTROL.source, 'g'), '')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
  return options.oneLine ? cleaned.replace(/\s+/g, ' ') : cleaned;
}

/** Whether `text` is an absolute http:// or https:// URL. */
export function isWebUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

const email = optionalLine('Email', LIMITS.email, (text) => EMAIL.test(text), 'Email is not a valid address');
const website = optionalLine('Website', LIMITS.website, isWebUrl, 'Website must be a full http:// or https:// address');

/** The schema of each field. Optional fields: wrap in `v.optional(…)` where they may be left out. */
export const fields = {
  /** A site id (whether it is configured is checked after: `unknown_site`). */
  site: identifier('site', LIMITS.site),
  /** A thread id: any text a site chooses (usually the page's path), one line. */
  thread: identifier('thread', LIMITS.thread),
  /** A comment id, wherever one is named (`parentId`, `commentId`, `proof.id`, `ids`…). */
  commentId: v.pipe(v.string('Expected a comment id'), v.regex(COMMENT_ID, 'Expected a comment id')),
  /** The commenter's name: one line (runs of whitespace become one space), 1–64 characters. */
  author: v.pipe(v.string('Name is required'), wellFormed('Name'), noControl('Name', NAME_CONTROL), oneLine, v.minLength(1, 'Name is required'), v.maxLength(LIMITS.author, `Name is at most ${LIMITS.author} characters`)),
  /** An optional email ('' when not given). */
  email,
  /** A required email (following by email). */
  requiredEmail: v.pipe(email, v.minLength(1, 'Email is required')),
  /** An optional website, an absolute http(s) URL ('' when not given). */
  website,
  /** A comment's Markdown body, 1–5,000 characters. */
  body: text('Comment', LIMITS.body),
  /** A body as long as an import may carry (old comments can be longer than new ones may be). */
  bodyUpTo: (max: number) => text('Comment', max),
  /** A moderator's free-text note (a ban's reason), one line, at most 200 characters, '' allowed. */
  reason: optionalLine('Reason', 200, () => true, ''),
  /** A moderation status (a queue). */
  status: v.picklist(COMMENT_STATUSES, `status must be one of ${COMMENT_STATUSES.join(', ')}`),
  /** An edit token, as the author got it when posting. */
  token: v.pipe(v.string('token is required'), v.minLength(1, 'token is required'), v.maxLength(200, 'token is too long')),
};

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
 * Validates one value (a query parameter, a form field) against a field's schema, or throws a
 * 400 `invalid_request` with `field`.
 *
 * @example
 * const thread = parseField(fields.thread, c.req.query('thread'), 'thread');
 */
export function parseField<S extends v.GenericSchema>(schema: S, value: unknown, field: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new ApiError(400, 'invalid_request', result.issues[0].message, field);
}
