import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { vi } from 'vitest';
import { createApp } from '../../../worker/src/index';
import { subscriptionLink } from '../../../worker/src/mail/follow';
import { hashEmail } from '../../../worker/src/moderation/identity';
import { wrapObjectKv } from '../../../worker/src/objects/kv-access';
import type { Bindings } from '../../../worker/src/app-env';
import type {
  AdminActionResponse,
  AdminListResponse,
  CommentStatus,
  CountsResponse,
  CreateCommentResponse,
  EditCommentResponse,
  ErrorBody,
  LikeResponse,
  ListCommentsResponse,
  ListPageResponse,
  ListRepliesResponse,
  ModeratedComment,
  PublicComment,
  ThreadSort,
} from '../../../worker/src/wire';
import { MultiLocationKv, type MultiLocationKvOptions } from '../support/multi-location-kv';
import { ADMIN_TOKEN } from '../helpers/api';

/**
 * Parley as users meet it, one function per user action, each sent from one location of a
 * {@link MultiLocationKv}. The consistency tests speak only through these, so when the API
 * changes (paged replies, a cursor on the admin queue) only this file changes.
 */

/** Where the app's own pages live (links in mail and notifications point here). */
export const APP_ORIGIN = 'https://parley.test';

/** The page origin each test site accepts writes from (tests/vitest.config.ts). */
export const SITE_ORIGINS: Record<string, string> = {
  demo: 'https://blog.example',
  open: 'https://open.example',
  trusted: 'https://trusted.example',
  guarded: 'https://guarded.example',
};

export const STATUSES: readonly CommentStatus[] = ['pending', 'approved', 'spam', 'removed'];

/** What every action answers: the HTTP status, and the error code when it failed. */
export interface Outcome {
  ok: boolean;
  status: number;
  /** The API's error code (`{"error":{"code"}}`), when there is one. */
  error?: string;
}

/** A comment as its author holds it: what the POST answered, with the edit token. */
export interface AuthorsCopy {
  id: string;
  token: string;
  site: string;
  thread: string;
  parentId: string | null;
  /** Status the POST answered (spam is answered as pending). */
  status: CommentStatus;
}

/**
 * The system under test: the real app (worker/src/index.ts) inside workerd, one instance per
 * location, each with that location's view of KV as its binding, on a simulated clock.
 *
 * - `Date` follows the model's clock (vitest fake timers, Date only), so the app's timestamps,
 *   its 65 s view recheck and link expiries run in simulated time.
 * - Every request runs with the production settings, except: mail goes to the outbox, sent after
 *   the response instead of through the queue (no MAIL_QUEUE), and the per-IP post rate limit is
 *   off (RATE_LIMIT=0: schedules post faster than people do; the limit has its own tests).
 * - The location's namespace is both the `wrapKv` result and `env.PARLEY_KV`, because some code
 *   (subscriptions, mail) uses the binding directly.
 * - Outbound requests (webhooks) go to `outbound` (refused unless a test records them).
 *
 * Call {@link dispose} when done (afterEach): it gives `Date` back.
 */
export class World {
  readonly model: MultiLocationKv;
  private readonly apps = new Map<string, ReturnType<typeof createApp>>();

  /**
   * @param outbound where the app's outbound requests go (webhooks); refused by default.
   * @param bindings extra or replaced bindings for every request (e.g. a test hook of a new component).
   */
  constructor(
    options: Omit<MultiLocationKvOptions, 'onClock'>,
    private readonly outbound: typeof fetch = refuseOutbound,
    private readonly bindings: Partial<Bindings> = {},
  ) {
    vi.useFakeTimers({ toFake: ['Date'] });
    this.model = new MultiLocationKv({ ...options, onClock: (now) => vi.setSystemTime(now) });
    // The Durable Objects (each thread's single writer, each site's index) run at the first location,
    // as an object runs near the request that first reached it: their KV writes start there.
    const home = this.model.at(this.model.locations[0]);
    wrapObjectKv(() => home);
  }

  get locations(): string[] {
    return this.model.locations;
  }

  /** Sends one request through the app running at `at`, and waits for the work it left in waitUntil. */
  async request(at: string, path: string, init: RequestInit = {}): Promise<Response> {
    const kv = this.model.at(at);
    let app = this.apps.get(at);
    if (!app) {
      app = createApp({ wrapKv: () => kv, outbound: this.outbound });
      this.apps.set(at, app);
    }
    const bindings: Bindings = { ...(env as Bindings), PARLEY_KV: kv, MAIL_QUEUE: undefined, RATE_LIMIT: '0', ...this.bindings };
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`${APP_ORIGIN}${path}`, init), bindings, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  dispose(): void {
    wrapObjectKv(null);
    vi.useRealTimers();
  }
}

const refuseOutbound: typeof fetch = async (input) => {
  throw new Error(`unexpected outbound request to ${String(input instanceof Request ? input.url : input)}`);
};

async function outcome<T>(response: Response): Promise<Outcome & { body?: T }> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  return { ok: false, status: response.status, error: (body as ErrorBody | undefined)?.error?.code ?? text.slice(0, 80) };
}

function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function asAdmin(init: RequestInit = {}): RequestInit {
  return { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string> | undefined) } };
}

// ---- readers and authors ----

export interface NewComment {
  site: string;
  thread: string;
  author: string;
  body: string;
  email?: string;
  /** The poster's IP (`cf-connecting-ip`). */
  ip?: string;
  /** Ask to be mailed about replies. */
  notify?: boolean;
}

/** A reader posts a top-level comment. */
export async function post(world: World, at: string, comment: NewComment & { parentId?: string | null }): Promise<Outcome & { comment?: AuthorsCopy; html?: string }> {
  const { ip, ...fields } = comment;
  // As the widget sends it: how long the form was open (a post without it is held as suspicious).
  const body = { elapsedMs: 60_000, ...fields };
  const response = await world.request(at, '/api/comments', json('POST', body, { origin: SITE_ORIGINS[comment.site], ...(ip ? { 'cf-connecting-ip': ip } : {}) }));
  const result = await outcome<CreateCommentResponse>(response);
  if (!result.ok || !result.body) return { ok: false, status: result.status, error: result.error };
  const created = result.body;
  return {
    ok: true,
    status: result.status,
    html: created.comment.html,
    comment: { id: created.comment.id, token: created.token, site: comment.site, thread: comment.thread, parentId: created.comment.parentId, status: created.comment.status },
  };
}

/** A reader replies to a comment. */
export function reply(world: World, at: string, parent: { id: string; site: string; thread: string }, comment: Omit<NewComment, 'site' | 'thread'>) {
  return post(world, at, { ...comment, site: parent.site, thread: parent.thread, parentId: parent.id });
}

/** The author edits their comment with its edit token. */
export async function edit(world: World, at: string, mine: AuthorsCopy, body: string): Promise<Outcome & { commentStatus?: CommentStatus }> {
  const response = await world.request(at, `/api/comments/${mine.id}`, json('PATCH', { body }, { origin: SITE_ORIGINS[mine.site], authorization: `Bearer ${mine.token}` }));
  const result = await outcome<EditCommentResponse>(response);
  return { ok: result.ok, status: result.status, error: result.error, commentStatus: result.body?.comment.status };
}

/** The author deletes their comment with its edit token. */
export async function authorDelete(world: World, at: string, mine: AuthorsCopy): Promise<Outcome> {
  const response = await world.request(at, `/api/comments/${mine.id}`, { method: 'DELETE', headers: { origin: SITE_ORIGINS[mine.site], authorization: `Bearer ${mine.token}` } });
  const { ok, status, error } = await outcome(response);
  return { ok, status, error };
}

/** A reader (known by IP) likes a comment, or takes the like back. */
export async function like(world: World, at: string, comment: { id: string; site: string }, voterIp: string, liked = true): Promise<Outcome & { changed?: boolean }> {
  const response = await world.request(at, `/api/comments/${comment.id}/like`, { method: liked ? 'POST' : 'DELETE', headers: { origin: SITE_ORIGINS[comment.site], 'cf-connecting-ip': voterIp } });
  const result = await outcome<LikeResponse>(response);
  return { ok: result.ok, status: result.status, error: result.error, changed: result.body?.changed };
}

export interface Follower {
  site: string;
  thread: string;
  email: string;
}

/**
 * A reader follows a thread by email: asks (at `at`), then confirms through the link in the
 * confirmation mail (at `confirmAt`). `ok` only when the confirmation page said so.
 */
export async function follow(world: World, at: string, who: Follower, confirmAt = at): Promise<Outcome & { step?: 'subscribe' | 'mail' | 'confirm' }> {
  const asked = await askToFollow(world, at, who);
  if (!asked.ok) return { ...asked, step: 'subscribe' };
  const confirmed = await confirmFollow(world, confirmAt, who);
  return { ...confirmed, step: confirmed.status === 0 ? 'mail' : 'confirm' };
}

/** The first half of {@link follow}: the reader asks to follow; the app mails a confirmation link. */
export async function askToFollow(world: World, at: string, who: Follower): Promise<Outcome> {
  const { ok, status, error } = await outcome(await world.request(at, '/api/subscriptions', json('POST', { site: who.site, thread: who.thread, email: who.email }, { origin: SITE_ORIGINS[who.site] })));
  return { ok, status, error };
}

/**
 * The second half of {@link follow}: the reader opens the newest confirmation mail sent to them
 * about the thread (the app sends at most one an hour) and confirms. Status 0: no such mail.
 */
export async function confirmFollow(world: World, at: string, who: Follower): Promise<Outcome> {
  const link = newestMailLink(world, who.email, 'confirm', who.thread);
  if (!link) return { ok: false, status: 0, error: 'no confirmation mail' };
  const response = await world.request(at, link, { method: 'POST', headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  const page = await response.text();
  const ok = response.ok && page.includes('Subscription confirmed');
  return { ok, status: response.status, ...(ok ? {} : { error: pageTitle(page) }) };
}

/**
 * A follower's mail provider unsubscribes them with one click (RFC 8058: a POST nobody has to
 * make by hand). The link is the one every notification carries; it is made here with the app's
 * own function, so a test need not publish a comment first to get one.
 */
export async function unfollow(world: World, at: string, who: Follower, unsubscribePath?: string): Promise<Outcome> {
  const path = unsubscribePath ?? (await unsubscribeLinkOf(who));
  const response = await world.request(at, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  const page = await response.text();
  return { ok: response.ok && page.includes('no more email'), status: response.status };
}

/** The path of the one-click unsubscribe link for a thread follower. */
export async function unsubscribeLinkOf(who: Follower): Promise<string> {
  const bindings = env as Bindings;
  const emailHash = (await hashEmail(bindings, who.email))!;
  return new URL(await subscriptionLink(bindings, APP_ORIGIN, { ref: { site: who.site, thread: who.thread }, emailHash, target: 'thread' }, 'unsubscribe')).pathname;
}

/** Mail "sent" so far (the outbox's writes, wherever they were made, whatever became of them). */
export function sentMail(world: World): { to: string; subject: string; text: string; at: number }[] {
  return world.model.writes
    .filter((write) => write.key.startsWith('outbox:') && write.value !== null)
    .map((write) => ({ ...(JSON.parse(write.value!) as { to: string; subject: string; text: string }), at: write.at }));
}

/** The path of the newest link of a kind (`confirm`, `unsubscribe`) mailed to an address about a thread. */
export function newestMailLink(world: World, to: string, kind: 'confirm' | 'unsubscribe', _thread?: string): string | null {
  const pattern = new RegExp(`${APP_ORIGIN.replace(/\./g, '\\.')}(/subscriptions/${kind}/\\S+)`);
  // Mail names a post by the site's URL (or the site's name), not by its thread id, so mail is told
  // apart by address only: each World is one schedule, and its newest mail of the kind is the one.
  const mails = sentMail(world).filter((mail) => mail.to === to);
  for (const mail of mails.reverse()) {
    const match = pattern.exec(mail.text);
    if (match) return match[1];
  }
  return null;
}

function pageTitle(page: string): string {
  return /<title>([^<]*)<\/title>/.exec(page)?.[1] ?? page.slice(0, 80);
}

// ---- moderators ----

async function moderate(world: World, at: string, path: string, init: RequestInit): Promise<Outcome & { commentStatus?: CommentStatus }> {
  const result = await outcome<AdminActionResponse>(await world.request(at, path, asAdmin(init)));
  return { ok: result.ok, status: result.status, error: result.error, commentStatus: result.body?.comment.status };
}

export const approve = (world: World, at: string, id: string) => moderate(world, at, `/api/admin/comments/${id}/approve`, { method: 'POST' });
export const remove = (world: World, at: string, id: string) => moderate(world, at, `/api/admin/comments/${id}`, { method: 'DELETE' });
export const spam = (world: World, at: string, id: string) => moderate(world, at, `/api/admin/comments/${id}/spam`, { method: 'POST' });
export const restore = (world: World, at: string, id: string) => moderate(world, at, `/api/admin/comments/${id}/restore`, { method: 'POST' });
export const pin = (world: World, at: string, id: string, pinned = true) => moderate(world, at, `/api/admin/comments/${id}/pin`, json('POST', { pinned }));

/** A moderator applies one action to many comments at once (the dashboard's bulk action). `failed` lists those it could not. */
export async function bulkModerate(world: World, at: string, ids: string[], action: 'approve' | 'remove' | 'spam' | 'restore'): Promise<Outcome & { failed?: { id: string }[] }> {
  const result = await outcome<{ failed: { id: string }[] }>(await world.request(at, '/api/admin/comments/bulk', asAdmin(json('POST', { ids, action }))));
  return { ok: result.ok, status: result.status, error: result.error, failed: result.body?.failed };
}

/** A moderator locks (or unlocks) a thread. */
export async function lock(world: World, at: string, site: string, thread: string, locked = true): Promise<Outcome> {
  const { ok, status, error } = await outcome(await world.request(at, '/api/admin/threads/lock', asAdmin(json('POST', { site, thread, locked }))));
  return { ok, status, error };
}

/**
 * Someone opens a one-click moderation link (from a Slack/Discord notification): the GET shows
 * a page with one button, the POST acts. Returns both pages' status and visible text.
 */
export async function openModerationLink(world: World, at: string, url: string): Promise<{ shown: PageSeen; done: PageSeen }> {
  const path = new URL(url).pathname;
  const shown = await world.request(at, path);
  const shownPage = { status: shown.status, text: visibleText(await shown.text()) };
  const done = await world.request(at, path, { method: 'POST', headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  return { shown: shownPage, done: { status: done.status, text: visibleText(await done.text()) } };
}

/** An HTML page as a person reads it. */
export interface PageSeen {
  status: number;
  /** The page's text, tags and styles left out. */
  text: string;
}

function visibleText(html: string): string {
  return html
    .replace(/<(style|script|title)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---- reading ----

export interface ThreadAsRead {
  /** Every comment of every page, in page order (placeholders included, marked `deleted`). */
  comments: PublicComment[];
  total: number;
  locked: boolean;
  followers: number;
}

/**
 * A reader opens a thread and reads everything it can reach: every page (following `next`) and,
 * for each top-level comment with more replies than its page shows, every page of its replies.
 * Each comment once (pages may repeat pinned comments and replies shown inline).
 */
export async function readThread(world: World, at: string, site: string, thread: string, sort: ThreadSort = 'oldest'): Promise<ThreadAsRead> {
  const query = `site=${encodeURIComponent(site)}&thread=${encodeURIComponent(thread)}`;
  const first = await world.request(at, `/api/comments?${query}&sort=${sort}`);
  if (first.status !== 200) throw new Error(`reading ${site} ${thread} at ${at}: ${first.status} ${await first.text()}`);
  const head = await first.json<ListCommentsResponse>();
  const seen = new Map<string, PublicComment>();
  const add = (comments: PublicComment[]) => {
    for (const comment of comments) if (!seen.has(comment.id)) seen.set(comment.id, comment);
  };
  add(head.comments);
  for (let next = head.next, pages = 1; next !== null; pages++) {
    if (pages > 1000) throw new Error(`reading ${site} ${thread}: more than 1,000 pages`);
    const page = await (await world.request(at, `/api/comments?${query}&sort=${sort}&page=${next}`)).json<ListPageResponse>();
    add(page.comments);
    next = page.next;
  }
  for (const root of [...seen.values()].filter((comment) => comment.parentId === null && (comment.replies ?? 0) > 0)) {
    for (let page: number | null = 0, pages = 0; page !== null; pages++) {
      if (pages > 1000) throw new Error(`reading replies of ${root.id}: more than 1,000 pages`);
      const replies: ListRepliesResponse = await (await world.request(at, `/api/comments/replies?${query}&root=${root.id}&page=${page}`)).json<ListRepliesResponse>();
      add(replies.comments);
      page = replies.next;
    }
  }
  return { comments: [...seen.values()], total: head.total, locked: head.locked, followers: head.followers };
}

/** A moderator reads one moderation queue of a site (optionally one thread), every page of it. */
export async function readQueue(world: World, at: string, status: CommentStatus, site: string, thread?: string): Promise<ModeratedComment[]> {
  const comments: ModeratedComment[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ status, site, limit: '200', ...(thread ? { thread } : {}), ...(cursor ? { cursor } : {}) });
    const response = await world.request(at, `/api/admin/comments?${query}`, asAdmin());
    if (response.status !== 200) throw new Error(`reading the ${status} queue at ${at}: ${response.status} ${await response.text()}`);
    const page: AdminListResponse = await response.json<AdminListResponse>();
    comments.push(...page.comments);
    cursor = page.next;
  } while (cursor);
  return comments;
}

/** The dashboard's queue sizes of a site. */
export async function readQueueCounts(world: World, at: string, site: string): Promise<Record<CommentStatus, number>> {
  const response = await world.request(at, `/api/admin/counts?site=${encodeURIComponent(site)}`, asAdmin());
  return (await response.json<{ counts: Record<CommentStatus, number> }>()).counts;
}

/** An index page asks for the comment counts of some threads. */
export async function readCounts(world: World, at: string, site: string, threads: string[]): Promise<Record<string, number>> {
  const query = [`site=${encodeURIComponent(site)}`, ...threads.map((thread) => `thread=${encodeURIComponent(thread)}`)].join('&');
  const response = await world.request(at, `/api/counts?${query}`);
  if (response.status !== 200) throw new Error(`reading counts at ${at}: ${response.status} ${await response.text()}`);
  return (await response.json<CountsResponse>()).counts;
}

// ---- time ----

/** A minute and more: what the earlier design waited before rechecking a view; kept as a settling pause (KV's caches last 60 s). */
export const VIEW_SETTLE_MS = 65_000;

/**
 * "Quiescence plus propagation": no new user action, every write lands, and the system gets
 * the time and the traffic it relies on to converge: past the view recheck window, a reader
 * opens each thread at each location (today's self-repair runs on such reads), everything lands
 * again, and every cache has expired. A new design that converges some other way (a Durable
 * Object's alarm, a reconciler) runs it here.
 */
export async function settle(world: World, threads: { site: string; thread: string }[]): Promise<void> {
  world.model.quiesce();
  world.model.advance(VIEW_SETTLE_MS + 1_000);
  for (const at of world.locations) for (const { site, thread } of threads) await readThread(world, at, site, thread);
  world.model.quiesce();
  world.model.advance(61_000);
}
