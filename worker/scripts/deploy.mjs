#!/usr/bin/env node
// `npm run deploy`: from a fresh clone to a live Worker in one command, and safe to run again.
//
//   1. checks SITES in wrangler.jsonc with the Worker's own schema (before anything is uploaded);
//   2. signs in to Cloudflare (`wrangler login`) when Wrangler is not signed in yet;
//   3. builds widget.js and the demo page (`npm run build`);
//   4. creates the queues (mail, follow) when missing (`wrangler queues create`);
//   5. uploads the Worker (`wrangler deploy`): Wrangler creates the KV namespace on the first
//      deploy (the binding has no id) and reuses it after, applies the Durable Object
//      migrations and schedules the reconciler's Cron Trigger;
//   6. makes each required secret the Worker lacks and stores it with `wrangler secret put`
//      (through stdin: never in a command line, never printed — except a new ADMIN_TOKEN, the
//      owner's first credential, shown once);
//   7. checks the live Worker: widget.js, the API, /admin, and that every secret is in effect;
//   8. prints the dashboard's address and the embed snippet.
//
// See docs/configuration.md ("Deploying"). `--dry-run` does 1, 3 and `wrangler deploy --dry-run`:
// nothing reaches Cloudflare.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkSites, onlyLocalOrigins, readDeployConfig } from './lib/deploy/config.mjs';
import { newSecret, REQUIRED_SECRETS, secretNames } from './lib/deploy/secrets.mjs';
import { smokeCheck } from './lib/deploy/smoke.mjs';
import { createWrangler, deployedUrl, wranglerError } from './lib/deploy/wrangler.mjs';

const USAGE = `Usage: npm run deploy [-- options]

Deploys Parley to your Cloudflare account: KV namespace, mail queue, Durable Objects, Cron
Trigger, secrets, the Worker; then checks the live URL and prints the embed snippet.
Safe to run again: what exists is kept (secrets are never replaced).

  --dry-run        check SITES, build, and bundle with \`wrangler deploy --dry-run\`; nothing is uploaded
  --url URL        the address to check when the Worker is served on your own route or domain
                   (default: the workers.dev address Wrangler reports)
  --wait SECONDS   how long the live checks may take (default 120: a new workers.dev address
                   and new secrets take a moment to reach everywhere)
  --skip-build     deploy dist/ as it is (already built with \`npm run build\`)
  --config FILE    the Wrangler config (default wrangler.jsonc)
  --help           this text

Environment: ADMIN_TOKEN (the admin token to set if the Worker has none, instead of making one),
CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (Wrangler's own; for CI), PARLEY_WRANGLER (the
Wrangler executable; tests use a stand-in).
`;

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = (text = '') => process.stdout.write(`${text}\n`);
const note = (text) => process.stderr.write(`${text}\n`);

class DeployError extends Error {}

function isCi(env) {
  return [env.CI, env.WORKERS_CI].some((value) => !!value && !/^(0|false)$/i.test(value.trim()));
}

function step(n, total, text) {
  out(`\n${n}/${total}  ${text}`);
}

function runNpmBuild() {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new DeployError('`npm run build` failed (see above). Nothing was uploaded.'))));
  });
}

/** Signs in when needed and picks the account; returns a label for the output. */
async function signIn(wrangler, config, { ci }) {
  let who = await wrangler.run(['whoami', '--json']);
  if (who.code !== 0) {
    if (ci || process.env.CLOUDFLARE_API_TOKEN) throw new DeployError(`Wrangler is not signed in to Cloudflare: ${wranglerError(who)}. Set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID), or run \`npx wrangler login\`.`);
    out('      Not signed in yet: opening Cloudflare\'s sign-in page (`wrangler login`)…');
    const login = await wrangler.run(['login'], { interactive: true });
    if (login.code !== 0) throw new DeployError('Signing in to Cloudflare did not finish. Run `npm run deploy` again (or `npx wrangler login` first).');
    who = await wrangler.run(['whoami', '--json']);
    if (who.code !== 0) throw new DeployError(`Still not signed in to Cloudflare: ${wranglerError(who)}`);
  }
  let info;
  try {
    info = JSON.parse(who.stdout.slice(who.stdout.indexOf('{')));
  } catch {
    throw new DeployError(`Could not read \`wrangler whoami --json\`: ${who.stdout.slice(0, 200)}`);
  }
  const accounts = info.accounts ?? [];
  const chosen = wrangler.env.CLOUDFLARE_ACCOUNT_ID || config.accountId;
  if (!chosen && accounts.length > 1) {
    if (ci || !process.stdin.isTTY) {
      throw new DeployError(`Your Cloudflare login has ${accounts.length} accounts: set CLOUDFLARE_ACCOUNT_ID to the one to deploy to (${accounts.map((a) => `${a.id} "${a.name}"`).join(', ')}).`);
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    accounts.forEach((account, i) => out(`      ${i + 1}. ${account.name} (${account.id})`));
    const answer = Number(await rl.question('      Deploy to which account? '));
    rl.close();
    const account = accounts[answer - 1];
    if (!account) throw new DeployError('No account chosen. Nothing was uploaded.');
    wrangler.env.CLOUDFLARE_ACCOUNT_ID = account.id;
  }
  const account = accounts.find((a) => a.id === (wrangler.env.CLOUDFLARE_ACCOUNT_ID || config.accountId)) ?? accounts[0];
  return `${info.email ?? 'signed in'}${account ? `, account "${account.name}"` : ''}`;
}

/** Creates each queue the Worker uses that does not exist yet. */
async function ensureQueues(wrangler, queues) {
  const done = [];
  for (const queue of queues) {
    const info = await wrangler.run(['queues', 'info', queue]);
    if (info.code === 0) {
      done.push(`"${queue}" exists`);
      continue;
    }
    if (!/does not exist/i.test(`${info.stdout}\n${info.stderr}`)) throw new DeployError(`Could not look up the queue "${queue}": ${wranglerError(info)}`);
    const created = await wrangler.run(['queues', 'create', queue]);
    if (created.code !== 0) throw new DeployError(`Could not create the queue "${queue}": ${wranglerError(created)}`);
    done.push(`"${queue}" created`);
  }
  return done.join(', ') || 'none used';
}

/** Stores each required secret the Worker lacks; returns what was done and a new ADMIN_TOKEN (to show once). */
async function ensureSecrets(wrangler, { ci, adminTokenFromEnv }) {
  const listed = await wrangler.run(['secret', 'list', '--format', 'json']);
  if (listed.code !== 0) throw new DeployError(`Could not list the Worker's secrets: ${wranglerError(listed)}`);
  const present = secretNames(listed.stdout);
  const done = [];
  let newAdminToken = null;
  let refused = null;
  for (const name of REQUIRED_SECRETS) {
    if (present.has(name)) {
      done.push(`${name} already set`);
      continue;
    }
    let value = newSecret();
    if (name === 'ADMIN_TOKEN') {
      if (adminTokenFromEnv) value = adminTokenFromEnv;
      else if (ci) {
        refused = 'The Worker has no ADMIN_TOKEN, and in CI none is made (it could only be shown in a build log). Set it once with `npx wrangler secret put ADMIN_TOKEN` (or in the Worker\'s settings in the Cloudflare dashboard), or pass ADMIN_TOKEN to this command.';
        continue;
      }
    }
    const put = await wrangler.run(['secret', 'put', name], { input: value });
    if (put.code !== 0) throw new DeployError(`Could not store the secret ${name}: ${wranglerError(put)}`);
    if (name === 'ADMIN_TOKEN' && !adminTokenFromEnv) newAdminToken = value;
    done.push(`${name} ${name === 'ADMIN_TOKEN' && adminTokenFromEnv ? 'set from $ADMIN_TOKEN' : 'made and stored'}`);
  }
  if (refused) throw new DeployError(`${done.join(', ')}. ${refused}`);
  return { done: done.join(', '), newAdminToken };
}

function embedSnippet(origin, site) {
  return `<div id="comments"></div>\n<script src="${origin}/widget.js" data-site="${site}" async></script>`;
}

async function main() {
  const { values: options } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      url: { type: 'string' },
      wait: { type: 'string', default: '120' },
      'skip-build': { type: 'boolean', default: false },
      config: { type: 'string', default: 'wrangler.jsonc' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (options.help) {
    out(USAGE);
    return 0;
  }
  const waitSeconds = Number(options.wait);
  if (!(waitSeconds >= 0)) throw new DeployError('--wait must be a number of seconds.');
  const ci = isCi(process.env);
  const dryRun = options['dry-run'];
  const total = dryRun ? 3 : 8;
  out(dryRun ? 'Parley: checking a deploy (--dry-run: nothing is uploaded)' : 'Parley: deploying to Cloudflare');

  // 1. SITES, before anything else.
  step(1, total, 'Checking SITES in wrangler.jsonc');
  let config;
  let sites;
  try {
    config = await readDeployConfig(root, options.config);
  } catch (error) {
    throw new DeployError(error.message);
  }
  try {
    sites = await checkSites(config.sitesText);
  } catch (error) {
    throw new DeployError(`${error.message}\n      Fix SITES in ${config.path}; nothing was uploaded.`);
  }
  out(`      ${sites.length} site${sites.length === 1 ? '' : 's'}: ${sites.map((site) => site.id).join(', ')}`);
  if (config.kvWithIds.length) out(`      Note: ${config.kvWithIds.join(', ')} names a KV namespace id; Wrangler uses that namespace as it is.`);

  const wrangler = createWrangler({ root, config: config.path });

  if (dryRun) {
    step(2, total, 'Building widget.js and the demo page');
    if (options['skip-build']) out('      skipped (--skip-build)');
    else await runNpmBuild();
    step(3, total, 'Bundling the Worker (wrangler deploy --dry-run)');
    const outdir = join(root, '.wrangler', 'deploy-dry-run');
    const bundled = await wrangler.run(['deploy', '--dry-run', '--outdir', outdir], { show: true });
    if (bundled.code !== 0) throw new DeployError(`wrangler deploy --dry-run failed: ${wranglerError(bundled)}`);
    out(`\nReady to deploy: run \`npm run deploy\` (the bundle is in ${outdir}).`);
    return 0;
  }

  // 2. Cloudflare account.
  step(2, total, 'Cloudflare account');
  out(`      ${await signIn(wrangler, config, { ci })}`);

  // 3. Build.
  step(3, total, 'Building widget.js and the demo page (npm run build)');
  if (options['skip-build']) out('      skipped (--skip-build)');
  else await runNpmBuild();
  if (!existsSync(join(root, 'dist', 'widget.js'))) throw new DeployError('dist/widget.js is missing: run `npm run build` (or drop --skip-build). Nothing was uploaded.');

  // 4. Queue.
  step(4, total, 'Queues');
  out(`      ${await ensureQueues(wrangler, config.queues)}`);

  // 5. Upload.
  step(5, total, 'Uploading the Worker (wrangler deploy): KV namespace, Durable Objects, Cron Trigger');
  const deployed = await wrangler.run(['deploy'], { show: true });
  if (deployed.code !== 0) {
    const onboarding = `${deployed.stdout}\n${deployed.stderr}`.match(/register a workers\.dev subdomain[\s\S]*?(https:\/\/dash\.cloudflare\.com\/\S+\/workers\/onboarding)/);
    if (onboarding) throw new DeployError(`Your Cloudflare account has no workers.dev subdomain yet (the address your Worker gets). Choose one at ${onboarding[1]}, then run \`npm run deploy\` again.`);
    throw new DeployError(`wrangler deploy failed: ${wranglerError(deployed)}`);
  }
  const url = options.url?.replace(/\/+$/, '') ?? deployedUrl(`${deployed.stdout}\n${deployed.stderr}`);

  // 6. Secrets. From here on, a new admin token is shown even if a later step fails.
  step(6, total, 'Secrets');
  const secrets = await ensureSecrets(wrangler, { ci, adminTokenFromEnv: process.env.ADMIN_TOKEN });
  out(`      ${secrets.done}`);
  const showToken = () => {
    if (!secrets.newAdminToken) return;
    out('\n  Your admin token (for the dashboard; shown this once, never again: keep it in your password manager):');
    out(`\n      ${secrets.newAdminToken}\n`);
    out('  Lost it? Set a new one with `npx wrangler secret put ADMIN_TOKEN`.');
  };

  // 7. Smoke check.
  step(7, total, `Checking the live Worker${url ? ` at ${url}` : ''}`);
  if (!url) {
    showToken();
    throw new DeployError('Wrangler reported no workers.dev address (is workers_dev off?). Run again with --url https://your-route to check the live Worker.');
  }
  const results = await smokeCheck(url, sites[0].id, { waitMs: waitSeconds * 1000, report: (line) => out(`      ${line}`) });
  const failed = results.filter((result) => !result.ok);

  // 8. What to do next.
  step(8, total, failed.length ? 'Deployed, but the live checks failed' : 'Live');
  showToken();
  out(`  Dashboard:  ${url}/admin   (Sites: add your blog, change settings — no redeploy needed)`);
  for (const site of sites) {
    out(`\n  Paste into your post template for "${site.id}" (${site.name}):\n`);
    out(embedSnippet(url, site.id).replace(/^/gm, '      '));
    if (onlyLocalOrigins(site)) out(`\n  "${site.id}" only allows pages on this computer: add your blog's origin at ${url}/admin/sites/${encodeURIComponent(site.id)}.`);
  }
  out('\n  Guides for Hugo, Jekyll, Eleventy, Astro, Next.js, Ghost and WordPress: docs/guides/.');
  if (failed.length) {
    note(`\n${failed.length} live check${failed.length === 1 ? '' : 's'} failed after ${waitSeconds} s: ${failed.map((one) => `${one.what}: ${one.detail}`).join('; ')}.`);
    note('Running `npm run deploy` again is safe: it redoes only what is missing.');
    return 1;
  }
  out('\nRunning `npm run deploy` again is safe: it keeps what exists and uploads the Worker again.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof DeployError || error?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || error?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      note(`\n✗ ${error.message}`);
      if (error.code?.startsWith?.('ERR_PARSE_ARGS')) note(USAGE);
    } else {
      note(`\n✗ ${error?.stack ?? error}`);
    }
    process.exit(1);
  },
);
