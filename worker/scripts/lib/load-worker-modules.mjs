// Loads Worker modules (TypeScript) into Node: the portability core for the import CLI, the
// sites schema for `npm run deploy`.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);

/** The shared import core: parser, mapping, batching (worker/src/portability). */
export async function loadPortability() {
  const [runImport, threadMap, parleyFormat, model, xml] = await Promise.all([
    import('../../src/portability/run-import.ts'),
    import('../../src/portability/thread-map.ts'),
    import('../../src/portability/parley-format.ts'),
    import('../../src/portability/model.ts'),
    import('../../src/portability/xml-stream.ts'),
  ]);
  return { ...runImport, ...threadMap, ...parleyFormat, ...model, ...xml };
}

/** The sites schema (worker/src/config/sites.ts): `npm run deploy` checks SITES with it before uploading. */
export async function loadSiteConfig() {
  return import('../../src/config/sites.ts');
}
