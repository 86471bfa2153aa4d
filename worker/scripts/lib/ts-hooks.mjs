// Node module hooks that let the import CLI run the Worker's TypeScript modules as they are
// (worker/src/portability/*.ts), so the CLI and the Worker share one parser. TypeScript (a
// devDependency) strips the types; nothing is type-checked here (`npm run typecheck` does that).
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

const RELATIVE = /^\.{1,2}\//;
const HAS_EXTENSION = /\.[cm]?[jt]sx?$|\.json$/;

/** `./keys` imported from a .ts file means `./keys.ts`, as bundlers resolve it. */
export async function resolve(specifier, context, next) {
  if (RELATIVE.test(specifier) && !HAS_EXTENSION.test(specifier) && context.parentURL?.endsWith('.ts')) {
    try {
      return await next(`${specifier}.ts`, context);
    } catch {
      // Not a .ts file: resolve as given.
    }
  }
  return next(specifier, context);
}

/** Transpiles .ts files to JavaScript modules. */
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
