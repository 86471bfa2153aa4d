import type { Bindings } from '../app-env';
import { loadSites } from '../config/sites';
import { createStores } from '../storage/stores';
import { fetchFeed } from './feed';
import { enqueueFollowJobs, type FollowJob } from './jobs';
import { runFollowJobsInline } from './sending';

/** What one cron run did for a site. */
export interface FollowingRun {
  site: string;
  /** Sends queued: new posts from the feed, digests due, sends that had stalled. */
  queued: number;
  /** The feed: `baseline` (first poll, recorded, nothing mailed), `posts` (new posts), `not-modified`, `error`, or none. */
  feed: { state: 'baseline' | 'posts' | 'unchanged' | 'not-modified' | 'error'; posts: number; error: string | null } | null;
}

/**
 * The Cron Trigger's following work, site by site (a failing site is logged, the others run):
 * polls the site's `feed`, asks its followers object for what is due (digests, stalled sends) and
 * queues the sends. `now` and `outbound` are for tests (a test serves the feeds itself).
 */
export async function runFollowing(env: Bindings, options: { outbound?: typeof fetch; now?: number } = {}): Promise<FollowingRun[]> {
  const outbound = options.outbound ?? ((input, init) => fetch(input, init));
  const stores = createStores(env);
  const runs: FollowingRun[] = [];
  for (const site of loadSites(env.SITES).values()) {
    try {
      const jobs: FollowJob[] = [];
      let feed: FollowingRun['feed'] = null;
      if (site.feed) {
        const state = await stores.followers.call(site.id, (stub) => stub.feedState(site.id));
        const known = state.url === site.feed;
        const fetched = await fetchFeed(site.feed, { outbound, etag: known ? state.etag : null, lastModified: known ? state.lastModified : null });
        const result = await stores.followers.call(site.id, (stub) => stub.pollResult(site.id, { url: site.feed!, origin: null, ...fetched }));
        jobs.push(...result.sends.map((send) => ({ type: 'follower-send' as const, site: site.id, send })));
        feed = { state: result.error ? 'error' : 'notModified' in fetched ? 'not-modified' : result.baseline ? 'baseline' : result.posts.length ? 'posts' : 'unchanged', posts: result.posts.length, error: result.error };
      }
      const due = await stores.followers.call(site.id, (stub) => stub.tick(site.id, { now: options.now }));
      jobs.push(...due.sends.map((send) => ({ type: 'follower-send' as const, site: site.id, send })));
      const unique = [...new Map(jobs.map((job) => [JSON.stringify(job), job])).values()];
      const pending: Promise<unknown>[] = [];
      await enqueueFollowJobs(env, unique, (some) => runFollowJobsInline(env, some, outbound), (promise) => void pending.push(promise));
      await Promise.all(pending);
      runs.push({ site: site.id, queued: unique.length, feed });
    } catch (error) {
      console.error('following: cron failed for site', site.id, error);
      runs.push({ site: site.id, queued: 0, feed: null });
    }
  }
  return runs;
}
