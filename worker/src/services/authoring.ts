import { ApiError } from '../errors';
import { sha256Hex } from '../lib/crypto';
import { isCommentId } from '../lib/ids';
import { renderMarkdown } from '../lib/markdown';
import { originAllowed } from '../lib/origin';
import { clientKey } from '../moderation/identity';
import { toPublic, type CommentLocation } from '../storage/records';
import type { DeleteCommentResponse, EditCommentResponse, LikeResponse } from '../wire';
import type { ServiceContext } from './context';

/**
 * What an author can do to their own comment with its edit token, and what any reader can do to
 * a comment (like it). The thread's object checks the token, the edit window and the status
 * against the current record: an author's change never brings back a removed or spam comment.
 */

/** Where a comment lives, if the request may act on it from this origin. */
async function locateForReader(c: ServiceContext, id: string): Promise<CommentLocation> {
  const where = isCommentId(id) ? await c.var.stores.records.locate(id) : null;
  if (!where) throw new ApiError(404, 'not_found', 'No comment with that id.');
  const site = c.var.sites.get(where.site);
  if (!site || !originAllowed(c.req.header('origin'), c.req.url, site)) {
    throw new ApiError(403, 'forbidden_origin', "This page's origin may not change comments of this site.");
  }
  return where;
}

/** The edit token of an `Authorization: Bearer` header, hashed (the record keeps only the hash). */
async function tokenHashOf(c: ServiceContext): Promise<string> {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', 'Only the author of this comment can change it (the edit token is missing or wrong).');
  return sha256Hex(match[1]);
}

/**
 * The author edits their comment within the edit window. An approved comment on a site that
 * pre-moderates everything (`all`) goes back to pending; on `first` and `none` sites it stays
 * published. The spam checks run again either way.
 */
export async function editOwnComment(c: ServiceContext, id: string, body: string): Promise<EditCommentResponse> {
  const where = await locateForReader(c, id);
  const site = c.var.sites.get(where.site)!;
  const tokenHash = await tokenHashOf(c);
  const { record } = await c.var.stores.threads
    .of(where.site, where.thread)
    .call((stub, ref) => stub.authorEdit(ref, { id, tokenHash, body, html: renderMarkdown(body), site, editWindowMinutes: site.editWindowMinutes, keepDays: site.tombstoneDays }));
  return { comment: { ...toPublic(record), status: record.status === 'spam' ? 'pending' : record.status } };
}

/** The author deletes their comment within the edit window (replies keep their place under a placeholder). */
export async function deleteOwnComment(c: ServiceContext, id: string): Promise<DeleteCommentResponse> {
  const where = await locateForReader(c, id);
  const site = c.var.sites.get(where.site)!;
  const tokenHash = await tokenHashOf(c);
  await c.var.stores.threads.of(where.site, where.thread).call((stub, ref) => stub.authorDelete(ref, { id, tokenHash, editWindowMinutes: site.editWindowMinutes, keepDays: site.tombstoneDays }));
  return { deleted: true, id };
}

/** A reader likes or unlikes a comment: one like per reader (keyed hash of the IP) per comment. */
export async function likeComment(c: ServiceContext, id: string, liked: boolean): Promise<LikeResponse> {
  const where = await locateForReader(c, id);
  const voter = await clientKey(c.env, c.req.header('cf-connecting-ip'));
  if (!voter) throw new ApiError(400, 'invalid_request', 'Likes need to know who you are; your connection gave no address.');
  const { changed } = await c.var.stores.threads.of(where.site, where.thread).call((stub, ref) => stub.like(ref, { id, voter, liked }));
  return { id, liked, changed };
}
