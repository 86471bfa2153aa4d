import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { call, outboundRecorder } from '../helpers/api';
import { handleFollowBatch } from '../../../worker/src/following/sending';
import type { FollowJob } from '../../../worker/src/following/jobs';
import { runFollowing } from '../../../worker/src/following/schedule';
import type { OutboxEntry } from '../../../worker/src/mail/mailer';
import { Outbox } from '../../../worker/src/storage/outbox';

/**
 * Helpers for the following tests. The real app, KV and Durable Objects run inside workerd; the
 * follow queue is a recorder the test drains through the real consumer (so each test sees every
 * message, its retries and its delays); only the outside feed host and the mail provider's HTTP
 * API are replaced, by fetchers the test answers itself.
 */

export const ADMIN = { authorization: 'Bearer test-admin-token' };
export const NEWS_ORIGIN = 'https://news.example';
export const FEED_URL = 'https://news.example/feed.xml';

/** Sites of these tests, beside the shared ones: one with a feed and a URL, one in German, one with full text. */
export const SITES = [
  ...(JSON.parse(env.SITES) as object[]),
  { id: 'news', name: 'Field Notes', origins: [NEWS_ORIGIN], url: NEWS_ORIGIN, feed: FEED_URL },
  { id: 'nachrichten', name: 'Feldnotizen', origins: ['https://nachrichten.example'], url: 'https://nachrichten.example', language: 'de' },
  { id: 'longform', name: 'Longform', origins: ['https://longform.example'], url: 'https://longform.example', followContent: 'full', language: 'ar' },
];

/** A queue binding that records what the Worker sends it. */
export function recordingQueue() {
  const messages: { body: FollowJob; attempts: number; delaySeconds?: number }[] = [];
  const binding = {
    send: async (body: FollowJob) => void messages.push({ body, attempts: 1 }),
    sendBatch: async (batch: { body: FollowJob }[]) => void messages.push(...batch.map(({ body }) => ({ body, attempts: 1 }))),
  };
  return { binding, messages };
}

export type TestQueue = ReturnType<typeof recordingQueue>;

/** The environment the app and the consumer get in these tests. */
export function testEnv(queue: TestQueue, extra: Record<string, unknown> = {}) {
  return { ...env, SITES: JSON.stringify(SITES), FOLLOW_QUEUE: queue.binding, ...extra } as unknown as typeof env;
}

/** A request through the real app, with the follow queue recorded. */
export function request(queue: TestQueue, path: string, init: RequestInit = {}, extra: Record<string, unknown> = {}, outbound?: typeof fetch) {
  return call(path, init, undefined, { SITES: JSON.stringify(SITES), FOLLOW_QUEUE: queue.binding, ...extra }, outbound);
}

/**
 * Runs every queued message through the real consumer, as Cloudflare Queues would: acked messages
 * are gone, retried ones come back (attempts + 1, their delay recorded), new ones are added.
 * Stops when the queue is empty, or after `maxDeliveries`.
 */
export async function drain(queue: TestQueue, options: { extra?: Record<string, unknown>; outbound?: typeof fetch; maxDeliveries?: number; beforeDelivery?: (delivery: number) => void } = {}) {
  const delays: number[] = [];
  let deliveries = 0;
  for (let message = queue.messages.shift(); message; message = queue.messages.shift()) {
    if (++deliveries > (options.maxDeliveries ?? 500)) throw new Error('the follow queue did not drain');
    options.beforeDelivery?.(deliveries);
    // The batch as Cloudflare Queues hands it over; what the consumer does with each message is recorded.
    let outcome: { retry?: number } | 'ack' | null = null;
    const batch = {
      queue: 'parley-follow',
      messages: [
        {
          id: `m${deliveries}`,
          timestamp: new Date(),
          attempts: message.attempts,
          body: message.body,
          ack: () => void (outcome ??= 'ack'),
          retry: (options?: { delaySeconds?: number }) => void (outcome ??= { retry: options?.delaySeconds ?? 0 }),
        },
      ],
      ackAll: () => void (outcome ??= 'ack'),
      retryAll: () => void (outcome ??= { retry: 0 }),
    } as unknown as MessageBatch<FollowJob>;
    await handleFollowBatch(batch, testEnv(queue, options.extra), options.outbound ?? refuse);
    if (outcome === null) throw new Error('the consumer neither acked nor retried a message');
    if (outcome !== 'ack') {
      delays.push((outcome as { retry: number }).retry);
      queue.messages.push({ body: message.body, attempts: message.attempts + 1, delaySeconds: (outcome as { retry: number }).retry });
    }
  }
  return { deliveries, delays };
}

/** The cron's following work, with the feed host answered by the test. */
export async function cron(queue: TestQueue, feedHost: typeof fetch, options: { now?: number; extra?: Record<string, unknown>; site?: string } = {}) {
  const runs = await runFollowing(testEnv(queue, options.extra), { outbound: feedHost, now: options.now });
  return runs.find((run) => run.site === (options.site ?? 'news'))!;
}

const refuse: typeof fetch = async (input) => {
  throw new Error(`unexpected outbound request to ${String(input instanceof Request ? input.url : input)}`);
};

/** Every message the outbox kept, newest first. */
export async function outbox(): Promise<OutboxEntry[]> {
  return new Outbox(env.PARLEY_KV).read(1000);
}

export async function mailTo(email: string): Promise<OutboxEntry[]> {
  return (await outbox()).filter((mail) => mail.to === email);
}

/** The path of a `/followers/…` link in a mail. */
export function linkIn(mail: Pick<OutboxEntry, 'text'>, kind: 'confirm' | 'manage' | 'unsubscribe'): string {
  const match = new RegExp(`https://parley\\.test(/followers/${kind}/[^\\s]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${kind} link in: ${mail.text}`);
  return match[1];
}

export function followRequest(queue: TestQueue, site: string, email: string, origin = NEWS_ORIGIN) {
  return request(queue, '/api/followers', { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ site, email }) });
}

/** Follows, receives the confirmation, opens its link and presses Confirm: the reader now follows. */
export async function followAndConfirm(queue: TestQueue, site: string, email: string, origin = NEWS_ORIGIN): Promise<void> {
  expect((await followRequest(queue, site, email, origin)).status).toBe(202);
  await drain(queue);
  const confirmation = (await mailTo(email)).find((mail) => mail.text.includes('/followers/confirm/'));
  if (!confirmation) throw new Error(`no confirmation mail to ${email}`);
  const page = await request(queue, linkIn(confirmation, 'confirm'), { method: 'POST' });
  expect(page.status).toBe(200);
}

/** Announces a post through the admin API. */
export function announce(queue: TestQueue, site: string, post: Record<string, unknown>) {
  return request(queue, `/api/admin/sites/${site}/posts`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(post) });
}

export async function followerCount(queue: TestQueue, site: string): Promise<number> {
  const response = await request(queue, `/api/followers/count?site=${site}`);
  return ((await response.json()) as { followers: number }).followers;
}

/** Imports addresses as followers (the owner asserting consent, or not). */
export async function importFollowers(queue: TestQueue, site: string, emails: string[], consent = true) {
  const response = await request(queue, '/api/admin/followers', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ site, emails, consent }) });
  expect(response.status).toBe(200);
  return response.json<{ confirmed: number; invited: number; unchanged: number; invite: number | null; skipped: number }>();
}

/** A feed host: serves `files[url]` (a body and optional headers, or a function of the request). */
export function feedHost(files: Record<string, string | ((request: Request) => Response)>) {
  const requests: Request[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request);
    const file = files[request.url];
    if (file === undefined) return new Response('not found', { status: 404 });
    return typeof file === 'function' ? file(request) : new Response(file, { headers: { 'content-type': 'application/rss+xml' } });
  };
  return { fetcher, requests };
}

/** An HTTP mail API (Resend-shaped) answered by the test: `answer` decides each response. */
export function mailApi(answer: (body: { to: string; subject: string; text: string }, index: number) => Response = () => Response.json({ id: 'ok' })) {
  let index = 0;
  /** The messages the API accepted (answered 2xx). */
  const delivered: { to: string; subject: string; text: string }[] = [];
  const recorder = outboundRecorder((_url, body) => {
    const parsed = JSON.parse(body);
    const response = answer(parsed, index++);
    if (response.ok) delivered.push(parsed);
    return response;
  });
  return { ...recorder, delivered };
}

export const MAIL_API = { MAIL_API_URL: 'https://api.mail.example/emails', MAIL_API_KEY: 're_test' };

export { env };
