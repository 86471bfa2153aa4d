/** Types of ./chromium.mjs. */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export declare const CHROMIUM_CANDIDATES: string[];
export declare const CHROMIUM_INSTALL_HINT: string;
export declare const CHROMIUM_ARGS: string[];

/** The result of looking for Chromium: its path, or why what needs it cannot run. */
export type ChromiumLookup = { path: string; missing?: undefined } | { path?: undefined; missing: string };

/** A headless Chromium with its own fresh profile: one independent "user". */
export interface BrowserSession {
  context: BrowserContext;
  /** The page Chromium opened with the context (reuse it rather than opening another). */
  page: Page;
  /** Closes the browser and deletes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

export declare function isCi(env?: NodeJS.ProcessEnv): boolean;
export declare function findChromium(env?: NodeJS.ProcessEnv): ChromiumLookup;
export declare function launchChromium(executablePath: string): Promise<Browser>;
export declare function launchChromiumSession(executablePath: string, options?: { tmpDir?: string }): Promise<BrowserSession>;
