import type { CommentPlaceResponse, CountsResponse, CreateCommentRequest, CreateCommentResponse, DeleteCommentResponse, EditCommentResponse, LikeResponse, ListPageResponse, ListRepliesResponse, PreviewResponse, SiteConfigResponse, SubscribeRequest, SubscribeResponse, ThreadSort } from '../../../worker/src/wire';
import { request } from './transport';

/**
 * Sends a JSON body (when given) with `method`; `token` (a comment's edit token) goes in
 * `Authorization: Bearer`.
 */
function send<T>(url: string, method: string, body?: object, token?: string, key?: string) {
  const headers: Record<string, string> = {};
  if (body) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers['Idempotency-Key'] = key;
  return request<T>(url, { method, headers, body: body && JSON.stringify(body) });
}

/**
 * The API calls widget-extra.js makes, for the server at `base`: posting, editing and deleting
 * your own comment with its token, later pages, likes, previews, following a thread by email,
 * comment counts for index pages.
 *
 * @example
 * await extraClient('https://comments.example').like('0mx1lptcjc92pe4o1ye', true);
 */
export function extraClient(base: string) {
  const comment = (id: string) => `${base}/api/comments/${id}`;
  return {
    /** `key` makes a retry of the same comment safe: the server saves it once and answers it again. */
    post: (body: CreateCommentRequest, key: string) => send<CreateCommentResponse>(`${base}/api/comments`, 'POST', body, undefined, key),
    /** A later page of a thread (`page` from the previous answer's `next`). */
    page: (site: string, thread: string, sort: ThreadSort, page: number) =>
      request<ListPageResponse>(`${base}/api/comments?${new URLSearchParams({ site, thread, sort, page: String(page) })}`),
    /** A page of the replies to top-level comment `root`. */
    replies: (site: string, thread: string, root: string, page: number) =>
      request<ListRepliesResponse>(`${base}/api/comments/replies?${new URLSearchParams({ site, thread, root, page: String(page) })}`),
    /** Where a comment is on its thread's pages. */
    place: (id: string) => request<CommentPlaceResponse>(comment(`${id}/place`)),
    edit: (id: string, token: string, body: string) => send<EditCommentResponse>(comment(id), 'PATCH', { body }, token),
    remove: (id: string, token: string) => send<DeleteCommentResponse>(comment(id), 'DELETE', undefined, token),
    like: (id: string, liked: boolean) => send<LikeResponse>(`${comment(id)}/like`, liked ? 'POST' : 'DELETE'),
    preview: (body: string) => send<PreviewResponse>(comment('preview'), 'POST', { body }),
    follow: (body: SubscribeRequest) => send<SubscribeResponse>(`${base}/api/subscriptions`, 'POST', body),
    /** The site's public settings (edit window, limits, Turnstile key). */
    config: (site: string) => request<SiteConfigResponse>(`${base}/api/sites/${encodeURIComponent(site)}/config`),
    /** Comment counts of up to 50 threads. */
    counts: (site: string, threads: string[]) =>
      request<CountsResponse>(`${base}/api/counts?${new URLSearchParams([['site', site], ...threads.map((thread) => ['thread', thread])])}`),
  };
}
