import type { Bindings } from '../app-env';
import { loadSites, type SiteConfig } from '../config/sites';
import { mailerFor, MailSendError, type MailMessage } from '../mail/mailer';
import type { BatchReport, Claim, Recipient, SendOps } from '../objects/followers/protocol';
import { createStores } from '../storage/stores';
import type { FollowJob } from './jobs';
import { confirmLink, followerLinks } from './links';
import { alreadyFollowingMail, confirmationMail, digestMail, postMail } from './mail';

/**
 * The follow queue's consumer. A `follower-send` message sends one batch of a send:
 *
 * 1. it claims the next batch from the site's followers object (a lease: one consumer at a time);
 * 2. mails each recipient (a few at a time) through the configured mailer, each message with an
 *    idempotency key of its own (send and recipient), so a mail API that honours it (Resend) or
 *    the outbox never delivers one twice, even if this Worker dies mid-batch;
 * 3. reports who was mailed: on a failure worth retrying (the mail service is down) it reports
 *    what it did up to there and the message is retried with growing delays, so the next attempt
 *    starts exactly at the first recipient not mailed — nobody twice, nobody skipped;
 * 4. queues the next batch, until the send is done.
 *
 * A recipient the mail service refuses for good (an invalid address) is counted as failed and
 * the send goes on; the owner can retry the failed ones from the dashboard.
 */

/** Recipients per batch: the free plan allows 50 subrequests an invocation (each mail is one, plus the object calls). */
export const DEFAULT_BATCH_SIZE = 40;
/** Mails in flight at once (Workers allow 6 open connections). */
const CONCURRENCY = 6;

export interface SendDeps {
  env: Bindings;
  outbound: typeof fetch;
  /** Queues a job (the next batch). */
  enqueue: (job: FollowJob) => Promise<void>;
}

/** What a job asks of its queue message. */
type Outcome = { ack: true } | { retryInSeconds: number };

/** Growing delays between attempts at a failed batch: 30 s, 1 min, 2 min … at most an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** How long a batch is the consumer's alone (default 300 s; only tests change FOLLOW_LEASE_SECONDS). */
function leaseSeconds(env: Bindings): number | undefined {
  const seconds = Number(env.FOLLOW_LEASE_SECONDS);
  return env.FOLLOW_LEASE_SECONDS !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export function batchSize(env: Bindings): number {
  const size = Number(env.FOLLOW_BATCH_SIZE);
  return Number.isInteger(size) && size >= 1 && size <= 500 ? size : DEFAULT_BATCH_SIZE;
}

/**
 * The queue handler for the follow queue (see ../index.ts). Each message is acked, or retried
 * with a delay; a failure the handler did not expect is retried with back-off too.
 */
export async function handleFollowBatch(batch: MessageBatch<FollowJob>, env: Bindings, outbound: typeof fetch = (input, init) => fetch(input, init)): Promise<void> {
  const deps: SendDeps = {
    env,
    outbound,
    enqueue: async (job) => {
      if (!env.FOLLOW_QUEUE) throw new Error('FOLLOW_QUEUE is not bound');
      await env.FOLLOW_QUEUE.send(job);
    },
  };
  for (const message of batch.messages) {
    let outcome: Outcome;
    try {
      outcome = await runFollowJob(message.body, deps, message.attempts);
    } catch (error) {
      console.error('follow job failed, will retry', error);
      outcome = { retryInSeconds: backoffSeconds(message.attempts) };
    }
    if ('ack' in outcome) message.ack();
    else message.retry({ delaySeconds: outcome.retryInSeconds });
  }
}

/**
 * Runs jobs to the end inside this invocation (no queue bound: tests, or a Worker deployed
 * without FOLLOW_QUEUE). Retries happen at once, a few times, without the queue's delays.
 */
export async function runFollowJobsInline(env: Bindings, jobs: FollowJob[], outbound: typeof fetch): Promise<void> {
  const work = jobs.map((job) => ({ job, attempts: 1 }));
  const deps: SendDeps = { env, outbound, enqueue: async (job) => void work.push({ job, attempts: 1 }) };
  for (let item = work.shift(); item; item = work.shift()) {
    const outcome = await runFollowJob(item.job, deps, item.attempts).catch((error) => {
      console.error('follow job failed', error);
      return { retryInSeconds: 0 } as Outcome;
    });
    if ('retryInSeconds' in outcome && item.attempts < 3) work.push({ job: item.job, attempts: item.attempts + 1 });
  }
}

/** One job: one mail to one address, or one batch of a send. */
export async function runFollowJob(job: FollowJob, deps: SendDeps, attempt = 1): Promise<Outcome> {
  const site = loadSites(deps.env.SITES).get(job.site);
  // A site removed from SITES: its jobs have nothing left to do.
  if (!site) return { ack: true };
  return job.type === 'follower-confirm' ? confirmOne(job, site, deps) : sendBatch(job, site, deps, attempt);
}

async function confirmOne(job: Extract<FollowJob, { type: 'follower-confirm' }>, site: SiteConfig, deps: SendDeps): Promise<Outcome> {
  const { env } = deps;
  const stores = createStores(env);
  const follower = await stores.followers.call(site.id, (stub) => stub.follower(site.id, { emailHash: job.emailHash }));
  if (!follower || follower.status !== (job.mail === 'confirm' ? 'pending' : 'confirmed')) return { ack: true };
  // However often an address is asked to follow (posts or threads), the site sends it only a few confirmations.
  if (!(await stores.sites.call(site.id, (stub) => stub.allowConfirmation(site.id, { emailHash: job.emailHash })))) return { ack: true };
  const ref = { site: site.id, emailHash: job.emailHash };
  const mail =
    job.mail === 'confirm'
      ? confirmationMail(site, follower.email, await confirmLink(env, job.origin, ref), follower.source === 'import')
      : alreadyFollowingMail(site, follower.email, await followerLinks(env, job.origin, ref));
  try {
    await mailerFor(env, env.PARLEY_KV, deps.outbound).send(mail);
  } catch (error) {
    if (error instanceof MailSendError && error.permanent) return { ack: true };
    throw error;
  }
  return { ack: true };
}

async function sendBatch(job: Extract<FollowJob, { type: 'follower-send' }>, site: SiteConfig, deps: SendDeps, attempt: number): Promise<Outcome> {
  const { env } = deps;
  const ops: Partial<SendOps> = { deliveries: 1, queueSends: attempt === 1 ? 1 : 0, kvReads: 0, kvWrites: 0, kvLists: 0, objectCalls: 0 };
  const stores = createStores(env, { onObjectCall: () => void ops.objectCalls!++ });
  const claim = await stores.followers.call<Claim>(site.id, (stub) => stub.claim(site.id, { send: job.send, size: batchSize(env), leaseSeconds: leaseSeconds(env) }) as unknown as Promise<Claim>);
  if (claim.state === 'done') return { ack: true };
  if (claim.state === 'busy') return { retryInSeconds: claim.retryInSeconds };

  const mailer = mailerFor(env, countingKv(env.PARLEY_KV, ops), deps.outbound);
  const report: BatchReport = { lease: claim.lease, sent: [], failed: [], ops };
  const startedAt = Date.parse(claim.send.createdAt);
  const queue = [...claim.recipients];
  const worker = async () => {
    for (let recipient = queue.shift(); recipient && report.error === undefined; recipient = queue.shift()) {
      try {
        await mailer.send({ ...(await compose(claim, site, recipient, deps)), idempotencyKey: `${String(startedAt).padStart(13, '0')}:${site.id}:${claim.send.id}:${recipient.seq}` });
        report.sent.push(recipient.seq);
      } catch (error) {
        if (error instanceof MailSendError && error.permanent) report.failed.push({ seq: recipient.seq, error: error.message });
        else report.error ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  const result = await stores.followers.call(site.id, (stub) => stub.report(site.id, { send: job.send, ...report }));
  if (report.error !== undefined) {
    console.error(`followers: send ${job.send} of ${site.id}: batch stopped (${report.error}); attempt ${result.attempts}${result.status === 'paused' ? ', paused until retried from the dashboard' : ''}`);
    return result.status === 'paused' ? { ack: true } : { retryInSeconds: backoffSeconds(result.attempts) };
  }
  if (result.more) await deps.enqueue(job);
  return { ack: true };
}

async function compose(claim: Extract<Claim, { state: 'batch' }>, site: SiteConfig, recipient: Recipient, deps: SendDeps): Promise<MailMessage> {
  const ref = { site: site.id, emailHash: recipient.emailHash };
  const { send } = claim;
  if (send.kind === 'invite') return confirmationMail(site, recipient.email, await confirmLink(deps.env, claim.origin, ref), true);
  const links = await followerLinks(deps.env, claim.origin, ref);
  if (send.kind === 'post') return postMail(site, claim.posts[0], recipient.email, links);
  return digestMail(site, send.kind, claim.posts, recipient.email, links);
}

/** The KV binding, counting what the mailer does with it (the outbox writes one key per mail). */
function countingKv(kv: KVNamespace, ops: Partial<SendOps>): KVNamespace {
  return new Proxy(kv, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const counter = property === 'put' || property === 'delete' ? 'kvWrites' : property === 'list' ? 'kvLists' : property === 'get' || property === 'getWithMetadata' ? 'kvReads' : null;
      return (...args: unknown[]) => {
        if (counter) ops[counter] = (ops[counter] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
