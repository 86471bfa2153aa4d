import type { Bindings } from '../app-env';
import { chunks } from '../lib/chunks';

/**
 * Messages of the follow queue (`FOLLOW_QUEUE`, wrangler.jsonc), handled by ./sending.ts:
 *
 * - `follower-confirm`: one mail to one address (a confirmation, or a reminder with the manage
 *   link to an address that already follows), throttled per address by the site's object;
 * - `follower-send`: the next batch of a send (a post, a digest, an invitation to confirm). Each
 *   batch that finishes queues the next one, so a send is a chain of messages with its cursor in
 *   the site's followers object.
 */
export type FollowJob =
  | { type: 'follower-confirm'; site: string; emailHash: string; mail: 'confirm' | 'already'; origin: string }
  | { type: 'follower-send'; site: string; send: number };

/** Whether a queue message is one of these (the Worker has one queue handler for two queues). */
export function isFollowJob(body: unknown): body is FollowJob {
  const type = (body as { type?: unknown } | null)?.type;
  return type === 'follower-confirm' || type === 'follower-send';
}

/**
 * Queues follow jobs: to FOLLOW_QUEUE when bound (always, deployed or under `npm start`), else
 * runs them after the response (`run`, the consumer's own code).
 */
export async function enqueueFollowJobs(env: Bindings, jobs: FollowJob[], run: (jobs: FollowJob[]) => Promise<void>, waitUntil: (promise: Promise<unknown>) => void): Promise<void> {
  if (jobs.length === 0) return;
  if (env.FOLLOW_QUEUE) {
    // A queue takes at most 100 messages in one batch.
    for (const batch of chunks(jobs, 100)) await env.FOLLOW_QUEUE.sendBatch(batch.map((body) => ({ body })));
  } else {
    waitUntil(run(jobs).catch((error) => console.error('follow job failed', error)));
  }
}
