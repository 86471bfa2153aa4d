import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { secretsEqual } from '../lib/crypto';
import { hashEmail } from '../moderation/identity';
import { assessEdit } from '../moderation/spam-checks';
import { AuditLog } from '../storage/audit-log';
import { LegacyLayout } from '../storage/legacy';
import { publishedKeys } from '../storage/published';
import { RecordStore, type CommentRecord } from '../storage/records';
import type { CommentStatus } from '../wire';
import { objectKv } from './kv-access';
import { mergeIncoming, type IncomingComment } from '../portability/merge';
import type {
  AuthorChange,
  AuthorEdit,
  ImportOutcome,
  ModeratorAction,
  ModeratorEdit,
  NewComment,
  PostOutcome,
  Publication,
  StatusChange,
  SubscriptionRow,
  ThreadRef,
  ThreadRefusal,
  ThreadResult,
  VerifyReport,
  CommentPlace,
} from './thread/protocol';
import { artifact, contentHash, POINTER, Publisher } from './thread/publisher';
import { editWindowOpen, isSkeleton, isTombstone, nextUpdatedAt, purgeAt, refusal, skeleton, statusAfterAuthorEdit, targetStatus, withStatus } from './thread/rules';
import { ThreadState, type CommentRow } from './thread/state';

const DAY_MS = 86_400_000;
/** The reconciler leaves keys written this recently alone: KV may not show them everywhere yet. */
const SETTLE_MS = 70_000;
/** Keys the reconciler reads back per thread per run. */
const CHECKS_PER_RUN = 25;
/** A subscription's confirmation mail is sent again at most this often. */
const RESEND_CONFIRMATION_MS = 3_600_000;

/** The name of a thread's object: its site and thread id (a site id never holds a newline; a thread id holds no control character). */
export function threadObjectName(site: string, thread: string): string {
  return `${site}\n${thread}`;
}

/**
 * A thread's single writer. Every change to the thread — a post, a reply, an edit, a delete, a
 * like, a moderator's decision, a lock, a pin, a follower — is applied here, one at a time, to
 * the thread's state in SQLite, then published: comment records and the views readers read to KV
 * (at most one write per key per second; an alarm writes the rest), and the changes to the site's
 * object (moderation queues). Readers never call it: they read KV. See docs/storage.md.
 */
export class ThreadObject extends DurableObject<Bindings> {
  private readonly state: ThreadState;
  private readonly publisher: Publisher;
  private refCache: ThreadRef | null = null;
  /** Whether this start looked for records an earlier release wrote in between (see ready()). */
  private checkedLayout = false;
  /**
   * When the alarm is set for, as this instance last set or read it (undefined: not read yet).
   * Each change of the alarm is a storage write, so one already early enough is left alone.
   */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.state = new ThreadState(ctx.storage.sql);
    const interval = Number(env.KV_WRITE_INTERVAL_MS ?? '1000');
    this.publisher = new Publisher({
      state: this.state,
      ref: () => this.ref(),
      kv: () => objectKv(env, 'thread'),
      siteIndex: (site) => env.SITE_OBJECTS.get(env.SITE_OBJECTS.idFromName(site)),
      minIntervalMs: Number.isFinite(interval) ? interval : 1000,
      alarm: {
        atMost: async (at) => {
          if (this.alarmAt === undefined) this.alarmAt = await ctx.storage.getAlarm();
          if (this.alarmAt === null || at < this.alarmAt) await this.setAlarm(at);
        },
        set: (at) => this.setAlarm(at),
      },
    });
  }

  // Readers' and authors' changes.

  async post(ref: ThreadRef, input: NewComment): Promise<ThreadResult<PostOutcome>> {
    await this.ready(ref);
    if (input.requestId) {
      const earlier = this.state.answered<Omit<PostOutcome, 'published'>>(input.requestId);
      if (earlier) return { ok: true, ...earlier, ...(await this.publish()) };
    }
    const now = Date.now();
    const record = input.record;
    if (record.parentId && !this.state.row(record.parentId)) return fail(refusal(400, 'parent_not_found', 'The comment you are replying to is not in this thread.', 'parentId'));
    if (this.isLocked(input.autoLockDays, now)) return fail(refusal(403, 'thread_locked', 'This thread is closed to new comments.'));
    if (input.poster && this.state.isDuplicate(input.poster, input.bodyHash, now - DAY_MS)) return fail(refusal(409, 'duplicate_comment', 'You already posted this comment here.', 'body'));
    if (this.state.row(record.id)) return fail(refusal(409, 'invalid_request', 'A comment with this id exists already.'));

    let outcome!: Omit<PostOutcome, 'published'>;
    this.transaction(() => {
      const rev = this.state.nextRev();
      // No row yet: checked above, with nothing awaited since.
      const row = this.state.save(record, rev, purgeAt(record.status, input.keepDays, now), null);
      this.state.markDirty(artifact.record(record.id), artifact.index(record.id), artifact.thread);
      if (record.status === 'approved') this.shown(row, true);
      if (input.poster) this.state.rememberPost(input.poster, input.bodyHash, now);
      let confirm = false;
      if (input.subscribe && record.status !== 'spam') confirm = this.addSubscription(input.subscribe.emailHash, input.subscribe.email, record.id, rev, now);
      const followed = record.status === 'approved' && this.state.anyConfirmed();
      outcome = { record, token: input.token, followed, confirm };
      if (input.requestId) this.state.rememberAnswer(input.requestId, outcome, now);
    });
    return { ok: true, ...outcome, ...(await this.publish()) };
  }

  async authorEdit(ref: ThreadRef, input: AuthorEdit): Promise<ThreadResult<{ record: CommentRecord } & Publication>> {
    await this.ready(ref);
    const now = Date.now();
    const checked = await this.authorsOwn(input, now);
    if ('refusal' in checked) return fail(checked.refusal);
    const current = checked.record;
    const verdict = assessEdit(input.site, { author: current.author, email: current.email ?? '', website: current.website ?? '', body: input.body, html: input.html }).verdict;
    const status = statusAfterAuthorEdit(current.status, verdict, input.site.moderation);
    const updated: CommentRecord = { ...current, body: input.body, html: input.html, status, editedAt: new Date(now).toISOString(), updatedAt: nextUpdatedAt(current, now) };
    this.commit(current, updated, purgeAt(status, input.keepDays, now), null);
    return { ok: true, record: updated, ...(await this.publish()) };
  }

  async authorDelete(ref: ThreadRef, input: AuthorChange): Promise<ThreadResult<{ record: CommentRecord } & Publication>> {
    await this.ready(ref);
    const now = Date.now();
    const checked = await this.authorsOwn(input, now);
    if ('refusal' in checked) return fail(checked.refusal);
    const current = checked.record;
    const updated: CommentRecord = { ...withStatus(current, 'removed', now), editedAt: new Date(now).toISOString() };
    this.commit(current, updated, purgeAt('removed', input.keepDays, now), { who: 'author', action: 'delete-own', detail: current.author });
    return { ok: true, record: updated, ...(await this.publish()) };
  }

  /** A reader likes (or unlikes) an approved comment: one like per voter, whatever happens meanwhile. */
  async like(ref: ThreadRef, input: { id: string; voter: string; liked: boolean }): Promise<ThreadResult<{ changed: boolean } & Publication>> {
    await this.ready(ref);
    const row = this.state.row(input.id);
    if (!row || row.status !== 'approved') return fail(refusal(404, 'not_found', 'No comment with that id.'));
    if (this.state.hasLike(input.id, input.voter) === input.liked) return { ok: true, changed: false, published: true };
    this.transaction(() => {
      this.state.setLike(input.id, input.voter, input.liked);
      this.state.touch(input.id, this.state.nextRev());
      this.state.markDirty(artifact.index(input.id));
      this.shown(this.state.row(input.id)!, false);
    });
    return { ok: true, changed: true, ...(await this.publish()) };
  }

  // Moderators' changes.

  async moderate(ref: ThreadRef, input: ModeratorAction): Promise<ThreadResult<StatusChange>> {
    await this.ready(ref);
    let applied!: Omit<StatusChange, 'published'> | ThreadRefusal;
    this.transaction(() => {
      applied = this.applyModeration(input, Date.now());
    });
    if ('code' in applied) return fail(applied);
    return { ok: true, ...applied, ...(await this.publish()) };
  }

  /** One moderator's action on many comments of this thread, published once. */
  async moderateMany(ref: ThreadRef, input: Omit<ModeratorAction, 'id' | 'expect'> & { ids: string[] }): Promise<ThreadResult<{ done: Omit<StatusChange, 'published'>[]; failed: { id: string; message: string }[] } & Publication>> {
    await this.ready(ref);
    const done: Omit<StatusChange, 'published'>[] = [];
    const failed: { id: string; message: string }[] = [];
    this.transaction(() => {
      const now = Date.now();
      for (const id of input.ids) {
        const applied = this.applyModeration({ ...input, id }, now);
        if ('code' in applied) failed.push({ id, message: applied.message });
        else done.push(applied);
      }
    });
    return { ok: true, done, failed, ...(await this.publish()) };
  }

  /** Applies a moderator's action to the current record (inside a transaction). */
  private applyModeration(input: ModeratorAction, now: number): Omit<StatusChange, 'published'> | ThreadRefusal {
    const current = this.state.record(input.id);
    if (!current || isErased(current)) return refusal(404, 'not_found', 'No comment with that id.');
    if (input.expect && current.status !== input.expect) {
      return refusal(409, 'link_stale', `This comment is ${STATUS_WORDS[current.status]} now (changed ${current.updatedAt.slice(0, 16).replace('T', ' ')} UTC), so this link no longer applies.`);
    }
    const status = targetStatus(input.action, current);
    if (typeof status !== 'string') return status;
    if (status === current.status) return { before: current, after: current, changed: false, notifyFollowers: false };
    const updated = withStatus(current, status, now);
    this.change(current, updated, purgeAt(status, input.keepDays, now), { who: input.actor, by: input.actorId, action: input.action, detail: `${current.author}: ${current.status} → ${status}` });
    return { before: current, after: updated, changed: true, notifyFollowers: this.notifyFollowers(current, updated) };
  }

  async moderatorEdit(ref: ThreadRef, input: ModeratorEdit): Promise<ThreadResult<StatusChange>> {
    await this.ready(ref);
    const current = this.state.record(input.id);
    if (!current || isErased(current)) return fail(refusal(404, 'not_found', 'No comment with that id.'));
    const now = Date.now();
    let updated: CommentRecord = { ...current, author: input.author, body: input.body, html: input.html, editedBy: input.actor, updatedAt: nextUpdatedAt(current, now) };
    if (input.approve) updated = { ...withStatus(updated, 'approved', now), updatedAt: updated.updatedAt };
    this.commit(current, updated, purgeAt(updated.status, input.keepDays, now), { who: input.actor, by: input.actorId, action: input.approve ? 'edit+approve' : 'edit', detail: current.author });
    return { ok: true, before: current, after: updated, changed: true, notifyFollowers: this.notifyFollowers(current, updated), ...(await this.publish()) };
  }

  async setLocked(ref: ThreadRef, input: { locked: boolean; actor: string; actorId?: string }): Promise<ThreadResult<Publication>> {
    await this.ready(ref);
    this.transaction(() => {
      this.state.setMeta('locked', input.locked);
      this.state.nextRev();
      this.state.markDirty(artifact.view, artifact.thread);
      this.audit({ who: input.actor, by: input.actorId, action: input.locked ? 'lock' : 'unlock' });
    });
    return { ok: true, ...(await this.publish()) };
  }

  async setPinned(ref: ThreadRef, input: { id: string; pinned: boolean; actor: string; actorId?: string }): Promise<ThreadResult<{ record: CommentRecord } & Publication>> {
    await this.ready(ref);
    const row = this.state.row(input.id);
    if (!row) return fail(refusal(404, 'not_found', 'No comment with that id.'));
    const record = JSON.parse(row.record) as CommentRecord;
    this.transaction(() => {
      const others = this.state.pinned.filter((id) => id !== input.id);
      this.state.setMeta('pinned', JSON.stringify(input.pinned ? [...others, input.id] : others));
      this.state.nextRev();
      this.state.markDirty(artifact.view, artifact.thread);
      this.markPlace(row);
      this.audit({ who: input.actor, by: input.actorId, action: input.pinned ? 'pin' : 'unpin', commentId: input.id, detail: record.author });
    });
    return { ok: true, record, ...(await this.publish()) };
  }

  // Followers (email subscriptions).

  async subscribe(ref: ThreadRef, input: { emailHash: string; email: string; target: string }): Promise<ThreadResult<{ confirm: boolean } & Publication>> {
    await this.ready(ref);
    if (input.target !== 'thread' && !this.state.row(input.target)) return fail(refusal(400, 'parent_not_found', 'That comment is not in this thread.', 'commentId'));
    let confirm = false;
    this.transaction(() => {
      confirm = this.addSubscription(input.emailHash, input.email, input.target, this.state.nextRev(), Date.now());
    });
    return { ok: true, confirm, ...(await this.publish()) };
  }

  /** A subscription by its hash and target, or by the key a link made before thread objects named. */
  async subscription(ref: ThreadRef, input: { emailHash: string; target: string } | { legacyKey: string }): Promise<SubscriptionRow | null> {
    await this.ready(ref);
    return 'legacyKey' in input ? this.state.subscriptionByLegacyKey(input.legacyKey) : this.state.subscription(input.emailHash, input.target);
  }

  async confirmSubscription(ref: ThreadRef, input: { emailHash: string; target: string }): Promise<ThreadResult<{ subscription: SubscriptionRow | null; changed: boolean } & Publication>> {
    await this.ready(ref);
    const sub = this.state.subscription(input.emailHash, input.target);
    if (!sub) return { ok: true, subscription: null, changed: false, published: true };
    if (sub.confirmed) return { ok: true, subscription: sub, changed: false, ...(await this.publish()) };
    const confirmed: SubscriptionRow = { ...sub, confirmed: true, confirmedAt: new Date().toISOString() };
    this.transaction(() => {
      this.state.putSubscription(confirmed, this.state.nextRev());
      this.state.markDirty(artifact.subscription(sub.emailHash, sub.target), artifact.view, artifact.thread);
    });
    return { ok: true, subscription: confirmed, changed: true, ...(await this.publish()) };
  }

  async unsubscribe(ref: ThreadRef, input: { emailHash: string; target?: string }): Promise<ThreadResult<{ removed: number } & Publication>> {
    await this.ready(ref);
    const subs = this.state.allSubscriptions().filter((sub) => sub.emailHash === input.emailHash && (input.target === undefined || sub.target === input.target));
    if (subs.length === 0) return { ok: true, removed: 0, published: true };
    this.transaction(() => {
      this.state.nextRev();
      for (const sub of subs) {
        this.state.deleteSubscription(sub.emailHash, sub.target);
        this.state.markDirty(artifact.subscription(sub.emailHash, sub.target));
      }
      this.state.markDirty(artifact.view, artifact.thread);
    });
    return { ok: true, removed: subs.length, ...(await this.publish()) };
  }

  /** Confirmed subscribers to tell of an approved comment (not its own author). */
  async recipients(ref: ThreadRef, input: { commentId: string }): Promise<{ record: CommentRecord; recipients: SubscriptionRow[] } | null> {
    await this.ready(ref);
    const record = this.state.record(input.commentId);
    if (!record || record.status !== 'approved') return null;
    const authorHash = record.email ? await hashEmail(this.env, record.email) : null;
    return { record, recipients: this.state.recipients(record.parentId).filter((sub) => sub.emailHash !== authorHash) };
  }

  // Reads that must be exact (moderation pages), and data portability.

  async get(ref: ThreadRef, input: { id: string }): Promise<{ record: CommentRecord; likes: number } | null> {
    await this.ready(ref);
    const row = this.state.row(input.id);
    if (!row) return null;
    const record = JSON.parse(row.record) as CommentRecord;
    return isErased(record) ? null : { record, likes: row.likes };
  }

  /**
   * Where a shown comment is on the pages readers read (for a link to a comment that is not on
   * the first page): its top-level comment's block, and for a reply its page of replies. Null
   * when it is not shown.
   */
  async place(ref: ThreadRef, input: { id: string }): Promise<CommentPlace | null> {
    await this.ready(ref);
    const row = this.state.row(input.id);
    if (!row || (row.status !== 'approved' && this.state.visibleReplyCount(row.root_id) === 0)) return null;
    const root = row.parent_id === null ? row : this.state.row(row.root_id);
    if (!root || root.block === null) return null;
    return { root: root.id, page: root.block, replyPage: row.parent_id === null ? null : row.reply_page };
  }

  /** The thread's settings and everything a full export of it holds. */
  async snapshot(ref: ThreadRef): Promise<{ locked: boolean; pinned: string[]; subscriptions: SubscriptionRow[] }> {
    await this.ready(ref);
    return { locked: this.state.locked, pinned: this.state.pinned, subscriptions: this.state.allSubscriptions() };
  }

  /**
   * Writes comments from an import or a restore, merged with what is here by the rules of
   * ../portability/merge.ts (a comment moderated here keeps its status; an unchanged one is not
   * written). Also restores likes (as counts), thread settings and subscriptions when given.
   */
  async importComments(
    ref: ThreadRef,
    input: {
      mode: 'import' | 'restore';
      comments: IncomingComment[];
      keepDays: number;
      settings?: { locked: boolean; pinned: string[] };
      subscriptions?: SubscriptionRow[];
    },
  ): Promise<ThreadResult<ImportOutcome>> {
    await this.ready(ref);
    const now = Date.now();
    const outcome = { created: 0, updated: 0, unchanged: 0, settingsChanged: false, subscriptionsChanged: 0 };
    this.transaction(() => {
      // Parents before replies: ids sort by time, and a reply is always newer than its parent.
      for (const incoming of [...input.comments].sort((a, b) => (a.record.id < b.record.id ? -1 : 1))) {
        const previousRow = this.state.row(incoming.record.id);
        const here = previousRow ? (JSON.parse(previousRow.record) as CommentRecord) : null;
        // A comment moving in from another thread is merged with what it was there.
        const previous = here && !isSkeleton(here) ? here : (incoming.previous ?? null);
        const merged = mergeIncoming(previous, incoming, input.mode, now);
        if (merged.record) {
          const record = merged.record;
          if (record.parentId && !this.state.row(record.parentId)) this.addPlaceholderParent(record);
          outcome[previous ? 'updated' : 'created']++;
          const expiresAt = incoming.expiration ? incoming.expiration * 1000 : purgeAt(record.status, input.keepDays, now);
          this.change(previous, record, isTombstone(record.status) ? expiresAt : null, null);
        } else outcome.unchanged++;
        const row = this.state.row(incoming.record.id)!;
        if (merged.likes && row.likes < merged.likes) this.restoreLikes(row, merged.likes);
      }
      if (input.settings && (input.settings.locked !== this.state.locked || JSON.stringify(input.settings.pinned) !== JSON.stringify(this.state.pinned))) {
        this.state.setMeta('locked', input.settings.locked);
        this.state.setMeta('pinned', JSON.stringify(input.settings.pinned));
        this.state.nextRev();
        this.state.markDirty(artifact.view, artifact.thread);
        for (const id of input.settings.pinned) {
          const row = this.state.row(id);
          if (row) this.markPlace(row);
        }
        outcome.settingsChanged = true;
      }
      for (const sub of input.subscriptions ?? []) {
        const current = this.state.subscription(sub.emailHash, sub.target);
        // A confirmed subscription stays confirmed; the same one again changes nothing.
        if (current && (current.confirmed || JSON.stringify(current) === JSON.stringify(sub))) continue;
        this.state.putSubscription(sub, this.state.nextRev());
        this.state.markDirty(artifact.subscription(sub.emailHash, sub.target), artifact.view, artifact.thread);
        outcome.subscriptionsChanged++;
      }
    });
    return { ok: true, ...outcome, ...(await this.publish()) };
  }

  /**
   * Lets go of comments that move to another thread (a re-import with another mapping): gone from
   * here, and their KV record deleted before this returns, so the thread they move to writes its
   * own after it. Not by the publisher: a deletion it puts off (one write a second per key) could
   * land after that write. This object then forgets the key: neither its alarm nor the reconciler
   * touches it again.
   */
  async release(ref: ThreadRef, input: { ids: string[] }): Promise<ThreadResult<{ released: CommentRecord[] } & Publication>> {
    await this.ready(ref);
    const released: CommentRecord[] = [];
    const olderKeys = new Map(await Promise.all(input.ids.map(async (id) => [id, await RecordStore.recordKey(ref.site, ref.thread, id)] as const)));
    this.transaction(() => {
      for (const id of input.ids) {
        const row = this.state.row(id);
        if (!row) continue;
        released.push(JSON.parse(row.record) as CommentRecord);
        this.state.nextRev();
        this.state.delete(id);
        if (row.status === 'approved') {
          this.state.markDirty(artifact.view, artifact.count);
          this.markPlace(row);
        }
        this.state.clearDirty(artifact.record(id));
        this.state.forgetWrite(RecordStore.pointerKey(id));
        this.state.forgetWrite(olderKeys.get(id)!);
        this.state.markDirty(artifact.index(id), artifact.thread);
      }
    });
    const records = new RecordStore(objectKv(this.env, 'thread'));
    // Both layouts' keys. A failure is logged, not thrown: the comments are already gone from here,
    // and the thread they move to overwrites `ptr:` in any case.
    await Promise.all(released.map((record) => records.delete(ref, record.id).catch((error) => console.error('releasing: record not deleted', record.id, error))));
    return { ok: true, released, ...(await this.publish()) };
  }

  /**
   * Erases comments for good (a GDPR request): their records go from here and from KV, their
   * likes and the subscriptions to their replies too. A comment with replies leaves a skeleton
   * (its id and place, nothing it said) so the replies keep their place under a placeholder.
   */
  async erase(ref: ThreadRef, input: { ids: string[] }): Promise<ThreadResult<{ erased: CommentRecord[] } & Publication>> {
    await this.ready(ref);
    const erased: CommentRecord[] = [];
    this.transaction(() => {
      for (const id of input.ids) {
        const row = this.state.row(id);
        if (!row) continue;
        const record = JSON.parse(row.record) as CommentRecord;
        if (isErased(record)) continue;
        erased.push(record);
        this.eraseRow(row, record);
      }
      this.pruneSkeletons();
    });
    return { ok: true, erased, ...(await this.publish()) };
  }

  /**
   * The reconciler's visit: deletes tombstones whose time is up, reads back the KV keys least
   * recently checked and rewrites any that differ from what was written, sends the site's index
   * what it missed (its revision `siteRev` is behind), and publishes anything pending.
   */
  async verify(ref: ThreadRef, input: { siteRev: number }): Promise<VerifyReport> {
    await this.ready(ref);
    const now = Date.now();
    const report: VerifyReport = { checked: 0, repaired: [], reindexed: 0, purged: 0 };
    const expired = this.state.expired(now);
    if (expired.length) {
      this.transaction(() => {
        for (const row of expired) this.eraseRow(row, JSON.parse(row.record) as CommentRecord);
        this.pruneSkeletons();
      });
      report.purged = expired.length;
    }
    const kv = objectKv(this.env, 'thread');
    const viewKey = await publishedKeys.view(ref.site, ref.thread);
    if (!this.state.isEmpty() && !this.state.lastWrite(viewKey)) this.state.markDirty(artifact.view, artifact.count);
    for (const written of this.state.writesToCheck(now - SETTLE_MS, CHECKS_PER_RUN)) {
      report.checked++;
      const { value, metadata } = await kv.getWithMetadata(written.kv_key, 'text');
      const recordId = artifact.recordId(written.artifact);
      const isRecord = recordId !== null;
      const row = isRecord ? this.state.row(recordId) : null;
      if (isRecord && !row) {
        // A comment no longer here: erased or purged (its deletion forgot the key), or moved to
        // another thread, whose record this key may hold now. Never this object's to rewrite or delete.
        this.state.forgetWrite(written.kv_key);
        continue;
      }
      const hash = value === null ? null : isRecord ? contentHash(value, row?.purge_at ?? null) : contentHash(value, metadata ?? undefined);
      this.state.markChecked(written.kv_key, now);
      if (hash !== written.hash) {
        this.state.forgetWrite(written.kv_key);
        this.state.markDirty(written.artifact);
        report.repaired.push(written.kv_key);
      }
    }
    if (input.siteRev < this.state.rev) {
      const changed = this.state.changedSince(input.siteRev);
      const subs = this.state.subscriptionsChangedSince(input.siteRev);
      for (const row of changed) this.state.markDirty(artifact.index(row.id));
      for (const sub of subs) this.state.markDirty(artifact.subscription(sub.emailHash, sub.target));
      this.state.markDirty(artifact.thread);
      report.reindexed = changed.length;
    }
    await this.publish();
    return report;
  }

  /** Makes sure the thread is loaded and published (a view in the layout before thread objects is replaced). */
  async publishNow(ref: ThreadRef): Promise<ThreadResult<Publication>> {
    await this.ready(ref);
    const viewKey = await publishedKeys.view(ref.site, ref.thread);
    if (!this.state.lastWrite(viewKey)) this.state.markDirty(artifact.view, artifact.count);
    return { ok: true, ...(await this.publish()) };
  }

  async alarm(): Promise<void> {
    // The alarm that fired is gone (the runtime keeps one set while this runs).
    this.alarmAt = null;
    if (!this.state.getMeta('site')) return;
    await this.publisher.flush();
  }

  // Internals.

  private async setAlarm(at: number): Promise<void> {
    if (this.alarmAt === at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private ref(): ThreadRef {
    if (!this.refCache) {
      const site = this.state.getMeta('site');
      const thread = this.state.getMeta('thread');
      if (site === null || thread === null) throw new Error('thread object used before it knew its thread');
      this.refCache = { site, thread };
    }
    return this.refCache;
  }

  /** Learns (once) which thread this is, and loads a thread stored before thread objects. */
  private async ready(ref: ThreadRef): Promise<void> {
    const known = this.state.getMeta('site');
    if (known === null) {
      this.state.setMeta('site', ref.site);
      this.state.setMeta('thread', ref.thread);
    } else if (known !== ref.site || this.state.getMeta('thread') !== ref.thread) {
      throw new Error(`thread object of ${known}/${this.state.getMeta('thread')} called for ${ref.site}/${ref.thread}`);
    }
    if (this.state.getMeta('loaded') !== 'true') await this.ctx.blockConcurrencyWhile(() => this.loadLegacy(ref));
    if (!this.checkedLayout) {
      // Once per start: a comment an earlier release changed in between is written whole to `ptr:` again.
      this.checkedLayout = true;
      for (const { kvKey, id } of this.state.recordsWrittenByEarlierRelease(RecordStore.sitePrefix(), artifact.record(''), POINTER.record)) {
        this.state.forgetWrite(kvKey);
        this.state.markPointerWritten(id, POINTER.place);
        this.state.markDirty(artifact.record(id));
      }
    }
  }

  /**
   * The first time a thread's object starts, it takes in what an earlier release stored in KV
   * for the thread: records, settings, likes and subscriptions. It asks the site's index first
   * whether there is any: a new thread costs no KV operation.
   */
  private async loadLegacy(ref: ThreadRef): Promise<void> {
    if (this.state.getMeta('loaded') === 'true') return;
    // The site's index knows which threads an earlier release stored: a new thread reads nothing from KV.
    const site = this.env.SITE_OBJECTS.get(this.env.SITE_OBJECTS.idFromName(ref.site));
    if (!(await site.isLegacyThread(ref.site, { thread: ref.thread }))) {
      this.state.setMeta('loaded', true);
      return;
    }
    const kv = objectKv(this.env, 'thread');
    const records = await new RecordStore(kv).listThread(ref.site, ref.thread);
    const legacy = new LegacyLayout(kv);
    const settings = await legacy.threadSettings(ref.site, ref.thread);
    const [likes, subscriptions] = records.length || settings ? await Promise.all([legacy.likes(ref.site, ref.thread), legacy.subscriptions(ref.site, ref.thread)]) : [new Map<string, string[]>(), []];
    const hashed = await Promise.all(subscriptions.map(async (sub) => ({ sub, emailHash: (await hashEmail(this.env, sub.email)) ?? sub.key.split(':')[3] })));
    this.transaction(() => {
      for (const { record, expiration } of records.sort((a, b) => (a.record.id < b.record.id ? -1 : 1))) {
        if (record.parentId && !this.state.row(record.parentId)) this.addPlaceholderParent(record);
        const row = this.state.save(record, 0, expiration ? expiration * 1000 : null);
        this.state.markPointerWritten(record.id, POINTER.place);
        if (record.status === 'approved') this.state.place(row);
        for (const voter of likes.get(record.id) ?? []) this.state.setLike(record.id, voter, true);
      }
      if (settings) {
        this.state.setMeta('locked', settings.locked);
        this.state.setMeta('pinned', JSON.stringify(settings.pinned));
      }
      for (const { sub, emailHash } of hashed) {
        this.state.putSubscription({ emailHash, target: sub.target, email: sub.email, confirmed: sub.confirmed, createdAt: sub.createdAt, ...(sub.confirmedAt ? { confirmedAt: sub.confirmedAt } : {}) }, 0, sub.key);
        this.state.markDirty(artifact.subscription(emailHash, sub.target));
      }
      if (records.length || settings) {
        this.state.markDirty(artifact.view, artifact.count, artifact.thread);
        for (let block = 0; block <= this.state.lastBlock(); block++) this.state.markDirty(artifact.block(block));
        for (const row of this.state.allRows()) if (row.parent_id !== null && row.reply_page !== null) this.state.markDirty(artifact.replies(row.root_id, row.reply_page));
      }
      this.state.setMeta('loaded', true);
    });
  }

  private async publish(): Promise<Publication> {
    const { failed } = await this.publisher.flush();
    return { published: !failed };
  }

  /** Followers hear of a comment once: the first time it is published, if anyone follows here. */
  private notifyFollowers(before: CommentRecord, after: CommentRecord): boolean {
    return after.status === 'approved' && !before.notifiedAt && this.state.anyConfirmed();
  }

  private isLocked(autoLockDays: number | null, now: number): boolean {
    if (this.state.locked) return true;
    const firstAt = this.state.firstShownAt();
    return autoLockDays !== null && firstAt !== null && now - firstAt > autoLockDays * DAY_MS;
  }

  /** The author's own comment, when the token is right, it is not a tombstone and the edit window is open. */
  private async authorsOwn(input: AuthorChange, now: number): Promise<{ record: CommentRecord } | { refusal: ThreadRefusal }> {
    const record = this.state.record(input.id);
    if (!record || isErased(record)) return { refusal: refusal(404, 'not_found', 'No comment with that id.') };
    if (!record.tokenHash || !(await secretsEqual(input.tokenHash, record.tokenHash))) {
      return { refusal: refusal(401, 'unauthorized', 'Only the author of this comment can change it (the edit token is missing or wrong).') };
    }
    // The author's own changes never bring back what a moderator (or the author) took down.
    // Read again: checking the token awaited, and another change may have been applied meanwhile.
    const current = this.state.record(input.id)!;
    if (isTombstone(current.status)) return { refusal: refusal(404, 'not_found', 'No comment with that id.') };
    if (!editWindowOpen(current, input.editWindowMinutes, now)) {
      return { refusal: refusal(403, 'edit_window_closed', `Comments can be changed for ${input.editWindowMinutes} minutes after posting.`) };
    }
    return { record: current };
  }

  /** Saves a new version of a comment and marks what it changes for publication. */
  private change(before: CommentRecord | null, after: CommentRecord, purge: number | null, audit: { who: string; by?: string; action: string; detail?: string } | null): void {
    const wasShown = before?.status === 'approved';
    const row = this.state.save(after, this.state.nextRev(), purge);
    this.state.markDirty(artifact.record(after.id), artifact.index(after.id), artifact.thread);
    const isShown = after.status === 'approved';
    if (isShown || wasShown) this.shown(row, wasShown !== isShown);
    if (audit) this.audit({ ...audit, commentId: after.id });
  }

  /**
   * `transactionSync`; when it throws (and SQLite rolled back what it wrote), the state's cached
   * settings are forgotten with it.
   */
  private transaction<T>(work: () => T): T {
    try {
      return this.ctx.storage.transactionSync(work);
    } catch (error) {
      this.state.forgetCache();
      throw error;
    }
  }

  /** {@link change}, as one transaction. */
  private commit(before: CommentRecord | null, after: CommentRecord, purge: number | null, audit: { who: string; by?: string; action: string; detail?: string } | null): void {
    this.transaction(() => this.change(before, after, purge, audit));
  }

  /**
   * Marks what readers see of a comment for publication: the page it is on and the view, the
   * count when it appeared or disappeared, and pages whose placeholders depend on it.
   */
  private shown(row: CommentRow, visibilityChanged: boolean): void {
    if (row.status === 'approved') {
      const closed = this.state.place(row);
      for (const block of closed.blocks) this.state.markDirty(artifact.block(block));
      for (const page of closed.replyPages) this.state.markDirty(artifact.replies(row.root_id, page));
    }
    const placed = this.state.row(row.id)!;
    this.state.markDirty(artifact.view);
    if (visibilityChanged) this.state.markDirty(artifact.count);
    this.markPlace(placed);
    if (visibilityChanged && placed.parent_id !== null) for (const page of this.descendantPages(placed)) this.state.markDirty(page);
  }

  /** The block (and reply page) a comment appears on. */
  private markPlace(row: CommentRow): void {
    if (row.parent_id === null) {
      if (row.block !== null) this.state.markDirty(artifact.block(row.block));
      return;
    }
    const root = this.state.row(row.root_id);
    if (root?.block !== null && root?.block !== undefined) this.state.markDirty(artifact.block(root.block));
    if (row.reply_page !== null) this.state.markDirty(artifact.replies(row.root_id, row.reply_page));
  }

  /** Pages of replies that show a placeholder for this comment (its shown descendants reached through hidden ones). */
  private descendantPages(row: CommentRow): string[] {
    const pages = new Set<string>();
    const queue = this.state.children(row.id);
    for (let child = queue.shift(); child; child = queue.shift()) {
      if (child.status === 'approved') {
        if (child.reply_page !== null) pages.add(artifact.replies(child.root_id, child.reply_page));
      } else queue.push(...this.state.children(child.id));
    }
    return [...pages];
  }

  private eraseRow(row: CommentRow, record: CommentRecord): void {
    const rev = this.state.nextRev();
    const hasReplies = this.state.children(row.id).length > 0;
    for (const sub of this.state.allSubscriptions().filter((one) => one.target === row.id)) {
      this.state.deleteSubscription(sub.emailHash, sub.target);
      this.state.markDirty(artifact.subscription(sub.emailHash, sub.target));
    }
    if (hasReplies) {
      const updated = this.state.save(skeleton(record, 'erased', Date.now()), rev, null);
      this.state.clearLikes(row.id);
      if (row.status === 'approved') this.shown(updated, true);
    } else {
      this.state.delete(row.id);
      if (row.status === 'approved') {
        this.state.markDirty(artifact.view, artifact.count);
        this.markPlace(row);
        if (row.parent_id !== null) for (const page of this.descendantPages(row)) this.state.markDirty(page);
      }
    }
    this.state.markDirty(artifact.record(row.id), artifact.index(row.id), artifact.thread);
  }

  /** Deletes skeletons left with no replies (their replies were erased too), up the tree. */
  private pruneSkeletons(): void {
    for (let pruned = true; pruned; ) {
      pruned = false;
      for (const row of this.state.skeletonsWithoutChildren()) {
        this.state.delete(row.id);
        this.state.markDirty(artifact.record(row.id), artifact.index(row.id), artifact.view);
        this.markPlace(row);
        pruned = true;
      }
    }
  }

  /** A reply whose parent this thread never had (an export that left it out) keeps its place under a skeleton parent. */
  private addPlaceholderParent(record: CommentRecord): void {
    const parentId = record.parentId!;
    const createdAt = new Date(Math.min(parseInt(parentId.slice(0, 9), 36) || Date.parse(record.createdAt), Date.parse(record.createdAt))).toISOString();
    this.state.save(skeleton({ id: parentId, site: record.site, thread: record.thread, parentId: null, createdAt }, 'placeholder', Date.now()), this.state.nextRev(), null);
  }

  private restoreLikes(row: CommentRow, count: number): void {
    for (let n = 0; row.likes < count && n < count * 2; n++) {
      if (!this.state.hasLike(row.id, `restored-${n}`)) {
        this.state.setLike(row.id, `restored-${n}`, true);
        row = this.state.row(row.id)!;
      }
    }
    this.shown(row, false);
  }

  /** Adds an unconfirmed subscription; returns whether to mail a confirmation (not when confirmed already or mailed within the hour). */
  private addSubscription(emailHash: string, email: string, target: string, rev: number, now: number): boolean {
    const existing = this.state.subscription(emailHash, target);
    if (existing?.confirmed) return false;
    if (existing && now - Date.parse(existing.createdAt) < RESEND_CONFIRMATION_MS) return false;
    this.state.putSubscription({ emailHash, target, email, confirmed: false, createdAt: new Date(now).toISOString() }, rev);
    this.state.markDirty(artifact.subscription(emailHash, target));
    return true;
  }

  private audit({ by, ...fields }: { who: string; by?: string; action: string; commentId?: string; detail?: string }): void {
    const { site, thread } = this.ref();
    this.state.queueAudit(AuditLog.entry({ ...fields, ...(by ? { by } : {}), site, thread }));
    this.state.markDirty(artifact.audit);
  }
}

function isErased(record: CommentRecord): boolean {
  return isSkeleton(record);
}

function fail(refusal: ThreadRefusal): { ok: false; refusal: ThreadRefusal } {
  return { ok: false, refusal };
}

const STATUS_WORDS: Record<CommentStatus, string> = { pending: 'waiting for moderation', approved: 'approved', spam: 'marked as spam', removed: 'removed' };
