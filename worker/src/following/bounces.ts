import type { Bindings } from '../app-env';
import { ApiError } from '../errors';
import { secretsEqual } from '../lib/crypto';
import { hashEmail } from '../moderation/identity';
import type { Stores } from '../storage/stores';
import type { SiteConfig } from '../config/sites';

/**
 * Bounces and complaints from Resend's webhooks (Svix signatures): a hard bounce (`email.bounced`
 * whose bounce is permanent) or a complaint (`email.complained`) unsubscribes the address from
 * every site of this Worker — its following of posts and of comments — and keeps its hash so it
 * is never mailed again. See docs/following.md.
 */

/** How far a webhook's timestamp may be from now (Svix's own tolerance): older deliveries are refused as replays. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a Svix signature: `svix-signature` holds space-separated `v1,<base64 HMAC-SHA256>` of
 * `{svix-id}.{svix-timestamp}.{body}`, keyed with the base64 secret after `whsec_`.
 */
export async function verifySvix(secret: string, headers: { id?: string; timestamp?: string; signature?: string }, body: string, now = Date.now()): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  let keyBytes: Uint8Array;
  try {
    keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (char) => char.charCodeAt(0));
  } catch {
    return false;
  }
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  const expected = btoa(String.fromCharCode(...mac));
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',');
    if (version === 'v1' && value && (await secretsEqual(value, expected))) return true;
  }
  return false;
}

interface ResendEvent {
  type?: string;
  data?: { to?: string[] | string; bounce?: { type?: string } };
}

/** What the webhook did: the addresses it unsubscribed and why. */
export interface BounceOutcome {
  event: string;
  action: 'unsubscribed' | 'ignored';
  addresses: number;
}

/** Reads a verified Resend event and unsubscribes its recipients when it is a hard bounce or a complaint. */
export async function applyResendEvent(env: Bindings, stores: Stores, sites: Map<string, SiteConfig>, event: ResendEvent): Promise<BounceOutcome> {
  const type = event.type ?? '';
  const hard = type === 'email.bounced' && (event.data?.bounce?.type === undefined || /^permanent$/i.test(event.data.bounce.type));
  const reason = type === 'email.complained' ? 'complained' : hard ? 'bounced' : null;
  const to = event.data?.to;
  const addresses = (Array.isArray(to) ? to : typeof to === 'string' ? [to] : []).filter((address): address is string => typeof address === 'string' && address.includes('@')).slice(0, 50);
  if (!reason || addresses.length === 0) return { event: type, action: 'ignored', addresses: 0 };
  for (const address of addresses) {
    const emailHash = (await hashEmail(env, bareAddress(address)))!;
    for (const site of sites.keys()) {
      await stores.followers.call(site, (stub) => stub.suppress(site, { emailHash, reason }));
      const subscriptions = await stores.sites.call(site, (stub) => stub.subscriptionsOf(site, { emailHash }));
      for (const thread of new Set(subscriptions.map((sub) => sub.thread))) {
        await stores.threads.of(site, thread).call((stub, ref) => stub.unsubscribe(ref, { emailHash }));
      }
    }
  }
  console.log(`mail webhook: ${type}: ${addresses.length} address(es) unsubscribed everywhere`);
  return { event: type, action: 'unsubscribed', addresses: addresses.length };
}

/** `Name <a@b.c>` → `a@b.c`. */
function bareAddress(address: string): string {
  const match = /<([^>]+)>/.exec(address);
  return (match ? match[1] : address).trim();
}

/** The webhook's secret, or a 503 naming it: without it nothing is accepted (fails closed). */
export function webhookSecret(env: Bindings): string {
  if (!env.RESEND_WEBHOOK_SECRET) throw new ApiError(503, 'not_configured', 'This server does not take mail webhooks: its owner must set the RESEND_WEBHOOK_SECRET secret (see docs/following.md).');
  return env.RESEND_WEBHOOK_SECRET;
}
