import type { Bindings } from '../app-env';
import { newToken } from '../lib/ids';
import { Outbox, type OutboxEntry } from '../storage/outbox';

/** One email, as Parley composes it: plain text, with one-click unsubscribe headers. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** RFC 8058 one-click unsubscribe URL (List-Unsubscribe / List-Unsubscribe-Post). */
  unsubscribeUrl?: string;
  /**
   * The same for every attempt at this one message (a send, a recipient): a mail API that takes
   * an `Idempotency-Key` sends it once however often it is asked, and the outbox keeps it once.
   */
  idempotencyKey?: string;
}

/** A message the mail service refused. `status` is its HTTP status, when it answered one. */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MailSendError';
  }

  /** The service refused this recipient for good (an invalid address): retrying would not help. */
  get permanent(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

/** Where mail goes: a pluggable sender. */
export interface Mailer {
  readonly name: string;
  send(message: MailMessage): Promise<void>;
}

export type { OutboxEntry };

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
    const { idempotencyKey, ...kept } = message;
    await new Outbox(this.kv).put({ ...kept, id: newToken().slice(0, 12), at: new Date().toISOString(), headers: mailHeaders(message, this.from) }, idempotencyKey);
  }

  static async read(kv: KVNamespace, limit = 100): Promise<OutboxEntry[]> {
    return new Outbox(kv).read(limit);
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
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}`, ...(message.idempotencyKey ? { 'idempotency-key': message.idempotencyKey } : {}) },
      body: JSON.stringify({ from: this.from, to: message.to, subject: message.subject, text: message.text, headers: mailHeaders(message, this.from) }),
    });
    if (!response.ok) throw new MailSendError(`mail API answered ${response.status}`, response.status);
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
