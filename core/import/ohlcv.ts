/**
 * OHLCV CSV → validated BarColumns. Pure parsing and validation: no database, no UI.
 *
 * One pass over the records: the header is mapped to columns, then every row is checked and written
 * straight into Float64Arrays. Every problem is collected (up to MAX_ISSUES) and thrown together
 * as one OhlcvImportError, so a user sees all that is wrong with a file at once.
 *
 * Behaviour decisions:
 * - Delimiter: ';' if the header line has more semicolons than commas, else ','.
 * - Decimal comma: only in ';' files, where one ',' in a number is read as the decimal point
 *   ("1,0523"); '.' works there too. No thousands separators anywhere ("1.234,5" is an error).
 * - Volume: no volume column → volume null. With a volume column, an empty cell is an error
 *   ("missing volume"), never a silent 0; volume 0 is fine, negative is an error.
 * - Time: per-file format, decided by the first cell that parses (epoch >= 1e11 → ms). Zone-less
 *   ISO times are UTC. Rows must be strictly increasing; a file that decreases on every row is
 *   reported once as newest-first instead of once per row.
 * - Blank lines are skipped (but still counted for line numbers). Rows whose field count differs
 *   from the header's are errors. Unknown columns are ignored with a warning.
 * - A CSV syntax error (e.g. an unclosed quote) stops reading; problems found before it are reported too.
 */
import { binaryContentProblem, FileReadError, notDelimitedProblem, readRegularFile } from '../shared/read-regular-file.ts';
import type { BarColumns } from '../domain/types.ts';
import { mapColumns, REQUIRED } from './columns.ts';
import type { Canonical, ColumnMapping } from './columns.ts';
import { IssueList, OhlcvImportError, mergeIssueLists } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { describeBadNumber, parseDecimal } from './numbers.ts';
import { CsvSyntaxError, countLines, detectDelimiter, readRecords, readRecordsAsync } from './records.ts';
import type { Delimiter, RecordSink } from './records.ts';
import { detectTimeKind, parseTimeCell, timeFormatOf } from './timestamps.ts';
import type { TimeFormat, TimeKind } from './timestamps.ts';

export interface ParsedOhlcv {
  file: string;
  bars: BarColumns;
  rowCount: number;
  delimiter: Delimiter;
  timeFormat: TimeFormat;
  /** Each column's header as written in the file (trimmed); null for an absent volume column. */
  columns: Record<Canonical, string | null>;
  /** Non-fatal notes: ignored unknown or adjusted-close columns. */
  warnings: ImportIssue[];
}

export interface ImportOptions {
  /** Called with 0..1 as the file is worked through, and with 1 at the end. */
  onProgress?: (fraction: number) => void;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function stripBom(buf: Buffer): Buffer {
  return buf.length >= 3 && buf[0] === UTF8_BOM[0] && buf[1] === UTF8_BOM[1] && buf[2] === UTF8_BOM[2] ? buf.subarray(3) : buf;
}

/** Growable columns, sized up front from the line count so the usual case never reallocates. */
class ColumnBuffer {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
  length = 0;

  constructor(capacity: number, withVolume: boolean) {
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = withVolume ? new Float64Array(capacity) : null;
  }

  /** Exact-length copies, so the result does not pin the over-sized buffers. */
  finish(): BarColumns {
    const n = this.length;
    return {
      time: this.time.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume === null ? null : this.volume.slice(0, n),
    };
  }
}

function isBlank(record: string[]): boolean {
  return record.length === 1 && record[0].trim() === '';
}

/** State of one import; `sink` is fed every record in file order. */
class OhlcvBuilder {
  private readonly header: IssueList;
  private readonly rows: IssueList;
  /** Decreasing-time issues are kept apart: if every row decreases they collapse into one "newest-first" issue. */
  private readonly order: IssueList;
  private readonly warnings: ImportIssue[] = [];
  private readonly decimalComma: boolean;

  private headerLine = 0;
  private mapping: ColumnMapping | null = null;
  private width = 0;
  private cols: ColumnBuffer | null = null;
  private dataRows = 0;

  private timeKind: TimeKind | null = null;
  private anyClock = false;
  private lastTime = NaN;
  private lastTimeLine = 0;
  private lastTimeText = '';
  private firstTimeLine = 0;
  private firstTimeText = '';
  private timePairs = 0;
  private decreasingPairs = 0;

  constructor(
    private readonly file: string,
    private readonly delimiter: Delimiter,
    private readonly capacity: number,
  ) {
    this.header = new IssueList(file);
    this.rows = new IssueList(file);
    this.order = new IssueList(file);
    // A ',' cannot be a decimal point in a comma-delimited file, but in a ';' file it usually is.
    this.decimalComma = delimiter === ';';
  }

  readonly sink: RecordSink = (record, line) => {
    if (this.mapping === null) return this.acceptHeader(record, line);
    if (!isBlank(record)) this.acceptRow(record, line);
    return true;
  };

  private acceptHeader(record: string[], line: number): boolean {
    if (isBlank(record)) return true;
    this.headerLine = line;
    this.width = record.length;
    const m = mapColumns(record);
    this.mapping = m;
    for (const e of m.errors) this.header.add(line, e.field, e.message);
    for (const w of m.warnings) this.warnings.push({ file: this.file, line, field: w.field, message: w.message });
    if (m.errors.length > 0) return false;
    this.cols = new ColumnBuffer(this.capacity, m.index.volume !== -1);
    return true;
  }

  private price(record: string[], c: Canonical, line: number): number {
    const m = this.mapping as ColumnMapping;
    const cell = record[m.index[c]];
    const v = parseDecimal(cell, this.decimalComma);
    if (v !== v) {
      this.rows.add(line, m.name[c], describeBadNumber(cell, c));
    } else if (v <= 0) {
      this.rows.add(line, m.name[c], `expected a price > 0, found ${cell.trim()}`);
      return NaN;
    }
    return v;
  }

  private acceptRow(record: string[], line: number): void {
    const m = this.mapping as ColumnMapping;
    const cols = this.cols as ColumnBuffer;
    this.dataRows++;
    if (record.length !== this.width) {
      this.rows.add(line, null, `expected ${this.width} fields (as in the header), found ${record.length}`);
      return;
    }
    const t = this.time(record[m.index.time], line);
    const o = this.price(record, 'open', line);
    const h = this.price(record, 'high', line);
    const l = this.price(record, 'low', line);
    const c = this.price(record, 'close', line);
    let v = NaN;
    if (cols.volume !== null) {
      const cell = record[m.index.volume];
      v = parseDecimal(cell, this.decimalComma);
      if (v !== v) {
        // An empty cell is an error, not 0: a made-up volume would silently skew volume-based features.
        this.rows.add(line, m.name.volume, cell.trim() === '' ? 'missing volume: expected a number >= 0, found an empty cell (remove the volume column if the source has no volume)' : describeBadNumber(cell, 'volume'));
      } else if (v < 0) {
        this.rows.add(line, m.name.volume, `expected volume >= 0, found ${cell.trim()}`);
      }
    }
    // Range checks only when all four prices are usable; otherwise they would just echo the errors above.
    if (o === o && h === h && l === l && c === c && (h < l || h < o || h < c || l > o || l > c)) this.rangeIssues(record, line, o, h, l, c);
    const i = cols.length;
    if (i === cols.time.length) return; // cannot happen: capacity is the line count
    cols.time[i] = t;
    cols.open[i] = o;
    cols.high[i] = h;
    cols.low[i] = l;
    cols.close[i] = c;
    if (cols.volume !== null) cols.volume[i] = v;
    cols.length = i + 1;
  }

  /** Out of the hot path: only rows that break a price relation get here. */
  private rangeIssues(record: string[], line: number, o: number, h: number, l: number, c: number): void {
    const m = this.mapping as ColumnMapping;
    const cell = (k: Canonical) => record[m.index[k]].trim();
    if (h < l) {
      // high < low implies at least one of the checks below fails too; report the root cause once.
      this.rows.add(line, m.name.high, `expected high >= low, found high ${cell('high')} < low ${cell('low')}`);
      return;
    }
    if (h < o || h < c) {
      const k = o >= c ? 'open' : 'close';
      this.rows.add(line, m.name.high, `expected high >= max(open, close), found high ${cell('high')} < ${k} ${cell(k)}`);
    }
    if (l > o || l > c) {
      const k = o <= c ? 'open' : 'close';
      this.rows.add(line, m.name.low, `expected low <= min(open, close), found low ${cell('low')} > ${k} ${cell(k)}`);
    }
  }

  private time(cell: string, line: number): number {
    const m = this.mapping as ColumnMapping;
    const field = m.name.time;
    // The first cell that reads as any supported format decides the format for the whole file.
    if (this.timeKind === null) this.timeKind = detectTimeKind(cell);
    if (this.timeKind === null) {
      this.rows.add(line, field, `expected a time (epoch seconds, epoch milliseconds, or an ISO-8601 date/datetime such as 2020-01-31 or 2020-01-31T10:00:00Z), found ${cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim())}`);
      return NaN;
    }
    const r = parseTimeCell(cell, this.timeKind);
    if (!r.ok) {
      this.rows.add(line, field, r.message);
      return NaN;
    }
    if (r.hasClock) this.anyClock = true;
    const t = r.ms;
    if (this.lastTimeLine === 0) {
      this.firstTimeLine = line;
      this.firstTimeText = cell;
    } else {
      this.timePairs++;
      if (t === this.lastTime) {
        this.rows.add(line, field, `duplicate timestamp: ${JSON.stringify(cell.trim())} is the same time as line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}); expected strictly increasing times`);
      } else if (t < this.lastTime) {
        this.decreasingPairs++;
        this.order.add(line, field, `decreasing timestamp: ${JSON.stringify(cell.trim())} is earlier than line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}); expected strictly increasing times`);
      }
    }
    this.lastTime = t;
    this.lastTimeLine = line;
    // The raw cell (trimmed only when a message needs it): no per-row string work on the hot path.
    this.lastTimeText = cell;
    return t;
  }

  syntaxError(e: CsvSyntaxError): void {
    this.rows.add(e.line, null, e.message);
  }

  finish(): ParsedOhlcv {
    const fail = (items: ImportIssue[], total: number) => new OhlcvImportError(this.file, items, total);
    if (this.mapping === null) {
      throw fail([{ file: this.file, line: null, field: null, message: 'empty file: expected a header line such as "time,open,high,low,close,volume" followed by data rows' }], 1);
    }
    if (this.header.total > 0) throw fail(this.header.items, this.header.total);
    if (this.dataRows === 0 && this.rows.total === 0) {
      throw fail([{ file: this.file, line: this.headerLine, field: null, message: 'header only: expected at least one data row after the header, found none' }], 1);
    }
    let order = this.order;
    if (this.timePairs >= 2 && this.decreasingPairs === this.timePairs) {
      // A newest-first export would otherwise produce one error per row; say it once instead.
      order = new IssueList(this.file);
      const m = this.mapping;
      order.add(this.firstTimeLine, m.name.time, `times decrease on every row (${JSON.stringify(this.firstTimeText.trim())} on line ${this.firstTimeLine} down to ${JSON.stringify(this.lastTimeText.trim())} on line ${this.lastTimeLine}): the file looks newest-first; expected strictly increasing times (sort it oldest-first)`);
    }
    const merged = mergeIssueLists(this.rows, order);
    if (merged.total > 0) throw fail(merged.items, merged.total);

    const cols = this.cols as ColumnBuffer;
    const columns = { ...this.mapping.name };
    for (const c of REQUIRED) if (columns[c] === null) throw new Error(`unreachable: ${c} unmapped`);
    return {
      file: this.file,
      bars: cols.finish(),
      rowCount: cols.length,
      delimiter: this.delimiter,
      timeFormat: timeFormatOf(this.timeKind ?? 'iso', this.anyClock),
      columns,
      warnings: this.warnings,
    };
  }
}

function prepare(input: Buffer, file: string): { buf: Buffer; delimiter: Delimiter; builder: OhlcvBuilder } {
  const buf = stripBom(input);
  const delimiter = detectDelimiter(buf);
  return { buf, delimiter, builder: new OhlcvBuilder(file, delimiter, countLines(buf)) };
}

/** Parses OHLCV CSV bytes (UTF-8, optional BOM). Throws OhlcvImportError listing every problem found. */
export function parseOhlcvBuffer(input: Buffer, file: string, opts: ImportOptions = {}): ParsedOhlcv {
  const { buf, delimiter, builder } = prepare(input, file);
  try {
    readRecords(buf, delimiter, builder.sink, opts.onProgress);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    builder.syntaxError(e);
  }
  const result = builder.finish();
  opts.onProgress?.(1);
  return result;
}

/** Parses OHLCV CSV text. Throws OhlcvImportError listing every problem found. */
export function parseOhlcvCsv(text: string, file: string, opts: ImportOptions = {}): ParsedOhlcv {
  return parseOhlcvBuffer(Buffer.from(text, 'utf8'), file, opts);
}

/**
 * Reads and parses an OHLCV CSV file; `file` in results and issues is the path as given.
 * Yields to the event loop between ~256 KiB pieces so progress callbacks can reach a UI.
 */
export async function readOhlcvCsvFile(path: string, opts: ImportOptions = {}): Promise<ParsedOhlcv> {
  let input: Buffer;
  try {
    input = await readRegularFile(path); // regular files only, size-capped: never /dev/zero or a FIFO
  } catch (e) {
    const reason = e instanceof FileReadError ? e.reason : e instanceof Error ? e.message : String(e);
    throw new OhlcvImportError(path, [{ file: path, line: null, field: null, message: `cannot read file: ${reason}` }], 1);
  }
  const notCsv = binaryContentProblem(input) ?? notDelimitedProblem(input);
  if (notCsv) throw new OhlcvImportError(path, [{ file: path, line: null, field: null, message: notCsv }], 1);
  const { buf, delimiter, builder } = prepare(input, path);
  try {
    await readRecordsAsync(buf, delimiter, builder.sink, opts.onProgress);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    builder.syntaxError(e);
  }
  const result = builder.finish();
  opts.onProgress?.(1);
  return result;
}
