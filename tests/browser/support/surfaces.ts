import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

/*
 * Helpers for the corpus of hostile thread ids and names (xss-threads-and-names.test.ts): a
 * webhook receiver standing in for Slack and Discord, and link checks for every surface that
 * shows a thread id or a name.
 */

/** One webhook body as Parley sends it (Slack reads `text`, Discord `content` and `allowed_mentions`). */
export interface WebhookPayload {
  text: string;
  content: string;
  allowed_mentions?: { parse: unknown[] };
}

export interface WebhookRecorder {
  /** `http://127.0.0.1:<port>`; Parley posts to `${origin}/hook`. */
  origin: string;
  payloads: WebhookPayload[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a chat app's incoming webhook on 127.0.0.1 (the real ones cannot be reached
 * offline): records every JSON body POSTed to it and answers 200.
 */
export async function startWebhookRecorder(): Promise<WebhookRecorder> {
  const payloads: WebhookPayload[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        payloads.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
      } catch {
        payloads.push({ text: `not JSON: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`, content: '' });
      }
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    payloads,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Every link target of a page (href, src, action, formaction, in the document and in open
 * shadow roots, or only in the shadow root of the element `within` selects) that leaves the given origins or uses a scheme other than http(s): a
 * protocol-relative `//host`, `/\host`, `javascript:`, `data:`… Relative paths and `#` are the
 * page's own origin and pass.
 */
export async function linksLeaving(page: Page, origins: readonly string[], within?: string): Promise<string[]> {
  return page.evaluate(([allowed, scope]) => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        for (const name of ['href', 'src', 'action', 'formaction']) {
          const value = el.getAttribute(name);
          if (value === null) continue;
          const raw = value.trim();
          const relative = raw.startsWith('#') || raw.startsWith('?') || (raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\'));
          let ok = relative;
          if (!ok) {
            try {
              const url = new URL(raw);
              ok = (url.protocol === 'http:' || url.protocol === 'https:') && allowed.includes(url.origin);
            } catch {
              ok = false;
            }
          }
          if (!ok) found.push(`<${el.localName} ${name}="${value}">`);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    const host = scope ? document.querySelector(scope) : null;
    if (scope && !host?.shadowRoot) return [`no shadow root in ${scope}`];
    visit(host?.shadowRoot ?? document);
    return found;
  }, [origins as string[], within ?? null] as const);
}

/**
 * The URLs a plain text holds (what a chat app or mail client would turn into links): each
 * run of non-space characters around a `://`.
 */
export function urlsIn(text: string): string[] {
  return text.match(/\S*:\/\/\S*/g) ?? [];
}

/** Text as a person reads it: zero-width spaces (which keep names inert) and Slack's escapes undone. */
export function asRead(text: string): string {
  return text.replace(/\u200b/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
