import type { AppEnv, Bindings } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { renderMarkdown } from '../lib/markdown';
import { hashEmail, importedAvatarSeed } from '../moderation/identity';
import { SubscriptionStore } from '../storage/subscription-store';
import type { CommentRecord, RebuildReason } from '../storage/comment-store';
import { IMPORT_FLAGS, type ImportBatch, type ImportBatchResult } from './model';
import { EXPORTED_FIELDS, exportSubscription, type ExportedComment, type RestoreBatch, type RestoreResult } from './parley-format';
import { PortabilityStore } from './portability-store';

/** What the import, export and erasure services use from a request. */
export interface PortabilityContext {
  var: Pick<AppEnv['Variables'], 'store' | 'moderation' | 'sites'> & { actor: string };
  env: Bindings;
}

/** The portability store of a request (same KV binding as the comment store). */
export function portabilityStore(c: PortabilityContext): PortabilityStore {
  return new PortabilityStore(c.env.PARLEY_KV);
}

const DAY_SECONDS = 86_400;
/** View rebuilds run a few at a time: each is a handful of KV calls. */
const REBUILD_CONCURRENCY = 4;

/** Threads to rebuild once each at the end of a request, and why. */
class TouchedThreads {
  private readonly threads = new Map<string, { site: string; thread: string; reason: RebuildReason }>();

  add(site: string, thread: string, reason: RebuildReason = 'change'): void {
    const key = `${site}\n${thread}`;
    const known = this.threads.get(key);
    if (!known || reason === 'likes') this.threads.set(key, { site, thread, reason });
  }

  get size(): number {
    return this.threads.size;
  }

  /** Rebuilds each thread's view once. */
  async rebuild(c: PortabilityContext): Promise<void> {
    const queue = [...this.threads.values()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await c.var.store.rebuildView(next.site, next.thread, next.reason);
    };
    await Promise.all(Array.from({ length: Math.min(REBUILD_CONCURRENCY, queue.length) }, worker));
  }
}

function uniqueIds(ids: string[]): void {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id)) throw new ApiError(400, 'invalid_request', `comment ${id} is in this request twice`, `comments.${index}.id`);
    seen.add(id);
  }
}

function sameSite(previous: CommentRecord | undefined, site: string, index: number): void {
  if (previous && previous.site !== site) {
    throw new ApiError(409, 'invalid_request', `comment ${previous.id} belongs to another site; nothing was imported`, `comments.${index}.id`);
  }
}

/**
 * Writes a batch of comments read from a WordPress or Disqus export (`POST /api/admin/import`).
 *
 * - New comments are created with their original date and the status the export gave them;
 *   comments without an edit token (imported ones) can be moderated but not edited by readers.
 * - A comment already in Parley (same derived id: the file was imported before) keeps what
 *   was done to it here (its status, a moderator's edit) and takes the rest from the file;
 *   when nothing differs, nothing is written, so re-running an import costs only reads.
 * - Comments erased on request (GDPR) are never brought back.
 * - Each touched thread's view is rebuilt once, at the end.
 */
export async function applyImport(c: PortabilityContext, site: SiteConfig, batch: ImportBatch): Promise<ImportBatchResult> {
  const ids = batch.comments.map((comment) => comment.id);
  uniqueIds(ids);
  const portability = portabilityStore(c);
  const [existing, erased] = await Promise.all([c.var.store.getMany(ids), portability.erasedAmong(site.id, ids)]);
  const result: ImportBatchResult = { created: 0, updated: 0, unchanged: 0, erased: [], threads: 0 };
  const touched = new TouchedThreads();
  const now = Date.now();
  const writes: Promise<void>[] = [];

  for (const [index, comment] of batch.comments.entries()) {
    if (erased.has(comment.id)) {
      result.erased.push(comment.id);
      continue;
    }
    const previous = existing.get(comment.id);
    sameSite(previous, site.id, index);
    const edited = Boolean(previous?.editedBy || previous?.editedAt);
    const author = edited ? previous!.author : comment.author;
    const body = edited ? previous!.body : comment.body;
    const record: CommentRecord = {
      id: comment.id,
      site: site.id,
      thread: comment.thread,
      parentId: comment.parentId,
      author,
      email: comment.email,
      website: comment.website,
      body,
      html: edited ? previous!.html : renderMarkdown(body),
      status: previous?.status ?? comment.status,
      // Dated at the time of an earlier import (the file dates it nowhere): that date stands.
      createdAt: previous && comment.flags?.includes(IMPORT_FLAGS.dateUnknown) ? previous.createdAt : comment.createdAt,
      updatedAt: previous?.updatedAt ?? comment.createdAt,
      tokenHash: previous?.tokenHash ?? '',
      ipHash: previous?.ipHash ?? null,
      flags: previous?.flags ?? comment.flags ?? [],
      // Kept while the email and name are: the seed's key (HASH_KEY) may have changed since.
      avatar: previous?.avatar && previous.email === comment.email && previous.author === author ? previous.avatar : await importedAvatarSeed(c.env, comment.email, author),
      ...(previous?.removedFrom ? { removedFrom: previous.removedFrom } : {}),
      ...(previous?.editedBy ? { editedBy: previous.editedBy } : {}),
      ...(previous?.editedAt ? { editedAt: previous.editedAt } : {}),
      ...(previous?.avatarUrl ? { avatarUrl: previous.avatarUrl } : {}),
    };
    if (previous && JSON.stringify(previous) === JSON.stringify({ ...previous, ...record })) {
      result.unchanged++;
      continue;
    }
    if (previous) {
      record.updatedAt = new Date(Math.max(now, Date.parse(previous.updatedAt) + 1)).toISOString();
      result.updated++;
    } else {
      result.created++;
    }
    const tombstone = record.status === 'removed' || record.status === 'spam';
    writes.push(c.var.store.putImported(record, previous ?? null, tombstone ? { expirationTtl: Math.round(site.tombstoneDays * DAY_SECONDS) } : {}));
    if (record.status === 'approved' || previous?.status === 'approved') touched.add(site.id, record.thread);
    if (previous && previous.thread !== record.thread && previous.status === 'approved') touched.add(site.id, previous.thread);
  }
  await Promise.all(writes);
  await touched.rebuild(c);
  result.threads = touched.size;
  if (result.created + result.updated > 0) {
    await c.var.moderation.audit({
      who: c.var.actor,
      action: 'import',
      site: site.id,
      detail: `${batch.format}: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged${result.erased.length ? `, ${result.erased.length} erased before (skipped)` : ''}`,
    });
  }
  return result;
}

/** A stored record in its exported form (also what a restore compares against). */
export function toExported(record: CommentRecord, extra: { likes?: number; expiration?: number } = {}): ExportedComment {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(EXPORTED_FIELDS) as (keyof typeof EXPORTED_FIELDS)[]) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  if (extra.likes) out.likes = extra.likes;
  if (extra.expiration) out.expiresAt = new Date(extra.expiration * 1000).toISOString();
  return out as ExportedComment;
}

/**
 * Restores (a part of) a Parley export (`POST /api/admin/import` with `"format": "parley"`):
 * every comment as it was (status, dates, edits, likes, purge date), thread settings, the
 * audit log, email subscriptions and the erased ids. HTML is rendered again from each body:
 * an export file can never bring raw HTML in. Run twice, it writes nothing the second time.
 * Restoring adds no audit entry (the log restored is the site's own).
 */
export async function applyRestore(c: PortabilityContext, site: SiteConfig, batch: RestoreBatch): Promise<RestoreResult> {
  const ids = batch.comments.map((comment) => comment.id);
  uniqueIds(ids);
  const portability = portabilityStore(c);
  const existing = await c.var.store.getMany(ids);
  const result: RestoreResult = { created: 0, updated: 0, unchanged: 0, expired: 0, threads: 0, audit: 0, subscriptions: 0, unconfirmed: 0, avatarUrlsDropped: 0, erased: 0 };
  const touched = new TouchedThreads();
  const nowSeconds = Math.ceil(Date.now() / 1000);
  const writes: Promise<unknown>[] = [];

  for (const [index, comment] of batch.comments.entries()) {
    const previous = existing.get(comment.id);
    sameSite(previous, site.id, index);
    const expiration = comment.expiresAt ? Math.floor(Date.parse(comment.expiresAt) / 1000) : undefined;
    if (expiration !== undefined && expiration < nowSeconds + 60) {
      result.expired++;
      continue;
    }
    const { likes = 0, expiresAt: _expiresAt, html: _html, avatarUrl, ...fields } = comment;
    // A third-party image only where the site shows Gravatars: otherwise every reader's browser would fetch it.
    if (avatarUrl && !site.gravatar) result.avatarUrlsDropped++;
    const record: CommentRecord = {
      ...fields,
      ...(avatarUrl && site.gravatar ? { avatarUrl } : {}),
      site: site.id,
      html: renderMarkdown(fields.body),
      tokenHash: previous?.tokenHash ?? '',
      ipHash: previous?.ipHash ?? null,
    };
    const same = previous && JSON.stringify(toExported(previous)) === JSON.stringify(toExported(record));
    if (same) result.unchanged++;
    else {
      result[previous ? 'updated' : 'created']++;
      writes.push(c.var.store.putImported(record, previous ?? null, expiration ? { expiration } : {}));
      if (record.status === 'approved' || previous?.status === 'approved') touched.add(site.id, record.thread);
      if (previous && previous.thread !== record.thread) touched.add(site.id, previous.thread);
    }
    if (likes > 0) {
      writes.push(
        c.var.store.restoreLikes(record, likes).then((added) => {
          if (added) touched.add(site.id, record.thread, 'likes');
        }),
      );
    }
  }
  const currentSettings = await Promise.all(batch.threads.map(({ thread }) => c.var.store.getThreadSettings(site.id, thread)));
  for (const [index, { thread, locked, pinned }] of batch.threads.entries()) {
    const current = currentSettings[index];
    if (current.locked === locked && JSON.stringify(current.pinned) === JSON.stringify(pinned)) continue;
    writes.push(portability.putThreadSettings(site.id, thread, { locked, pinned }));
    touched.add(site.id, thread);
    result.threads++;
  }
  if (batch.audit.length > 0) {
    // An entry restored before (same time, same content) is there under the same key.
    const stored = new Set((await portability.listAudit()).map(({ key }) => key));
    for (const entry of batch.audit.map((one) => ({ ...one, site: site.id }))) {
      if (stored.has(await portability.restoredAuditKey(entry))) continue;
      writes.push(portability.putAuditEntry(entry));
      result.audit++;
    }
  }
  const subscriptions = new SubscriptionStore(c.env.PARLEY_KV);
  await Promise.all(
    batch.subscriptions.map(async (incoming) => {
      const key = await subscriptions.key({ site: site.id, thread: incoming.thread, target: incoming.target }, (await hashEmail(c.env, incoming.email))!);
      const current = await subscriptions.get(key);
      // Double opt-in: a file cannot confirm an address. A confirmed subscription is kept if this
      // server already holds it confirmed; otherwise it is restored unconfirmed (nothing is mailed).
      if (current?.confirmed) return;
      const { confirmedAt: _confirmedAt, ...rest } = incoming;
      const subscription = { site: site.id, ...rest, confirmed: false };
      if (incoming.confirmed) result.unconfirmed++;
      if (current && JSON.stringify(exportSubscription(current)) === JSON.stringify(exportSubscription(subscription))) return;
      writes.push(subscriptions.put(key, subscription));
      result.subscriptions++;
    }),
  );
  const alreadyErased = await portability.erasedAmong(site.id, batch.erased);
  for (const id of batch.erased) {
    if (alreadyErased.has(id)) continue;
    writes.push(portability.markErased(site.id, id));
    result.erased++;
  }
  await Promise.all(writes);
  await touched.rebuild(c);
  return result;
}
