import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard's passkey script: passkeys.ts with @simplewebauthn/browser, one IIFE file at
 * dist/admin/passkeys.js, which the Worker serves at /admin/passkeys.js (run after the widget's
 * build, which empties dist/).
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/admin', import.meta.url)),
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    lib: {
      entry: fileURLToPath(new URL('passkeys.ts', import.meta.url)),
      formats: ['iife'],
      name: 'parleyPasskeys',
      fileName: () => 'passkeys.js',
    },
  },
});
