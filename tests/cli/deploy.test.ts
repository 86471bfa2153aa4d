import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// A real local Worker (`wrangler dev` on a free port, its own empty KV): the "live URL" the
// deploy checks. Started as the browser tests start theirs.
import { startWranglerDev, type WranglerDev } from '../../worker/scripts/lib/wrangler-dev.mjs';

/*
 * `npm run deploy` against a stand-in for Wrangler talking to Cloudflare (support/fake-wrangler.mjs:
 * it records every call and answers as Wrangler does; its `deploy` runs the real
 * `wrangler deploy --dry-run`), then a smoke check of a real local Worker. Nothing here reaches
 * Cloudflare. The build step is skipped (`--skip-build`): `npm test` has built dist/ already,
 * and other tests serve it meanwhile.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPLOY = join(ROOT, 'worker', 'scripts', 'deploy.mjs');
const FAKE = join(ROOT, 'tests', 'cli', 'support', 'fake-wrangler.mjs');
const run = promisify(execFile);

interface FakeState {
  dir: string;
  noSubdomain?: boolean;
  loggedIn: boolean;
  accounts: { id: string; name: string }[];
  queues: string[];
  requiredQueues: string[];
  secrets: Record<string, string>;
  kvNamespace: string | null;
  deploys: number;
  calls: { argv: string[]; stdinIsTTY: boolean; dryRun?: { code: number; output: string } }[];
}

let workDir: string;
let live: WranglerDev;

beforeAll(async () => {
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  workDir = await mkdtemp(join(ROOT, '.tmp', 'deploy-test-'));
  await chmod(FAKE, 0o755);
  live = await startWranglerDev();
}, 180_000);

afterAll(async () => {
  await live?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** A fresh Cloudflare account: signed out, no queue, no Worker, no secret. */
async function freshAccount(name: string, overrides: Partial<FakeState> = {}): Promise<string> {
  const dir = join(workDir, name);
  await mkdir(dir, { recursive: true });
  const state: FakeState = { dir, loggedIn: false, accounts: [{ id: 'acc-1', name: 'Owner' }], queues: [], requiredQueues: ['parley-mail', 'parley-follow'], secrets: {}, kvNamespace: null, deploys: 0, calls: [], ...overrides };
  const path = join(dir, 'state.json');
  await writeFile(path, JSON.stringify(state));
  return path;
}

async function stateOf(path: string): Promise<FakeState> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** Runs `npm run deploy -- ARGS` (the script itself) with the stand-in Wrangler; never throws. */
async function deploy(statePath: string, args: string[] = [], env: Record<string, string> = {}, url = live.origin) {
  try {
    const { stdout, stderr } = await run(process.execPath, [DEPLOY, '--skip-build', '--wait', '20', ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: '', WORKERS_CI: '', ADMIN_TOKEN: '', CLOUDFLARE_API_TOKEN: '', CLOUDFLARE_ACCOUNT_ID: '', PARLEY_WRANGLER: FAKE, FAKE_WRANGLER_STATE: statePath, FAKE_WRANGLER_URL: url, ...env },
      timeout: 170_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const commands = (state: FakeState) => state.calls.map((call) => call.argv.filter((arg, i, all) => arg !== '--config' && all[i - 1] !== '--config').join(' '));

describe('npm run deploy, on a fresh account', () => {
  let statePath: string;
  let first: Awaited<ReturnType<typeof deploy>>;

  beforeAll(async () => {
    statePath = await freshAccount('fresh');
    first = await deploy(statePath);
  }, 180_000);

  it('signs in, creates the queue, uploads, stores the three secrets, in that order, and passes its live checks', async () => {
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    const state = await stateOf(statePath);
    expect(commands(state)).toEqual([
      'whoami --json',
      'login',
      'whoami --json',
      'queues info parley-mail',
      'queues create parley-mail',
      'queues info parley-follow',
      'queues create parley-follow',
      'deploy',
      'secret list --format json',
      'secret put ADMIN_TOKEN',
      'secret put LINK_SIGNING_KEY',
      'secret put HASH_KEY',
    ]);
    expect(state.queues).toEqual(['parley-mail', 'parley-follow']);
    expect(state.kvNamespace).toBe('parley-parley-kv');
    expect(first.stdout).toContain('✓ widget.js');
    expect(first.stdout).toContain('✓ the comments API');
    expect(first.stdout).toContain('✓ the dashboard (/admin)');
    expect(first.stdout).toContain('✓ the secrets (ADMIN_TOKEN, LINK_SIGNING_KEY, HASH_KEY)');
  });

  it('uploads what Wrangler itself bundles from wrangler.jsonc: an id-less KV binding, the five Durable Objects, the queues', async () => {
    const upload = (await stateOf(statePath)).calls.find((call) => call.dryRun)!.dryRun!;
    expect(upload.code).toBe(0);
    expect(upload.output).toMatch(/env\.PARLEY_KV\s+KV Namespace/);
    expect(upload.output).toMatch(/env\.SITES_REGISTRY \(SitesRegistry\)\s+Durable Object/);
    expect(upload.output).toMatch(/env\.THREAD_OBJECTS \(ThreadObject\)\s+Durable Object/);
    expect(upload.output).toMatch(/env\.FOLLOWER_OBJECTS \(FollowersObject\)\s+Durable Object/);
    expect(upload.output).toMatch(/env\.TEAM_OBJECTS \(TeamObject\)\s+Durable Object/);
    expect(upload.output).toMatch(/env\.MAIL_QUEUE \(parley-mail\)\s+Queue/);
    expect(upload.output).toMatch(/env\.FOLLOW_QUEUE \(parley-follow\)\s+Queue/);
    const config = await readFile(join(ROOT, 'wrangler.jsonc'), 'utf8');
    expect(config).toMatch(/\{ "binding": "PARLEY_KV", "preview_id": "parley-local" \}/);
  });

  it('makes each secret its own long random value, sends it on stdin only, and prints only the admin token, once', async () => {
    const state = await stateOf(statePath);
    const values = Object.values(state.secrets);
    expect(Object.keys(state.secrets)).toEqual(['ADMIN_TOKEN', 'LINK_SIGNING_KEY', 'HASH_KEY']);
    expect(new Set(values).size).toBe(3);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const everything = `${first.stdout}${first.stderr}${JSON.stringify(state.calls.map((call) => call.argv))}`;
    expect(everything.split(state.secrets.ADMIN_TOKEN)).toHaveLength(2);
    expect(first.stdout).toContain(`      ${state.secrets.ADMIN_TOKEN}\n`);
    expect(everything).not.toContain(state.secrets.LINK_SIGNING_KEY);
    expect(everything).not.toContain(state.secrets.HASH_KEY);
  });

  it('prints the dashboard and the embed snippet for the live address', async () => {
    expect(first.stdout).toContain(`Dashboard:  ${live.origin}/admin`);
    expect(first.stdout).toContain(`<div id="comments"></div>\n      <script src="${live.origin}/widget.js" data-site="demo" async></script>`);
    // The demo site allows only pages on this computer: the owner is told where to add their blog.
    expect(first.stdout).toContain(`add your blog's origin at ${live.origin}/admin/sites/demo`);
  });

  it('is safe to run again: keeps the queue and the secrets, prints no token, uploads once more', async () => {
    const before = await stateOf(statePath);
    const again = await deploy(statePath);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    const state = await stateOf(statePath);
    expect(commands(state).slice(before.calls.length)).toEqual(['whoami --json', 'queues info parley-mail', 'queues info parley-follow', 'deploy', 'secret list --format json']);
    expect(state.secrets).toEqual(before.secrets);
    expect(state.deploys).toBe(2);
    expect(again.stdout).toContain('ADMIN_TOKEN already set, LINK_SIGNING_KEY already set, HASH_KEY already set');
    expect(`${again.stdout}${again.stderr}`).not.toContain(state.secrets.ADMIN_TOKEN);
    expect(again.stdout).not.toContain('Your admin token');
  });
});

describe('npm run deploy refuses before uploading anything', () => {
  it('a SITES that does not pass the schema: the problem is named, Wrangler is never asked to change anything', async () => {
    const statePath = await freshAccount('bad-sites', { loggedIn: true });
    const config = join(ROOT, '.tmp', `wrangler.bad-sites.${process.pid}.jsonc`);
    const original = await readFile(join(ROOT, 'wrangler.jsonc'), 'utf8');
    await writeFile(config, original.replace(/"SITES": "[^\n]*"/, '"SITES": "[{\\"id\\":\\"My Blog\\",\\"moderation\\":\\"sometimes\\"}]"'));
    try {
      const result = await deploy(statePath, ['--config', config]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('SITES is invalid');
      expect(result.stderr).toContain('site id: 1-64 of a-z, 0-9, _ and -');
      expect(result.stderr).toContain('nothing was uploaded');
      expect((await stateOf(statePath)).calls).toEqual([]);
    } finally {
      await rm(config, { force: true });
    }
  });

  it('in CI, a login with several accounts and no CLOUDFLARE_ACCOUNT_ID', async () => {
    const statePath = await freshAccount('accounts', { loggedIn: true, accounts: [{ id: 'a1', name: 'Home' }, { id: 'a2', name: 'Work' }] });
    const result = await deploy(statePath, [], { CI: 'true' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('set CLOUDFLARE_ACCOUNT_ID to the one to deploy to (a1 "Home", a2 "Work")');
    expect(commands(await stateOf(statePath))).toEqual(['whoami --json']);
  });
});

describe('npm run deploy, other paths', () => {
  it('sets ADMIN_TOKEN from the environment when given, and never prints it', async () => {
    const statePath = await freshAccount('token-from-env', { loggedIn: true, queues: ['parley-mail'] });
    const token = 'owner-chosen-token-0123456789-abcdefghijkl';
    const result = await deploy(statePath, [], { ADMIN_TOKEN: token });
    expect(result.code, result.stderr).toBe(0);
    expect((await stateOf(statePath)).secrets.ADMIN_TOKEN).toBe(token);
    expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    expect(result.stdout).toContain('ADMIN_TOKEN set from $ADMIN_TOKEN');
  });

  it('in CI, never makes an admin token it could only show in a build log: the other secrets are stored, and it says how to set it', async () => {
    const statePath = await freshAccount('ci', { loggedIn: true, queues: ['parley-mail'] });
    const result = await deploy(statePath, [], { CI: 'true' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Worker has no ADMIN_TOKEN, and in CI none is made');
    const state = await stateOf(statePath);
    expect(Object.keys(state.secrets)).toEqual(['LINK_SIGNING_KEY', 'HASH_KEY']);
    expect(`${result.stdout}${result.stderr}`).not.toContain(state.secrets.LINK_SIGNING_KEY);
  });

  it('tells a new account without a workers.dev subdomain where to choose one', async () => {
    const statePath = await freshAccount('no-subdomain', { loggedIn: true, noSubdomain: true });
    const result = await deploy(statePath);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Your Cloudflare account has no workers.dev subdomain yet (the address your Worker gets). Choose one at https://dash.cloudflare.com/acc-1/workers/onboarding, then run `npm run deploy` again.');
    expect(commands(await stateOf(statePath)).at(-1)).toBe('deploy');
  });

  it('reports a live Worker whose secrets are not in effect, naming the one missing', async () => {
    const statePath = await freshAccount('no-hash-key', { loggedIn: true, queues: ['parley-mail'] });
    const broken = await startWranglerDev({ vars: { HASH_KEY: '' } });
    try {
      const result = await deploy(statePath, ['--wait', '4'], {}, broken.origin);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('✓ widget.js');
      expect(result.stdout).toContain('✓ the comments API');
      // The dashboard says what is missing, and so does the API.
      expect(result.stdout).toMatch(/✗ the dashboard \(\/admin\): HTTP 503: .*must set the HASH_KEY secret/);
      expect(result.stdout).toMatch(/✗ the secrets \(ADMIN_TOKEN, LINK_SIGNING_KEY, HASH_KEY\): not in effect yet: .*must set the HASH_KEY secret/);
      expect(result.stderr).toContain('2 live checks failed after 4 s');
      // Whatever failed after the upload, the new admin token is shown.
      expect(result.stdout).toContain('Your admin token');
    } finally {
      await broken.stop();
    }
  });
});

describe('npm run deploy -- --dry-run, with the real Wrangler', () => {
  it('checks SITES and bundles the Worker with `wrangler deploy --dry-run`: nothing reaches Cloudflare', async () => {
    const xdg = join(workDir, 'xdg');
    await mkdir(xdg, { recursive: true });
    const { stdout, stderr } = await run(process.execPath, [DEPLOY, '--dry-run', '--skip-build'], {
      cwd: ROOT,
      env: { ...process.env, PARLEY_WRANGLER: '', CLOUDFLARE_API_TOKEN: '', XDG_CONFIG_HOME: xdg, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
      timeout: 120_000,
    });
    expect(stdout).toContain('1 site: demo');
    // Wrangler's own report (relayed on stderr, as it comes).
    expect(stderr).toMatch(/env\.PARLEY_KV\s+KV Namespace/);
    expect(stderr).toMatch(/env\.SITES_REGISTRY \(SitesRegistry\)\s+Durable Object/);
    expect(stderr).toContain('--dry-run: exiting now.');
    expect(stdout).toContain('Ready to deploy');
  });
});
