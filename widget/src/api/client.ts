import type { ListCommentsResponse, ThreadSort } from '../../../worker/src/wire';
import type { Strings } from '../i18n/en';
import { request } from './transport';

/**
 * The API calls every reader's widget makes, for the server at `base` (an origin such as
 * `https://comments.example`): the thread, and a translation of the widget's strings served
 * beside it. Every call that writes is in ./extra-client.ts (widget-extra.js).
 *
 * @example
 * const api = createClient('https://comments.example');
 * const { comments, total } = await api.list('blog', '/posts/hello', 'oldest');
 */
export function createClient(base: string) {
  const comments = `${base}/api/comments`;
  return {
    base,
    /** The thread's first page (later pages: ./extra-client.ts). */
    list: (site: string, thread: string, sort: ThreadSort) => request<ListCommentsResponse>(`${comments}?${new URLSearchParams({ site, thread, sort })}`),
    /** A translation of the widget's strings (`/i18n/de.json`). */
    strings: (lang: string) => request<Partial<Strings>>(`${base}/i18n/${lang}.json`),
  };
}

export type Client = ReturnType<typeof createClient>;
