import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTemporaryWorker } from '../../worker/scripts/lib/local-worker.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'worker', 'scripts', 'announce.mjs');
const run = promisify(execFile);

let workDir: string;

beforeAll(async () => {
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  workDir = await mkdtemp(join(ROOT, '.tmp', 'cli-announce-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `npm run announce -- ARGS` (the script itself); never throws. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, PORT: '1', ADMIN_TOKEN: 'cli-test-token' }, timeout: 110_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run announce (the CLI)', () => {
  it('announces a post to the running server once: the same URL again mails nobody', async () => {
    const server = await startTemporaryWorker({ root: ROOT, persistTo: join(workDir, 'state'), site: 'demo', token: 'cli-test-token' });
    try {
      const url = `${server.origin}/posts/announced/`;
      const first = await cli('--site', 'demo', '--url', server.origin, '--title', 'Announced from CI', '--summary', 'A summary.', url);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('Announced “Announced from CI”');
      expect(first.stdout).toContain('nobody follows yet');
      const again = await cli('--site', 'demo', '--url', server.origin, '--title', 'Announced again', '--json', url);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ created: false, post: { title: 'Announced from CI', url } });
      const posts = await (await fetch(`${server.origin}/api/admin/sites/demo/posts`, { headers: { authorization: 'Bearer cli-test-token' } })).json();
      expect(posts.posts.map((post: { title: string }) => post.title)).toEqual(['Announced from CI']);
    } finally {
      await server.stop();
    }
  });

  it('explains its usage, and refuses what the server refuses', async () => {
    const usage = await cli('--site', 'demo');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give the address of one post');
    expect(usage.stderr).toContain('Usage: npm run announce');
    const notWeb = await cli('--site', 'demo', 'ftp://example.com/x');
    expect(notWeb.code).toBe(2);
    expect(notWeb.stderr).toContain('is not an http(s) address');
  });
});
