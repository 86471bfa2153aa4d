import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as it is (JSON.stringify it first for JSON). */
  body?: string;
}

/**
 * One HTTP request from Node itself (node:http), not from a page: no CORS, no Origin header
 * unless given, cookies only as given. The tests use it for what a server-side client or a
 * moderator does (seeding, approving, reading the outbox), also where `fetch` is a page's
 * (happy-dom's, in the widget tests).
 *
 * @example
 * const { status, text } = await httpRequest(`${origin}/api/admin/comments`, { headers: { Authorization: `Bearer ${token}` } });
 */
export function httpRequest(url: string, { method = 'GET', headers = {}, body }: HttpOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: body === undefined ? headers : { 'Content-Length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error(`${method} ${url}: no answer within 60 s`)));
    outgoing.end(body);
  });
}

/** `httpRequest` with a JSON body, expecting `expected` (200 by default): resolves with the parsed answer, throws with the server's text otherwise. */
export async function jsonRequest<T>(url: string, { method = 'POST', headers = {}, body, expected = 200 }: { method?: string; headers?: Record<string, string>; body?: unknown; expected?: number } = {}): Promise<T> {
  const answer = await httpRequest(url, { method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (answer.status !== expected) throw new Error(`${method} ${url} answered ${answer.status}: ${answer.text.slice(0, 800)}`);
  return JSON.parse(answer.text) as T;
}
