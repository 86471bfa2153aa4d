import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * `.tmp/browser-tests` in the project (gitignored): where the browser tests keep their
 * throwaway Chromium profiles, KV state and wrangler config. Created on first use.
 */
export async function projectTmpDir(): Promise<string> {
  const dir = join(PROJECT_ROOT, '.tmp', 'browser-tests');
  await mkdir(dir, { recursive: true });
  return dir;
}
