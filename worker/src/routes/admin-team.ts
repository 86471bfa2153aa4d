import { Hono, type Context, type Next } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { requireAdmin } from '../lib/admin-auth';
import { readJsonBody } from '../lib/validate';
import { createToken, currentMember, invite, listSessions, listTokens, removeMember, revokeSession, revokeToken, setMemberSites, setNotifications, teamOverview, updateProfile, withdrawInvitation } from '../team/team-service';

/**
 * The team's JSON API under `/api/admin` (the same services as the dashboard's Team and Account
 * pages):
 *
 * - `GET /me`, `PATCH /me` `{"name"?,"email"?,"notify"?}` — who you are, your sites, your notifications;
 * - `GET /team` — members and waiting invitations (owner);
 * - `POST /team/invitations` `{"email","name"?,"sites"}` → `201 {"invitation","link"}` (owner);
 *   `DELETE /team/invitations/:id` (owner);
 * - `PATCH /team/members/:id` `{"sites"}`, `DELETE /team/members/:id` (owner);
 * - `GET /sessions` (yours; the owner `?member=ID|all`), `DELETE /sessions/:id` (yours; the owner anyone's);
 * - `GET /tokens`, `POST /tokens` `{"name","access":"read"|"write","sites"}` → `201 {"token","secret"}`
 *   (the secret is shown once), `DELETE /tokens/:id`.
 *
 * API tokens may read `/me` only: the team and credentials are managed from a signed-in dashboard
 * (or with ADMIN_TOKEN).
 */
export const adminTeamRoute = new Hono<AppEnv>();

/** Team and credential management is not for API tokens (403 `session_required`). */
async function noApiTokens(c: Context<AppEnv>, next: Next) {
  if (c.var.principal?.via === 'api-token') throw new ApiError(403, 'session_required', 'API tokens cannot manage the team, sessions or tokens: use the dashboard.');
  await next();
}

for (const path of ['/me', '/team', '/team/*', '/sessions', '/sessions/*', '/tokens', '/tokens/*']) adminTeamRoute.use(path, requireAdmin());
for (const path of ['/team', '/team/*', '/sessions', '/sessions/*', '/tokens', '/tokens/*']) adminTeamRoute.use(path, noApiTokens);

adminTeamRoute.get('/me', (c) => {
  const { memberId, name, email, role, sites, access, via, token } = c.var.principal!;
  return c.json({ member: { id: memberId, name, email, role, sites }, access, via, ...(token ? { token } : {}) });
});

adminTeamRoute.patch('/me', noApiTokens, async (c) => {
  const body = (await readJsonBody(c.req.raw)) as { name?: unknown; email?: unknown; notify?: unknown };
  if (body.name !== undefined || body.email !== undefined) await updateProfile(c, { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.email !== undefined ? { email: body.email } : {}) });
  if (body.notify !== undefined) await setNotifications(c, body.notify);
  return c.json({ member: await currentMember(c) });
});

adminTeamRoute.get('/team', async (c) => c.json(await teamOverview(c)));

adminTeamRoute.post('/team/invitations', async (c) => c.json(await invite(c, await readJsonBody(c.req.raw)), 201));
adminTeamRoute.delete('/team/invitations/:id', async (c) => {
  await withdrawInvitation(c, c.req.param('id'));
  return c.json({ ok: true });
});

adminTeamRoute.patch('/team/members/:id', async (c) => {
  const body = (await readJsonBody(c.req.raw)) as { sites?: unknown };
  return c.json({ member: await setMemberSites(c, c.req.param('id'), body.sites) });
});
adminTeamRoute.delete('/team/members/:id', async (c) => c.json({ member: await removeMember(c, c.req.param('id')) }));

adminTeamRoute.get('/sessions', async (c) => c.json({ sessions: await listSessions(c, c.req.query('member') || undefined) }));
adminTeamRoute.delete('/sessions/:id', async (c) => c.json({ session: await revokeSession(c, c.req.param('id')) }));

adminTeamRoute.get('/tokens', async (c) => c.json({ tokens: await listTokens(c) }));
adminTeamRoute.post('/tokens', async (c) => c.json(await createToken(c, await readJsonBody(c.req.raw)), 201));
adminTeamRoute.delete('/tokens/:id', async (c) => c.json({ token: await revokeToken(c, c.req.param('id')) }));
