import { randomBytes } from 'node:crypto';
import { inject, vi } from 'vitest';
import type { AdminActionResponse, CreateCommentRequest, ListCommentsResponse, ModeratedComment } from '../../../worker/src/wire';
import { httpRequest, jsonRequest } from '../../support/http';
import { seedThread, type SeedComment } from '../../support/seed';
import type { TestSite } from '../setup/sites';

/*
 * The real Worker the widget tests run against (started once by tests/widget/setup/), and what
 * a test does to it from the outside: seeding threads, moderating through the admin API,
 * confirming followers through the outbox, as people would. The widget itself talks to it
 * with the page's own `fetch` (happy-dom's), through {@link network}, which only watches.
 */

/** The Worker's origin and admin token. */
export const server = inject('parleyServer');

/** The Worker's origin (where widget.js, the API and the translations are). */
export const API = server.origin;

const run = randomBytes(3).toString('hex');
let threads = 0;

/** A thread id no other test uses (the tests share one Worker). */
export const newThread = (name = 'post') => `/${name}-${run}-${++threads}`;

/** Seeded comments are written three days ago, a millisecond apart in the order seeded. */
let clock = Date.now() - 3 * 86_400_000;

/** A comment to seed: an author, and optionally anything else `seedThread` takes. */
export type SeedInput = Partial<Omit<SeedComment, 'key' | 'thread' | 'parent'>> & { author: string; parent?: { id: string } };

/** A seeded comment: its id, date (ISO) and what was given. */
export type SeededComment = Omit<SeedInput, 'createdAt'> & { id: string; createdAt: string };

/**
 * Seeds comments into `thread` of `site` (approved unless `status` says otherwise), bodies
 * "NAME says hello" unless given, and resolves with them, ids and dates included.
 *
 * @example
 * const [ada] = await seed(thread, [{ author: 'Ada' }]);
 * await seed(thread, [{ author: 'Bob', parent: ada }]);
 */
export async function seed(thread: string, comments: SeedInput[], site: TestSite = 'demo'): Promise<SeededComment[]> {
  const keyed = comments.map(({ parent, ...comment }, index) => ({ body: `${comment.author} says hello`, createdAt: clock++, ...comment, parentId: parent?.id ?? comment.parentId, key: String(index), thread }));
  const seeded = await seedThread(server.origin, server.adminToken, keyed, site);
  return comments.map((comment, index) => ({ ...comment, ...seeded[String(index)] }));
}

const asAdmin = { Authorization: `Bearer ${server.adminToken}` };

/** What a moderator does, through the admin API (docs/api.md). */
export const admin = {
  approve: (id: string) => jsonRequest<AdminActionResponse>(`${API}/api/admin/comments/${id}/approve`, { headers: asAdmin }),
  /** Removes a comment from readers' view (a restorable tombstone). */
  remove: (id: string) => jsonRequest<AdminActionResponse>(`${API}/api/admin/comments/${id}`, { method: 'DELETE', headers: asAdmin }),
  /** Erases every comment written with `email`, for good (a GDPR request). */
  erase: (email: string) => jsonRequest(`${API}/api/admin/erase?email=${encodeURIComponent(email)}`, { method: 'DELETE', headers: asAdmin }),
  lock: (site: TestSite, thread: string, locked = true) => jsonRequest(`${API}/api/admin/threads/lock`, { headers: asAdmin, body: { site, thread, locked } }),
  /** The comments of a thread in one moderation queue. */
  comments: async (site: TestSite, thread: string, status: 'pending' | 'approved' | 'spam' | 'removed' = 'pending') =>
    (await jsonRequest<{ comments: ModeratedComment[] }>(`${API}/api/admin/comments?${new URLSearchParams({ site, thread, status })}`, { method: 'GET', headers: asAdmin })).comments,
  /**
   * Makes `emails` confirmed followers of a thread, as readers do: asks to follow, waits for
   * the confirmation mail (the queue delivers it to the development outbox), and confirms.
   */
  async addFollowers(site: TestSite, thread: string, emails: string[]) {
    for (const email of emails) await jsonRequest(`${API}/api/subscriptions`, { body: { site, thread, email }, expected: 202 });
    const cookie = await dashboardSession();
    const links = await vi.waitFor(
      async () => {
        const outbox = (await httpRequest(`${API}/admin/outbox`, { headers: { Cookie: cookie } })).text;
        const found = emails.map((email) => new RegExp(`to ${email.replace(/[.+]/g, '\\$&')}</span>[\\s\\S]*?(/subscriptions/confirm/[\\w.-]+)`).exec(outbox)?.[1]);
        if (found.some((link) => !link)) throw new Error(`no confirmation mail yet for ${emails.join(', ')}`);
        return found as string[];
      },
      { timeout: 20_000, interval: 250 },
    );
    for (const link of links) {
      const confirmed = await httpRequest(`${API}${link}`, { method: 'POST', headers: { Origin: API } });
      if (confirmed.status !== 200) throw new Error(`confirming ${link} answered ${confirmed.status}`);
    }
  },
};

/** A dashboard session cookie (the outbox is a dashboard page). */
async function dashboardSession(): Promise<string> {
  const answer = await httpRequest(`${API}/admin/login`, {
    method: 'POST',
    headers: { Origin: API, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: server.adminToken, name: 'widget tests' }).toString(),
  });
  const cookie = [answer.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith('parley_session='));
  if (!cookie) throw new Error(`signing in to the dashboard answered ${answer.status} without a session`);
  return cookie.split(';')[0];
}

/** The first page of a thread, as any reader's widget gets it (read from Node). */
export const readThread = (site: TestSite, thread: string) =>
  jsonRequest<ListCommentsResponse>(`${API}/api/comments?${new URLSearchParams({ site, thread })}`, { method: 'GET' });

/** A request the widget made. */
export interface SentRequest {
  method: string;
  url: URL;
  /** The JSON body, parsed. */
  body: unknown;
  headers: Headers;
}

const pageFetch = globalThis.fetch;

/**
 * The page's network, watched: every request the widget sends goes to the real Worker through
 * the page's own fetch, and is recorded first. `offline` makes fetch fail as it does when the
 * network is down (the only thing a test takes away).
 */
export const network = {
  requests: [] as SentRequest[],
  offline: false,
  /** Starts watching (a fresh record; online). */
  watch() {
    network.requests = [];
    network.offline = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        let body: unknown;
        try {
          body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
        } catch {
          body = init.body;
        }
        network.requests.push({ method: (init.method ?? 'GET').toUpperCase(), url: new URL(String(input)), body, headers: new Headers(init.headers) });
        if (network.offline) throw new TypeError('Failed to fetch');
        return pageFetch(input, init);
      }),
    );
  },
  /** Requests to a path (and method), e.g. `sent('/api/counts')`. */
  sent(path: string | RegExp, method?: string) {
    return network.requests.filter((r) => (typeof path === 'string' ? r.url.pathname === path : path.test(r.url.pathname)) && (!method || r.method === method));
  },
  /** The bodies of the comments posted (`POST /api/comments`). */
  posts: () => network.sent('/api/comments', 'POST').map((r) => r.body as CreateCommentRequest),
};
