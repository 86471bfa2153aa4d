#!/usr/bin/env node
// `npm run import -- --site demo wordpress-export.xml`: imports a WordPress (WXR) or Disqus
// export, or restores a Parley export, into Parley. The file is read as a stream and parsed
// here, in Node, by the same code the Worker uses (worker/src/portability); the comments go to
// the Worker's admin endpoint `POST /api/admin/import` in batches: a deployed Worker with
// --remote, or else the local server (`npm start`), or a temporary one started on the same
// local KV state. See docs/migration.md.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, USAGE } from './lib/cli-args.mjs';
import { createProgress } from './lib/progress.mjs';
import { connect } from './lib/connect.mjs';
import { formatReport, formatRestore } from './lib/report.mjs';
import { loadPortability } from './lib/load-worker-modules.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const say = (text) => process.stderr.write(`${text}\n`);

/** POSTs JSON to the Worker, retrying what may pass on a second try (rate limits, 5xx, network). */
async function postJson(target, body) {
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await fetch(`${target.origin}/api/admin/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      if (attempt >= 4) throw new Error(`${target.origin} could not be reached: ${error.message}`);
      await sleep(1000 * attempt);
      continue;
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    if ((response.status === 429 || response.status >= 500) && attempt < 4) {
      await sleep(1000 * attempt * (Number(response.headers.get('retry-after')) || 1));
      continue;
    }
    let message = text.slice(0, 500);
    try {
      const { error } = JSON.parse(text);
      message = `${error.message}${error.field ? ` (field ${error.field})` : ''}`;
    } catch {
      // Not a Parley error body.
    }
    throw new Error(`The Worker refused a batch: HTTP ${response.status}: ${message}`);
  }
}

/** Parley exports are JSON; WordPress and Disqus exports are XML. */
async function looksLikeJson(path) {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{');
  } finally {
    await handle.close();
  }
}

async function importXml(options, file, portability) {
  const mapping = { exact: {}, prefixes: options.mapPrefix.map(portability.parseMapPrefix), normalisePaths: options.normalisePaths };
  if (options.map) {
    let json;
    try {
      json = JSON.parse(await readFile(options.map, 'utf8'));
    } catch (error) {
      throw new Error(`--map ${options.map}: ${error.message}`);
    }
    const fromFile = portability.parseMapFile(json);
    mapping.exact = fromFile.exact;
    mapping.prefixes.push(...fromFile.prefixes);
  }
  const total = (await stat(file)).size;
  const openFile = () => createReadStream(file, { highWaterMark: 64 * 1024 });
  const common = { site: options.site, format: options.format, protectedPosts: options.protectedPosts, importedAt: Date.now(), mapping, fileName: basename(file), batchSize: options.batchSize, concurrency: options.concurrency ?? 4 };

  const checking = createProgress({ label: 'Checking ', total, quiet: options.quiet, counting: 'read' });
  let check;
  try {
    check = await portability.importChunks(openFile(), { ...common, send: undefined, onProgress: (progress) => checking.update(progress) });
  } catch (error) {
    throw new portability.ImportCheckError(error);
  }
  checking.done({ read: total, ready: check.ready });
  if (options.dryRun) return { report: check, where: 'nowhere (--dry-run)', seconds: 0 };

  const target = await connect(options, { root, say });
  const started = Date.now();
  try {
    const importing = createProgress({ label: 'Importing', total, quiet: options.quiet, counting: 'imported' });
    let sent = 0;
    const report = await portability
      .importChunks(openFile(), {
        ...common,
        send: async (batch) => {
          const answer = await postJson(target, batch);
          sent += batch.comments.length;
          return answer;
        },
        onProgress: (progress) => importing.update({ read: progress.read, sent: progress.sent }),
      })
      .catch((error) => {
        throw new portability.ImportInterruptedError(error, sent);
      });
    importing.done({ read: total, sent: report.sent });
    return { report, where: target.where, seconds: (Date.now() - started) / 1000 };
  } finally {
    await target.stop();
  }
}

async function restoreJson(options, file, portability) {
  let doc;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${basename(file)} is not valid JSON (${error.message}). Nothing was imported.`);
  }
  if (doc?.format !== 'parley') throw new Error(`${basename(file)} is not a Parley export (no "format": "parley"). Nothing was imported.`);
  const fromSite = typeof doc.site === 'string' ? doc.site : doc.site?.id;
  if (fromSite && fromSite !== options.site) say(`Note: this export is of site "${fromSite}"; restoring it into "${options.site}".`);
  if (doc.next) say('Warning: this export is only the first part of a large site (it has "next"): fetch the other parts too.');
  const batches = portability.restoreBatches({ ...doc, site: options.site });
  if (options.dryRun) return { totals: { batches: batches.length, comments: doc.comments?.length ?? 0 }, where: 'nowhere (--dry-run)', seconds: 0 };
  const target = await connect(options, { root, say });
  const started = Date.now();
  const totals = { created: 0, updated: 0, unchanged: 0, expired: 0, threads: 0, audit: 0, subscriptions: 0, unconfirmed: 0, avatarUrlsDropped: 0, erased: 0 };
  const progress = createProgress({ label: 'Restoring', total: batches.length, quiet: options.quiet, unit: 'requests', counting: 'imported' });
  try {
    for (const [index, batch] of batches.entries()) {
      let result;
      try {
        result = await postJson(target, batch);
      } catch (error) {
        throw new portability.ImportInterruptedError(error, totals.created + totals.updated + totals.unchanged);
      }
      for (const key of Object.keys(totals)) totals[key] += result[key] ?? 0;
      progress.update({ read: index + 1, sent: totals.created + totals.updated + totals.unchanged });
    }
    progress.done({ read: batches.length, sent: totals.created + totals.updated + totals.unchanged });
  } finally {
    await target.stop();
  }
  return { totals, where: target.where, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    say(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = resolve(options.files[0]);
  try {
    await stat(file);
  } catch {
    say(`${options.files[0]}: no such file.`);
    return 2;
  }
  const portability = await loadPortability();
  try {
    if (await looksLikeJson(file)) {
      const result = await restoreJson(options, file, portability);
      process.stdout.write(options.json ? `${JSON.stringify({ format: 'parley', ...result }, null, 2)}\n` : formatRestore(result, file, options));
    } else {
      const result = await importXml(options, file, portability);
      process.stdout.write(options.json ? `${JSON.stringify({ ...result.report, where: result.where, seconds: result.seconds }, null, 2)}\n` : formatReport(result, file, options));
    }
    return 0;
  } catch (error) {
    say(`\n${error.message}`);
    return 1;
  }
}

process.exitCode = await main();
