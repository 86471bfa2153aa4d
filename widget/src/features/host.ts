import type { PublicComment, SiteConfigResponse } from '../../../worker/src/wire';
import { extraClient } from '../api/extra-client';
import { loadProfile } from '../lib/own-comments';
import { enErrors, enExtra } from '../i18n/en-extra';
import { markListed, touch, type CommentNode } from '../state/thread';
import type { FeatureHost } from './features';

/*
 * What the features of widget-extra.js share: their API client, their words, and what they read
 * and change of a widget's thread (through its store, the host).
 */

export const client = (host: FeatureHost) => extraClient(host.api.base);

/** Minutes an author may edit or delete their comment when the site's config cannot be read: the server's default `editWindowMinutes`. */
export const EDIT_WINDOW_MINUTES = 15;

/** The site's config, asked for once per server and site (again after a failure); null when it cannot be read (the defaults apply). */
const configs = new Map<string, Promise<SiteConfigResponse | null>>();
export function siteConfig(host: FeatureHost): Promise<SiteConfigResponse | null> {
  const key = `${host.api.base} ${host.site}`;
  let config = configs.get(key);
  if (!config) configs.set(key, (config = client(host).config(host.site).catch(() => (configs.delete(key), null))));
  return config;
}

/** The words of these features in the language of `host`'s widget. */
export const words = (host: FeatureHost) => ({ ...enExtra, ...host.strings.extra });

/** The name, email and website every form of `host`'s widget shares: as last typed there, or else as remembered (local storage). */
export const profileOf = (host: FeatureHost) => host.state.profile ?? loadProfile();

/** What is missing from a form (nothing sent): the field at fault and why. */
export const missing = (host: FeatureHost, field: 'author' | 'body' | 'notify') => ({ field: field === 'notify' ? 'email' : field, text: (host.strings.fieldErrors[field] ?? enErrors[field])! });

/** The reader's own comment `id`. */
export const ownEntry = (host: FeatureHost, id: string) => host.state.own.find((entry) => entry.id === id)!;

/** The ids of the replies under `node`, depth first in the order shown. */
export const subtree = (node: CommentNode): string[] => node.replies.flatMap((reply) => [reply.comment.id, ...subtree(reply)]);

/** Replies under `node` here, its whole subtree (placeholders not counted). */
export const shownReplies = (node: CommentNode): number => node.replies.reduce((count, reply) => count + (reply.comment.deleted ? 0 : 1) + shownReplies(reply), 0);

/** Takes comment `id` (and its replies) off the thread. */
export function removeNode(host: FeatureHost, id: string) {
  const node = host.nodes.get(id)!;
  const siblings = node.parent?.replies ?? host.roots;
  siblings.splice(siblings.indexOf(node), 1);
  if (node.parent) touch(node.parent);
  host.nodes.delete(id);
}

/** Comments of a page not shown yet (or shown only as the reader's own copy awaiting moderation: the list's replaces it). */
export function unseen(host: FeatureHost, comments: PublicComment[]) {
  const fresh = comments.filter((comment) => !host.nodes.has(comment.id) || host.nodes.get(comment.id)!.comment.pending);
  for (const comment of fresh) if (host.nodes.has(comment.id)) removeNode(host, comment.id);
  host.set({ own: markListed(fresh, host.state.own) });
  return fresh;
}

/** Loads the pages of replies of top-level comment `root` up to `last` (all of them when undefined). */
export async function loadReplyPages(host: FeatureHost, root: string, last?: number) {
  for (let page: number | null = 0; page !== null && (last === undefined || page <= last); ) {
    const answer = await client(host).replies(host.site, host.thread, root, page);
    host.append(unseen(host, answer.comments));
    page = answer.next;
  }
}
