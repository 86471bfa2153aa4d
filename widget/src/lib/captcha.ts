/**
 * The current Cloudflare Turnstile token ('' until solved, and after each use), and how to ask
 * for a new one. Set by the Turnstile loader (lib/turnstile.ts, in widget-extra.js); read by
 * every post.
 */
export const captcha = { token: '', reset: () => {} };
