import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { parseOrThrow, readJsonBody } from '../lib/validate';
import { fields } from '../lib/fields';
import { requireSecrets } from '../lib/secrets';
import { limitPerClient } from '../lib/rate-limit';
import { renderMarkdown } from '../lib/markdown';
import { deleteOwnComment, editOwnComment, likeComment } from '../services/authoring';
import type { PreviewResponse } from '../wire';
import { LIMITS } from '../wire';

/**
 * What an author can do to their own comment with its edit token (`Authorization: Bearer`),
 * and what any reader can do to a comment (like it). Mounted at `/api/comments`.
 */
export const ownCommentsRoute = new Hono<AppEnv>();

// Edits and deletes write to KV too: bounded per client like posts (on the same binding, counted apart).
ownCommentsRoute.use('/:id', limitPerClient({ binding: 'POST_RATE_LIMITER', name: 'edits', methods: ['PATCH', 'DELETE'] }));

const editSchema = v.object({ body: fields.body });

ownCommentsRoute.patch('/:id', async (c) => {
  const input = parseOrThrow(editSchema, await readJsonBody(c.req.raw));
  return c.json(await editOwnComment(c, c.req.param('id'), input.body));
});

ownCommentsRoute.delete('/:id', async (c) => c.json(await deleteOwnComment(c, c.req.param('id'))));

ownCommentsRoute.use('/:id/like', requireSecrets(), limitPerClient({ binding: 'LIKE_RATE_LIMITER', name: 'likes' }));
ownCommentsRoute.post('/:id/like', async (c) => c.json(await likeComment(c, c.req.param('id'), true)));
ownCommentsRoute.delete('/:id/like', async (c) => c.json(await likeComment(c, c.req.param('id'), false)));

const previewSchema = v.object({
  body: v.pipe(v.string('Comment is required'), v.maxLength(LIMITS.body, `Comment is at most ${LIMITS.body} characters`)),
});

/**
 * `POST /api/comments/preview` `{"body"}` → `{"html"}`: the body rendered exactly as it would be
 * published, without saving anything. The widget uses it for "Preview", so it ships no Markdown
 * renderer of its own. Limited per client (rendering costs CPU, even though nothing is saved).
 */
ownCommentsRoute.post('/preview', limitPerClient({ binding: 'PREVIEW_RATE_LIMITER', name: 'previews' }), async (c) => {
  const input = parseOrThrow(previewSchema, await readJsonBody(c.req.raw));
  return c.json({ html: renderMarkdown(input.body) } satisfies PreviewResponse);
});
