import type { createElement } from 'preact';
import { extraClient } from '../api/extra-client';
import { followForm } from '../components/follow-form/follow-form';
import { enErrors, enExtra } from '../i18n/en-extra';
import { saveLikes, saveOwn, saveProfile, type Like, type OwnEntry } from '../lib/own-comments';
import { likeOf, markListed, type CommentNode } from '../state/thread';
import { fillCounts } from './counts';
import type { PublicComment } from '../../../worker/src/wire';
import type { ApiError } from '../api/transport';
import type { FeatureHost, Features } from './features';
import { startTurnstile } from './turnstile';

/*
 * widget-extra.js: everything that writes, and the features only some readers use, loaded on
 * first use by widget.js (see ./features.ts). Each changes what the widget shows only through
 * the store's actions it is given.
 */

const client = (host: FeatureHost) => extraClient(host.api.base);

/** The words of these features in the language of `host`'s widget. */
const words = (host: FeatureHost) => ({ ...enExtra, ...host.strings.extra });

/** What is missing from a form (nothing sent): the field at fault and why. */
const missing = (host: FeatureHost, field: 'author' | 'body' | 'notify') => ({ field: field === 'notify' ? 'email' : field, text: (host.strings.fieldErrors[field] ?? enErrors[field])! });

/**
 * The Idempotency-Key of a post: new for each comment, and the same when a comment whose post
 * failed (no answer, or a server error) is sent again, so the server saves it once.
 */
let failedPost: { text: string; key: string } | undefined;
const postKey = (text: string) => (failedPost?.text === text ? failedPost.key : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/** Comments of a page not shown yet (or shown only as the reader's own copy awaiting moderation: the list's replaces it). */
function unseen(host: FeatureHost, comments: PublicComment[]) {
  const fresh = comments.filter((comment) => !host.node(comment.id) || host.node(comment.id)!.comment.pending);
  for (const comment of fresh) if (host.node(comment.id)) host.removeNode(comment.id);
  host.set({ own: markListed(fresh, host.state.own) });
  return fresh;
}

/** Loads the pages of replies of top-level comment `root` up to `last` (all of them when undefined). */
async function loadReplyPages(host: FeatureHost, root: string, last?: number) {
  for (let page: number | null = 0; page !== null && (last === undefined || page <= last); ) {
    const answer = await client(host).replies(host.site, host.thread, root, page);
    host.append(unseen(host, answer.comments));
    page = answer.next;
  }
}

/** The ids of the replies under `node`, depth first in the order shown. */
const subtree = (node: CommentNode): string[] => node.replies.flatMap((reply) => [reply.comment.id, ...subtree(reply)]);

/** Replies under `node` here, its whole subtree (placeholders not counted). */
const shownReplies = (node: CommentNode): number => node.replies.reduce((count, reply) => count + (reply.comment.deleted ? 0 : 1) + shownReplies(reply), 0);

/** The reader's own comment `id`. */
const ownEntry = (host: FeatureHost, id: string) => host.state.own.find((entry) => entry.id === id)!;

/** The features, for widget.js's Preact (`h`): the lazily loaded form is made of its elements. */
export const createFeatures = (h: typeof createElement): Features => ({
  errors: enErrors,

  async post(host, draft, parentId) {
    const { own, info, profile } = host.state;
    let website = profile.website.trim();
    // People type "example.com"; the server wants a full address.
    if (website && !/^https?:\/\//i.test(website)) website = `https://${website}`;
    const fields = { ...draft, author: profile.author.trim(), email: profile.email.trim(), website };
    host.setProfile({ author: fields.author, email: fields.email, website });
    if (!fields.author) throw missing(host, 'author');
    if (!fields.body.trim()) throw missing(host, 'body');
    if (fields.notify && !fields.email) throw missing(host, 'notify');
    // `first` moderation publishes at once for a commenter who proves an earlier comment was approved.
    const proof = own.find((entry) => entry.listed || entry.comment.status === 'approved');
    host.say('');
    const text = `${host.site}\n${host.thread}\n${parentId}\n${fields.author}\n${fields.body}`;
    const key = postKey(text);
    const sending = client(host).post(
      {
        ...fields,
        site: host.site,
        thread: host.thread,
        parentId,
        email: fields.email || undefined,
        website: fields.website || undefined,
        proof: proof && { id: proof.id, token: proof.token },
        turnstileToken: host.captcha?.token || undefined,
      },
      key,
    );
    // A Turnstile token works once, whatever the answer: ask for a new one at once.
    host.captcha?.reset();
    const { comment, token } = await sending.then(
      (answer) => ((failedPost = undefined), answer),
      (error: ApiError) => {
        if (!error.status || error.status >= 500) failedPost = { text, key };
        throw error;
      },
    );
    saveProfile({ author: fields.author, email: fields.email, website });
    const entry: OwnEntry = { id: comment.id, token, comment, site: host.site, thread: host.thread, savedAt: Date.now(), body: fields.body };
    saveOwn(entry);
    const approved = comment.status === 'approved';
    host.set({ own: [...own, entry], info: { ...info!, total: info!.total + 1 }, notice: approved ? words(host).thanksApproved : words(host).thanksPending });
    if (parentId) {
      // A reply goes after the others: the replies its conversation has but this page did not carry come first.
      let root = host.node(parentId)!;
      while (root.parent) root = root.parent;
      if ((root.comment.replies ?? 0) > shownReplies(root)) await loadReplyPages(host, root.comment.id);
      host.change(parentId, { replying: false, expanded: true });
    }
    host.append([{ ...comment, pending: !approved }], parentId ? `#comment-${comment.id}` : '');
  },

  async loadMore(host) {
    host.set({ loadingMore: true });
    try {
      // A page may hold only threads shown already (`top` continues through the oldest-first pages): then the next one.
      for (let next = host.state.info!.next; next != null; ) {
        const page = await client(host).page(host.site, host.thread, host.state.sort, next);
        next = page.next;
        let fresh = unseen(host, page.comments);
        // A later page comes in publication order whatever the sort: newest first, its top-level comments go backwards.
        if (host.state.sort === 'newest') fresh = [...fresh.filter((comment) => !comment.parentId).reverse(), ...fresh.filter((comment) => comment.parentId)];
        host.set({ info: { ...host.state.info!, next } });
        host.append(fresh, fresh[0] && `#comment-${fresh[0].id}`);
        if (fresh.length) break;
      }
    } finally {
      host.set({ loadingMore: false });
    }
  },

  async loadReplies(host, id) {
    const shown = new Set(subtree(host.node(id)!));
    await loadReplyPages(host, id);
    // Focus goes to the first reply that came, wherever in the conversation it sits.
    const first = subtree(host.node(id)!).find((reply) => !shown.has(reply));
    host.change(id, { expanded: true }, first && `#comment-${first}`);
  },

  async reveal(host, id) {
    const place = await client(host).place(id);
    if (place.thread !== host.thread) return;
    if (!host.node(place.root)) host.append(unseen(host, (await client(host).page(host.site, host.thread, 'oldest', place.page)).comments));
    if (place.replyPage !== null) await loadReplyPages(host, place.root, place.replyPage);
    if (host.node(id)) host.highlight(id);
  },

  async like(host, id) {
    const before = host.state.likes;
    const node = host.node(id)!;
    const [liked, server, shown] = likeOf(before, node.comment);
    const show = (likes: Record<string, Like>) => {
      saveLikes(likes);
      const [liked, , count] = likeOf(likes, node.comment);
      host.set({ likes });
      host.change(id, { liked, likes: count });
    };
    show({ ...before, [id]: [!liked, server, shown + (liked ? -1 : 1)] });
    try {
      await client(host).like(id, !liked);
    } catch (error) {
      show(before);
      throw error;
    }
  },

  async saveEdit(host, id, body) {
    if (!body.trim()) throw missing(host, 'body');
    const entry = ownEntry(host, id);
    const { comment } = await client(host).edit(id, entry.token, body);
    const approved = comment.status === 'approved';
    // On a site that pre-moderates everything an edit waits again: the list no longer carries it, the stored copy is shown.
    const edited = { ...entry, comment, body, listed: entry.listed && approved };
    saveOwn(edited);
    host.set({ own: host.state.own.map((own) => (own === entry ? edited : own)), notice: approved ? words(host).saved : words(host).thanksPending });
    host.change(id, { own: edited, comment: { ...host.node(id)!.comment, ...comment, pending: !approved }, editing: false }, `#comment-${id}`);
  },

  async remove(host, id) {
    if (!confirm(words(host).confirmDelete)) return;
    const entry = ownEntry(host, id);
    await client(host).remove(id, entry.token);
    saveOwn(entry, true);
    const { own, info } = host.state;
    // Its replies keep their place, under a placeholder.
    const node = host.node(id)!;
    if (node.replies.length) host.change(id, { own: undefined, comment: { ...node.comment, author: '', html: '', deleted: true, pending: false } });
    else host.removeNode(id);
    host.set({ own: own.filter((other) => other !== entry), info: { ...info!, total: info!.total - 1 }, notice: words(host).deleted }, 'h2');
  },

  async follow(host, email) {
    await client(host).follow({ site: host.site, thread: host.thread, email });
    host.say(words(host).followSent);
  },

  async openFollow(host) {
    host.set({ following: followForm(h, words(host)) }, '.follow input');
  },

  preview: async (host, body) => (await client(host).preview(body)).html,
  startTurnstile,
  fillCounts,
});
