const encoder = new TextEncoder();

/** SHA-256 of a string, as lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return toHex(new Uint8Array(digest));
}

/**
 * Imported HMAC keys, by key text. The keys are the Worker's secrets, each with a fixed purpose
 * prefix (signing.ts, moderation/identity.ts): a handful per isolate, imported once instead of on
 * every hash.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA-256 of `message` under `key`, as lowercase hex. */
export async function hmacHex(key: string, message: string): Promise<string> {
  let cryptoKey = hmacKeys.get(key);
  if (!cryptoKey) {
    cryptoKey = crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(key, cryptoKey);
    // A failed import is not kept: the next hash tries again.
    cryptoKey.catch(() => hmacKeys.delete(key));
  }
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', await cryptoKey, encoder.encode(message))));
}

/**
 * Compares two secrets in constant time. Both are hashed first so that neither their
 * contents nor their lengths change how long the comparison takes.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
