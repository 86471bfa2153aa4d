// Child processes in their own process group: started, watched and stopped as a whole, so that
// stopping `wrangler` also stops the `workerd` it started (killing only wrangler leaves workerd
// running). Used by the one `wrangler dev` launcher (./wrangler-dev.mjs) and the benchmarks.
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (listen on port 0, read it, close).
 *
 * @example
 * const port = await freePort(); // 41234
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('could not read the port of a probe server'))));
    });
  });
}

/**
 * Whether something already listens on `port` of `host` (a TCP connection is accepted within a
 * second). `localhost` tries both 127.0.0.1 and ::1.
 *
 * @example
 * if (await portAnswers(8787)) throw new Error('8787 is taken');
 */
export function portAnswers(port, host = 'localhost') {
  return new Promise((resolve) => {
    const socket = connect({ port, host, autoSelectFamily: true });
    const done = (answered) => (socket.destroy(), resolve(answered));
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

/** Whether any process is left in the process group led by `pid`. */
export function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Sends `signal` to every process of the group led by `pid` (nothing if it is gone). */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops the process group led by `pid`: SIGTERM, then SIGKILL if anything is left after
 * `graceMs`. Resolves once the group is gone (or after another `graceMs`).
 */
export async function stopGroup(pid, graceMs = 5_000) {
  const waitForExit = async () => {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pid)) await sleep(100);
    return !groupAlive(pid);
  };
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit()) return;
  signalGroup(pid, 'SIGKILL');
  await waitForExit();
}

/** Groups to kill and synchronous clean-ups to run if this process ends first. */
const groups = new Set();
const cleanups = new Set();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const pid of groups) signalGroup(pid, 'SIGKILL');
    for (const cleanUp of cleanups) {
      try {
        cleanUp();
      } catch {
        // Best effort.
      }
    }
  });
}

/**
 * Kills the group led by `pid` if this process exits before the returned function is called
 * (a test runner that goes away, an uncaught error, `process.exit`).
 */
export function killGroupOnExit(pid) {
  hookExit();
  groups.add(pid);
  return () => groups.delete(pid);
}

/**
 * Runs `cleanUp` (synchronous: deleting a throwaway directory) if this process exits before the
 * returned function is called.
 */
export function onAbnormalExit(cleanUp) {
  hookExit();
  cleanups.add(cleanUp);
  return () => cleanups.delete(cleanUp);
}

/**
 * Makes Ctrl-C, SIGTERM and SIGHUP end this process through `process.exit`, so the exit hooks
 * above run (Node's default for these signals skips them). `onSignal` runs first.
 */
export function exitOnSignals(onSignal = () => {}) {
  hookExit();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      onSignal(signal);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
