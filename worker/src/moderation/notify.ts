import type { SiteConfig } from '../config/sites';
import type { CommentRecord } from '../storage/records';
import { codeBlock, inert, slackEscape } from '../lib/plain-text';
import { threadUrl } from '../lib/thread-url';

export interface WaitingNotice {
  record: CommentRecord;
  approveUrl: string;
  removeUrl: string;
  dashboardUrl: string;
}

/** What a webhook receives: `text` for Slack, `content` and `allowed_mentions` for Discord (each ignores the other's). */
export interface WebhookBody {
  text: string;
  content: string;
  allowed_mentions: { parse: [] };
}

/**
 * The webhook body for a comment that waits. Reader text cannot act in the channel: the post
 * is named by the URL the site configured (else by its thread id, made inert); the author's
 * name is made inert, so it forms neither a link nor a mention; the body is quoted in a code
 * block; Slack's text escapes `&`, `<` and `>`, and Discord is told to ping no one.
 */
export function waitingMessage(site: SiteConfig, notice: WaitingNotice): WebhookBody {
  const { record } = notice;
  const excerpt = record.body.length > 280 ? `${record.body.slice(0, 279)}…` : record.body;
  const post = threadUrl(site, record.thread) ?? inert(record.thread);
  const flags = record.flags?.length ? `\nFlags: ${record.flags.join('; ')}` : '';
  const message = (escape: (text: string) => string) =>
    [
      `New comment waiting on ${escape(site.name)} (${escape(post)}) by ${escape(inert(record.author))}:`,
      escape(codeBlock(quote(excerpt))) + escape(flags),
      `Approve: ${notice.approveUrl}`,
      `Remove: ${notice.removeUrl}`,
      `Dashboard: ${notice.dashboardUrl}`,
    ].join('\n');
  const content = message((text) => text);
  return { text: message(slackEscape), content: content.length > 2000 ? `${content.slice(0, 1999)}…` : content, allowed_mentions: { parse: [] } };
}

/** Every line of the excerpt marked as quoted, so none of it can pass for a line of ours. */
function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** Posts the notice. Failures are logged, never raised: a reader's post must not fail because a webhook did. */
export async function sendWebhook(outbound: typeof fetch, url: string, body: object): Promise<void> {
  try {
    const response = await outbound(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) console.warn(`webhook answered ${response.status}`);
  } catch (error) {
    console.warn('webhook failed', error);
  }
}
