import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { startSession } from '../lib/admin-auth';
import { readJsonBody } from '../lib/validate';
import { sitesInScope } from '../team/access';
import { authenticationOptions, finishAuthentication, finishRegistration, registrationOptions } from '../team/passkeys';
import {
  acceptInvitation,
  createToken,
  currentMember,
  invitationOfLink,
  invite,
  listSessions,
  listTokens,
  removeMember,
  requestSignInLink,
  revokeSession,
  revokeToken,
  setMemberSites,
  setNotifications,
  teamOverview,
  updateProfile,
  useSignInLink,
  withdrawInvitation,
} from '../team/team-service';
import { moderator, requireModerator, requireSameOrigin } from './dashboard-auth';
import { accountPage, joinPage, signInLinkPage, teamPage } from './team-views';
import { loginPage } from './views';

/**
 * The dashboard's team pages, under `/admin` (mounted by dashboard-route.ts, so they get its
 * security headers and error pages): signing in with a passkey or an email link, accepting an
 * invitation, one's account (passkeys, sessions, API tokens, notifications) and the owner's Team
 * page. Forms post to the same origin only; the passkey ceremonies are JSON calls from
 * /admin/passkeys.js.
 */
export const teamDashboardRoute = new Hono<AppEnv>();

/** The sign-in page (it offers the owner's first sign-in fields until the owner's account exists). */
export async function signInPage(c: Context<AppEnv>, error?: string, notice?: string) {
  const owner = await c.var.stores.team.read((team) => team.owner());
  return loginPage(error, { ownerExists: owner !== null, notice });
}

/** Form values that may repeat (checkboxes) as a list. */
function many(value: unknown): string[] {
  return ([] as unknown[]).concat(value ?? []).filter((item): item is string => typeof item === 'string');
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

// ── the passkey script ──────────────────────────────────────────────────────

/** Built by `npm run build` (worker/dashboard-client) into the static assets; served here with the dashboard's headers. */
teamDashboardRoute.get('/passkeys.js', async (c) => {
  const asset = await c.env.ASSETS.fetch(new URL('/admin/passkeys.js', c.req.url));
  if (!asset.ok) throw new ApiError(404, 'not_found', 'The passkey script is not built: run `npm run build`.');
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  return c.body(await asset.text());
});

// ── signing in ──────────────────────────────────────────────────────────────

teamDashboardRoute.post('/passkeys/sign-in/options', async (c) => {
  requireSameOrigin(c);
  return c.json(await authenticationOptions(c));
});

teamDashboardRoute.post('/passkeys/sign-in/verify', async (c) => {
  requireSameOrigin(c);
  const body = (await readJsonBody(c.req.raw)) as { flow?: unknown; response?: unknown };
  if (typeof body.flow !== 'string') throw new ApiError(400, 'invalid_request', 'flow is required', 'flow');
  const member = await finishAuthentication(c, body.flow, body.response);
  await startSession(c, member, 'passkey');
  return c.json({ redirect: '/admin' });
});

teamDashboardRoute.post('/sign-in-link', async (c) => {
  requireSameOrigin(c);
  const form = await c.req.parseBody();
  const email = text(form.email).trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
    c.status(400);
    return c.html(await signInPage(c, 'Type the email address of your account.'));
  }
  await requestSignInLink(c, email);
  return c.html(await signInPage(c, undefined, `If ${email} belongs to a member of this team, a sign-in link is on its way. It works once, for 15 minutes.`));
});

teamDashboardRoute.get('/sign-in/:signed', (c) => c.html(signInLinkPage(c.req.param('signed'))));

teamDashboardRoute.post('/sign-in/:signed', async (c) => {
  requireSameOrigin(c);
  const member = await useSignInLink(c, c.req.param('signed'));
  await startSession(c, member, 'magic-link');
  return c.redirect('/admin', 303);
});

teamDashboardRoute.get('/join/:signed', async (c) => {
  const invitation = await invitationOfLink(c, c.req.param('signed'));
  return c.html(joinPage(invitation, c.var.sites, c.req.param('signed')));
});

teamDashboardRoute.post('/join/:signed', async (c) => {
  requireSameOrigin(c);
  const form = await c.req.parseBody();
  const member = await acceptInvitation(c, c.req.param('signed'), text(form.name).replace(/\s+/g, ' ').trim());
  await startSession(c, member, 'invitation');
  return c.redirect('/admin/account?done=Welcome!+Register+a+passkey+to+sign+in+next+time.', 303);
});

// ── one's account ───────────────────────────────────────────────────────────

async function renderAccount(c: Context<AppEnv>, extra: { notice?: string; newToken?: { name: string; secret: string } } = {}) {
  const viewer = await requireModerator(c);
  const member = await currentMember(c);
  const [passkeys, sessions, tokens] = await Promise.all([c.var.stores.team.read((team) => team.passkeys(member.id)), listSessions(c), listTokens(c)]);
  const current = c.var.principal?.sessionId;
  return c.html(
    accountPage({
      viewer,
      member,
      passkeys,
      sessions,
      currentSession: current,
      tokens: tokens.filter((token) => token.memberId === member.id),
      sites: sitesInScope(c),
      allSites: c.var.sites,
      notice: extra.notice ?? c.req.query('done'),
      newToken: extra.newToken,
      signedInWithToken: sessions.find((session) => session.id === current)?.method === 'admin-token',
    }),
  );
}

teamDashboardRoute.get('/account', async (c) => {
  if (!(await moderator(c))) return c.html(await signInPage(c));
  return renderAccount(c);
});

teamDashboardRoute.post('/account/notifications', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody();
  await setNotifications(c, form.notify);
  return c.redirect('/admin/account?done=Notifications+saved.', 303);
});

teamDashboardRoute.post('/account/profile', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody();
  await updateProfile(c, { name: text(form.name), email: text(form.email).trim() || null });
  return c.redirect('/admin/account?done=Saved.', 303);
});

teamDashboardRoute.post('/passkeys/register/options', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  return c.json(await registrationOptions(c, await currentMember(c)));
});

teamDashboardRoute.post('/passkeys/register/verify', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const body = (await readJsonBody(c.req.raw)) as { flow?: unknown; response?: unknown; name?: unknown };
  if (typeof body.flow !== 'string') throw new ApiError(400, 'invalid_request', 'flow is required', 'flow');
  const name = (typeof body.name === 'string' ? body.name.replace(/\s+/g, ' ').trim().slice(0, 64) : '') || 'Passkey';
  await finishRegistration(c, await currentMember(c), body.flow, body.response, name);
  return c.json({ redirect: '/admin/account?done=Passkey+registered.' });
});

teamDashboardRoute.post('/passkeys/:id/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const member = await currentMember(c);
  await c.var.stores.team.call((team) => team.removePasskey({ id: c.req.param('id'), memberId: member.id }));
  return c.redirect('/admin/account?done=Passkey+removed.', 303);
});

teamDashboardRoute.post('/sessions/:id/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const session = await revokeSession(c, c.req.param('id'));
  if (session.id === c.var.principal?.sessionId) return c.redirect('/admin', 303);
  return c.redirect(session.memberId === c.var.principal?.memberId ? '/admin/account?done=Session+ended.' : '/admin/team?done=Session+ended.', 303);
});

teamDashboardRoute.post('/tokens', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody({ all: true });
  const { token, secret } = await createToken(c, { name: text(form.name), access: text(form.access), sites: many(form.sites) });
  return renderAccount(c, { notice: 'Token created.', newToken: { name: token.name, secret } });
});

teamDashboardRoute.post('/tokens/:id/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  await revokeToken(c, c.req.param('id'));
  return c.redirect('/admin/account?done=Token+revoked.', 303);
});

// ── the owner's team page ───────────────────────────────────────────────────

async function renderTeam(c: Context<AppEnv>, extra: { newInvitation?: { email: string; link: string } } = {}) {
  const viewer = await requireModerator(c);
  const { members, invitations } = await teamOverview(c);
  const sessions = await listSessions(c, 'all');
  return c.html(teamPage({ viewer, members, invitations, sessions, sites: [...c.var.sites.values()], allSites: c.var.sites, notice: c.req.query('done'), ...extra }));
}

teamDashboardRoute.get('/team', async (c) => {
  if (!(await moderator(c))) return c.html(await signInPage(c));
  return renderTeam(c);
});

teamDashboardRoute.post('/team/invitations', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody({ all: true });
  const { invitation, link } = await invite(c, { email: text(form.email), name: text(form.name), sites: many(form.sites) });
  return renderTeam(c, { newInvitation: { email: invitation.email, link } });
});

teamDashboardRoute.post('/team/invitations/:id/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  await withdrawInvitation(c, c.req.param('id'));
  return c.redirect('/admin/team?done=Invitation+withdrawn.', 303);
});

teamDashboardRoute.post('/team/members/:id/sites', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const form = await c.req.parseBody({ all: true });
  const member = await setMemberSites(c, c.req.param('id'), many(form.sites));
  return c.redirect(`/admin/team?done=${encodeURIComponent(`Sites of ${member.name} saved.`)}`, 303);
});

teamDashboardRoute.post('/team/members/:id/delete', async (c) => {
  requireSameOrigin(c);
  await requireModerator(c);
  const member = await removeMember(c, c.req.param('id'));
  return c.redirect(`/admin/team?done=${encodeURIComponent(`${member.name} removed: their passkeys, sessions and tokens no longer work.`)}`, 303);
});

