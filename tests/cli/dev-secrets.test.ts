import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devSecrets, devSecretsPath, devSecretVars } from '../../worker/scripts/lib/dev-secrets.mjs';

describe('development secrets for wrangler dev', () => {
  it('are made once, random and distinct, and kept under .wrangler/ for the owner only', () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-dev-secrets-'));
    const first = devSecrets(root);
    expect(first.HASH_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.LINK_SIGNING_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.HASH_KEY).not.toBe(first.LINK_SIGNING_KEY);
    // A restart gets the same keys: hashes and signed links survive it.
    expect(devSecrets(root)).toEqual(first);
    const path = devSecretsPath(root);
    expect(path).toBe(join(root, '.wrangler', 'dev-secrets.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first);
    expect(statSync(path).mode & 0o077).toBe(0);
    // Another checkout gets its own.
    expect(devSecrets(mkdtempSync(join(tmpdir(), 'parley-dev-secrets-'))).HASH_KEY).not.toBe(first.HASH_KEY);
  });

  it('become wrangler --var arguments, a value set in the environment winning', () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-dev-secrets-'));
    const { HASH_KEY, LINK_SIGNING_KEY } = devSecrets(root);
    expect(devSecretVars(root, {})).toEqual(['--var', `HASH_KEY:${HASH_KEY}`, '--var', `LINK_SIGNING_KEY:${LINK_SIGNING_KEY}`]);
    expect(devSecretVars(root, { HASH_KEY: 'from-the-shell' })).toContain('HASH_KEY:from-the-shell');
  });
});
