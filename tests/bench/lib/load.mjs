// Load cases with autocannon: a fixed number of connections, each sending its next request as
// soon as the last one is answered (a closed loop: the load is bounded by `connections`), for a
// fixed time. Latencies are recorded here with sub-millisecond precision (autocannon's own
// histogram keeps whole milliseconds, too coarse on loopback).
//
// Cases that are compared with each other run interleaved: in `rounds` rounds, each case for
// its share of the time, so a change in the machine's background load during the run falls on
// all of them alike, and their ratios stay meaningful on a shared machine.
import autocannon from 'autocannon';
import { percentile, round } from './stats.mjs';

/** One autocannon run; returns the raw samples. */
async function runOnce({ url, method = 'GET', headers = {}, setupRequest, connections = 10, seconds, warmupSeconds = 0, cpuMs = () => null, runtimeCpuMs = () => null }) {
  const parsed = new URL(url);
  const request = { method, path: parsed.pathname + parsed.search, headers, ...(setupRequest ? { setupRequest } : {}) };
  const base = { url: parsed.origin, connections, pipelining: 1, requests: [request], timeout: 30 };
  if (warmupSeconds > 0) await autocannon({ ...base, duration: warmupSeconds });
  const latencies = [];
  const statuses = {};
  let bytes = 0;
  const cpuBefore = cpuMs();
  const runtimeBefore = runtimeCpuMs();
  const instance = autocannon({ ...base, duration: seconds });
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTime);
      bytes += resBytes;
    }
  });
  const result = await instance;
  const cpuAfter = cpuMs();
  const runtimeAfter = runtimeCpuMs();
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  const spent = (before, after) => (before === null || after === null ? null : after - before);
  return { latencies, statuses, bytes, answered, cpu: spent(cpuBefore, cpuAfter), runtimeCpu: spent(runtimeBefore, runtimeAfter), duration: result.duration, failures: result.errors + result.timeouts + (result.non2xx ?? 0) };
}

/** CPU time of `key` per answered request (ms), or null where it was not measured. */
function perRequest(samples, key) {
  return samples.some((s) => s[key] === null) ? null : round(samples.reduce((n, s) => n + s[key], 0) / Math.max(1, samples.reduce((n, s) => n + s.answered, 0)), 3);
}

function summarize(samples, connections) {
  const latencies = samples.flatMap((s) => s.latencies);
  const duration = samples.reduce((n, s) => n + s.duration, 0);
  const statuses = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const ok = latencies.length;
  return {
    connections,
    seconds: round(duration, 2),
    rounds: samples.length,
    requests: ok,
    rps: round(ok / duration, 1),
    latencyMs: {
      p50: round(percentile(latencies, 50), 2),
      p90: round(percentile(latencies, 90), 2),
      p99: round(percentile(latencies, 99), 2),
      max: round(ok ? latencies.reduce((a, b) => Math.max(a, b), 0) : null, 2),
      mean: round(latencies.reduce((a, b) => a + b, 0) / (ok || 1), 2),
    },
    /** Bytes per response as received, headers included. */
    bytesPerResponse: ok ? Math.round(samples.reduce((n, s) => n + s.bytes, 0) / ok) : null,
    statuses,
    failures: samples.reduce((n, s) => n + s.failures, 0),
    /**
     * CPU time of wrangler and workerd per answered request (ms): the Worker, the local KV
     * simulator and wrangler's proxy together, so an upper bound of the Worker's own CPU time.
     */
    serverCpuMsPerRequest: perRequest(samples, 'cpu'),
    /** The same for workerd alone: the Worker and the local KV simulator, without wrangler's proxy. */
    runtimeCpuMsPerRequest: perRequest(samples, 'runtimeCpu'),
  };
}

/**
 * Runs `cases` ({url, method?, headers?, setupRequest?, seconds, cpuMs?, runtimeCpuMs?}) interleaved
 * in `rounds` rounds (each case runs seconds/rounds per round, after a one-second warm-up before its
 * first round) and returns one summary per case, in order. `cpuMs()` (the server's CPU time so far)
 * and `runtimeCpuMs()` (its workerd's) give each case's CPU time per request; a case may bring its
 * own (cases on different servers).
 */
export async function loadCases(cases, { connections = 10, rounds = 3, warmupSeconds = 1, cpuMs, runtimeCpuMs } = {}) {
  const samples = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, c] of cases.entries()) {
      const seconds = Math.max(1, c.seconds / rounds);
      samples[index].push(await runOnce({ cpuMs, runtimeCpuMs, ...c, connections, seconds, warmupSeconds: round === 0 ? warmupSeconds : 0 }));
    }
  }
  return samples.map((s) => summarize(s, connections));
}

/** One case on its own (see {@link loadCases}). */
export async function loadCase(options) {
  const [result] = await loadCases([options], { connections: options.connections, rounds: options.rounds ?? 1, cpuMs: options.cpuMs, runtimeCpuMs: options.runtimeCpuMs });
  return result;
}
