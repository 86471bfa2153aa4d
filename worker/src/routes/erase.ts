import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { parseOrThrow, readJsonBody } from '../lib/validate';
import { fields } from '../lib/fields';
import { eraseOwn } from '../portability/erase-service';
import { requireSecrets } from '../lib/secrets';
import { limitPerClient } from '../lib/rate-limit';

/**
 * `POST /api/comments/erase`: a reader erases their own comments for good (right to erasure),
 * each proven by the edit token they got when posting it. Mounted at `/api/comments`.
 *
 * Body: `{"items":[{"id":"…","token":"…"}]}` (1–50 items). Answers `{"erased":[ids],"gone":[ids]}`;
 * one wrong token answers 401 and erases nothing.
 */
export const eraseRoute = new Hono<AppEnv>();

const eraseSchema = v.object({
  items: v.pipe(
    v.array(
      v.object({ id: fields.commentId, token: fields.token }),
      'items must be a list of {id, token}',
    ),
    v.minLength(1, 'items is empty'),
    v.maxLength(50, 'at most 50 items at once'),
  ),
});

eraseRoute.post('/erase', requireSecrets(), limitPerClient({ binding: 'ERASE_RATE_LIMITER', name: 'erase requests' }), async (c) => {
  const input = parseOrThrow(eraseSchema, await readJsonBody(c.req.raw));
  const result = await eraseOwn({ var: { ...c.var, actor: 'author' }, env: c.env, origin: c.req.header('origin'), url: c.req.url }, input.items);
  return c.json(result);
});
