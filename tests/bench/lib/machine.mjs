// What the figures were measured on: printed at the start of a run and kept with the results.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../worker/scripts/lib/wrangler-dev.mjs';

const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
};

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

export function machineInfo() {
  const cpu = cpus();
  const dirty = git('status', '--porcelain');
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? null,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    wrangler: version('wrangler'),
    workerd: version('workerd'),
    autocannon: version('autocannon'),
    playwrightCore: version('playwright-core'),
    vite: version('vite'),
    preact: version('preact'),
    chromium: null,
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedFiles: dirty === null ? null : dirty.split('\n').filter(Boolean).length,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function formatMachine(m) {
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}`,
    `versions: node ${m.node}, wrangler ${m.wrangler} (workerd ${m.workerd}), ${m.chromium ?? 'chromium ?'}, autocannon ${m.autocannon}, playwright-core ${m.playwrightCore}, vite ${m.vite}, preact ${m.preact}`,
    `code: ${m.commit ?? '?'}${m.uncommittedFiles ? ` + ${m.uncommittedFiles} uncommitted files` : ''}; load average at start ${m.loadAverageAtStart.join(' ')}`,
  ].join('\n');
}
