import { html, raw } from 'hono/html';
import type { SiteConfig } from '../config/sites';
import { ALL_SITES, type InvitationInfo, type Member, type PasskeyInfo, type SessionInfo, type TokenInfo } from '../team/model';
import { dashboardNav, page, type Viewer } from './views';

/** Pages of the moderation team: one's account (passkeys, sessions, tokens, notifications), the owner's Team page, and the pages of invitation and sign-in links. */

const when = (iso: string | null) => (iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : 'never');

function siteList(sites: string[], all: Map<string, SiteConfig>): string {
  return sites.includes(ALL_SITES) ? 'every site' : sites.map((id) => all.get(id)?.name ?? id).join(', ');
}

/** A browser's User-Agent, shortened to what tells sessions apart. */
function device(userAgent: string): string {
  const browser = /(Firefox|Edg|OPR|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[0]?.replace('Edg', 'Edge') ?? 'a browser';
  const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux|CrOS)/.exec(userAgent)?.[1] ?? 'an unknown system';
  return userAgent ? `${browser} on ${system}` : 'no browser named';
}

const METHODS: Record<SessionInfo['method'], string> = { passkey: 'passkey', 'magic-link': 'email link', invitation: 'invitation', 'admin-token': 'admin token' };

function siteCheckboxes(sites: SiteConfig[], chosen: string[], name: string, idPrefix: string) {
  return html`<fieldset class="sites"><legend>Sites</legend>${sites.map(
    (site) =>
      html`<label for="${idPrefix}-${site.id}"><input type="checkbox" id="${idPrefix}-${site.id}" name="${name}" value="${site.id}"${chosen.includes(site.id) || chosen.includes(ALL_SITES) ? raw(' checked') : ''}> ${site.name}</label> `,
  )}</fieldset>`;
}

function sessionsTable(sessions: SessionInfo[], current: string | undefined, names?: Map<string, string>) {
  if (sessions.length === 0) return html`<p class="empty">No session.</p>`;
  return html`<table>
<thead><tr>${names ? html`<th scope="col">Member</th>` : ''}<th scope="col">Device</th><th scope="col">Signed in with</th><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${sessions.map(
    (session) => html`<tr>${names ? html`<td>${names.get(session.memberId) ?? session.memberId}</td>` : ''}<td>${device(session.userAgent)}${session.id === current ? html` <strong>(this session)</strong>` : ''}</td><td>${METHODS[session.method]}</td><td>${when(session.createdAt)}</td><td>${when(session.lastSeenAt)}</td>
<td><form method="post" action="/admin/sessions/${session.id}/delete"><button type="submit">${session.id === current ? 'Sign out here' : 'End session'}</button></form></td></tr>`,
  )}</tbody></table>`;
}

export interface AccountPageData {
  viewer: Viewer;
  member: Member;
  passkeys: PasskeyInfo[];
  sessions: SessionInfo[];
  currentSession?: string;
  tokens: TokenInfo[];
  /** The sites the member moderates (for tokens). */
  sites: SiteConfig[];
  allSites: Map<string, SiteConfig>;
  notice?: string;
  /** A token just made: its secret, shown this once. */
  newToken?: { name: string; secret: string };
  /** The session was started with ADMIN_TOKEN: register a passkey so it is not needed again. */
  signedInWithToken: boolean;
}

export function accountPage(data: AccountPageData) {
  const { member } = data;
  return page(
    'Your account',
    html`${dashboardNav(data.viewer, 'account')}
<main>
<h1>Your account</h1>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
${data.signedInWithToken && data.passkeys.length === 0 ? html`<p class="notice" role="status">You signed in with the admin token. Register a passkey below: from then on you sign in with it, and the admin token stays for emergencies.</p>` : ''}
<p>${member.name}${member.email ? ` · ${member.email}` : ''} · ${member.role === 'owner' ? 'Owner: every site, the team and its settings' : `Moderator of ${siteList(member.sites, data.allSites)}`}</p>

<section aria-labelledby="passkeys">
<h2 id="passkeys">Passkeys</h2>
${
  data.passkeys.length === 0
    ? html`<p class="empty">No passkey yet.</p>`
    : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${data.passkeys.map((key) => html`<tr><td>${key.name}</td><td>${when(key.createdAt)}</td><td>${when(key.lastUsedAt)}</td><td><form method="post" action="/admin/passkeys/${key.id}/delete"><button type="submit">Remove</button></form></td></tr>`)}</tbody></table>`
}
<div class="stack">
  <label for="passkey-name">Name of the new passkey <span class="hint">(e.g. “Laptop”)</span></label>
  <input id="passkey-name" maxlength="64" value="Passkey ${data.passkeys.length + 1}">
  <button type="button" class="primary" data-passkey="register" hidden>Register a passkey</button>
  <p id="passkey-status" role="status" class="hint">Passkeys need this page’s script and a browser that supports them.</p>
</div>
</section>

<section aria-labelledby="sessions">
<h2 id="sessions">Your sessions</h2>
${sessionsTable(data.sessions, data.currentSession)}
</section>

<section aria-labelledby="notifications">
<h2 id="notifications">Notifications</h2>
<form method="post" action="/admin/account/notifications" class="stack">
  <fieldset><legend>Mail me about new comments waiting on my sites</legend>
  ${(
    [
      ['off', 'Never'],
      ['instant', 'At once, one mail per comment (with approve and remove links)'],
      ['digest', 'Once a day, a digest'],
    ] as const
  ).map(([value, label]) => html`<label for="notify-${value}"><input type="radio" id="notify-${value}" name="notify" value="${value}"${member.notify === value ? raw(' checked') : ''}> ${label}</label>`)}
  </fieldset>
  <button type="submit">Save notifications</button>
</form>
<form method="post" action="/admin/account/profile" class="stack">
  <label for="profile-name">Name</label>
  <input id="profile-name" name="name" value="${member.name}" maxlength="64" required>
  <label for="profile-email">Email address</label>
  <input id="profile-email" name="email" type="email" value="${member.email ?? ''}">
  <button type="submit">Save name and email</button>
</form>
</section>

<section aria-labelledby="tokens">
<h2 id="tokens">API tokens</h2>
<p class="hint">For scripts and <code>npm run import -- --remote URL --token TOKEN</code>: send <code>Authorization: Bearer TOKEN</code> to <code>/api/admin/*</code>.</p>
${
  data.newToken
    ? html`<div class="notice" role="status"><p>Your new token “${data.newToken.name}”. Copy it now: it is shown this once.</p><p><label for="new-token">Token</label> <input id="new-token" readonly size="60" value="${data.newToken.secret}"></p></div>`
    : ''
}
${
  data.tokens.length === 0
    ? html`<p class="empty">No API token.</p>`
    : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Access</th><th scope="col">Sites</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${data.tokens.map(
        (token) =>
          html`<tr><td>${token.name}</td><td>${token.access}</td><td>${token.sites.includes(ALL_SITES) ? 'all of yours' : siteList(token.sites, data.allSites)}</td><td>${when(token.createdAt)}</td><td>${when(token.lastUsedAt)}</td><td><form method="post" action="/admin/tokens/${token.id}/delete"><button type="submit">Revoke</button></form></td></tr>`,
      )}</tbody></table>`
}
<form method="post" action="/admin/tokens" class="stack">
  <label for="token-name">New token’s name</label>
  <input id="token-name" name="name" maxlength="64" required placeholder="import script">
  <fieldset><legend>Access</legend>
    <label for="token-read"><input type="radio" id="token-read" name="access" value="read" checked> Read (lists, counts, audit, export)</label>
    <label for="token-write"><input type="radio" id="token-write" name="access" value="write"> Write (every moderation action, import, erase)</label>
  </fieldset>
  ${siteCheckboxes(data.sites, [], 'sites', 'token-site')}
  <button type="submit">Create token</button>
</form>
</section>
</main>`,
    { passkeys: true },
  );
}

export interface TeamPageData {
  viewer: Viewer;
  members: Member[];
  invitations: InvitationInfo[];
  sessions: SessionInfo[];
  sites: SiteConfig[];
  allSites: Map<string, SiteConfig>;
  notice?: string;
  /** An invitation just made: its link, to hand over. */
  newInvitation?: { email: string; link: string };
}

/** The owner's page: moderators and their sites, invitations, everyone's sessions. */
export function teamPage(data: TeamPageData) {
  const names = new Map(data.members.map((member) => [member.id, member.name]));
  return page(
    'Team',
    html`${dashboardNav(data.viewer, 'team')}
<main>
<h1>Team</h1>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
${
  data.newInvitation
    ? html`<div class="notice" role="status"><p>Invitation mailed to ${data.newInvitation.email}. You can also hand over this link (it works once, for 7 days):</p><p><label for="invitation-link">Invitation link</label> <input id="invitation-link" readonly size="70" value="${data.newInvitation.link}"></p></div>`
    : ''
}
<section aria-labelledby="members">
<h2 id="members">Members</h2>
<ul class="members">${data.members.map(
      (member) => html`<li class="member"><h3>${member.name} <span class="hint">${member.email ?? 'no email'} · ${member.role === 'owner' ? 'owner' : 'moderator'}</span></h3>
${
  member.role === 'owner'
    ? html`<p>Every site, the team and its settings.</p>`
    : html`<form method="post" action="/admin/team/members/${member.id}/sites" class="inline">${siteCheckboxes(data.sites, member.sites, 'sites', `member-${member.id}`)}<button type="submit">Save sites of ${member.name}</button></form>
<form method="post" action="/admin/team/members/${member.id}/delete"><button type="submit" class="remove">Remove ${member.name}</button></form>`
}</li>`,
    )}</ul>
</section>
<section aria-labelledby="invite">
<h2 id="invite">Invite a moderator</h2>
<form method="post" action="/admin/team/invitations" class="stack">
  <label for="invite-email">Email address</label>
  <input id="invite-email" name="email" type="email" required>
  <label for="invite-name">Name <span class="hint">(optional; they can change it)</span></label>
  <input id="invite-name" name="name" maxlength="64">
  ${siteCheckboxes(data.sites, [], 'sites', 'invite-site')}
  <button type="submit" class="primary">Send invitation</button>
</form>
${
  data.invitations.length
    ? html`<h3>Waiting invitations</h3><table><thead><tr><th scope="col">Email</th><th scope="col">Sites</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${data.invitations.map(
        (invitation) =>
          html`<tr><td>${invitation.email}</td><td>${siteList(invitation.sites, data.allSites)}</td><td>${Date.parse(invitation.expiresAt) < Date.now() ? 'expired' : when(invitation.expiresAt)}</td><td><form method="post" action="/admin/team/invitations/${invitation.id}/delete"><button type="submit">Withdraw</button></form></td></tr>`,
      )}</tbody></table>`
    : ''
}
</section>
<section aria-labelledby="all-sessions">
<h2 id="all-sessions">Everyone’s sessions</h2>
${sessionsTable(data.sessions, undefined, names)}
</section>
</main>`,
  );
}

/** An invitation's page: who invites, to which sites, and the button that makes the account. */
export function joinPage(invitation: InvitationInfo, sites: Map<string, SiteConfig>, signed: string) {
  return page(
    'Join the moderation team',
    html`<main class="narrow">
<h1>Join the moderation team</h1>
<p>${invitation.invitedBy} invites ${invitation.email} to moderate ${siteList(invitation.sites, sites)}.</p>
<form method="post" action="/admin/join/${signed}" class="stack">
  <label for="join-name">Your name <span class="hint">(shown in the audit log)</span></label>
  <input id="join-name" name="name" value="${invitation.name}" maxlength="64" required>
  <button type="submit" class="primary">Accept and create my account</button>
</form>
<p class="hint">Then register a passkey on your account page. This invitation works once.</p>
</main>`,
  );
}

/** A sign-in link's page: a GET only shows this (mail scanners open links); the button signs in. */
export function signInLinkPage(signed: string) {
  return page(
    'Sign in',
    html`<main class="narrow">
<h1>Sign in to Parley moderation</h1>
<form method="post" action="/admin/sign-in/${signed}"><button type="submit" class="primary">Sign in</button></form>
<p class="hint">This link works once.</p>
</main>`,
  );
}
