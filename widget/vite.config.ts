import { build, defineConfig, type Plugin, type UserConfig } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * JSX with Preact's `h` (classic runtime): shorter output than the automatic runtime's
 * `jsx(type, {children})`. Vitest keeps the automatic runtime (tests/vitest.config.ts).
 */
const classicJsx: UserConfig['oxc'] = { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' }, jsxInject: "import { h, Fragment } from 'preact'" };

/**
 * JSX in widget-extra.js: `h(…)` too, but the `h` in scope, which is widget.js's (the forms are
 * made by factories that receive it: features/forms.tsx, components/comment-form/); importing
 * Preact there would bundle a second copy of it.
 */
const extraJsx: UserConfig['oxc'] = { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } };

/** Build options both files share. es2022 keeps class fields native (es2020 lowers them through a helper); every browser the widget supports has them. */
const common = {
  outDir: here('../dist'),
  target: 'es2022',
  reportCompressedSize: false,
  // Terser's compressor (two passes) makes widget.js ~130 B gzip smaller than the default minifier.
  minify: 'terser',
  terserOptions: { ecma: 2020, compress: { passes: 3, pure_getters: true, unsafe_arrows: true }, mangle: { properties: { regex: /^__[a-zA-Z]?$/ } } },
} as const;

/**
 * widget.js's minifier: `common`'s, plus two of Terser's "unsafe" rewrites, which save 25 B gzip
 * on a file that has none to spare. Each was checked against widget.js's output: `unsafe` turns
 * template literals and `String(x)` into `+` concatenation (the same for the strings and numbers
 * it meets); `unsafe_comps` swaps comparison operands (`i<n` to `n>i`) and may negate one to
 * reorder a conditional, which differs only for NaN: the one comparison a NaN could reach
 * (lib/time.ts, a comment's age) maps NaN to 0 first. Not used for the lazily loaded files.
 */
const widgetTerser = { ...common.terserOptions, compress: { ...common.terserOptions.compress, unsafe: true, unsafe_comps: true } };

/**
 * After widget.js: builds widget-extra.js, the features only some readers use (an ES module that
 * widget.js imports on first use: src/features/), and widget-embed.js (src/embed/: the custom element and the JS API), and copies the translations to
 * dist/i18n/LANG.json (minified). `_headers` lets pages on any origin fetch the translations and
 * import widget-extra.js (Workers static assets apply it; the API has its own CORS);
 * `.assetsignore` keeps widget.js's source map (for the size report) out of the served assets.
 */
function extraAndTranslations(): Plugin {
  return {
    name: 'parley:extra-and-translations',
    apply: 'build',
    generateBundle() {
      for (const file of readdirSync(here('src/i18n')).filter((name) => name.endsWith('.json'))) {
        this.emitFile({ type: 'asset', fileName: `i18n/${file}`, source: JSON.stringify(JSON.parse(readFileSync(here(`src/i18n/${file}`), 'utf8'))) });
      }
      // Revalidated on every use (a 304 when unchanged), as widget.js is by default: a lazily loaded
      // file cached longer than widget.js could be an older release's after a deploy, and the two must match.
      const shared = '  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=0, must-revalidate\n';
      this.emitFile({ type: 'asset', fileName: '_headers', source: `/i18n/*\n${shared}/widget-extra.js\n${shared}/widget-embed.js\n${shared}/widget-follow.js\n${shared}/widget-follow/*\n${shared}` });
      this.emitFile({ type: 'asset', fileName: '.assetsignore', source: '*.map\n' });
    },
    async closeBundle() {
      await build({
        configFile: false,
        root: here('.'),
        publicDir: false,
        logLevel: 'warn',
        oxc: extraJsx,
        build: { ...common, emptyOutDir: false, lib: { entry: here('src/features/index.ts'), formats: ['es'], fileName: () => 'widget-extra.js' } },
      });
      // widget-embed.js: <parley-comments> and window.Parley (src/embed/), imported by widget.js only on pages that use them.
      await build({
        configFile: false,
        root: here('.'),
        publicDir: false,
        logLevel: 'warn',
        build: { ...common, emptyOutDir: false, lib: { entry: here('src/embed/index.ts'), formats: ['es'], fileName: () => 'widget-embed.js' } },
      });
      // The Follow box (src/follow/): plain DOM, its stylesheet and English words included; needs nothing of widget.js.
      await build({
        configFile: false,
        root: here('.'),
        publicDir: false,
        logLevel: 'warn',
        build: {
          ...common,
          emptyOutDir: false,
          lib: { entry: here('src/follow/index.ts'), formats: ['es'], fileName: () => 'widget-follow.js' },
          // Its translations (src/follow/i18n/LANG.ts): one small module each, imported on a page in that language.
          rollupOptions: { output: { chunkFileNames: 'widget-follow/[name].js' } },
        },
      });
    },
  };
}

/**
 * Builds the embeddable widget into dist/widget.js: one classic script (IIFE) that defines
 * no globals, with its CSS inlined as a string for its shadow root; the features only some
 * readers use into dist/widget-extra.js, loaded on demand; translations into dist/i18n/.
 * demo/ is copied into dist/ beside them, and the Worker serves dist/ as static assets.
 * widget.js's source map (dist/widget.js.map, not served) tells the size report which module
 * each byte comes from.
 */
export default defineConfig({
  root: here('.'),
  oxc: classicJsx,
  plugins: [extraAndTranslations()],
  publicDir: here('../demo'),
  build: {
    ...common,
    terserOptions: widgetTerser,
    emptyOutDir: true,
    sourcemap: 'hidden',
    lib: { entry: here('src/main.tsx'), formats: ['iife'], name: 'parleyWidget', fileName: () => 'widget.js' },
  },
});
