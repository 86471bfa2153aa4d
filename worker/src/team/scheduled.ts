import type { Bindings } from '../app-env';
import { runDigests } from './team-mail';

/** The Cron Trigger of the moderators' daily digest (wrangler.jsonc `triggers.crons`). */
export const DIGEST_CRON = '0 7 * * *';

/**
 * The Worker's `scheduled` handler: the daily digest on its cron, the reconciler on every other
 * (every 10 minutes).
 *
 * @example
 * scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller.cron, env, runReconciler)),
 */
export async function runScheduled(cron: string, env: Bindings, reconcile: (env: Bindings) => Promise<unknown>): Promise<void> {
  if (cron === DIGEST_CRON) await runDigests(env);
  else await reconcile(env);
}
