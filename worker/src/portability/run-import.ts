import { CommentImporter, type CommentImporterOptions, type ImportTally } from './comment-importer';
import { IMPORT_BATCH, type ImportBatch, type ImportBatchResult, type ImportedComment } from './model';

/** Where an import stands, for a progress bar. */
export interface ImportProgress {
  /** Bytes (or characters, for text input) read so far. */
  read: number;
  /** Comments read and ready so far. */
  ready: number;
  /** Comments the Worker has taken so far. */
  sent: number;
}

export interface RunImportOptions extends CommentImporterOptions {
  /**
   * Sends one batch to the Worker (`POST /api/admin/import`) and returns its answer. Without
   * it the file is only read and checked: nothing is written anywhere.
   */
  send?: (batch: ImportBatch) => Promise<ImportBatchResult>;
  /** Comments per request (at most {@link IMPORT_BATCH}). */
  batchSize?: number;
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

  const flush = async (all: boolean) => {
    while (pending.length >= size || (all && pending.length > 0)) {
      const comments = pending.splice(0, size);
      if (options.send) {
        const answer = await options.send({ format: importer.tally.format!, site: options.site, comments });
        result.requests++;
        result.created += answer.created;
        result.updated += answer.updated;
        result.unchanged += answer.unchanged;
        result.erased.push(...answer.erased);
      }
      progress.sent += comments.length;
      options.onProgress?.({ ...progress });
    }
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

/**
 * Imports a file the safe way: reads it once to check it (a malformed file fails here, before
 * anything is written), then again to import it. `open` gives a fresh stream each time.
 *
 * @example
 * await checkThenImport(() => fs.createReadStream(path), { site: 'demo', send });
 */
export async function checkThenImport(
  open: () => AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: RunImportOptions & { onChecked?: (check: ImportReport) => void },
): Promise<ImportReport> {
  const check = await importChunks(open(), { ...options, send: undefined, onProgress: undefined });
  options.onChecked?.(check);
  if (!options.send) return check;
  return importChunks(open(), options);
}
