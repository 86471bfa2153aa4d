import { vi } from 'vitest';
import {
  LIMITS,
  type CommentStatus,
  type CreateCommentRequest,
  type CreateCommentResponse,
  type ErrorBody,
  type ErrorCode,
  type ListCommentsResponse,
  type PublicComment,
} from '../../../worker/src/wire';

/**
 * A small in-memory stand-in for Parley's API, answering `fetch` the way the real Worker
 * does (worker/src/routes/comments.ts): same URLs, same JSON bodies, same status codes and
 * error shapes (`{"error":{"code","message","field"?}}`), approved-only lists with
 * `deleted` placeholders for hidden parents that have shown replies. It is the only thing
 * the widget tests replace: the widget's own fetch code, storage and components run for real.
 */
export const API = 'https://parley.test';

interface StoredComment extends PublicComment {
  site: string;
  thread: string;
  status: CommentStatus;
}

export interface FakeServerOptions {
  /** Like a site's `moderation` setting: `all` holds every comment as pending, `none` publishes at once. */
  moderation?: 'all' | 'none';
  sites?: string[];
}

/** Ids (and so creation times) start three days ago and advance a millisecond per comment. */
let clock = Date.now() - 3 * 86_400_000;
let sequence = 0;

/** A comment id shaped like the real ones (19 base-36 characters, sorting by time). */
function newId(): string {
  return (clock++).toString(36).padStart(9, '0') + (sequence++).toString(36).padStart(10, '0');
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class FakeServer {
  comments: StoredComment[] = [];
  /** Every request the widget sent, with its parsed JSON body. */
  requests: { method: string; url: URL; body: unknown }[] = [];
  /** While true, fetch rejects as it does when the network is down. */
  offline = false;
  moderation: 'all' | 'none';
  sites: string[];

  constructor(options: FakeServerOptions = {}) {
    this.moderation = options.moderation ?? 'all';
    this.sites = options.sites ?? ['demo'];
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

  posts(): CreateCommentRequest[] {
    return this.requests.filter((r) => r.method === 'POST').map((r) => r.body as CreateCommentRequest);
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
    this.requests.push({ method, url, body });
    // A real fetch yields before answering; so does this one.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.offline) throw new TypeError('Failed to fetch');
    if (url.origin !== API || url.pathname !== '/api/comments') return error(404, 'not_found', 'No such endpoint.');
    if (method === 'GET') return this.list(url.searchParams.get('site'), url.searchParams.get('thread'));
    if (method === 'POST') return this.create(init, body);
    return error(404, 'not_found', 'No such endpoint.');
  }

  private list(site: string | null, thread: string | null): Response {
    if (!site) return error(400, 'invalid_request', 'site is required', 'site');
    if (!this.sites.includes(site)) return error(404, 'unknown_site', `No site "${site}" is configured on this server.`, 'site');
    if (!thread) return error(400, 'invalid_request', 'thread is required', 'thread');
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
    const comments = [...shown.values()].sort((a, b) => a.id.localeCompare(b.id));
    // One page: these tests never have more than 50 top-level comments.
    const body: ListCommentsResponse = { comments, total: inThread.filter((c) => c.status === 'approved').length, locked: false, sort: 'oldest', pageSize: 50, next: null, followers: 0 };
    return json(200, body);
  }

  private create(init: RequestInit, input: unknown): Response {
    const type = new Headers(init.headers).get('content-type') ?? '';
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
    const id = newId();
    const comment = this.seed({
      id,
      site,
      thread,
      parentId,
      author: String(req.author).replace(/\s+/g, ' ').trim(),
      website: (req.website as string) || null,
      html: `<p>${escapeHtml(String(req.body).trim())}</p>\n`,
      status: this.moderation === 'none' ? 'approved' : 'pending',
    });
    const body: CreateCommentResponse = { comment: { ...toPublic(comment), status: comment.status }, token: `token-${id}` };
    return json(201, body);
  }
}

function toPublic({ id, parentId, author, website, html, createdAt }: StoredComment): PublicComment {
  return { id, parentId, author, website, html, createdAt };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function error(status: number, code: ErrorCode, message: string, field?: string): Response {
  const body: ErrorBody = { error: field ? { code, message, field } : { code, message } };
  return json(status, body);
}
