import { followForm } from '../components/follow-form/follow-form';
import { enErrors } from '../i18n/en-extra';
import { saveLikes, saveOwn, type Like } from '../lib/own-comments';
import { likeOf } from '../state/thread';
import styles from '../styles/extra.css?inline';
import { fillCounts } from './counts';
import type { Features, Preact } from './features';
import { formFeatures } from './forms';
import { client, loadReplyPages, ownEntry, profileOf, removeNode, subtree, unseen, words } from './host';
import { startTurnstile } from './turnstile';

/*
 * widget-extra.js: everything that writes, and the features only some readers use, loaded on
 * first use by widget.js (see ./features.ts). Each changes what the widget shows only through
 * the store's actions it is given.
 */

/** The features, for widget.js's Preact: the forms they bring are made of its elements and components. */
export const createFeatures = (preact: Preact): Features => ({
  errors: enErrors,
  styles,
  ...formFeatures(preact),

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
    const shown = new Set(subtree(host.nodes.get(id)!));
    await loadReplyPages(host, id);
    // Focus goes to the first reply that came, wherever in the conversation it sits.
    const first = subtree(host.nodes.get(id)!).find((reply) => !shown.has(reply));
    host.change(id, { expanded: true }, first && `#comment-${first}`);
  },

  async highlight(host, id) {
    // Before the first page is shown, nothing: the store asks again then.
    if (!host.state.info) return;
    if (!host.nodes.has(id)) {
      const place = await client(host).place(id);
      if (place.thread !== host.thread) return;
      if (!host.nodes.has(place.root)) host.append(unseen(host, (await client(host).page(host.site, host.thread, 'oldest', place.page)).comments));
      if (place.replyPage !== null) await loadReplyPages(host, place.root, place.replyPage);
    }
    const node = host.nodes.get(id);
    // The address may have named another comment meanwhile.
    if (!node || id !== host.linked) return;
    for (const other of host.nodes.values()) if (other.highlighted) host.change(other.comment.id, { highlighted: false });
    for (let above = node.parent; above; above = above.parent) above.expanded = true;
    host.change(id, { highlighted: true }, `#comment-${id}`);
  },

  async like(host, id) {
    const before = host.state.likes;
    const node = host.nodes.get(id)!;
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

  async remove(host, id) {
    if (!confirm(words(host).confirmDelete)) return;
    const entry = ownEntry(host, id);
    await client(host).remove(id, entry.token);
    saveOwn(entry, true);
    const { own, info } = host.state;
    // Its replies keep their place, under a placeholder.
    const node = host.nodes.get(id)!;
    if (node.replies.length) host.change(id, { own: undefined, comment: { ...node.comment, author: '', html: '', deleted: true, pending: false } });
    else removeNode(host, id);
    host.set({ own: own.filter((other) => other !== entry), info: { ...info!, total: info!.total - 1 }, notice: words(host).deleted }, 'h2');
  },

  async follow(host, email) {
    await client(host).follow({ site: host.site, thread: host.thread, email });
    host.say(words(host).followSent);
  },

  async openFollow(host) {
    const profile = profileOf(host);
    host.set({ profile, following: followForm(preact.h, words(host), profile.email) }, '.follow input');
  },

  moveFocus(element) {
    element.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    element.focus({ preventScroll: true });
  },

  startTurnstile,
  fillCounts,
});
