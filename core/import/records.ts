/**
 * Feeds the records of a CSV buffer, each with its 1-based physical line number, to a callback.
 * Tokenising is csv-parse's job; this file only decides how to call it:
 *
 * - No '"' anywhere (the usual OHLCV export): every physical line is exactly one record, so the
 *   buffer is cut into ~256 KiB pieces at line ends and each piece is parsed on its own. Line numbers
 *   come from counting records, which is far cheaper than csv-parse's per-record info objects, and
 *   progress can be reported (and the async variant can yield to the event loop) between pieces.
 * - Quotes present: a quoted field may contain a line break, so the whole buffer is parsed in one
 *   go and line numbers come from csv-parse's own line counter (`on_record` context).
 *
 * Blank lines are kept as records ([""]) rather than skipped by csv-parse, so line counting stays exact;
 * the consumer skips them.
 */
import { parse, CsvError } from 'csv-parse/sync';
import type { Options } from 'csv-parse/sync';

export type Delimiter = ',' | ';' | '\t' | '|';
/** Return false to stop reading (e.g. the header is unusable). */
export type RecordSink = (record: string[], line: number) => boolean;
export type ProgressFn = (fraction: number) => void;

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number | null,
    message: string,
  ) {
    super(message);
  }
}

// Small enough that each piece's record arrays die young (1 MiB pieces cost ~1.7x the CPU in GC), big enough that per-piece overhead is noise.
const CHUNK_BYTES = 1 << 18;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Upper bound on the number of records (line count), to size the column arrays once. */
export function countLines(buf: Buffer): number {
  let n = 1;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

function baseOptions(delimiter: Delimiter): Options {
  return { delimiter, relax_column_count: true, skip_empty_lines: false, bom: false };
}

/**
 * csv-parse stops at its first syntax error, so nothing after it can be checked; say so.
 * An unclosed quote is reported by csv-parse at the end of the file; the useful line is where the
 * record with the quote began (`recordStart`, known in the quoted path).
 */
function toSyntaxError(err: unknown, recordStart: number | null = null, lineOffset = 0): never {
  if (err instanceof CsvError) {
    const lines = (err as unknown as { lines?: unknown }).lines;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' && recordStart !== null) {
      throw new CsvSyntaxError(
        recordStart,
        `CSV syntax error: expected a closing quote for the quoted field in the record starting on this line, found none up to the end of the file; the rest of the file was not read`,
      );
    }
    throw new CsvSyntaxError(typeof lines === 'number' ? lines + lineOffset : null, `CSV syntax error: ${err.message}; the rest of the file was not read`);
  }
  throw err;
}

/** Line-aligned [start, end) byte ranges of a quote-free buffer, each ending just after an LF (or at the end). */
function* pieces(buf: Buffer): Generator<{ start: number; end: number }> {
  for (let start = 0; start < buf.length;) {
    const cut = start + CHUNK_BYTES >= buf.length ? -1 : buf.indexOf(LF, start + CHUNK_BYTES);
    const end = cut === -1 ? buf.length : cut + 1;
    yield { start, end };
    start = end;
  }
}

interface Plan {
  quoted: boolean;
  options: Options;
}

function plan(buf: Buffer, delimiter: Delimiter): Plan {
  const quoted = buf.indexOf(QUOTE) !== -1;
  const options = baseOptions(delimiter);
  // Quote-free: split on LF only, so mixed CRLF/LF files still give one record per line; a trailing
  // CR stays on the last field and is trimmed like any other whitespace. Old-Mac CR-only files keep
  // csv-parse's auto-detection (there is no LF to cut at, so they are parsed as one piece).
  if (!quoted && buf.indexOf(LF) !== -1) options.record_delimiter = '\n';
  else if (!quoted && buf.indexOf(CR) !== -1) options.record_delimiter = '\r';
  return { quoted, options };
}

/**
 * Splits one quote-free piece; returns the line number after it, or -1 if the sink stopped.
 * Without a single '"' in the file, CSV has no escaping: a record is a line and a field is the
 * text between delimiters, exactly what csv-parse would return. Splitting directly is ~3x cheaper
 * than csv-parse's general state machine, which is most of a 1M-row import.
 */
function feedPiece(buf: Buffer, start: number, end: number, firstLine: number, options: Options, sink: RecordSink): number {
  const text = buf.toString('utf8', start, end);
  const rd = options.record_delimiter === '\r' ? '\r' : '\n';
  const d = options.delimiter as string;
  const lines = text.split(rd);
  // A piece ending with the record delimiter has no record after it (csv-parse emits none either).
  const n = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let i = 0; i < n; i++) {
    if (!sink(lines[i].split(d), firstLine + i)) return -1;
  }
  return firstLine + n;
}

/**
 * Quoted files: one csv-parse pass; a record's line is the one after the previous record ended.
 * `firstLine` is the line the buffer starts on (a piece of a streamed file). Returns true when the sink stopped.
 */
function feedQuoted(buf: Buffer, options: Options, sink: RecordSink, onProgress?: ProgressFn, firstLine = 1): boolean {
  let prevEnd = 0;
  let stopped = false;
  let n = 0;
  try {
    parse(buf, {
      ...options,
      on_record: (record: string[], ctx) => {
        if (stopped) return null;
        const line = firstLine + prevEnd;
        prevEnd = ctx.lines;
        if (!sink(record, line)) stopped = true;
        if (onProgress !== undefined && ++n % 16384 === 0) onProgress(Math.min(1, ctx.bytes / buf.length));
        return null;
      },
    });
  } catch (err) {
    toSyntaxError(err, firstLine + prevEnd, firstLine - 1);
  }
  return stopped;
}

/** Synchronous: for text already in memory. */
export function readRecords(buf: Buffer, delimiter: Delimiter, sink: RecordSink, onProgress?: ProgressFn): void {
  const p = plan(buf, delimiter);
  if (p.quoted) {
    feedQuoted(buf, p.options, sink, onProgress);
    return;
  }
  let line = 1;
  for (const { start, end } of pieces(buf)) {
    line = feedPiece(buf, start, end, line, p.options, sink);
    if (line < 0) return;
    onProgress?.(end / buf.length);
  }
}

/** Like readRecords, but yields to the event loop between pieces so progress can reach a UI. */
export async function readRecordsAsync(buf: Buffer, delimiter: Delimiter, sink: RecordSink, onProgress?: ProgressFn): Promise<void> {
  const p = plan(buf, delimiter);
  if (p.quoted) {
    feedQuoted(buf, p.options, sink, onProgress);
    return;
  }
  let line = 1;
  for (const { start, end } of pieces(buf)) {
    line = feedPiece(buf, start, end, line, p.options, sink);
    if (line < 0) return;
    onProgress?.(end / buf.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Reads `length` bytes at `position` of an open file into `into`; how many were read. */
export type ReadAt = (into: Buffer, length: number, position: number) => Promise<number>;

function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i !== -1; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * Streams the records of a file without holding it: pieces of ~`pieceBytes` cut at line ends and
 * never inside a quoted field (a piece with an odd number of '"' waits for the next read), each
 * parsed like the in-memory path (split directly when quote-free, csv-parse otherwise), with the
 * same line numbers. Memory is one piece, whatever the file's size.
 */
export async function readRecordsStreamed(
  readAt: ReadAt,
  size: number,
  start: number,
  delimiter: Delimiter,
  sink: RecordSink,
  onProgress?: ProgressFn,
  pieceBytes: number = CHUNK_BYTES,
): Promise<void> {
  let carry: Buffer = Buffer.alloc(0);
  let pos = start;
  let line = 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(pieceBytes);
    const got = pos < size ? await readAt(chunk, pieceBytes, pos) : 0;
    pos += got;
    const eof = got === 0 || pos >= size;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
    const cut = eof ? data.length : data.lastIndexOf(LF) + 1;
    if (!eof && (cut <= 0 || countByte(data.subarray(0, cut), QUOTE) % 2 === 1)) {
      // No whole line yet, or a quoted field still open at the cut: read on.
      carry = data;
      continue;
    }
    const piece = data.subarray(0, cut);
    carry = Buffer.from(data.subarray(cut));
    if (piece.length > 0) {
      const p = plan(piece, delimiter);
      if (p.quoted) {
        if (feedQuoted(piece, p.options, sink, undefined, line)) return;
        line += countByte(piece, LF);
      } else {
        line = feedPiece(piece, 0, piece.length, line, p.options, sink);
        if (line < 0) return;
      }
    }
    onProgress?.(size === 0 ? 1 : Math.min(1, pos / size));
    if (eof) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
