/**
 * Importing an OHLCV CSV from a path: the one place the importer opens a file (regular files only,
 * size-capped), read whole below STREAM_ABOVE_BYTES, streamed in pieces above it.
 */
import type { FileHandle } from 'node:fs/promises';
import { binaryContentProblem, FileReadError, notDelimitedProblem, openRegularFileHandle } from '../shared/read-regular-file.ts';
import { OhlcvImportError } from './issues.ts';
import { OhlcvBuilder } from './ohlcv-builder.ts';
import { afterPass, parseOhlcvBufferAsync, progressOf, readFailed, stripBom } from './ohlcv-parse.ts';
import type { ImportOptions, ParsedOhlcv } from './ohlcv-types.ts';
import { countLines, readRecordsStreamed } from './records.ts';
import type { ReadAt } from './records.ts';
import { checkSettings } from './settings.ts';
import { sniff } from './sniff.ts';
import type { DateOrder } from './datetime.ts';

/** Files above this size are streamed (never held whole); below it one read is faster. */
export const STREAM_ABOVE_BYTES = 64 * 1024 * 1024;

export interface FileImportOptions extends ImportOptions {
  /** Stream files larger than this (default STREAM_ABOVE_BYTES); tests lower it to stream small files. */
  streamAboveBytes?: number;
  /** Piece size of the streamed path (default 256 KiB). */
  pieceBytes?: number;
}

function cannotRead(path: string, e: unknown): OhlcvImportError {
  const reason = e instanceof FileReadError ? e.reason : e instanceof Error ? e.message : String(e);
  return new OhlcvImportError(path, [{ file: path, line: null, field: null, message: `cannot read file: ${reason}` }], 1);
}

/**
 * Reads and parses an OHLCV CSV file; `file` in results and issues is the path as given.
 * Yields to the event loop between ~256 KiB pieces so progress callbacks can reach a UI. Large
 * files are streamed: the file is never in memory whole, only the parsed columns are.
 */
export async function readOhlcvCsvFile(path: string, opts: FileImportOptions = {}): Promise<ParsedOhlcv> {
  let fh: FileHandle;
  let size: number;
  try {
    ({ fh, size } = await openCsvFile(path));
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    if (size > (opts.streamAboveBytes ?? STREAM_ABOVE_BYTES)) return await parseOpenFile(fh, size, path, opts);
    let input: Buffer;
    try {
      input = await fh.readFile();
    } catch (e) {
      throw cannotRead(path, e);
    }
    // Binary or undelimited content is refused before the parser sees it, so no message quotes its bytes.
    const notCsv = binaryContentProblem(input) ?? notDelimitedProblem(input);
    if (notCsv) throw new OhlcvImportError(path, [{ file: path, line: null, field: null, message: notCsv }], 1);
    return await parseOhlcvBufferAsync(input, path, opts);
  } finally {
    await fh.close();
  }
}

/**
 * The one place the importer opens a file: both the in-memory and the streamed path read through
 * this handle. Regular files only, within the size cap (core/shared/read-regular-file.ts): never
 * /dev/zero, a FIFO or a directory.
 */
export async function openCsvFile(path: string): Promise<{ fh: FileHandle; size: number }> {
  return await openRegularFileHandle(path);
}

/** The streamed path: sniff the head, estimate the row count, then one (or two) streamed passes. */
async function parseOpenFile(fh: FileHandle, size: number, file: string, opts: FileImportOptions): Promise<ParsedOhlcv> {
  const settings = opts.settings ?? {};
  const bad = checkSettings(settings);
  if (bad.length > 0)
    throw new OhlcvImportError(
      file,
      bad.map((message) => ({ file, line: null, field: null, message: `bad import setting: ${message}` })),
    );
  const headBuf = Buffer.alloc(Math.min(size, 64 * 1024));
  await fh.read(headBuf, 0, headBuf.length, 0);
  const start = stripBom(headBuf) === headBuf ? 0 : 3;
  const head = headBuf.subarray(start);
  const sniffed = sniff(head, { skip: settings.skip });
  // Rows ≈ size / mean line length of the head, with a little slack; the columns grow if it is short.
  const headLines = Math.max(1, countLines(head) - 1);
  const capacity = Math.ceil((size / Math.max(1, head.length / headLines)) * 1.02) + 16;
  const readAt: ReadAt = async (into, length, position) => (await fh.read(into, 0, length, position)).bytesRead;
  let order: DateOrder | null = null;
  for (;;) {
    const builder = new OhlcvBuilder(file, sniffed, settings, capacity, order, opts.maxRows);
    try {
      await readRecordsStreamed(readAt, size, start, sniffed.delimiter, builder.sink, progressOf(opts), opts.pieceBytes);
    } catch (e) {
      readFailed(e, builder, file);
    }
    const r = afterPass(builder, file, opts);
    if (typeof r !== 'string') return r;
    order = r;
  }
}
