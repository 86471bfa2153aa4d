import { ApiError } from '../errors';

/** Cloudflare Turnstile's server-side verification endpoint. */
export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

/**
 * Verifies a Turnstile token server-side, or throws 403 `captcha_failed`. `outbound` is the
 * fetch to use (tests replace it, since Cloudflare's endpoint cannot be reached offline).
 */
export async function verifyTurnstile(outbound: typeof fetch, secret: string | undefined, token: string | undefined, ip: string | null): Promise<void> {
  if (!secret) throw new ApiError(500, 'internal_error', 'Turnstile is enabled for this site but TURNSTILE_SECRET_KEY is not set.');
  if (!token) throw new ApiError(403, 'captcha_failed', 'Please complete the challenge before posting.', 'turnstileToken');
  const form = new FormData();
  form.set('secret', secret);
  form.set('response', token);
  if (ip) form.set('remoteip', ip);
  let outcome: { success?: boolean };
  try {
    const response = await outbound(TURNSTILE_VERIFY_URL, { method: 'POST', body: form });
    outcome = await response.json();
  } catch {
    throw new ApiError(503, 'captcha_unavailable', 'The anti-spam check could not be reached. Nothing was saved; please try again.');
  }
  if (!outcome.success) throw new ApiError(403, 'captcha_failed', 'The anti-spam check failed. Please try again.', 'turnstileToken');
}
