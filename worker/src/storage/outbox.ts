/** A message kept by the development outbox (the dashboard's mail catcher). */
export interface OutboxEntry {
  id: string;
  at: string;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
  unsubscribeUrl?: string;
}

const PREFIX = 'outbox:';
const TTL_SECONDS = 7 * 86_400;

/**
 * The development outbox in KV: `outbox:{inverted time}{id}`, kept a week, newest first in list
 * order. Without a mail API or `send_email` binding every message lands here, so the follow flow
 * works offline. This module is the only code that builds or parses these keys.
 */
export class Outbox {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * Keeps a message. With an idempotency key (the same for every attempt at one message) the key
   * is made from it instead of the time, so a message tried twice is kept once; its place in the
   * list is then the time the key's first part names (a send's start), not the attempt's.
   */
  async put(entry: OutboxEntry, idempotencyKey?: string): Promise<void> {
    const stable = idempotencyKey ? /^(\d{13}):(.+)$/.exec(idempotencyKey) : null;
    const at = stable ? Number(stable[1]) : Date.parse(entry.at);
    const id = stable ? stable[2].replace(/[^A-Za-z0-9:_-]/g, '_').slice(0, 200) : entry.id;
    await this.kv.put(`${PREFIX}${String(9_999_999_999_999 - at).padStart(13, '0')}${id}`, JSON.stringify(stable ? { ...entry, id } : entry), { expirationTtl: TTL_SECONDS });
  }

  /** The newest messages first: one list() and one read per message. */
  async read(limit = 100): Promise<OutboxEntry[]> {
    const page = await this.kv.list({ prefix: PREFIX, limit });
    const entries = await Promise.all(page.keys.map((key) => this.kv.get<OutboxEntry>(key.name, 'json')));
    return entries.filter((entry): entry is OutboxEntry => entry !== null);
  }

  /**
   * Deletes every kept message sent to an address or naming it (an erasure): the outbox holds
   * copies of confirmation and notification mail. Returns how many. One list() per 1,000.
   */
  async deleteTo(email: string): Promise<number> {
    const wanted = email.trim().toLowerCase();
    let deleted = 0;
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: PREFIX, cursor, limit: 1000 });
      const entries = await Promise.all(page.keys.map(async (key) => ({ key: key.name, entry: await this.kv.get<OutboxEntry>(key.name, 'json') })));
      for (const { key, entry } of entries) {
        if (entry && [entry.to, entry.subject, entry.text].some((text) => text.toLowerCase().includes(wanted))) {
          await this.kv.delete(key);
          deleted++;
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return deleted;
  }
}
