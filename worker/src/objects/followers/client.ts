import type { FollowersObject } from '../followers-object';
import { followersObjectName } from '../followers-object';
import { reach } from '../clients';

/**
 * The Worker's way to a site's followers object. A failure to reach it is a 503 that says a retry
 * is safe (see ../clients.ts).
 *
 * @example
 * const counts = await stores.followers.call('demo', (stub) => stub.counts('demo'));
 */
export class FollowersObjects {
  constructor(
    private readonly namespace: DurableObjectNamespace<FollowersObject>,
    private readonly observe: () => void = () => {},
  ) {}

  of(site: string): DurableObjectStub<FollowersObject> {
    this.observe();
    return this.namespace.get(this.namespace.idFromName(followersObjectName(site)));
  }

  async call<T>(site: string, method: (stub: DurableObjectStub<FollowersObject>) => Promise<T>): Promise<T> {
    return (await reach(() => method(this.of(site)))) as T;
  }
}
