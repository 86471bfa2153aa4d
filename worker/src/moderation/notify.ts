import type { SiteConfig } from '../config/sites';
import type { CommentRecord } from '../storage/records';

export interface WaitingNotice {
  record: CommentRecord;
  approveUrl: string;
  removeUrl: string;
  dashboardUrl: string;
}

/**
 * The webhook body for a comment that waits. `text` is what Slack reads and `content` what
 * Discord reads; each ignores the other's field, so one body serves both.
 */
export function waitingMessage(site: SiteConfig, notice: WaitingNotice): { text: string; content: string } {
  const { record } = notice;
  const excerpt = record.body.length > 280 ? `${record.body.slice(0, 279)}…` : record.body;
  const flags = record.flags?.length ? `\nFlags: ${record.flags.join('; ')}` : '';
  const text = [
    `New comment waiting on ${site.name} (${record.thread}) by ${record.author}:`,
    quote(excerpt) + flags,
    `Approve: ${notice.approveUrl}`,
    `Remove: ${notice.removeUrl}`,
    `Dashboard: ${notice.dashboardUrl}`,
  ].join('\n');
  return { text, content: text.length > 2000 ? `${text.slice(0, 1999)}…` : text };
}

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
