import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { parseOrThrow, readJsonBody } from '../lib/validate';
import { fields } from '../lib/fields';
import { renderMarkdown } from '../lib/markdown';
import { isCommentId } from '../lib/ids';
import { secretsEqual, sha256Hex } from '../lib/crypto';
import { originAllowed } from '../lib/origin';
import { toPublic, type CommentRecord } from '../storage/comment-store';
import { assess } from '../moderation/spam-checks';
import { clientKey } from '../moderation/identity';
import type { CommentStatus, DeleteCommentResponse, EditCommentResponse, LikeResponse, PreviewResponse } from '../wire';
import { LIMITS } from '../wire';
import { requireSecrets } from '../lib/secrets';
import { limitPerClient } from '../lib/rate-limit';

/**
 * What an author can do to their own comment with its edit token (`Authorization: Bearer`),
 * and what any reader can do to a comment (like it). Mounted at `/api/comments`.
 */
export const ownCommentsRoute = new Hono<AppEnv>();

/** The comment named in the path, if the request may act on it from this origin. */
async function commentFor(c: Context<AppEnv>): Promise<CommentRecord> {
  const id = c.req.param('id') ?? '';
  const record = isCommentId(id) ? await c.var.store.get(id) : null;
  if (!record) throw new ApiError(404, 'not_found', 'No comment with that id.');
  const site = c.var.sites.get(record.site);
  if (!site || !originAllowed(c.req.header('origin'), c.req.url, site)) {
    throw new ApiError(403, 'forbidden_origin', "This page's origin may not change comments of this site.");
  }
  return record;
}

/** Checks the edit token and the edit window; answers 401 / 403 otherwise. */
async function authorize(c: Context<AppEnv>, record: CommentRecord): Promise<void> {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match || !(await secretsEqual(await sha256Hex(match[1]), record.tokenHash))) {
    throw new ApiError(401, 'unauthorized', 'Only the author of this comment can change it (the edit token is missing or wrong).');
  }
  if (record.status === 'removed' || record.status === 'spam') throw new ApiError(404, 'not_found', 'No comment with that id.');
  const minutes = c.var.sites.get(record.site)?.editWindowMinutes ?? 15;
  if (Date.now() - Date.parse(record.createdAt) > minutes * 60_000) {
    throw new ApiError(403, 'edit_window_closed', `Comments can be changed for ${minutes} minutes after posting.`);
  }
}

// Edits and deletes write to KV too: bounded per client like posts (on the same binding, counted apart).
ownCommentsRoute.use('/:id', limitPerClient({ binding: 'POST_RATE_LIMITER', name: 'edits', methods: ['PATCH', 'DELETE'] }));

const editSchema = v.object({ body: fields.body });

/**
 * The author edits their comment within the edit window. An approved comment on a site that
 * pre-moderates everything (`all`) goes back to pending; on `first` and `none` sites it stays
 * published. The spam checks run again either way.
 */
ownCommentsRoute.patch('/:id', async (c) => {
  const record = await commentFor(c);
  await authorize(c, record);
  const input = parseOrThrow(editSchema, await readJsonBody(c.req.raw));
  const site = c.var.sites.get(record.site)!;
  const html = renderMarkdown(input.body);
  const verdict = assess(site, { author: record.author, email: record.email ?? '', website: record.website ?? '', body: input.body, html, honeypot: '', elapsedMs: null }).verdict;
  let status: CommentStatus = record.status;
  if (verdict === 'spam') status = 'spam';
  else if (verdict === 'hold' || (record.status === 'approved' && site.moderation === 'all')) status = 'pending';
  const updated = await c.var.store.save(record, { body: input.body, html, status, editedAt: new Date().toISOString() }, { keepDays: site.tombstoneDays });
  const body: EditCommentResponse = { comment: { ...toPublic(updated), status: updated.status === 'spam' ? 'pending' : updated.status } };
  return c.json(body);
});

/** The author deletes their comment within the edit window (replies keep their place under a placeholder). */
ownCommentsRoute.delete('/:id', async (c) => {
  const record = await commentFor(c);
  await authorize(c, record);
  const site = c.var.sites.get(record.site)!;
  await c.var.store.save(record, { status: 'removed', removedFrom: record.status, editedAt: new Date().toISOString() }, { keepDays: site.tombstoneDays });
  await c.var.moderation.audit({ who: 'author', action: 'delete-own', commentId: record.id, site: record.site, thread: record.thread, detail: record.author });
  return c.json({ deleted: true, id: record.id } satisfies DeleteCommentResponse);
});

/**
 * Likes: one per reader (IP, by keyed hash) per comment; POST likes, DELETE unlikes. One new
 * key per like, so likes never race; the thread's count updates after its next recheck.
 */
async function like(c: Context<AppEnv>, liked: boolean) {
  const record = await commentFor(c);
  if (record.status !== 'approved') throw new ApiError(404, 'not_found', 'No comment with that id.');
  const voter = await clientKey(c.env, c.req.header('cf-connecting-ip'));
  if (!voter) throw new ApiError(400, 'invalid_request', 'Likes need to know who you are; your connection gave no address.');
  const changed = await c.var.store.like(record, voter, liked);
  return c.json({ id: record.id, liked, changed } satisfies LikeResponse);
}
ownCommentsRoute.use('/:id/like', requireSecrets(), limitPerClient({ binding: 'LIKE_RATE_LIMITER', name: 'likes' }));
ownCommentsRoute.post('/:id/like', (c) => like(c, true));
ownCommentsRoute.delete('/:id/like', (c) => like(c, false));

const previewSchema = v.object({
  body: v.pipe(v.string('Comment is required'), v.maxLength(LIMITS.body, `Comment is at most ${LIMITS.body} characters`)),
});

/**
 * `POST /api/comments/preview` `{"body"}` → `{"html"}`: the body rendered exactly as it would be
 * published, without saving anything. The widget uses it for "Preview", so it ships no Markdown
 * renderer of its own.
 */
ownCommentsRoute.post('/preview', async (c) => {
  const input = parseOrThrow(previewSchema, await readJsonBody(c.req.raw));
  return c.json({ html: renderMarkdown(input.body) } satisfies PreviewResponse);
});
