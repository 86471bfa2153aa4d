import { hmacHex, secretsEqual } from './crypto';

/**
 * Signs and checks small JSON payloads: `base64url(json).hmac`. Used for the dashboard
 * session and for one-click moderation links. The key is never the payload's own secret:
 * each use derives its own key with a purpose label, so a session cannot pass as a link.
 *
 * @example
 * const signed = await sign(key, 'link', { c: id, a: 'approve', e: expires });
 * const payload = await verify<{ c: string }>(key, 'link', signed); // null if tampered
 */
export async function sign(key: string, purpose: string, payload: object): Promise<string> {
  const body = base64url(JSON.stringify(payload));
  return `${body}.${await hmacHex(`${purpose}:${key}`, body)}`;
}

/** The payload when the signature is right, else null. Expiry is the caller's to check. */
export async function verify<T>(key: string, purpose: string, signed: string | undefined | null): Promise<T | null> {
  if (!signed) return null;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = signed.slice(0, dot);
  const expected = await hmacHex(`${purpose}:${key}`, body);
  if (!(await secretsEqual(signed.slice(dot + 1), expected))) return null;
  try {
    return JSON.parse(fromBase64url(body)) as T;
  } catch {
    return null;
  }
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
