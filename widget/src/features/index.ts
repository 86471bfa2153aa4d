import type { createElement } from 'preact';
import { extraClient } from '../api/extra-client';
import { followForm } from '../components/follow-form/follow-form';
import { enErrors, enExtra } from '../i18n/en-extra';
import { saveLikes, saveOwn, saveProfile, type Like, type OwnEntry } from '../lib/own-comments';
import { likeOf, markListed } from '../state/thread';
import { fillCounts } from './counts';
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
    const sending = client(host).post({
      ...fields,
      site: host.site,
      thread: host.thread,
      parentId,
      email: fields.email || undefined,
      website: fields.website || undefined,
      proof: proof && { id: proof.id, token: proof.token },
      turnstileToken: host.captcha?.token || undefined,
    });
    // A Turnstile token works once, whatever the answer: ask for a new one at once.
    host.captcha?.reset();
    const { comment, token } = await sending;
    saveProfile({ author: fields.author, email: fields.email, website });
    const entry: OwnEntry = { id: comment.id, token, comment, site: host.site, thread: host.thread, savedAt: Date.now(), body: fields.body };
    saveOwn(entry);
    const approved = comment.status === 'approved';
    host.set({ own: [...own, entry], info: { ...info!, total: info!.total + 1 }, notice: approved ? words(host).thanksApproved : words(host).thanksPending });
    if (parentId) host.change(parentId, { replying: false, expanded: true });
    host.append([{ ...comment, pending: !approved }], parentId ? `#comment-${comment.id}` : '');
  },

  async loadMore(host) {
    host.set({ loadingMore: true });
    try {
      // A page may hold only threads shown already (`top` continues through the oldest-first pages): then the next one.
      for (let next = host.state.info!.next; next != null; ) {
        const page = await client(host).page(host.site, host.thread, host.state.sort, next);
        next = page.next;
        // New, or shown only as the reader's own comment awaiting moderation: the list's copy replaces it.
        const fresh = page.comments.filter((comment) => !host.node(comment.id) || host.node(comment.id)!.comment.pending);
        for (const comment of fresh) if (host.node(comment.id)) host.removeNode(comment.id);
        host.set({ own: markListed(fresh, host.state.own), info: { ...host.state.info!, next } });
        host.append(fresh, fresh[0] && `#comment-${fresh[0].id}`);
        if (fresh.length) break;
      }
    } finally {
      host.set({ loadingMore: false });
    }
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
