import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { loadSites } from '../config/sites';
import { checkSiteSettings } from '../sites/check-settings';
import { SiteSettingsStore, type ManagedSite, type PublishedSites } from '../storage/site-settings';
import { objectKv } from './kv-access';
import type { ThreadRefusal, ThreadResult } from './thread/protocol';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sites (
    id TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    revision INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  )`,
];

/** The one registry's name (`idFromName`). */
export const REGISTRY_NAME = 'sites';

/** When publishing fails, the alarm tries again after this long. */
const RETRY_MS = 5_000;

export interface SaveSiteInput {
  id: string;
  /** The settings as given; checked here with the schema of config/sites.ts. */
  settings: unknown;
  /** Who saves, for `updatedBy`. */
  actor: string;
  /** A new site: refused if the id is taken (by SITES or by the dashboard). */
  create: boolean;
  /** The revision the form was filled in at (0 for a site only in SITES): refused if the site was saved since. */
  expectRevision?: number;
}

export type SaveSiteResult = ThreadResult<{ site: ManagedSite; document: PublishedSites; published: boolean }>;

type Row = Record<string, SqlStorageValue>;

/**
 * The single writer of the sites managed in the dashboard: one object for the whole Worker
 * (named {@link REGISTRY_NAME}), SQLite-backed. Each save is checked with the same schema as
 * `SITES`, stored, then published to one KV key (storage/site-settings.ts) that every isolate
 * reads at most once every 30 s (sites/directory.ts). `SITES` in wrangler.jsonc only seeds:
 * a site saved here replaces that site's entry in `SITES`. See docs/configuration.md.
 */
export class SitesRegistry extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  /** Every managed site, in the order they were first saved, and the current revision. */
  document(): PublishedSites {
    const sites = this.sql
      .exec<Row>('SELECT id, settings, revision, updated_at, updated_by FROM sites ORDER BY rowid')
      .toArray()
      .map((row) => ({ id: String(row.id), settings: JSON.parse(String(row.settings)), revision: Number(row.revision), updatedAt: String(row.updated_at), updatedBy: String(row.updated_by) }));
    return { revision: this.meta('revision'), sites };
  }

  /** Saves one site's settings (a new site, or a change), then publishes every managed site. */
  async save(input: SaveSiteInput): Promise<SaveSiteResult> {
    const checked = checkSiteSettings(input.id, input.settings);
    if (!checked.ok) return refuse({ status: 400, code: 'invalid_request', message: checked.message, field: checked.field });
    const current = this.sql.exec<Row>('SELECT revision FROM sites WHERE id = ?', input.id).toArray()[0];
    const seeded = loadSites(this.env.SITES).has(input.id);
    if (input.create && (current || seeded)) {
      return refuse({ status: 409, code: 'site_exists', message: `There is already a site "${input.id}". Choose another id, or edit that site.`, field: 'id' });
    }
    if (!input.create && !current && !seeded) return refuse({ status: 404, code: 'unknown_site', message: `No site "${input.id}" is configured on this server.`, field: 'site' });
    const savedAt = current ? Number(current.revision) : 0;
    if (input.expectRevision !== undefined && input.expectRevision !== savedAt) {
      return refuse({ status: 409, code: 'site_changed', message: `The settings of "${input.id}" were changed by someone else since you opened them. Reload to see their changes, then make yours again.` });
    }
    const revision = this.meta('revision') + 1;
    const updatedAt = new Date().toISOString();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO sites (id, settings, revision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET settings = excluded.settings, revision = excluded.revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        input.id,
        JSON.stringify(checked.settings),
        revision,
        updatedAt,
        input.actor.slice(0, 100),
      );
      this.setMeta('revision', revision);
    });
    const document = this.document();
    const published = await this.publish();
    return { ok: true, site: document.sites.find((site) => site.id === input.id)!, document, published };
  }

  /**
   * Writes the document to KV unless KV already has this revision (as far as this object
   * knows). Writes run one at a time, each with the document as it is when it starts, so an
   * older document is never written after a newer one. On failure the alarm retries; the
   * reconciler also checks every 10 minutes.
   */
  publish(options: { force?: boolean } = {}): Promise<boolean> {
    const run = this.publishing.then(() => this.writeOut(options.force ?? false));
    this.publishing = run.catch(() => false);
    return run;
  }

  private publishing: Promise<unknown> = Promise.resolve();

  private async writeOut(force: boolean): Promise<boolean> {
    const document = this.document();
    if (!force && this.meta('published') === document.revision) return true;
    try {
      await new SiteSettingsStore(objectKv(this.env, 'registry')).write(document);
      this.setMeta('published', document.revision);
      return true;
    } catch (error) {
      console.error('publishing the sites failed; retrying by alarm', error);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
      return false;
    }
  }

  /**
   * The reconciler's check (every 10 minutes): KV holds the newest document, else it is
   * written again. One KV read.
   */
  async reconcile(): Promise<{ revision: number; repaired: boolean }> {
    const revision = this.meta('revision');
    if (revision === 0) return { revision, repaired: false };
    const stored = await new SiteSettingsStore(objectKv(this.env, 'registry')).read();
    if (stored?.revision === revision) return { revision, repaired: false };
    return { revision, repaired: await this.publish({ force: true }) };
  }

  async alarm(): Promise<void> {
    await this.publish({ force: true });
  }

  private meta(key: string): number {
    const row = this.sql.exec<Row>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row ? Number(row.value) : 0;
  }

  private setMeta(key: string, value: number): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, String(value));
  }
}

function refuse(refusal: ThreadRefusal): { ok: false; refusal: ThreadRefusal } {
  return { ok: false, refusal };
}
