// Runs Wrangler for `npm run deploy`: the project's own (node_modules/.bin/wrangler), or the
// executable named by PARLEY_WRANGLER (the tests' stand-in for Cloudflare, tests/cli/support).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Wrangler executable to run. */
export function wranglerPath(root, env = process.env) {
  const path = env.PARLEY_WRANGLER || join(root, 'node_modules', '.bin', 'wrangler');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm ci\` first.`);
  return path;
}

/**
 * A Wrangler runner bound to a config file. `run(args, options)` resolves to
 * `{ code, stdout, stderr }` and never throws for a non-zero exit:
 *
 * - `input`: text written to Wrangler's stdin (secret values travel only this way, never in argv);
 * - `show`: Wrangler's output is also shown, indented, as it comes (the upload's progress);
 * - `interactive`: Wrangler gets the terminal (`wrangler login`).
 *
 * Wrangler runs non-interactively otherwise (no prompts, no edits to wrangler.jsonc: it creates
 * the KV namespace under its default name on the first deploy and reuses it after).
 *
 * @example
 * const wrangler = createWrangler({ root, config: 'wrangler.jsonc', env });
 * const { code } = await wrangler.run(['queues', 'info', 'parley-mail']);
 */
export function createWrangler({ root, config, env = process.env }) {
  const bin = wranglerPath(root, env);
  const childEnv = { ...env, FORCE_COLOR: '0', NO_COLOR: '1', WRANGLER_HIDE_BANNER: 'true' };
  return {
    bin,
    env: childEnv,
    run(args, { input, show = false, interactive = false } = {}) {
      const argv = config && !args.includes('--config') && args[0] !== 'login' && args[0] !== 'whoami' ? [...args, '--config', config] : args;
      return new Promise((resolve, reject) => {
        const child = spawn(bin, argv, { cwd: root, env: childEnv, stdio: interactive ? 'inherit' : ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.once('error', reject);
        if (!interactive) {
          const relay = (chunk) => process.stderr.write(chunk.toString().replace(/^(?=.)/gm, '      '));
          child.stdout.on('data', (chunk) => {
            stdout += chunk;
            if (show) relay(chunk);
          });
          child.stderr.on('data', (chunk) => {
            stderr += chunk;
            if (show) relay(chunk);
          });
          child.stdin.on('error', () => {});
          child.stdin.end(input ?? '');
        }
        child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      });
    },
  };
}

/** Wrangler's own message from a failed run (its `✘ [ERROR] …` line, else the last lines). */
export function wranglerError({ stdout, stderr }) {
  const text = `${stderr}\n${stdout}`;
  const marked = text.match(/\[ERROR\]\s*(.+)/);
  if (marked) return marked[1].trim();
  return text.trim().split('\n').filter(Boolean).slice(-3).join(' ').slice(0, 500) || 'no output';
}
/** The first address Wrangler lists after "Deployed … triggers" (the workers.dev one). */
export function deployedUrl(output) {
  const after = output.slice(Math.max(0, output.search(/^Deployed /m)));
  return after.match(/^\s+(https?:\/\/[^\s]+)\s*$/m)?.[1]?.replace(/\/+$/, '') ?? null;
}

