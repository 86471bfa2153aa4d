import { CommentImporter, type CommentImporterOptions, type ImportTally } from './comment-importer';
import { IMPORT_BATCH, IMPORT_BATCH_THREADS, type ImportBatch, type ImportBatchResult, type ImportedComment } from './model';

/** Where an import stands, for a progress bar. */
export interface ImportProgress {
  /** Bytes (or characters, for text input) read so far. */
  read: number;
  /** Comments read and ready so far. */
  ready: number;
  /** Comments the Worker has taken so far. */
  sent: number;
}

/** How {@link importChunks} runs. */
export interface RunImportOptions extends CommentImporterOptions {
  /**
   * Sends one batch to the Worker (`POST /api/admin/import`) and returns its answer. Without
   * it the file is only read and checked: nothing is written anywhere.
   */
  send?: (batch: ImportBatch) => Promise<ImportBatchResult>;
  /** Comments per request (at most {@link IMPORT_BATCH}). */
  batchSize?: number;
  /**
   * Requests in flight at once (default 1). Batches that share a thread never overlap: each
   * request rebuilds the views of its threads, and two rebuilds of one view must not race.
   */
  concurrency?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** The whole story of an import: what the file held, what was skipped and why, what the Worker did. */
export interface ImportReport extends ImportTally {
  /** Comments the Worker took (0 when only checking). */
  sent: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Ids not written because they were erased on request before. */
  erased: string[];
  /** Requests made. */
  requests: number;
}

/**
 * Reads an export from a stream of chunks (bytes or text) and, with `send`, imports it in
 * batches. The file is never held whole in memory: each chunk is parsed, its comments are
 * queued, and a full batch is sent before the next chunk is read.
 *
 * @example
 * const report = await importChunks(fs.createReadStream(path), { site: 'demo', send });
 */
export async function importChunks(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: RunImportOptions): Promise<ImportReport> {
  const importer = new CommentImporter(options);
  const size = Math.min(Math.max(1, options.batchSize ?? IMPORT_BATCH), IMPORT_BATCH);
  const decoder = new TextDecoder('utf-8');
  const pending: ImportedComment[] = [];
  const progress: ImportProgress = { read: 0, ready: 0, sent: 0 };
  const result = { created: 0, updated: 0, unchanged: 0, erased: [] as string[], requests: 0 };

  /** The next batch: up to `size` comments in at most IMPORT_BATCH_THREADS threads; null until one is full (unless `all`). */
  const nextBatch = (all: boolean): ImportedComment[] | null => {
    const threads = new Set<string>();
    let count = 0;
    for (const comment of pending) {
      if (count === size || (!threads.has(comment.thread) && threads.size === IMPORT_BATCH_THREADS)) return pending.splice(0, count);
      threads.add(comment.thread);
      count++;
    }
    return all && count > 0 ? pending.splice(0, count) : null;
  };
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const inFlight = new Map<Promise<void>, Set<string>>();
  let failure: { error: unknown } | null = null;
  const send = async (comments: ImportedComment[]) => {
    const answer = await options.send!({ format: importer.tally.format!, site: options.site, comments });
    result.requests++;
    result.created += answer.created;
    result.updated += answer.updated;
    result.unchanged += answer.unchanged;
    result.erased.push(...answer.erased);
    progress.sent += comments.length;
    options.onProgress?.({ ...progress });
  };
  const settle = async () => {
    await Promise.race(inFlight.keys());
    if (failure) throw failure.error;
  };
  const flush = async (all: boolean) => {
    for (let comments = nextBatch(all); comments; comments = nextBatch(all)) {
      if (!options.send) {
        progress.sent += comments.length;
        options.onProgress?.({ ...progress });
        continue;
      }
      const threads = new Set(comments.map((comment) => comment.thread));
      const overlaps = () => [...inFlight.values()].some((busy) => [...threads].some((thread) => busy.has(thread)));
      while (inFlight.size >= concurrency || overlaps()) await settle();
      const request: Promise<void> = send(comments)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(request));
      inFlight.set(request, threads);
    }
    if (all) while (inFlight.size > 0) await settle();
    if (failure) throw failure.error;
  };
  const take = async (comments: ImportedComment[]) => {
    pending.push(...comments);
    progress.ready += comments.length;
    await flush(false);
    options.onProgress?.({ ...progress });
  };

  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = first && text.length === 0;
    progress.read += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    await take(await importer.write(text));
  }
  const rest = decoder.decode();
  if (rest) await take(await importer.write(rest));
  await take(await importer.end());
  await flush(true);

  const tally = importer.tally;
  if (result.erased.length > 0) tally.skipped.erased = (tally.skipped.erased ?? 0) + result.erased.length;
  return { ...tally, sent: options.send ? progress.sent - result.erased.length : 0, ...result };
}

/** Splits a text into chunks, as a file stream would deliver it (for tests and the Worker). */
export function* chunksOf(text: string, size = 64 * 1024): Generator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

/** The file could not be read as an export; nothing was written. */
export class ImportCheckError extends Error {
  constructor(readonly cause: unknown) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\n` +
        'Nothing was imported: the whole file is checked before anything is written. Fix the file and run the same ' +
        'command again (importing is idempotent: running it again never duplicates a comment).',
    );
    this.name = 'ImportCheckError';
  }
}

/** The import stopped part-way (the Worker refused a batch, the network failed…). */
export class ImportInterruptedError extends Error {
  constructor(
    readonly cause: unknown,
    readonly sent: number,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\n` +
        `The import stopped after ${sent} comment${sent === 1 ? ' was' : 's were'} written. Run the same command again once ` +
        'the problem is solved: comments already imported are recognised by their id and written once, never twice.',
    );
    this.name = 'ImportInterruptedError';
  }
}

/**
 * Imports a file the safe way: reads it once to check it (a malformed file fails here, before
 * anything is written, with {@link ImportCheckError} naming the line and column), then again
 * to import it. `open` gives a fresh stream each time. A failure while sending throws
 * {@link ImportInterruptedError}: re-running is safe, since imports are idempotent.
 *
 * @example
 * await checkThenImport(() => fs.createReadStream(path), { site: 'demo', send });
 */
export async function checkThenImport(
  open: () => AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: RunImportOptions & { onChecked?: (check: ImportReport) => void },
): Promise<ImportReport> {
  let check: ImportReport;
  try {
    check = await importChunks(open(), { ...options, send: undefined, onProgress: undefined });
  } catch (error) {
    throw new ImportCheckError(error);
  }
  options.onChecked?.(check);
  if (!options.send) return check;
  const send = options.send;
  let sent = 0;
  try {
    return await importChunks(open(), {
      ...options,
      send: async (batch) => {
        const result = await send(batch);
        sent += result.created + result.updated + result.unchanged;
        return result;
      },
    });
  } catch (error) {
    throw new ImportInterruptedError(error, sent);
  }
}
