// The one way Parley's tests and benchmarks find and launch Chromium (driven by playwright-core):
// the browser tests (a fresh profile per "user") and the benchmarks (one browser, a fresh context
// per measurement). Types: ./chromium.d.mts.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where Chromium is looked for, in order, after `CHROME_PATH`. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_INSTALL_HINT = 'Install it with `sudo apt-get install -y chromium`, or point CHROME_PATH at a Chromium or Chrome binary.';

/** Flags for a quiet, headless Chromium that makes no requests of its own (updates, sync, QUIC probing). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Whether this is a CI run: `CI` is set to anything but "", "0" or "false". */
export function isCi(env = process.env) {
  return !!env.CI && !/^(0|false)$/i.test(env.CI.trim());
}

/**
 * Finds Chromium: `CHROME_PATH`, else the usual Debian/Ubuntu locations. Returns `{ path }`, or
 * `{ missing }` with how to install it, so a developer's run can skip what needs a browser.
 * Under CI (`CI` set) a missing browser throws instead, so CI never passes without it.
 *
 * @example
 * const found = findChromium();
 * describe.skipIf(!found.path)('in a real browser', () => { ... });
 */
export function findChromium(env = process.env) {
  const fromEnv = env.CHROME_PATH?.trim();
  let missing;
  if (fromEnv) {
    if (existsSync(fromEnv)) return { path: fromEnv };
    missing = `CHROME_PATH is set to ${fromEnv}, but there is no file there. ${CHROMIUM_INSTALL_HINT}`;
  } else {
    const path = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
    if (path) return { path };
    missing = `No Chromium was found (looked at CHROME_PATH, ${CHROMIUM_CANDIDATES.join(', ')}). ${CHROMIUM_INSTALL_HINT}`;
  }
  if (isCi(env)) throw new Error(`${missing} (CI is set, so a missing browser fails the run instead of skipping it.)`);
  return { missing };
}

/**
 * Launches headless Chromium. Open a context per measurement (`browser.newContext()`): each is a
 * first visit, with a cold cache and empty storage.
 */
export function launchChromium(executablePath) {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * Launches Chromium with a brand-new profile in a temporary directory (no cookies, no
 * localStorage): every call is a different user. `close()` closes it and deletes the profile.
 *
 * @example
 * const reader = await launchChromiumSession(found.path);
 * await reader.page.goto(server.origin);
 */
export async function launchChromiumSession(executablePath, { tmpDir = join(PROJECT_ROOT, '.tmp', 'chromium') } = {}) {
  await mkdir(tmpDir, { recursive: true });
  const userDataDir = await mkdtemp(join(tmpDir, 'profile-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closing;
  const close = () =>
    (closing ??= (async () => {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
      }
    })());
  return { context, page, close };
}
