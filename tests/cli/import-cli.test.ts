import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// The CLI's own helper: starts `wrangler dev` on a KV state folder, as the CLI does.
import { startTemporaryWorker } from '../../worker/scripts/lib/local-worker.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'worker', 'scripts', 'import.mjs');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'imports');
const run = promisify(execFile);

let workDir: string;

beforeAll(async () => {
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  workDir = await mkdtemp(join(ROOT, '.tmp', 'cli-test-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `npm run import -- ARGS` (the script itself); never throws, returns the exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, PORT: '1', ADMIN_TOKEN: 'cli-test-token' }, timeout: 110_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Reads what a local server on that KV state serves. */
async function withServer<T>(persistTo: string, use: (origin: string, token: string) => Promise<T>): Promise<T> {
  const server = await startTemporaryWorker({ root: ROOT, persistTo, site: 'demo', token: 'cli-test-token' });
  try {
    return await use(server.origin, server.token);
  } finally {
    await server.stop();
  }
}

describe('npm run import (the CLI) against local KV state', () => {
  it('imports a WordPress export into the KV state that the local server then serves, and re-runs as a no-op', async () => {
    const state = join(workDir, 'state-wxr');
    const first = await cli('--site', 'demo', '--persist-to', state, '--json', '--quiet', join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ format: 'wordpress', found: 8, sent: 8, created: 8, threads: 2 });

    const again = await cli('--site', 'demo', '--persist-to', state, '--quiet', join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('imported              8  (0 new, 0 updated, 8 already there unchanged)');
    expect(again.stdout).toContain('Running the same command again is safe');

    const thread = await withServer(state, async (origin) => (await fetch(`${origin}/api/comments?site=demo&thread=%2F2014%2Ftest%2F`)).json() as Promise<{ total: number }>);
    expect(thread.total).toBe(7);
  });

  it('refuses a malformed file with its line and column, before anything is started or written', async () => {
    const state = join(workDir, 'state-malformed');
    const result = await cli('--site', 'demo', '--persist-to', state, '--quiet', join(FIXTURES, 'wordpress', 'parley-wxr-malformed.xml'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('parley-wxr-malformed.xml: line 35, column 44: unexpected close tag.');
    expect(result.stderr).toContain('Nothing was imported');
    expect(existsSync(state)).toBe(false);
  });

  it('maps links with --map-prefix and a --map file, and shows a progress bar on stderr', async () => {
    const state = join(workDir, 'state-map');
    const map = join(workDir, 'map.json');
    await writeFile(map, JSON.stringify({ 'http://example.tld/?p=4': '/hello/' }));
    const result = await cli('--site', 'demo', '--persist-to', state, '--map-prefix', 'http://example.tld=/blog', '--map', map, join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Importing \[#{24}\] 100% .* · 8 comments imported/);
    const totals = await withServer(state, async (origin) =>
      Promise.all(
        ['/blog/2014/test/', '/hello/'].map(async (thread) => {
          const body = (await (await fetch(`${origin}/api/comments?site=demo&thread=${encodeURIComponent(thread)}`)).json()) as { total: number };
          return body.total;
        }),
      ),
    );
    expect(totals).toEqual([7, 1]);
  });

  it('notes threads whose link a page without data-thread asks for in another form; --normalise-paths files them that way', async () => {
    const file = join(FIXTURES, 'disqus', 'isso-disqus.xml');
    const exact = await cli('--site', 'demo', '--persist-to', join(workDir, 'state-dry'), '--dry-run', '--quiet', file);
    expect(exact.code, exact.stderr).toBe(0);
    expect(exact.stdout).toContain('1 threads filed under their link\'s path exactly');
    expect(exact.stdout).toContain('e.g. /blog/2013/02/12/redacted/index.html');
    const normalised = await cli('--site', 'demo', '--persist-to', join(workDir, 'state-dry'), '--dry-run', '--quiet', '--normalise-paths', file);
    expect(normalised.code, normalised.stderr).toBe(0);
    expect(normalised.stdout).not.toContain('filed under their link');
  });

  it('restores a Parley export (JSON) into another, empty state: the export then matches', async () => {
    const source = join(workDir, 'state-source');
    const target = join(workDir, 'state-target');
    expect((await cli('--site', 'demo', '--persist-to', source, '--quiet', join(FIXTURES, 'disqus', 'kkdai-evanlin-export-2021-excerpt.xml'))).code).toBe(0);
    const exported = await withServer(source, async (origin, token) => (await fetch(`${origin}/api/admin/export?site=demo`, { headers: { authorization: `Bearer ${token}` } })).text());
    const file = join(workDir, 'export.json');
    await writeFile(file, exported);
    const restored = await cli('--site', 'demo', '--persist-to', target, '--json', '--quiet', file);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout).totals).toMatchObject({ created: 189 });
    const again = await withServer(target, async (origin, token) => (await fetch(`${origin}/api/admin/export?site=demo`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<Record<string, unknown>>);
    expect({ ...again, exportedAt: 0 }).toEqual({ ...JSON.parse(exported), exportedAt: 0 });
  });

  it('explains its usage and refuses unknown sites', async () => {
    const usage = await cli('--persist-to', join(workDir, 'unused'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--site is required');
    const unknown = await cli('--site', 'nope', '--persist-to', join(workDir, 'state-unknown'), '--quiet', join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no site "nope"');
  });

  it('imports to a server with --remote and a moderator’s API token, and explains a token that may not write', async () => {
    const state = join(workDir, 'state-remote');
    await withServer(state, async (origin, adminToken) => {
      // The owner's first sign-in (the admin token), then an API token made from that session.
      const login = await fetch(`${origin}/admin/login`, { method: 'POST', redirect: 'manual', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: adminToken, name: 'Owner' }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const token = async (access: string) => {
        const made = await fetch(`${origin}/api/admin/tokens`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `import ${access}`, access, sites: ['demo'] }) });
        return ((await made.json()) as { secret: string }).secret;
      };
      const writer = await token('write');
      const imported = await cli('--site', 'demo', '--remote', origin, '--token', writer, '--json', '--quiet', join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ created: 8 });
      const { entries } = (await (await fetch(`${origin}/api/admin/audit?site=demo`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as { entries: { who: string; action: string }[] };
      expect(entries.find((entry) => entry.action === 'import')?.who).toBe('Owner (API token "import write")');
      const reader = await cli('--site', 'demo', '--remote', origin, '--token', await token('read'), '--quiet', join(FIXTURES, 'wordpress', 'isso-wordpress.xml'));
      expect(reader.code).toBe(1);
      expect(reader.stderr).toContain('refused the token for site "demo"');
    });
  });
});
