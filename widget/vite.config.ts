import { build, defineConfig, type Plugin, type UserConfig } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * JSX with Preact's `h` (classic runtime): shorter output than the automatic runtime's
 * `jsx(type, {children})`. Vitest keeps the automatic runtime (tests/vitest.config.ts).
 */
const classicJsx: UserConfig['oxc'] = { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' }, jsxInject: "import { h, Fragment } from 'preact'" };

/** Modules widget-extra.js takes from widget.js (lib/kit.ts) instead of bundling its own copy. */
const KIT_MODULES = [/^preact$/, /\/src\/api\/transport\.ts$/, /\/src\/lib\/i18n\.ts$/, /\/src\/lib\/own-comments\.ts$/, /\/src\/lib\/captcha\.ts$/];
/** The kit's keys: kept in step with lib/kit.ts by the build (a missing export fails it). */
const KIT_KEYS = ['h', 't', 'plural', 'errorText', 'moreErrors', 'saveOwn', 'saveLikes', 'captcha', 'request'];

/** widget.js never bundles widget-extra's code: the loader's test-only `import()` branch is cut. */
function loadExtraByScript(): Plugin {
  return {
    name: 'parley:extra-by-script',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/src/lib/extra.ts')) return;
      const cut = code.replace(/import\.meta\.env\.VITEST\s*\?\s*import\(['"]\.\.\/extra['"]\)\s*:/, '');
      if (cut === code) throw new Error('lib/extra.ts changed: update the parley:extra-by-script plugin');
      return cut;
    },
  };
}

/** In widget-extra.js, the kit's modules become reads of the kit handed over on the script element. */
function fromKit(): Plugin {
  const id = '\0parley-kit';
  return {
    name: 'parley:from-kit',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === 'preact') return id;
      const resolved = importer && (await this.resolve(source, importer, { skipSelf: true }));
      if (resolved && KIT_MODULES.some((pattern) => pattern.test(resolved.id))) return id;
    },
    load(loaded) {
      if (loaded === id) return `export const { ${KIT_KEYS.join(', ')} } = document.currentScript.k;`;
    },
  };
}

/**
 * After widget.js: builds widget-extra.js (the lazily loaded features), and copies the
 * translations to dist/i18n/LANG.json (minified), with a `_headers` file that lets any page
 * fetch them (Workers static assets apply it; the API has its own CORS).
 */
function extraAndTranslations(): Plugin {
  return {
    name: 'parley:extra-and-translations',
    apply: 'build',
    async generateBundle() {
      for (const file of readdirSync(here('src/i18n')).filter((name) => name.endsWith('.json'))) {
        this.emitFile({ type: 'asset', fileName: `i18n/${file}`, source: JSON.stringify(JSON.parse(readFileSync(here(`src/i18n/${file}`), 'utf8'))) });
      }
      this.emitFile({ type: 'asset', fileName: '_headers', source: '/i18n/*\n  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=3600\n' });
    },
    async closeBundle() {
      await build({
        configFile: false,
        root: here('.'),
        publicDir: false,
        logLevel: 'warn',
        // The kit carries no Fragment: the lazily loaded components use none.
        oxc: { ...classicJsx, jsxInject: "import { h } from 'preact'" },
        plugins: [fromKit()],
        build: {
          outDir: here('../dist'),
          emptyOutDir: false,
          target: 'es2022',
          reportCompressedSize: false,
          lib: { entry: here('src/extra-entry.ts'), formats: ['iife'], name: 'parleyExtra', fileName: () => 'widget-extra.js' },
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
 */
export default defineConfig({
  root: here('.'),
  oxc: classicJsx,
  plugins: [loadExtraByScript(), extraAndTranslations()],
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

