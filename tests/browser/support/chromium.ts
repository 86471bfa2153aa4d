import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectTmpDir } from './tmp-dir';

/** Where Chromium is looked for, in order, after `CHROME_PATH`. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_INSTALL_HINT =
  'Install it with `sudo apt-get install -y chromium`, or point CHROME_PATH at a Chromium or Chrome binary.';

/** The result of looking for Chromium: its path, or why the browser tests cannot run. */
export type ChromiumLookup = { path: string; missing?: undefined } | { path?: undefined; missing: string };

/**
 * Finds Chromium: `CHROME_PATH`, else the usual Debian/Ubuntu locations.
 *
 * When none is found, returns `{ missing }` with a message telling how to install it, so a
 * developer's run skips the browser tests. Under CI (`CI` set) a missing browser is an error:
 * this throws, so a CI run never passes without having run them.
 *
 * @example
 * const found = findChromium();
 * describe.skipIf(!found.path)('in a real browser', () => { ... });
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const ci = isCi(env);
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv) {
    if (existsSync(fromEnv)) return { path: fromEnv };
    const message = `CHROME_PATH is set to ${fromEnv}, but there is no file there. ${CHROMIUM_INSTALL_HINT}`;
    if (ci) throw new Error(message);
    return { missing: message };
  }
  const path = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (path) return { path };
  const message = `The browser tests need Chromium, and none was found (looked at CHROME_PATH, ${CHROMIUM_CANDIDATES.join(', ')}). ${CHROMIUM_INSTALL_HINT}`;
  if (ci) throw new Error(`${message} (CI is set, so a missing browser fails the run instead of skipping it.)`);
  return { missing: message };
}

/** Whether this is a CI run: `CI` is set to anything but "", "0" or "false". */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CI && !/^(0|false)$/i.test(env.CI.trim());
}

/** Flags for a quiet, headless Chromium that makes no requests of its own (updates, sync, QUIC probing). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running headless Chromium with its own fresh profile: one independent "user". */
export interface BrowserSession {
  context: BrowserContext;
  /** The page Chromium opened with the context (reuse it rather than opening another). */
  page: Page;
  /** Closes the browser and deletes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a brand-new temporary profile (no cookies, no localStorage), so
 * every call is a different user. Close it with `session.close()`.
 *
 * @example
 * const reader = await launchChromium(found.path);
 * await reader.page.goto(server.url);
 */
export async function launchChromium(executablePath: string): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(await projectTmpDir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    close() {
      closed ??= (async () => {
        try {
          await context.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
        }
      })();
      return closed;
    },
  };
}
