import { sha256Hex } from '../lib/crypto';

/** Longest URL-encoded thread id spelled out in a key; longer ones are hashed (KV keys are at most 512 bytes). */
const MAX_SPELLED = 300;

/**
 * The `{thread}` part of every per-thread KV key: the URL-encoded thread id (so it holds no
 * `:`), or `#` and its SHA-256 when that would make keys too long.
 *
 * @example
 * await threadPart('/posts/hello/') // '%2Fposts%2Fhello%2F'
 */
export async function threadPart(thread: string): Promise<string> {
  const encoded = encodeURIComponent(thread);
  return encoded.length <= MAX_SPELLED ? encoded : `#${await sha256Hex(thread)}`;
}

/**
 * The thread id a key part stands for, or null when the part is a hash (find it among known
 * threads with {@link threadPart}).
 */
export function threadOfPart(part: string): string | null {
  if (part.startsWith('#')) return null;
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
