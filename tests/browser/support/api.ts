import type { CreateCommentRequest, ErrorBody, ListCommentsResponse, ModeratedComment, OwnComment } from '../../../worker/src/wire';

/*
 * The HTTP API, called from Node: for tests that need hundreds of comments, which would take
 * far too long to type into the widget one by one.
 */

/** What `POST /api/comments` answered. */
export type PostOutcome =
  | { ok: true; status: 201; comment: OwnComment }
  | { ok: false; status: number; error: ErrorBody['error'] | null; text: string };

/**
 * Posts a comment as a page on the server's own origin would (with that `Origin`), and
 * resolves with the answer, whatever it is.
 *
 * The body is sent as JSON.stringify makes it, which writes lone surrogates as `\udXXX`
 * escapes: the server receives exactly the UTF-16 string given here.
 */
export async function postViaApi(origin: string, request: CreateCommentRequest): Promise<PostOutcome> {
  const response = await fetch(`${origin}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  if (response.status === 201) return { ok: true, status: 201, comment: (JSON.parse(text) as { comment: OwnComment }).comment };
  let error: ErrorBody['error'] | null = null;
  try {
    error = (JSON.parse(text) as ErrorBody).error ?? null;
  } catch {
    // Not JSON: reported as it is.
  }
  return { ok: false, status: response.status, error, text: text.slice(0, 500) };
}

/** `GET /api/comments?site=S&thread=T`: the first page of a thread's approved comments. */
export async function listThread(origin: string, site: string, thread: string): Promise<ListCommentsResponse> {
  const response = await fetch(`${origin}/api/comments?site=${encodeURIComponent(site)}&thread=${encodeURIComponent(thread)}`);
  if (response.status !== 200) throw new Error(`GET /api/comments for thread ${thread} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return (await response.json()) as ListCommentsResponse;
}

/**
 * Approves comments through `POST /api/admin/comments/bulk` (at most 200 ids a call).
 * Throws if the call fails or any comment could not be approved.
 */
export async function bulkApprove(origin: string, adminToken: string, ids: string[]): Promise<ModeratedComment[]> {
  if (ids.length > 200) throw new Error(`bulkApprove takes at most 200 ids, got ${ids.length}`);
  const response = await fetch(`${origin}/api/admin/comments/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ ids, action: 'approve' }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/admin/comments/bulk answered ${response.status}: ${text.slice(0, 500)}`);
  const answer = JSON.parse(text) as { comments: ModeratedComment[]; failed: { id: string; message: string }[] };
  if (answer.failed.length) throw new Error(`bulk approve failed for ${JSON.stringify(answer.failed).slice(0, 1000)}`);
  return answer.comments;
}

/** Runs `task` over `items` with at most `limit` running at once; resolves with the results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
