import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the embeddable widget into dist/widget.js: one classic script (IIFE) that defines
 * no globals, with its CSS inlined as a string for its shadow root. demo/ is copied
 * into dist/ beside it, and the Worker serves dist/ as static assets.
 */
export default defineConfig({
  root: here('.'),
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  publicDir: here('../demo'),
  build: {
    outDir: here('../dist'),
    emptyOutDir: true,
    // es2022 keeps class fields native (es2020 lowers them through a defineProperty helper).
    // Every browser the widget supports (shadow DOM, color-mix) has them.
    target: 'es2022',
    reportCompressedSize: false,
    lib: {
      entry: here('src/main.tsx'),
      formats: ['iife'],
      name: 'parleyWidget',
      fileName: () => 'widget.js',
    },
  },
});
