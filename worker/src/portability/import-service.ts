import type { AppEnv, Bindings } from '../app-env';
import type { SiteConfig } from '../config/sites';
import { ApiError } from '../errors';
import { renderMarkdown } from '../lib/markdown';
import { hashEmail, importedAvatarSeed } from '../moderation/identity';
import { AuditLog } from '../storage/audit-log';
import type { CommentRecord } from '../storage/records';
import type { SubscriptionRow } from '../objects/thread/protocol';
import type { ImportBatch, ImportBatchResult } from './model';
import type { IncomingComment } from './merge';
import type { RestoreBatch, RestoreResult } from './parley-format';

/** What the import, export and erasure services use from a request. */
export interface PortabilityContext {
  var: Pick<AppEnv['Variables'], 'stores' | 'sites'> & { actor: string; actorId?: string };
  env: Bindings;
}

/** Threads written at once. */
const THREAD_CONCURRENCY = 4;

/** Everything one request writes to one thread: one call to its object. */
interface ThreadWork {
  thread: string;
  comments: IncomingComment[];
  settings?: { locked: boolean; pinned: string[] };
  subscriptions?: SubscriptionRow[];
}

function uniqueIds(ids: string[]): void {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id)) throw new ApiError(400, 'invalid_request', `comment ${id} is in this request twice`, `comments.${index}.id`);
    seen.add(id);
  }
}

/**
 * Where the comments of a batch live now (one bulk read). A comment of another site refuses the
 * whole batch; a comment that moves to another thread (a re-import with another mapping) is
 * released by its old thread, and its record travels with it so the merge rules still apply.
 */
async function prepareMoves(c: PortabilityContext, site: SiteConfig, comments: { id: string; thread: string }[]): Promise<Map<string, CommentRecord>> {
  const where = await c.var.stores.records.locateMany(comments.map((comment) => comment.id));
  const moves = new Map<string, string[]>();
  for (const [index, comment] of comments.entries()) {
    const found = where.get(comment.id);
    if (!found) continue;
    if (found.site !== site.id) throw new ApiError(409, 'invalid_request', `comment ${comment.id} belongs to another site; nothing was imported`, `comments.${index}.id`);
    if (found.thread !== comment.thread) moves.set(found.thread, [...(moves.get(found.thread) ?? []), comment.id]);
  }
  const moved = new Map<string, CommentRecord>();
  for (const [thread, ids] of moves) {
    const { released } = await c.var.stores.threads.of(site.id, thread).call((stub, ref) => stub.release(ref, { ids }));
    for (const record of released) moved.set(record.id, record);
  }
  return moved;
}

/** Runs each thread's work with one call to its object; returns the summed outcome. */
async function writeThreads(c: PortabilityContext, site: SiteConfig, work: ThreadWork[], mode: 'import' | 'restore') {
  const total = { created: 0, updated: 0, unchanged: 0, settings: 0, subscriptions: 0, threads: 0 };
  const queue = [...work];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const item = next;
      const outcome = await c.var.stores.threads.of(site.id, item.thread).call((stub, ref) =>
        stub.importComments(ref, { mode, comments: item.comments, keepDays: site.tombstoneDays, settings: item.settings, subscriptions: item.subscriptions }),
      );
      total.created += outcome.created;
      total.updated += outcome.updated;
      total.unchanged += outcome.unchanged;
      total.settings += outcome.settingsChanged ? 1 : 0;
      total.subscriptions += outcome.subscriptionsChanged;
      if (outcome.created + outcome.updated > 0 || outcome.settingsChanged) total.threads++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(THREAD_CONCURRENCY, queue.length) }, worker));
  return total;
}

function workFor(map: Map<string, ThreadWork>, thread: string): ThreadWork {
  let work = map.get(thread);
  if (!work) map.set(thread, (work = { thread, comments: [] }));
  return work;
}

/**
 * Writes a batch of comments read from a WordPress or Disqus export (`POST /api/admin/import`),
 * through each thread's object:
 *
 * - New comments are created with their original date and the status the export gave them;
 *   comments without an edit token (imported ones) can be moderated but not edited by readers.
 * - A comment already in Parley (same derived id: the file was imported before) keeps what was
 *   done to it here (see ./merge.ts); when nothing differs, nothing is written, so re-running an
 *   import costs only reads.
 * - Comments erased on request (GDPR) are never brought back.
 */
export async function applyImport(c: PortabilityContext, site: SiteConfig, batch: ImportBatch): Promise<ImportBatchResult> {
  uniqueIds(batch.comments.map((comment) => comment.id));
  const erased = await c.var.stores.erased.among(site.id, batch.comments.map((comment) => comment.id));
  const result: ImportBatchResult = { created: 0, updated: 0, unchanged: 0, erased: [], threads: 0 };
  const kept = batch.comments.filter((comment) => {
    if (!erased.has(comment.id)) return true;
    result.erased.push(comment.id);
    return false;
  });
  const moved = await prepareMoves(c, site, kept);
  const work = new Map<string, ThreadWork>();
  for (const comment of kept) {
    const record: CommentRecord = {
      id: comment.id,
      site: site.id,
      thread: comment.thread,
      parentId: comment.parentId,
      author: comment.author,
      email: comment.email,
      website: comment.website,
      body: comment.body,
      html: renderMarkdown(comment.body),
      status: comment.status,
      createdAt: comment.createdAt,
      updatedAt: comment.createdAt,
      tokenHash: '',
      ipHash: null,
      flags: comment.flags ?? [],
      avatar: await importedAvatarSeed(c.env, comment.email, comment.author),
    };
    workFor(work, comment.thread).comments.push({ record, ...(moved.has(record.id) ? { previous: moved.get(record.id) } : {}) });
  }
  const total = await writeThreads(c, site, [...work.values()], 'import');
  Object.assign(result, { created: total.created, updated: total.updated, unchanged: total.unchanged, threads: total.threads });
  if (result.created + result.updated > 0) {
    await c.var.stores.audit.append({
      who: c.var.actor,
      ...(c.var.actorId ? { by: c.var.actorId } : {}),
      action: 'import',
      site: site.id,
      detail: `${batch.format}: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged${result.erased.length ? `, ${result.erased.length} erased before (skipped)` : ''}`,
    });
  }
  return result;
}

/**
 * Restores (a part of) a Parley export (`POST /api/admin/import` with `"format": "parley"`):
 * every comment as it was (status, dates, edits, likes, purge date), thread settings, the
 * audit log, email subscriptions and the erased ids. HTML is rendered again from each body:
 * an export file can never bring raw HTML in. Run twice, it writes nothing the second time.
 * Restoring adds no audit entry (the log restored is the site's own).
 */
export async function applyRestore(c: PortabilityContext, site: SiteConfig, batch: RestoreBatch): Promise<RestoreResult> {
  uniqueIds(batch.comments.map((comment) => comment.id));
  const result: RestoreResult = { created: 0, updated: 0, unchanged: 0, expired: 0, threads: 0, audit: 0, subscriptions: 0, unconfirmed: 0, avatarUrlsDropped: 0, erased: 0 };
  const nowSeconds = Math.ceil(Date.now() / 1000);
  const work = new Map<string, ThreadWork>();
  const live = batch.comments.filter((comment) => {
    const expiration = comment.expiresAt ? Math.floor(Date.parse(comment.expiresAt) / 1000) : undefined;
    if (expiration !== undefined && expiration < nowSeconds + 60) {
      result.expired++;
      return false;
    }
    return true;
  });
  const moved = await prepareMoves(c, site, live);
  for (const comment of live) {
    const { likes = 0, expiresAt, html: _html, avatarUrl, ...fields } = comment;
    // A third-party image only where the site shows Gravatars: otherwise every reader's browser would fetch it.
    if (avatarUrl && !site.gravatar) result.avatarUrlsDropped++;
    const record: CommentRecord = { ...fields, ...(avatarUrl && site.gravatar ? { avatarUrl } : {}), site: site.id, html: renderMarkdown(fields.body), tokenHash: '', ipHash: null };
    workFor(work, comment.thread).comments.push({
      record,
      ...(expiresAt ? { expiration: Math.floor(Date.parse(expiresAt) / 1000) } : {}),
      ...(likes > 0 ? { likes } : {}),
      ...(moved.has(record.id) ? { previous: moved.get(record.id) } : {}),
    });
  }
  for (const { thread, locked, pinned } of batch.threads) workFor(work, thread).settings = { locked, pinned };
  for (const incoming of batch.subscriptions) {
    const emailHash = await hashEmail(c.env, incoming.email);
    if (!emailHash) continue;
    // Double opt-in: a file cannot confirm an address. A subscription this server holds confirmed
    // stays so (the thread's object keeps it); any other is restored unconfirmed (nothing is mailed).
    if (incoming.confirmed) result.unconfirmed++;
    (workFor(work, incoming.thread).subscriptions ??= []).push({ emailHash, target: incoming.target, email: incoming.email, confirmed: false, createdAt: incoming.createdAt });
  }
  const total = await writeThreads(c, site, [...work.values()], 'restore');
  Object.assign(result, { created: total.created, updated: total.updated, unchanged: total.unchanged, threads: total.settings });
  result.subscriptions = total.subscriptions;

  if (batch.audit.length > 0) {
    // An entry restored before (same time, same content) is there under the same key.
    const stored = new Set((await c.var.stores.audit.readAll()).map(({ key }) => key));
    for (const entry of batch.audit.map((one) => ({ ...one, site: site.id }))) {
      const key = await AuditLog.restoredKey(entry);
      if (stored.has(key)) continue;
      await c.var.stores.audit.put({ ...entry, key });
      result.audit++;
    }
  }
  const alreadyErased = await c.var.stores.erased.among(site.id, batch.erased);
  for (const id of batch.erased) {
    if (alreadyErased.has(id)) continue;
    await c.var.stores.erased.mark(site.id, id);
    result.erased++;
  }
  return result;
}
