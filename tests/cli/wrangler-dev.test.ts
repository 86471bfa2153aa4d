import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startWranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';
import { freePort, portAnswers } from '../../worker/scripts/lib/process-group.mjs';

let other: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
  other = undefined;
});

/** Another program's server on `port` of 127.0.0.1. */
async function occupy(port: number): Promise<void> {
  other = createServer((_, response) => response.end('ok'));
  await new Promise<void>((resolve) => other!.listen(port, '127.0.0.1', resolve));
}

describe('the wrangler dev launcher', () => {
  it('refuses a chosen port another server answers on, before starting wrangler (npm start when Parley already runs)', async () => {
    const port = await freePort();
    expect(await portAnswers(port)).toBe(false);
    await occupy(port);
    expect(await portAnswers(port)).toBe(true);
    // The other server answers anything with 200: were wrangler started, the readiness check would take it for Parley.
    const outcome = await startWranglerDev({ port, ip: null, needsDist: false, ready: async (origin) => (await fetch(origin)).ok }).then(
      async (server) => (await server.stop(), 'started'),
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(`Port ${port} is in use`);
  });
});
