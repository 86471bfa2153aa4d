import type { CountsResponse, DeleteCommentResponse, EditCommentResponse, LikeResponse, ListPageResponse, PreviewResponse, SubscribeRequest, SubscribeResponse, ThreadSort } from '../../../worker/src/wire';
import { request } from './transport';

/**
 * The API calls only some readers make (used by widget-extra.js), for the server at `base`:
 * editing and deleting your own comment with its token, likes, previews, following a thread
 * by email, comment counts for index pages.
 *
 * @example
 * await extraClient('https://comments.example').like('0mx1lptcjc92pe4o1ye', true);
 */
export function extraClient(base: string) {
  const comment = (id: string) => `${base}/api/comments/${id}`;
  return {
    /** A later page of a thread (`page` from the previous answer's `next`). */
    page: (site: string, thread: string, sort: ThreadSort, page: number) =>
      request<ListPageResponse>(`${base}/api/comments?${new URLSearchParams({ site, thread, sort, page: String(page) })}`),
    edit: (id: string, token: string, body: string) => request<EditCommentResponse>(comment(id), 'PATCH', { body }, token),
    remove: (id: string, token: string) => request<DeleteCommentResponse>(comment(id), 'DELETE', undefined, token),
    like: (id: string, liked: boolean) => request<LikeResponse>(`${comment(id)}/like`, liked ? 'POST' : 'DELETE'),
    preview: (body: string) => request<PreviewResponse>(comment('preview'), 'POST', { body }),
    follow: (body: SubscribeRequest) => request<SubscribeResponse>(`${base}/api/subscriptions`, 'POST', body),
    /** Comment counts of up to 50 threads. */
    counts: (site: string, threads: string[]) =>
      request<CountsResponse>(`${base}/api/counts?${new URLSearchParams([['site', site], ...threads.map((thread) => ['thread', thread])])}`),
  };
}
