// Finding and launching Chromium: as tests/browser/support/chromium.ts does (CHROME_PATH, else the
// usual Debian/Ubuntu paths; a quiet headless browser that makes no requests of its own).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

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

/** Chromium's path, or null with the reason. */
export function findChromium(env = process.env) {
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `CHROME_PATH is set to ${fromEnv}, but there is no file there.` };
  const path = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  return path ? { path } : { missing: `no Chromium found (CHROME_PATH, ${CHROMIUM_CANDIDATES.join(', ')}); install it with \`sudo apt-get install -y chromium\`.` };
}

/** Launches headless Chromium (contexts are opened per measurement: each is a first visit, cold cache, empty storage). */
export async function launchChromium(executablePath) {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
