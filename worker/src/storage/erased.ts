import { chunks } from '../lib/chunks';
import { BULK_GET, listKeys } from './kv-list';

const prefix = (site: string) => `erased:${site}:`;

/**
 * Markers of comments erased on request (GDPR): `erased:{site}:{id}`, holding nothing but the id,
 * so that no import or restore brings them back. This module is the only code that builds or
 * parses these keys.
 */
export class ErasedMarkers {
  constructor(private readonly kv: KVNamespace) {}

  /** Which of these ids were erased (one bulk read per 100 ids). */
  async among(site: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(ids, BULK_GET)) {
      const values = (await this.kv.get(chunk.map((id) => `${prefix(site)}${id}`), 'text')) as Map<string, string | null>;
      for (const id of chunk) if (values.get(`${prefix(site)}${id}`) != null) found.add(id);
    }
    return found;
  }

  async mark(site: string, id: string): Promise<void> {
    await this.kv.put(`${prefix(site)}${id}`, '1');
  }

  /** Every erased id of a site: one list() per 1,000. */
  async list(site: string): Promise<string[]> {
    return (await listKeys(this.kv, prefix(site))).map((key) => key.name.slice(prefix(site).length));
  }
}
