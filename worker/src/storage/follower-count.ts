/**
 * A site's live count of confirmed followers, as readers read it: `fcount:{site}` holding
 * `{"followers":N}`, the exact body of `GET /api/followers/count`. Written only by the site's
 * followers object (one writer, at most once a second); read with one KV read. This module is
 * the only code that builds the key.
 */
export class FollowerCountStore {
  constructor(private readonly kv: KVNamespace) {}

  static key(site: string): string {
    return `fcount:${site}`;
  }

  /** The stored body, or `{"followers":0}` for a site nobody follows yet. */
  async body(site: string): Promise<string> {
    return (await this.kv.get(FollowerCountStore.key(site))) ?? '{"followers":0}';
  }

  async write(site: string, followers: number): Promise<void> {
    await this.kv.put(FollowerCountStore.key(site), JSON.stringify({ followers }));
  }
}
