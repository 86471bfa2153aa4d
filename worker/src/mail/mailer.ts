import type { Bindings } from '../app-env';
import { newToken } from '../lib/ids';

/** One email, as Parley composes it: plain text, with one-click unsubscribe headers. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** RFC 8058 one-click unsubscribe URL (List-Unsubscribe / List-Unsubscribe-Post). */
  unsubscribeUrl?: string;
}

/** Where mail goes: a pluggable sender. */
export interface Mailer {
  readonly name: string;
  send(message: MailMessage): Promise<void>;
}

/** A message kept in the development outbox (the dashboard's mail catcher). */
export interface OutboxEntry extends MailMessage {
  id: string;
  at: string;
  headers: Record<string, string>;
}

const OUTBOX_PREFIX = 'outbox:';
const OUTBOX_TTL = 7 * 86_400;

export function mailHeaders(message: MailMessage, from: string): Record<string, string> {
  const headers: Record<string, string> = { From: from, To: message.to, Subject: message.subject };
  if (message.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return headers;
}

/**
 * Local development and tests: every message lands in KV (`outbox:*`, kept a week) and the
 * dashboard's Outbox page shows it, so the whole follow flow works offline.
 */
export class OutboxMailer implements Mailer {
  readonly name = 'outbox';
  constructor(
    private readonly kv: KVNamespace,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const now = Date.now();
    const entry: OutboxEntry = { ...message, id: newToken().slice(0, 12), at: new Date(now).toISOString(), headers: mailHeaders(message, this.from) };
    // Newest first in list order.
    await this.kv.put(`${OUTBOX_PREFIX}${String(9_999_999_999_999 - now).padStart(13, '0')}${entry.id}`, JSON.stringify(entry), { expirationTtl: OUTBOX_TTL });
  }

  /**
   * Deletes every kept message sent to `email` or naming it (erasure on request): the outbox
   * holds copies of confirmation and notification mail. Returns how many. One list() per 1,000.
   */
  static async eraseAddress(kv: KVNamespace, email: string): Promise<number> {
    const needle = email.trim().toLowerCase();
    let erased = 0;
    let cursor: string | undefined;
    do {
      const page = await kv.list({ prefix: OUTBOX_PREFIX, cursor });
      const entries = await Promise.all(page.keys.map(async (key) => ({ key: key.name, entry: await kv.get<OutboxEntry>(key.name, 'json') })));
      const mentions = entries.filter(({ entry }) => entry && [entry.to, entry.subject, entry.text].some((text) => text.toLowerCase().includes(needle)));
      await Promise.all(mentions.map(({ key }) => kv.delete(key)));
      erased += mentions.length;
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return erased;
  }

  static async read(kv: KVNamespace, limit = 100): Promise<OutboxEntry[]> {
    const page = await kv.list({ prefix: OUTBOX_PREFIX, limit });
    const entries = await Promise.all(page.keys.map((key) => kv.get<OutboxEntry>(key.name, 'json')));
    return entries.filter((entry): entry is OutboxEntry => entry !== null);
  }
}

/**
 * An HTTP mail API (Postmark-, Resend- or Mailgun-style JSON endpoint): POSTs
 * `{from,to,subject,text,headers}` with `Authorization: Bearer MAIL_API_KEY` to MAIL_API_URL.
 */
export class HttpMailer implements Mailer {
  readonly name = 'http';
  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly from: string,
    private readonly outbound: typeof fetch,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const response = await this.outbound(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
      body: JSON.stringify({ from: this.from, to: message.to, subject: message.subject, text: message.text, headers: mailHeaders(message, this.from) }),
    });
    if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  }
}

/** Cloudflare Email Routing's `send_email` binding: a plain-text MIME message. */
export class SendEmailMailer implements Mailer {
  readonly name = 'send_email';
  constructor(
    private readonly binding: SendEmail,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const { EmailMessage } = await import('cloudflare:email');
    const headers = { ...mailHeaders(message, this.from), 'Message-ID': `<${newToken().slice(0, 20)}@${this.from.split('@')[1] ?? 'parley'}>`, 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit' };
    const raw = `${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`)
      .join('\r\n')}\r\n\r\n${message.text.replace(/\r?\n/g, '\r\n')}`;
    await this.binding.send(new EmailMessage(this.from, message.to, raw));
  }
}

/** The mailer this deployment is configured for: MAIL_API_URL, else a SEND_EMAIL binding, else the outbox. */
export function mailerFor(env: Bindings, kv: KVNamespace, outbound: typeof fetch): Mailer {
  const from = env.MAIL_FROM || 'Parley <comments@parley.invalid>';
  if (env.MAIL_API_URL && env.MAIL_API_KEY) return new HttpMailer(env.MAIL_API_URL, env.MAIL_API_KEY, from, outbound);
  if (env.SEND_EMAIL) return new SendEmailMailer(env.SEND_EMAIL, from);
  return new OutboxMailer(kv, from);
}
