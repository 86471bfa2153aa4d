const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomChars(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return out;
}

/**
 * A new comment id: 9 base-36 characters of milliseconds (so ids sort by creation time)
 * and 10 random ones (so two comments created in the same millisecond never collide).
 *
 * @example
 * newCommentId() // 'mi9x2k1a0k3j9d8s7q2'
 */
export function newCommentId(now = Date.now()): string {
  return now.toString(36).padStart(9, '0') + randomChars(10);
}

/** The shape of a comment id ({@link newCommentId}): the one place it is written down. */
export const COMMENT_ID = /^[0-9a-z]{19}$/;

/** Whether a string has the shape of a comment id (cheap check before any KV read). */
export function isCommentId(value: string): boolean {
  return COMMENT_ID.test(value);
}

/** A secret token: 32 random bytes, base64url. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
