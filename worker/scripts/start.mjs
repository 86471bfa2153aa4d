#!/usr/bin/env node
// `npm start`: serves the demo page, widget.js, the API and the dashboard with `wrangler dev`
// on http://localhost:8787, with Workers KV persisted on disk in .wrangler/state (it survives
// restarts). Reads PORT, ADMIN_TOKEN and RATE_LIMIT from the environment; HASH_KEY and
// LINK_SIGNING_KEY come from .wrangler/dev-secrets.json (made once, never printed; see lib/dev-secrets.mjs).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { devSecretVars } from './lib/dev-secrets.mjs';

/** The development admin token, used only by `npm start` when ADMIN_TOKEN is not set. */
export const DEV_ADMIN_TOKEN = 'parley-dev-token';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = process.env.PORT || '8787';
const adminToken = process.env.ADMIN_TOKEN || DEV_ADMIN_TOKEN;
const xdg = join(root, '.wrangler', 'xdg');
mkdirSync(xdg, { recursive: true });

const args = ['dev', '--port', port, '--var', `ADMIN_TOKEN:${adminToken}`, ...devSecretVars(root), '--persist-to', join(root, '.wrangler', 'state')];
if (process.env.RATE_LIMIT !== undefined) args.push('--var', `RATE_LIMIT:${process.env.RATE_LIMIT}`);

const child = spawn(join(root, 'node_modules', '.bin', 'wrangler'), args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    XDG_CONFIG_HOME: xdg,
  },
});

console.log(`
  Parley is starting on http://localhost:${port}
    demo blog post   http://localhost:${port}/
    dashboard        http://localhost:${port}/admin
    admin token      ${process.env.ADMIN_TOKEN ? '(from ADMIN_TOKEN)' : `${DEV_ADMIN_TOKEN}  (development default; set ADMIN_TOKEN to choose your own)`}
                     the owner signs in with it once (Owner: sign in with the admin token), then
                     registers a passkey under "Your account" and invites moderators under "Team"
    HASH_KEY, LINK_SIGNING_KEY  random, kept in .wrangler/dev-secrets.json
    local KV         .wrangler/state (kept between restarts)
`);

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
