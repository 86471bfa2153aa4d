import { env } from 'cloudflare:workers';
import { admin, call, TYPED } from '../helpers/api';
import { checkThenImport, chunksOf, type ImportReport, type RunImportOptions } from '../../../worker/src/portability/run-import';
import type { ImportBatchResult } from '../../../worker/src/portability/model';
import { restoreBatches, type ParleyExport, type RestoreResult } from '../../../worker/src/portability/parley-format';
import type { AdminListResponse, CommentStatus, ModeratedComment } from '../../../worker/src/wire';

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** POSTs one batch to the import endpoint and fails loudly on anything but 200. */
export async function postImport<T = ImportBatchResult>(batch: unknown, token?: string): Promise<T> {
  const response = await admin('/api/admin/import', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(batch) }, token);
  if (response.status !== 200) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  return response.json<T>();
}

/**
 * Imports an export file's text the way the CLI does: checked whole first, then parsed in
 * small chunks (4 KiB, so elements straddle chunks) and sent in batches through the real API.
 */
export function importText(text: string, options: Partial<RunImportOptions> = {}): Promise<ImportReport> {
  return checkThenImport(() => chunksOf(text, 4096), { site: 'demo', ...options, send: options.send ?? ((batch) => postImport(batch)) });
}

/** The full export of a site, through the API. */
export async function exportSite(site = 'demo'): Promise<ParleyExport> {
  const response = await admin(`/api/admin/export?site=${site}`);
  if (response.status !== 200) throw new Error(`export failed: ${response.status} ${await response.text()}`);
  return response.json<ParleyExport>();
}

/** Restores an export through the API, in as many requests as it takes. */
export async function restore(doc: ParleyExport): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  for (const batch of restoreBatches(doc)) results.push(await postImport<RestoreResult>(batch));
  return results;
}

/** A whole moderation queue, through the admin API (following its pages). */
export async function queue(status: CommentStatus, site = 'demo'): Promise<ModeratedComment[]> {
  const comments: ModeratedComment[] = [];
  let cursor: string | null = null;
  do {
    const response = await admin(`/api/admin/comments?status=${status}&site=${site}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    const page: AdminListResponse = await response.json<AdminListResponse>();
    comments.push(...page.comments);
    cursor = page.next;
  } while (cursor);
  return comments;
}

/** Every comment of a site, of every status. */
export async function allComments(site = 'demo'): Promise<ModeratedComment[]> {
  const lists = await Promise.all((['pending', 'approved', 'spam', 'removed'] as const).map((status) => queue(status, site)));
  return lists.flat();
}

/** A reader's request from a page of the site (for likes, subscriptions, erasure). */
export function fromPage(path: string, body: unknown, headers: Record<string, string> = {}, origin = 'https://blog.example') {
  return call(path, { method: 'POST', headers: { ...JSON_HEADERS, origin, ...headers }, body: JSON.stringify({ ...TYPED, ...(body as object) }) }, undefined, { MAIL_QUEUE: undefined });
}

/** Depth of a comment in its thread (1 for top-level). */
export function depthOf(id: string, byId: Map<string, { parentId: string | null }>): number {
  let depth = 1;
  for (let current = byId.get(id); current?.parentId; current = byId.get(current.parentId)) depth++;
  return depth;
}

export { env };
