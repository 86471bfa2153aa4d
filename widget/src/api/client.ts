import type { CreateCommentRequest, CreateCommentResponse, ListCommentsResponse } from '../../../worker/src/wire';
import { request } from './transport';

/**
 * The Parley API, one line per endpoint, for the server at `base` (an origin such as
 * `https://comments.example`).
 *
 * @example
 * const api = createClient('https://comments.example');
 * const { comments, total } = await api.listComments('blog', '/posts/hello');
 */
export function createClient(base: string) {
  return {
    listComments: (site: string, thread: string) => request<ListCommentsResponse>(`${base}/api/comments?${new URLSearchParams({ site, thread })}`),
    createComment: (body: CreateCommentRequest) => request<CreateCommentResponse>(`${base}/api/comments`, 'POST', body),
  };
}

export type Client = ReturnType<typeof createClient>;
