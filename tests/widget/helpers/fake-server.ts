import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { pageOf, paginate } from '../../../worker/src/storage/thread-pages';
import {
  LIMITS,
  type CommentStatus,
  type CreateCommentRequest,
  type CreateCommentResponse,
  type ErrorBody,
  type ErrorCode,
  type ListCommentsResponse,
  type ListPageResponse,
  type OwnComment,
  type PublicComment,
  type SubscribeRequest,
  type ThreadSort,
} from '../../../worker/src/wire';

/**
 * A small in-memory stand-in for Parley's API, answering `fetch` the way the real Worker
 * does (worker/src/routes/*.ts): same URLs, same JSON bodies, same status codes and error
 * shapes (`{"error":{"code","message","field"?}}`), approved-only lists with `deleted`
 * placeholders for hidden parents that have shown replies, pages cut by the Worker's own
 * `paginate`. It also serves the widget's translations (`/i18n/LANG.json`) from
 * widget/src/i18n, as the built Worker serves them from dist/i18n. It is the only thing the
 * widget tests replace: the widget's own fetch code, storage and components run for real.
 */
export const API = 'https://parley.test';

export interface StoredComment extends PublicComment {
  site: string;
  thread: string;
  status: CommentStatus;
  /** The Markdown source. */
  body?: string;
}

export interface FakeServerOptions {
  /** Like a site's `moderation` setting: `all` holds every comment, `first` trusts a `proof`, `none` publishes at once. */
  moderation?: 'all' | 'first' | 'none';
  sites?: string[];
  /** Top-level comments per page (the real server's is 50). */
  pageSize?: number;
}

/** Ids (and so creation times) start three days ago and advance a millisecond per comment. */
let clock = Date.now() - 3 * 86_400_000;
let sequence = 0;

/** A comment id shaped like the real ones (19 base-36 characters, sorting by time), created at `at`. */
export function newId(at = clock++): string {
  return at.toString(36).padStart(9, '0') + (sequence++).toString(36).padStart(10, '0');
}

/** A file of this repository, by its path from the root (happy-dom's URL is not node's, so via a string). */
export const repoFile = (path: string) => resolve(dirname(fileURLToPath(import.meta.url)), '../../..', path);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The fake's Markdown: escaped text in a paragraph (the real one is markdown-it). */
const render = (body: string) => `<p>${escapeHtml(body.trim())}</p>\n`;

export class FakeServer {
  comments: StoredComment[] = [];
  /** Every request the widget sent, with its parsed JSON body and its headers. */
  requests: { method: string; url: URL; body: unknown; headers: Headers }[] = [];
  /** While true, fetch rejects as it does when the network is down. */
  offline = false;
  moderation: 'all' | 'first' | 'none';
  sites: string[];
  pageSize: number;
  /** Threads (`site thread`) a moderator locked. */
  locked = new Set<string>();
  /** Confirmed followers per thread (`site thread`). */
  followers = new Map<string, number>();
  /** Likes per comment id, by the one reader these tests have. */
  liked = new Set<string>();
  /** Minutes an author may edit or delete their comment. */
  editWindowMinutes = 15;
  /** Answer this code (and status) to every request of a method, e.g. to test failures. */
  fail?: { method: string; status: number; code: ErrorCode };

  constructor(options: FakeServerOptions = {}) {
    this.moderation = options.moderation ?? 'all';
    this.sites = options.sites ?? ['demo'];
    this.pageSize = options.pageSize ?? 50;
  }

  /** Installs this server as the global `fetch`. */
  install(): this {
    vi.stubGlobal('fetch', vi.fn((input: RequestInfo | URL, init?: RequestInit) => this.fetch(input, init)));
    return this;
  }

  /** Adds a comment directly, as if posted earlier and moderated. */
  seed(fields: Partial<StoredComment> & { author: string }): StoredComment {
    const id = fields.id ?? newId();
    const comment: StoredComment = {
      id,
      parentId: null,
      website: null,
      html: `<p>${escapeHtml(fields.author)} says hello</p>\n`,
      createdAt: new Date(parseInt(id.slice(0, 9), 36)).toISOString(),
      site: 'demo',
      thread: '/post',
      status: 'approved',
      ...fields,
    };
    this.comments.push(comment);
    return comment;
  }

  /** What a moderator's "approve" does. */
  approve(id: string): void {
    this.comments.find((c) => c.id === id)!.status = 'approved';
  }

  /** What a moderator's "remove" does. */
  remove(id: string): void {
    this.comments.find((c) => c.id === id)!.status = 'removed';
  }

  /** Bodies of `POST /api/comments`. */
  posts(): CreateCommentRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.pathname === '/api/comments').map((r) => r.body as CreateCommentRequest);
  }

  /** Requests to a path (and method), e.g. `sent('/api/counts')`. */
  sent(path: string | RegExp, method?: string) {
    return this.requests.filter((r) => (typeof path === 'string' ? r.url.pathname === path : path.test(r.url.pathname)) && (!method || r.method === method));
  }

  async fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      body = init.body ? JSON.parse(String(init.body)) : undefined;
    } catch {
      body = undefined;
    }
    const headers = new Headers(init.headers);
    this.requests.push({ method, url, body, headers });
    // A real fetch yields before answering; so does this one.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.offline) throw new TypeError('Failed to fetch');
    if (url.origin !== API) return error(404, 'not_found', 'No such endpoint.');
    if (this.fail?.method === method) return error(this.fail.status, this.fail.code, 'Refused by the test.');
    const path = url.pathname;
    const query = url.searchParams;
    const i18n = /^\/i18n\/([a-z]{2})\.json$/.exec(path);
    if (i18n && method === 'GET') return this.strings(i18n[1]);
    if (path === '/api/comments' && method === 'GET') return this.list(query.get('site'), query.get('thread'), query.get('sort'), query.get('page'));
    if (path === '/api/comments' && method === 'POST') return this.create(headers, body);
    if (path === '/api/comments/preview' && method === 'POST') return this.preview(body);
    if (path === '/api/counts' && method === 'GET') return this.counts(query.get('site'), query.getAll('thread'));
    if (path === '/api/subscriptions' && method === 'POST') return this.subscribe(body);
    const like = /^\/api\/comments\/(\w+)\/like$/.exec(path);
    if (like && (method === 'POST' || method === 'DELETE')) return this.like(like[1], method === 'POST');
    const own = /^\/api\/comments\/(\w+)$/.exec(path);
    if (own && (method === 'PATCH' || method === 'DELETE')) return this.changeOwn(own[1], method, headers, body);
    return error(404, 'not_found', 'No such endpoint.');
  }

  /** `GET /i18n/LANG.json`, as the built Worker serves widget/src/i18n/LANG.json (404 for languages it lacks). */
  private strings(lang: string): Response {
    try {
      return json(200, JSON.parse(readFileSync(repoFile(`widget/src/i18n/${lang}.json`), 'utf8')));
    } catch {
      return new Response('Not found', { status: 404 });
    }
  }

  /** What a reader may see of a thread: approved comments and placeholders, by id (time). */
  private visible(site: string, thread: string): PublicComment[] {
    const inThread = this.comments.filter((c) => c.site === site && c.thread === thread);
    const shown = new Map<string, PublicComment>();
    for (const c of inThread) if (c.status === 'approved') shown.set(c.id, toPublic(c));
    // Placeholders keep approved replies in place when their parent is not shown.
    const queue = [...shown.values()];
    while (queue.length) {
      const { parentId } = queue.pop()!;
      if (!parentId || shown.has(parentId)) continue;
      const parent = inThread.find((c) => c.id === parentId);
      const placeholder: PublicComment = {
        id: parentId,
        parentId: parent?.parentId ?? null,
        author: '',
        website: null,
        html: '',
        createdAt: new Date(parseInt(parentId.slice(0, 9), 36)).toISOString(),
        deleted: true,
      };
      shown.set(parentId, placeholder);
      queue.push(placeholder);
    }
    return [...shown.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  private list(site: string | null, thread: string | null, sortParam: string | null, page: string | null): Response {
    if (!site) return error(400, 'invalid_request', 'site is required', 'site');
    if (!this.sites.includes(site)) return error(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
    if (!thread) return error(400, 'invalid_request', 'thread is required', 'thread');
    const sort = (sortParam || 'oldest') as ThreadSort;
    if (!['oldest', 'newest', 'top'].includes(sort)) return error(400, 'invalid_request', 'sort must be one of oldest, newest, top', 'sort');
    const visible = this.visible(site, thread);
    const pinned = visible.filter((c) => c.pinned).map((c) => c.id);
    const pages = paginate(visible, pinned, this.pageSize);
    if (page !== null) {
      const index = Number(page);
      const chunk = pages.chunks[index];
      const roots = chunk ? chunk.filter((c) => !c.parentId || !chunk.some((p) => p.id === c.parentId)).length : 0;
      const body: ListPageResponse = {
        comments: chunk ? pageOf(chunk, sort) : [],
        sort,
        pageSize: this.pageSize,
        page: index,
        next: chunk ? (sort === 'newest' ? (index > 0 ? index - 1 : null) : roots >= this.pageSize ? index + 1 : null) : null,
      };
      return json(200, body);
    }
    const key = `${site} ${thread}`;
    const body: ListCommentsResponse = {
      comments: pages.first[sort],
      total: visible.filter((c) => !c.deleted).length,
      locked: this.locked.has(key),
      followers: this.followers.get(key) ?? 0,
      sort,
      pageSize: this.pageSize,
      next: pages.next[sort],
    };
    return json(200, body);
  }

  private create(headers: Headers, input: unknown): Response {
    const type = headers.get('content-type') ?? '';
    if (!/^(application\/json|text\/plain)/.test(type)) return error(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
    if (typeof input !== 'object' || input === null) return error(400, 'invalid_json', 'The request body is not a JSON object.');
    const req = input as Partial<Record<keyof CreateCommentRequest, unknown>>;
    const text = (field: string, value: unknown, max: number, required: string | null) => {
      if (value === undefined || value === null || value === '') return required ? `${required} is required` : null;
      if (typeof value !== 'string') return `${field} must be text`;
      if (required && !value.trim()) return `${required} is required`;
      if (value.length > max) return `${field} is at most ${max} characters`;
      return null;
    };
    const checks: [string, string | null][] = [
      ['site', text('site', req.site, LIMITS.site, 'site')],
      ['thread', text('thread', req.thread, LIMITS.thread, 'thread')],
      ['author', text('Name', req.author, LIMITS.author, 'Name')],
      ['email', text('Email', req.email, LIMITS.email, null) ?? (req.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(req.email)) ? 'Email is not a valid address' : null)],
      ['website', text('Website', req.website, LIMITS.website, null) ?? (req.website && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(String(req.website)) ? 'Website must be a full http:// or https:// address' : null)],
      ['body', text('Comment', req.body, LIMITS.body, 'Comment')],
    ];
    for (const [field, message] of checks) if (message) return error(400, 'invalid_request', message, field);
    const site = String(req.site);
    const thread = String(req.thread);
    if (!this.sites.includes(site)) return error(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
    const parentId = (req.parentId as string | null | undefined) ?? null;
    if (parentId && !this.comments.some((c) => c.id === parentId && c.site === site && c.thread === thread)) {
      return error(400, 'parent_not_found', 'The comment you are replying to is not in this thread.', 'parentId');
    }
    if (this.locked.has(`${site} ${thread}`)) return error(403, 'thread_locked', 'This thread is closed to new comments.');
    // `first`: published at once when the proof names an approved comment of this site with its token.
    const proof = req.proof as CreateCommentRequest['proof'];
    const trusted = !!proof && this.comments.some((c) => c.id === proof.id && c.site === site && c.status === 'approved' && `token-${c.id}` === proof.token);
    const spam = typeof req.hp === 'string' && req.hp.trim() !== '';
    // Created now (seeded comments are days old), so the edit window applies as on the real server.
    const id = newId(Date.now());
    const comment = this.seed({
      id,
      site,
      thread,
      parentId,
      author: String(req.author).replace(/\s+/g, ' ').trim(),
      website: (req.website as string) || null,
      body: String(req.body),
      html: render(String(req.body)),
      avatar: (String(req.email || req.author).length * 2654435761).toString(16).padStart(16, '0').slice(-16),
      status: spam ? 'spam' : this.moderation === 'none' || (this.moderation === 'first' && trusted) ? 'approved' : 'pending',
    });
    const body: CreateCommentResponse = { comment: own(comment), token: `token-${id}` };
    return json(201, body);
  }

  /** `PATCH` / `DELETE /api/comments/:id` with the edit token, within the edit window. */
  private changeOwn(id: string, method: string, headers: Headers, input: unknown): Response {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) return error(404, 'not_found', 'No comment with that id.');
    if (headers.get('authorization') !== `Bearer token-${id}`) return error(401, 'unauthorized', 'Only the author of this comment can change it (the edit token is missing or wrong).');
    if (comment.status === 'removed' || comment.status === 'spam') return error(404, 'not_found', 'No comment with that id.');
    if (Date.now() - Date.parse(comment.createdAt) > this.editWindowMinutes * 60_000) {
      return error(403, 'edit_window_closed', `Comments can be changed for ${this.editWindowMinutes} minutes after posting.`);
    }
    if (method === 'DELETE') {
      comment.status = 'removed';
      return json(200, { deleted: true, id });
    }
    const body = (input as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string' || !body.trim()) return error(400, 'invalid_request', 'Comment is required', 'body');
    if (body.length > LIMITS.body) return error(400, 'invalid_request', `Comment is at most ${LIMITS.body} characters`, 'body');
    Object.assign(comment, { body, html: render(body), edited: true });
    // The rule: on a site that pre-moderates everything, an edited approved comment waits again.
    if (comment.status === 'approved' && this.moderation === 'all') comment.status = 'pending';
    return json(200, { comment: own(comment) });
  }

  /** `POST` / `DELETE /api/comments/:id/like`. The real server updates counts about a minute later; so does this one (never, in a test). */
  private like(id: string, liked: boolean): Response {
    const comment = this.comments.find((c) => c.id === id && c.status === 'approved');
    if (!comment) return error(404, 'not_found', 'No comment with that id.');
    const changed = liked !== this.liked.has(id);
    if (liked) this.liked.add(id);
    else this.liked.delete(id);
    return json(200, { id, liked, changed });
  }

  private preview(input: unknown): Response {
    const body = (input as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string') return error(400, 'invalid_request', 'Comment is required', 'body');
    return json(200, { html: render(body) });
  }

  private counts(site: string | null, threads: string[]): Response {
    if (!site || !this.sites.includes(site)) return error(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
    const unique = [...new Set(threads)];
    if (!unique.length) return error(400, 'invalid_request', 'Name at least one thread.', 'thread');
    if (unique.length > 50) return error(400, 'invalid_request', 'At most 50 threads per request.', 'thread');
    const counts: Record<string, number> = {};
    for (const thread of unique) counts[thread] = this.comments.filter((c) => c.site === site && c.thread === thread && c.status === 'approved').length;
    return json(200, { counts });
  }

  private subscribe(input: unknown): Response {
    const req = (input ?? {}) as Partial<SubscribeRequest>;
    if (!req.site || !this.sites.includes(req.site)) return error(404, 'unknown_site', `No site "${req.site}" is configured on this server.`, 'site');
    if (!req.thread) return error(400, 'invalid_request', 'thread is required', 'thread');
    if (!req.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(req.email)) return error(400, 'invalid_request', 'Email is not a valid address', 'email');
    return json(202, { status: 'confirmation_sent', message: 'Check your inbox: follow the link in the email to confirm.' });
  }
}

/** The public view of a comment, as the real `toPublic` builds it (optional fields only when set). */
function toPublic({ id, parentId, author, website, html, createdAt, avatar, avatarUrl, edited, pinned, likes }: StoredComment): PublicComment {
  return { id, parentId, author, website, html, createdAt, ...(avatar && { avatar }), ...(avatarUrl && { avatarUrl }), ...(edited && { edited }), ...(pinned && { pinned }), ...(likes && { likes }) };
}

/** What the author gets back: spam is answered as pending, so a spammer learns nothing. */
function own(comment: StoredComment): OwnComment {
  const { pinned: _pinned, likes: _likes, ...view } = toPublic(comment);
  return { ...view, status: comment.status === 'spam' ? 'pending' : comment.status };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function error(status: number, code: ErrorCode, message: string, field?: string): Response {
  const body: ErrorBody = { error: field ? { code, message, field } : { code, message } };
  return json(status, body);
}
