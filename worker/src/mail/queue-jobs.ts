import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { enqueue, runMailJob, type MailJob } from './follow';

/**
 * Queues mail jobs from a request: to MAIL_QUEUE when bound (the normal case, locally too),
 * else run after the response. Never throws into the reader's request: a mail failure must not
 * fail a post.
 */
export async function queueMail(c: Pick<Context<AppEnv>, 'env' | 'var' | 'executionCtx'>, jobs: MailJob[]): Promise<void> {
  const deps = {
    env: c.env,
    kv: c.env.PARLEY_KV,
    outbound: c.var.outbound,
    enqueueMore: async (more: MailJob[]): Promise<void> => {
      for (const job of more) await runMailJob(job, deps);
    },
  };
  try {
    await enqueue(c.env, jobs, (job) => runMailJob(job, deps), (promise) => c.executionCtx.waitUntil(promise));
  } catch (error) {
    console.error('could not queue mail', error);
  }
}
