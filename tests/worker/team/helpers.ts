import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { OutboxMailer, type OutboxEntry } from '../../../worker/src/mail/mailer';
import { ADMIN_TOKEN, call, createComment } from '../helpers/api';
import type { CreateCommentResponse } from '../../../worker/src/wire';

/** The dashboard's own origin in tests (`call` sends requests to https://parley.test). */
export const SAME_ORIGIN = 'https://parley.test';

/** Mail runs inline (no queue binding), so a test sees the mail its request sent. */
export const NO_QUEUE = { MAIL_QUEUE: undefined };

/** Site A, which the moderator moderates, and site B, which they do not: both hold comments for moderators. */
export const SITE_A = { id: 'demo', origin: 'https://blog.example' };
export const SITE_B = { id: 'trusted', origin: 'https://trusted.example' };

export function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie');
  if (!header) throw new Error(`no cookie set (status ${response.status})`);
  return header.split(';')[0];
}

/** A dashboard form post from the dashboard itself. */
export function form(path: string, cookie: string | null, fields: Record<string, string | string[]> = {}, envOverrides: Record<string, unknown> = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of ([] as string[]).concat(value)) body.append(name, one);
  return call(
    path,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN, ...(cookie ? { cookie } : {}) }, body: body.toString(), redirect: 'manual' },
    undefined,
    envOverrides,
  );
}

/** A JSON request to the admin API with a dashboard cookie (from the dashboard's origin) or a Bearer token. */
export function api(path: string, credential: { cookie: string } | { token: string }, init: { method?: string; body?: unknown } = {}, envOverrides: Record<string, unknown> = {}) {
  const headers: Record<string, string> = 'cookie' in credential ? { cookie: credential.cookie, origin: SAME_ORIGIN } : { authorization: `Bearer ${credential.token}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return call(path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) }, undefined, envOverrides);
}

/** The owner's first sign-in with ADMIN_TOKEN (it makes the owner's account): the session cookie. */
export async function ownerSession(name = 'Olive Owner', email = 'olive@example.com'): Promise<string> {
  const response = await form('/admin/login', null, { token: ADMIN_TOKEN, name, email });
  expect(response.status).toBe(303);
  return cookieOf(response);
}

/** The owner invites someone (through the API, with ADMIN_TOKEN): the invitation's link path. */
export async function inviteModerator(email: string, sites: string[]): Promise<{ path: string; id: string }> {
  const response = await api('/api/admin/team/invitations', { token: ADMIN_TOKEN }, { method: 'POST', body: { email, sites } }, NO_QUEUE);
  if (response.status !== 201) throw new Error(`invitation refused: ${response.status} ${await response.text()}`);
  const { invitation, link } = await response.json<{ invitation: { id: string }; link: string }>();
  return { path: new URL(link).pathname, id: invitation.id };
}

/** A moderator invited to `sites`, who accepted: their id and dashboard session cookie. */
export async function moderatorSession(email = 'mia@example.com', sites = [SITE_A.id], name = 'Mia Moderator'): Promise<{ cookie: string; id: string }> {
  const { path } = await inviteModerator(email, sites);
  const accepted = await form(path, null, { name });
  expect(accepted.status).toBe(303);
  const cookie = cookieOf(accepted);
  const me = await (await api('/api/admin/me', { cookie })).json<{ member: { id: string } }>();
  return { cookie, id: me.member.id };
}

/** A pending comment on a site. */
export async function pendingOn(site: { id: string; origin: string }, fields: Record<string, unknown> = {}): Promise<CreateCommentResponse> {
  return createComment({ site: site.id, thread: '/posts/team/', author: 'Reader', email: 'reader@example.com', body: `Hello from ${site.id}`, ...fields }, site.origin);
}

export async function outbox(): Promise<OutboxEntry[]> {
  return OutboxMailer.read(env.PARLEY_KV);
}

/** The first link in a mail whose path starts with `prefix`. */
export function linkIn(mail: OutboxEntry, prefix: string): string {
  const match = new RegExp(`https://parley\\.test(${prefix.replace(/\//g, '\\/')}\\S+)`).exec(mail.text);
  if (!match) throw new Error(`no ${prefix} link in: ${mail.text}`);
  return match[1];
}
