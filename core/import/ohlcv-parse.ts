/**
 * Parsing OHLCV CSV bytes or text: settings checked, BOM stripped, the head sniffed, then at most two
 * passes of OhlcvBuilder (the first may only decide the day/month order). The pass helpers here
 * (afterPass, readFailed, progressOf) are shared with the streamed file path (ohlcv-file.ts).
 */
import { OhlcvImportError } from './issues.ts';
import { OhlcvBuilder } from './ohlcv-builder.ts';
import type { ImportOptions, ParsedOhlcv } from './ohlcv-types.ts';
import { CsvSyntaxError, countLines, readRecords, readRecordsAsync } from './records.ts';
import { checkSettings } from './settings.ts';
import type { ImportSettings } from './settings.ts';
import { sniff } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import type { DateOrder } from './datetime.ts';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function stripBom(buf: Buffer): Buffer {
  return buf.length >= 3 && buf[0] === UTF8_BOM[0] && buf[1] === UTF8_BOM[1] && buf[2] === UTF8_BOM[2] ? buf.subarray(3) : buf;
}

export class Cancelled extends Error {}

interface Prepared {
  buf: Buffer;
  sniffed: Sniffed;
  settings: ImportSettings;
  capacity: number;
}

function prepare(input: Buffer, file: string, settings: ImportSettings): Prepared {
  const bad = checkSettings(settings);
  if (bad.length > 0)
    throw new OhlcvImportError(
      file,
      bad.map((message) => ({ file, line: null, field: null, message: `bad import setting: ${message}` })),
    );
  const buf = stripBom(input);
  const sniffed = sniff(buf, { skip: settings.skip });
  // --columns on a file whose first line holds names: the names stay (for messages), the roles come from --columns.
  return { buf, sniffed, settings, capacity: countLines(buf) };
}

/** After a pass: the result, or the day/month order a second pass needs (or why there is none). */
export function afterPass(builder: OhlcvBuilder, file: string, opts: ImportOptions): ParsedOhlcv | DateOrder {
  const decision = builder.orderDecision();
  if (decision === null) {
    const r = builder.finish();
    opts.onProgress?.(1);
    return r;
  }
  if (decision === 'conflict' || decision === 'undecided') {
    const v = builder.time.vote;
    const message =
      decision === 'conflict'
        ? `day/month order: the column has values above 12 in both places (${JSON.stringify(v.firstExample)} reads day-first, ${JSON.stringify(v.secondExample)} month-first); expected one order throughout`
        : `day/month order undecided: none of the ${v.seen} dates has a value above 12 in the day or month place; pass --date-order dmy or --date-order mdy`;
    throw new OhlcvImportError(file, [{ file, line: null, field: 'time', message }], 1, builder.detected('oldest-first', '', []));
  }
  return decision;
}

export function readFailed(e: unknown, builder: OhlcvBuilder, file: string): void {
  if (e instanceof Cancelled) throw new OhlcvImportError(file, [{ file, line: null, field: null, message: 'cancelled: nothing was imported' }]);
  if (!(e instanceof CsvSyntaxError)) throw e;
  builder.syntaxError(e);
}

export function progressOf(opts: ImportOptions): (f: number) => void {
  return (f) => {
    if (opts.signal?.aborted) throw new Cancelled();
    opts.onProgress?.(f);
  };
}

/** Parses OHLCV CSV bytes (UTF-8, optional BOM). Throws OhlcvImportError listing every problem found. */
export function parseOhlcvBuffer(input: Buffer, file: string, opts: ImportOptions = {}): ParsedOhlcv {
  const p = prepare(input, file, opts.settings ?? {});
  let order: DateOrder | null = null;
  // At most two passes: the first may only decide the day/month order.
  for (;;) {
    const builder = new OhlcvBuilder(file, p.sniffed, p.settings, p.capacity, order, opts.maxRows);
    try {
      readRecords(p.buf, p.sniffed.delimiter, builder.sink, progressOf(opts));
    } catch (e) {
      readFailed(e, builder, file);
    }
    const r = afterPass(builder, file, opts);
    if (typeof r !== 'string') return r;
    order = r;
  }
}

/** Like parseOhlcvBuffer, yielding to the event loop between pieces (progress, cancel). */
export async function parseOhlcvBufferAsync(input: Buffer, file: string, opts: ImportOptions = {}): Promise<ParsedOhlcv> {
  const p = prepare(input, file, opts.settings ?? {});
  let order: DateOrder | null = null;
  for (;;) {
    const builder = new OhlcvBuilder(file, p.sniffed, p.settings, p.capacity, order, opts.maxRows);
    try {
      await readRecordsAsync(p.buf, p.sniffed.delimiter, builder.sink, progressOf(opts));
    } catch (e) {
      readFailed(e, builder, file);
    }
    const r = afterPass(builder, file, opts);
    if (typeof r !== 'string') return r;
    order = r;
  }
}

/** Parses OHLCV CSV text. Throws OhlcvImportError listing every problem found. */
export function parseOhlcvCsv(text: string, file: string, opts: ImportOptions = {}): ParsedOhlcv {
  return parseOhlcvBuffer(Buffer.from(text, 'utf8'), file, opts);
}
