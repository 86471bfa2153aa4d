import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { applyResendEvent, verifySvix, webhookSecret } from '../following/bounces';

/**
 * `POST /api/webhooks/resend`: Resend's bounce and complaint events (signed, Svix). A hard bounce
 * or a complaint unsubscribes the address everywhere (docs/following.md). Without the
 * RESEND_WEBHOOK_SECRET secret every request is refused; a wrong or stale signature is a 401.
 */
export const mailWebhooksRoute = new Hono<AppEnv>();

const MAX_BYTES = 256 * 1024;

mailWebhooksRoute.post('/resend', async (c) => {
  const secret = webhookSecret(c.env);
  const body = await c.req.text();
  if (body.length > MAX_BYTES) throw new ApiError(413, 'payload_too_large', `The request body is larger than ${MAX_BYTES} bytes.`);
  const signed = await verifySvix(secret, { id: c.req.header('svix-id'), timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') }, body);
  if (!signed) throw new ApiError(401, 'unauthorized', 'The webhook signature is missing, wrong or too old.');
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not a JSON object.');
  }
  if (typeof event !== 'object' || event === null) throw new ApiError(400, 'invalid_json', 'The request body is not a JSON object.');
  return c.json(await applyResendEvent(c.env, c.var.stores, c.var.sites, event as Parameters<typeof applyResendEvent>[3]));
});
