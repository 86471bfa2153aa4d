import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Sites the worker tests run against (the same shape as SITES in wrangler.jsonc). */
export const TEST_SITES = [
  { id: 'demo', name: 'Demo', origins: ['https://blog.example'], moderation: 'all' },
  { id: 'open', name: 'Open site', origins: ['https://open.example'], moderation: 'none' },
  { id: 'trusted', name: 'Trusted commenters', origins: ['https://trusted.example'], moderation: 'first' },
  {
    id: 'guarded',
    name: 'Guarded blog',
    origins: ['https://guarded.example'],
    moderation: 'none',
    url: 'https://guarded.example',
    blocklist: ['casino', 'spam.example'],
    maxLinks: 2,
    rateLimit: 3,
    autoLockDays: 30,
    tombstoneDays: 7,
    webhook: 'https://hooks.example/parley',
  },
  { id: 'captcha', name: 'Turnstile site', origins: ['https://captcha.example'], moderation: 'none', turnstileSiteKey: 'test-site-key' },
];

/**
 * Three projects:
 * - worker:  the API, inside workerd with a real (local) KV binding;
 * - widget:  the widget in happy-dom, against one real Worker (`wrangler dev`, tests/widget/setup/);
 * - browser: real headless Chromium against `wrangler dev` (see tests/browser/README.md).
 */
export default defineConfig({
  test: {
    projects: [
      {
        root,
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: {
              bindings: {
                ADMIN_TOKEN: 'test-admin-token',
                SITES: JSON.stringify(TEST_SITES),
                // Thread objects write a KV key as often as asked (KV allows about once a second;
                // tests that exercise the limit set it themselves).
                KV_WRITE_INTERVAL_MS: '0',
                TURNSTILE_SECRET_KEY: 'test-turnstile-secret',
                HASH_KEY: 'test-hash-key',
                LINK_SIGNING_KEY: 'test-link-signing-key',
                // The randomized consistency test's seeds and control mode (tests/worker/consistency/README.md).
                CONSISTENCY_SEEDS: process.env.CONSISTENCY_SEEDS ?? '',
                CONSISTENCY_CONTROL: process.env.CONSISTENCY_CONTROL ?? '',
              },
            },
          }),
        ],
        test: { name: 'worker', include: ['tests/worker/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        root,
        plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
        test: {
          name: 'widget',
          environment: 'happy-dom',
          environmentOptions: {
            happyDOM: {
              // The test page's address: its origin is the one the Worker's sites accept (tests/widget/setup/).
              url: 'http://localhost:3000/post',
              // happy-dom preflights every cross-origin request, even a simple GET (browsers do not),
              // which the Worker's static assets (the translations) answer 405. Requests still carry
              // the page's Origin, which the Worker checks; CORS itself is tested in Chromium (tests/browser).
              settings: { fetch: { disableSameOriginPolicy: true } },
            },
          },
          globalSetup: ['tests/widget/setup/wrangler-dev.ts'],
          setupFiles: ['tests/widget/setup/testing-library.ts'],
          include: ['tests/widget/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        root,
        test: { name: 'cli', environment: 'node', include: ['tests/cli/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
      {
        root,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
