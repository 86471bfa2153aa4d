// What a running server costs the machine, read from Linux /proc: CPU time of its whole process
// group (wrangler, workerd), and the memory (RSS) of its workerd.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const hasProc = () => existsSync('/proc/self/stat');

/** `[pid, fields after the command name]` of every process, from /proc/PID/stat. */
function processes() {
  const list = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      list.push([Number(name), stat.slice(stat.lastIndexOf(')') + 2).split(' '), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))]);
    } catch {
      // The process ended.
    }
  }
  return list;
}

/** CPU time (ms) used so far by the processes of the process group `pgid` (those named `command`, if given). */
function groupCpuMs(pgid, command) {
  let ticks = 0;
  // fields[2] is pgrp; [11] utime and [12] stime, in clock ticks (100 per second on Linux).
  for (const [, fields, name] of processes()) if (Number(fields[2]) === pgid && (!command || name === command)) ticks += Number(fields[11]) + Number(fields[12]);
  return ticks * 10;
}

/**
 * CPU time (ms) used so far by wrangler and workerd (every process of the server's group: the
 * Worker, the local KV simulator and wrangler's proxy), or null without Linux /proc.
 */
export function serverCpuMs(server) {
  return hasProc() ? groupCpuMs(server.pid) : null;
}

/** CPU time (ms) used so far by the server's workerd alone (the runtime, without wrangler's proxy), or null without Linux /proc. */
export function workerdCpuMs(server) {
  return hasProc() ? groupCpuMs(server.pid, 'workerd') : null;
}

/** Resident memory (bytes) of the server's workerd process(es), or null without Linux /proc. */
export function workerdRssBytes(server) {
  if (!hasProc()) return null;
  let bytes = 0;
  for (const [pid, fields, command] of processes()) {
    if (Number(fields[2]) !== server.pid || command !== 'workerd') continue;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    bytes += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }
  return bytes;
}

/**
 * Waits until wrangler and workerd are idle (under `threshold` of one core for three
 * half-second samples in a row), at most `maxMs`. Returns how long it waited, or null where
 * /proc cannot be read.
 */
export async function waitUntilIdle(server, { threshold = 0.1, maxMs = 120_000 } = {}) {
  if (!hasProc()) return null;
  const started = performance.now();
  let quiet = 0;
  let last = groupCpuMs(server.pid);
  while (quiet < 3 && performance.now() - started < maxMs) {
    await sleep(500);
    const now = groupCpuMs(server.pid);
    quiet = (now - last) / 500 < threshold ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - started;
}
