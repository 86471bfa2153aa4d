#!/usr/bin/env node
// A stand-in for Wrangler talking to Cloudflare, for `npm run deploy`'s tests (nothing offline
// can be Cloudflare's API). It answers the commands the deploy runs the way Wrangler 4.86 does,
// keeps "the account" in a JSON file (FAKE_WRANGLER_STATE) and records every call there:
//
//   whoami --json            signed in or not; the account list
//   login                    signs in
//   queues info|create NAME  the account's queues
//   deploy                   runs the REAL `wrangler deploy --dry-run` on the config (so the
//                            bundle, the bindings and the id-less KV binding are checked by
//                            Wrangler itself), then reports an upload and the address
//                            FAKE_WRANGLER_URL (a real local Worker the test started)
//   deploy --dry-run …       the real Wrangler, as is
//   secret list --format json, secret put NAME (value on stdin)
//
// Anything else exits 2, so a command the deploy should not run fails the test.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const REAL_WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const statePath = process.env.FAKE_WRANGLER_STATE;
if (!statePath) {
  process.stderr.write('fake wrangler: FAKE_WRANGLER_STATE is not set\n');
  process.exit(2);
}
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const argv = process.argv.slice(2);
const configAt = argv.indexOf('--config');
const config = configAt >= 0 ? argv[configAt + 1] : join(ROOT, 'wrangler.jsonc');
const args = configAt >= 0 ? [...argv.slice(0, configAt), ...argv.slice(configAt + 2)] : argv;
const call = { argv, at: Date.now(), stdinIsTTY: Boolean(process.stdin.isTTY) };
state.calls.push(call);

const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const say = (text) => process.stdout.write(`${text}\n`);
function fail(message, code = 1) {
  process.stderr.write(`\n✘ [ERROR] ${message}\n\n`);
  save();
  process.exit(code);
}
function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}
function realWrangler(extra) {
  const result = spawnSync(REAL_WRANGLER, extra, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } });
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
function requireLogin() {
  if (!state.loggedIn) fail('You are not authenticated. Please run `wrangler login`.');
}

const [command, sub, name] = args;
switch (command) {
  case 'whoami':
    if (!state.loggedIn) {
      say('{"loggedIn":false}');
      save();
      process.exit(1);
    }
    say(JSON.stringify({ loggedIn: true, authType: 'OAuth Token', email: 'owner@example.com', accounts: state.accounts }));
    break;
  case 'login':
    state.loggedIn = true;
    say('Successfully logged in.');
    break;
  case 'queues':
    requireLogin();
    if (sub === 'info') {
      if (!state.queues.includes(name)) fail(`Queue "${name}" does not exist. To create it, run: wrangler queues create ${name}`);
      say(`Queue Name: ${name}\nQueue ID: fake-${name}\nNumber of Producers: 1`);
    } else if (sub === 'create') {
      if (state.queues.includes(name)) fail(`A queue with this name already exists. [code: 11009]`);
      state.queues.push(name);
      say(`🌀 Creating queue '${name}'\n✅ Created queue '${name}'`);
    } else fail(`fake wrangler: unexpected queues command ${sub}`, 2);
    break;
  case 'deploy': {
    if (args.includes('--dry-run')) {
      const real = realWrangler([...args, '--config', config]);
      process.stdout.write(real.output);
      save();
      process.exit(real.code);
    }
    requireLogin();
    // Cloudflare checks the bundle and the bindings on upload; Wrangler's dry run does the same checks here.
    const real = realWrangler(['deploy', '--dry-run', '--outdir', join(state.dir, 'bundle'), '--config', config]);
    call.dryRun = { code: real.code, output: real.output };
    if (real.code !== 0) fail(`the bundle did not build:\n${real.output}`);
    const missingQueue = state.requiredQueues.find((queue) => !state.queues.includes(queue));
    if (missingQueue) fail(`Queue "${missingQueue}" does not exist. To create it, run: wrangler queues create ${missingQueue} [code: 11000]`);
    if (!/env\.PARLEY_KV\s/.test(real.output)) fail('fake wrangler: the bundle has no PARLEY_KV binding', 2);
    if (state.noSubdomain) {
      // A new account without a workers.dev subdomain, non-interactive: what Wrangler 4.86 says.
      process.stderr.write('▲ [WARNING] You need to register a workers.dev subdomain before publishing to workers.dev\n\n? Would you like to register a workers.dev subdomain now?\n🤖 Using fallback value in non-interactive context: no\n');
      fail(`You can either deploy your worker to one or more routes by specifying them in your wrangler.jsonc file, or register a workers.dev subdomain here:\nhttps://dash.cloudflare.com/${state.accounts[0].id}/workers/onboarding`);
    }
    if (!state.kvNamespace) {
      // An id-less binding: Wrangler creates the namespace on the first deploy, and inherits it after.
      state.kvNamespace = 'parley-parley-kv';
      say('Provisioning PARLEY_KV (KV Namespace)...\n🌀 Creating new KV Namespace "parley-parley-kv"...\n✨ PARLEY_KV provisioned 🎉\n');
    }
    state.deploys += 1;
    say(`Total Upload: 600.00 KiB / gzip: 160.00 KiB\nUploaded parley (1.20 sec)\nDeployed parley triggers (0.40 sec)\n  ${process.env.FAKE_WRANGLER_URL}\n  schedule: */10 * * * *\n  Consumer for parley-mail\nCurrent Version ID: 00000000-0000-0000-0000-00000000000${state.deploys}`);
    break;
  }
  case 'secret': {
    requireLogin();
    if (!state.deploys) fail('This Worker does not exist on your account. [code: 10007]');
    if (sub === 'list') {
      say(JSON.stringify(Object.keys(state.secrets).map((secret) => ({ name: secret, type: 'secret_text' })), null, 2));
    } else if (sub === 'put') {
      const value = readStdin().trimEnd();
      if (!value) fail('fake wrangler: empty secret value', 2);
      state.secrets[name] = value;
      say(`🌀 Creating the secret for the Worker "parley" \n✨ Success! Uploaded secret ${name}`);
    } else fail(`fake wrangler: unexpected secret command ${sub}`, 2);
    break;
  }
  default:
    fail(`fake wrangler: unexpected command ${args.join(' ')}`, 2);
}
save();
