import type { ServiceContext } from '../services/context';
import { enqueue, runMailJob, type MailDeps, type MailJob } from './follow';

/**
 * Queues mail jobs from a request: to MAIL_QUEUE when bound (the normal case, locally too),
 * else run after the response. Never throws into the reader's request: a mail failure must not
 * fail a post.
 */
export async function queueMail(c: Pick<ServiceContext, 'env' | 'var' | 'executionCtx'>, jobs: MailJob[]): Promise<void> {
  const deps: MailDeps = {
    env: c.env,
    stores: c.var.stores,
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
