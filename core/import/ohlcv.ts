/**
 * OHLCV CSV → validated BarColumns. Pure parsing and validation: no database, no UI.
 *
 * sniff.ts first looks at the file's first lines (separator, banner lines, header or not); then
 * one pass over the records maps the header (or `--columns`) to columns (layout.ts) and checks
 * every row straight into Float64Arrays. Every problem is collected (up to MAX_ISSUES) and thrown
 * together as one OhlcvImportError, so a user sees all that is wrong with a file at once. What was
 * decided goes back as `detected` (settings.ts), so nothing is silently guessed.
 *
 * Behaviour decisions:
 * - Delimiter: the one of , ; tab | that gives the most lines the same width (ties: ',').
 * - Decimal comma: in non-',' files one ',' in a number is the decimal point ("1,0523"); '.' works
 *   there too. Thousands groups: "1,234.5" in decimal-point files (quoted in ',' files), "1 234,5"
 *   in decimal-comma files; "1.234,5" stays an error (see numbers.ts).
 * - Volume: no volume column → volume null. A volume column that is empty (or "-") on every row,
 *   or zero on every row, means "no volume" (said in `detected`); otherwise an empty cell is an
 *   error, never a silent 0. K/M/B suffixes are read ("1.2M").
 * - Time: per-file format, decided by the first cell (time-reader.ts); day/month order from the
 *   whole column (a second pass when the first could not tell). Zone-less times are UTC unless `tz`.
 * - Order: rows must be strictly increasing, except that a file decreasing on every row is
 *   newest-first and is reversed. A row repeating the previous row exactly is dropped (a warning);
 *   the same time with different values is an error.
 * - Blank lines are skipped (but still counted for line numbers). Rows whose field count differs
 *   from the header's are errors. Unknown columns are ignored with a warning.
 * - A CSV syntax error (e.g. an unclosed quote) stops reading; problems found before it are reported too.
 */
import type { FileHandle } from 'node:fs/promises';
import { binaryContentProblem, FileReadError, notDelimitedProblem, openRegularFileHandle } from '../shared/read-regular-file.ts';
import type { BarColumns } from '../domain/types.ts';
import type { Canonical } from './columns.ts';
import { IssueList, MAX_ISSUES, OhlcvImportError } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { layoutFromHeader, layoutFromRoles, suggestColumns } from './layout.ts';
import type { Layout } from './layout.ts';
import { describeBadNumber, isNoneMark, parseNumberCell, parseVolumeCell, scaled } from './numbers.ts';
import { CsvSyntaxError, countLines, readRecords, readRecordsAsync, readRecordsStreamed } from './records.ts';
import type { Delimiter, ReadAt, RecordSink } from './records.ts';
import { checkSettings } from './settings.ts';
import type { Detected, ImportSettings } from './settings.ts';
import { sniff } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import { TimeReader } from './time-reader.ts';
import type { DateOrder } from './datetime.ts';
import type { TimeFormat } from './timestamps.ts';

export interface ParsedOhlcv {
  file: string;
  bars: BarColumns;
  rowCount: number;
  delimiter: Delimiter;
  /** epoch-s, epoch-ms, iso-date, iso-datetime as before; epoch-us, epoch-ns, written for the rest (see detected.timeFormat). */
  timeFormat: TimeFormat | 'epoch-us' | 'epoch-ns' | 'written';
  /** Each column's header as written in the file (trimmed); null for an absent volume column. */
  columns: Record<Canonical, string | null>;
  /** Non-fatal notes: ignored unknown or adjusted-close columns, dropped duplicate rows. */
  warnings: ImportIssue[];
  detected: Detected;
}

export interface ImportOptions {
  /** Called with 0..1 as the file is worked through, and with 1 at the end. */
  onProgress?: (fraction: number) => void;
  /** What the analyst said about the file (CLI flags, the import dialog). */
  settings?: ImportSettings;
  /** Stops reading between pieces; the import fails with "cancelled" and nothing is returned. */
  signal?: AbortSignal;
  /** Stop after this many data rows (previews); the result is marked truncated in its notes. */
  maxRows?: number;
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
  /** Each row's line, for messages about rows found out of place only after sorting. */
  line: Int32Array;
  length = 0;

  constructor(capacity: number, withVolume: boolean) {
    this.line = new Int32Array(capacity);
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = withVolume ? new Float64Array(capacity) : null;
  }

  /** Room for more rows (a streamed file's row count is estimated, not counted). */
  grow(): void {
    const cap = Math.ceil(this.time.length * 1.25) + 1024;
    const more = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    this.line = more(this.line, (n) => new Int32Array(n));
    this.time = more(this.time, f64);
    this.open = more(this.open, f64);
    this.high = more(this.high, f64);
    this.low = more(this.low, f64);
    this.close = more(this.close, f64);
    if (this.volume !== null) this.volume = more(this.volume, f64);
  }

  /**
   * The columns at their length: views when the buffers are nearly full (no second copy of a
   * 10M-row import in memory), exact-length copies otherwise (so the result does not pin them).
   */
  finish(dropVolume: boolean): BarColumns {
    const n = this.length;
    const view = n >= 0.8 * this.time.length;
    const cut = (a: Float64Array) => (view ? a.subarray(0, n) : a.slice(0, n));
    return {
      time: cut(this.time),
      open: cut(this.open),
      high: cut(this.high),
      low: cut(this.low),
      close: cut(this.close),
      volume: this.volume === null || dropVolume ? null : cut(this.volume),
    };
  }

  /**
   * A newest-first file, oldest-first: reversed, then sorted by time if some rows were out of place
   * (a vendor's splice). Rows that land on the same time are compared: exact repeats are dropped,
   * different values are reported through `conflict`.
   */
  sorted(dropVolume: boolean, conflict: (line: number, otherLine: number) => void): { bars: BarColumns; dropped: number[] } {
    const n = this.length;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = n - 1 - i;
    const { time, line } = this;
    idx.sort((a, b) => time[a] - time[b] || line[b] - line[a]);
    const keep: number[] = [];
    const dropped: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const j = keep.length > 0 ? keep[keep.length - 1] : -1;
      if (j >= 0 && time[j] === time[i]) {
        const v = this.volume;
        const same = this.open[i] === this.open[j] && this.high[i] === this.high[j] && this.low[i] === this.low[j] && this.close[i] === this.close[j] && (v === null || v[i] === v[j]);
        if (same) dropped.push(line[i]);
        else conflict(line[i], line[j]);
        continue;
      }
      keep.push(i);
    }
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    return {
      bars: {
        time: pick(this.time),
        open: pick(this.open),
        high: pick(this.high),
        low: pick(this.low),
        close: pick(this.close),
        volume: this.volume === null || dropVolume ? null : pick(this.volume),
      },
      dropped,
    };
  }
}

function isBlank(record: string[]): boolean {
  return record.length === 1 && record[0].trim() === '';
}

/** Line-ordered, capped union of several issue lists (each kept its own first `cap`, so the result is exact). */
function mergeAll(lists: IssueList[], cap: number = MAX_ISSUES): { items: ImportIssue[]; total: number } {
  const items = lists.flatMap((l) => l.items).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { items: items.slice(0, cap), total: lists.reduce((s, l) => s + l.total, 0) };
}

class Cancelled extends Error {}

/** State of one import; `sink` is fed every record in file order. */
class OhlcvBuilder {
  private readonly header: IssueList;
  private readonly rows: IssueList;
  /** Decreasing-time issues are kept apart: if every row decreases the file is newest-first and they vanish. */
  private readonly order: IssueList;
  /** Empty volume cells are kept apart: if every cell is empty the file has no volume and they vanish. */
  private readonly emptyVolume: IssueList;
  private readonly warnings: ImportIssue[] = [];
  private readonly decimalComma: boolean;
  private readonly scale: number;
  readonly time: TimeReader;
  private check: TimeReader | null = null;

  private records = 0;
  private headerLine = 0;
  private headerRow: string[] | null = null;
  private pendingHeader = true;
  private layout: Layout | null = null;
  private width = 0;
  private cols: ColumnBuffer | null = null;
  private dataRows = 0;
  private volumeBlank = 0;
  private volumeZero = 0;
  private duplicates = 0;
  private truncated = false;

  private lastTime = NaN;
  private lastTimeLine = 0;
  private lastTimeText = '';
  private timePairs = 0;
  private decreasingPairs = 0;

  constructor(
    private readonly file: string,
    private readonly sniffed: Sniffed,
    private readonly settings: ImportSettings,
    private readonly capacity: number,
    order: DateOrder | null,
    private readonly maxRows: number = Infinity,
  ) {
    this.header = new IssueList(file);
    this.rows = new IssueList(file);
    this.order = new IssueList(file);
    this.emptyVolume = new IssueList(file);
    // A ',' cannot be a decimal point in a comma-delimited file, but in a ';' (or tab, '|') file it usually is.
    this.decimalComma = settings.decimal !== undefined ? settings.decimal === ',' : sniffed.delimiter !== ',';
    this.scale = settings.priceScale ?? 1;
    this.time = new TimeReader(settings, order);
  }

  readonly sink: RecordSink = (record, line) => {
    if (++this.records <= this.sniffed.skip) return true;
    if (this.pendingHeader) {
      if (isBlank(record)) return true;
      this.pendingHeader = false;
      if (this.sniffed.header) {
        this.headerLine = line;
        this.headerRow = record;
        this.width = record.length;
        return true;
      }
      this.width = record.length;
    }
    if (isBlank(record)) return true;
    if (this.layout === null && !this.makeLayout(record, line)) return false;
    if (this.dataRows >= this.maxRows) {
      this.truncated = true;
      return false;
    }
    this.acceptRow(record, line);
    return true;
  };

  /** The column layout, decided at the first data row (its cells settle clock vs. time columns). */
  private makeLayout(first: string[], line: number): boolean {
    const roles = this.settings.columns;
    if (this.headerRow === null && roles === undefined) {
      this.header.add(line, null, `no header: line ${line} is data (${first.slice(0, 6).map((c) => JSON.stringify(c.trim())).join(', ')}${first.length > 6 ? ', …' : ''}); expected a header line such as "time,open,high,low,close,volume", or the columns in file order with --columns (here perhaps --columns ${suggestColumns(first)})`);
      return false;
    }
    const layout = roles !== undefined ? layoutFromRoles(roles, this.headerRow, this.width) : layoutFromHeader(this.headerRow ?? [], first, this.file);
    this.layout = layout;
    const at = this.headerRow !== null ? this.headerLine : line;
    for (const e of layout.errors) this.header.add(at, e.field, e.message);
    for (const w of layout.warnings) this.warnings.push({ file: this.file, line: at, field: w.field, message: w.message });
    if (layout.errors.length > 0) return false;
    this.cols = new ColumnBuffer(this.capacity, layout.index.volume !== -1);
    if (layout.check !== -1) this.check = new TimeReader({ tz: this.settings.tz });
    return true;
  }

  /** Where the header would be, for "header only" and mapping errors in files that end early. */
  mapHeaderOnly(): void {
    if (this.headerRow !== null && this.layout === null) {
      const layout = this.settings.columns !== undefined ? layoutFromRoles(this.settings.columns, this.headerRow, this.width) : layoutFromHeader(this.headerRow, null, this.file);
      this.layout = layout;
      for (const e of layout.errors) this.header.add(this.headerLine, e.field, e.message);
    }
  }

  private price(record: string[], c: Canonical, line: number): number {
    const m = this.layout as Layout;
    const cell = record[m.index[c]];
    const v = parseNumberCell(cell, this.decimalComma);
    if (v !== v) {
      this.rows.add(line, m.name[c], describeBadNumber(cell, c));
    } else if (v <= 0) {
      this.rows.add(line, m.name[c], `expected a price > 0, found ${cell.trim()}`);
      return NaN;
    }
    return scaled(v, this.scale);
  }

  private acceptRow(record: string[], line: number): void {
    const m = this.layout as Layout;
    const cols = this.cols as ColumnBuffer;
    this.dataRows++;
    if (record.length !== this.width) {
      this.rows.add(line, null, `expected ${this.width} fields (as in the ${this.headerRow !== null ? 'header' : 'first row'}), found ${record.length}`);
      return;
    }
    const timeCell = m.clock === -1 ? record[m.index.time] : `${record[m.index.time].trim()} ${record[m.clock].trim()}`;
    if (this.time.voting) {
      // The day/month order is still open: this pass only collects the column's evidence.
      this.time.vote.add(timeCell);
      return;
    }
    const o = this.price(record, 'open', line);
    const h = this.price(record, 'high', line);
    const l = this.price(record, 'low', line);
    const c = this.price(record, 'close', line);
    let v = NaN;
    if (cols.volume !== null) {
      const cell = record[m.index.volume];
      v = parseVolumeCell(cell, this.decimalComma);
      if (v !== v) {
        if (cell.trim() === '' || isNoneMark(cell)) {
          // An empty cell is an error, not 0 (a made-up volume would skew volume features), unless every cell is empty.
          this.volumeBlank++;
          this.emptyVolume.add(line, m.name.volume, `missing volume: expected a number >= 0, found ${cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim())} (a volume column empty on every row is read as "no volume")`);
        } else {
          this.rows.add(line, m.name.volume, describeBadNumber(cell, 'volume'));
        }
      } else if (v < 0) {
        this.rows.add(line, m.name.volume, `expected volume >= 0, found ${cell.trim()}`);
      } else if (v === 0) {
        this.volumeZero++;
      }
    }
    // Range checks only when all four prices are usable; otherwise they would just echo the errors above.
    if (o === o && h === h && l === l && c === c && (h < l || h < o || h < c || l > o || l > c)) this.rangeIssues(record, line, o, h, l, c);
    const t = this.readTime(timeCell, record, line);
    const i = cols.length;
    if (t === this.lastTime && this.lastTimeLine !== line && i > 0 && this.sameAsPrevious(i, o, h, l, c, v)) {
      // An exact repeat of the row before (a vendor's splice or a doubled export): dropped, and said so.
      this.duplicates++;
      if (this.duplicates <= 20) this.warnings.push({ file: this.file, line, field: null, message: `exact duplicate of line ${this.lastTimeLine}; dropped` });
      return;
    }
    this.orderCheck(t, timeCell, line, o, h, l, c, v);
    if (i === cols.time.length) cols.grow();
    cols.line[i] = line;
    cols.time[i] = t;
    cols.open[i] = o;
    cols.high[i] = h;
    cols.low[i] = l;
    cols.close[i] = c;
    if (cols.volume !== null) cols.volume[i] = v;
    cols.length = i + 1;
  }

  private sameAsPrevious(i: number, o: number, h: number, l: number, c: number, v: number): boolean {
    const cols = this.cols as ColumnBuffer;
    const j = i - 1;
    const vol = cols.volume === null || Object.is(cols.volume[j], v);
    return cols.open[j] === o && cols.high[j] === h && cols.low[j] === l && cols.close[j] === c && vol;
  }

  /** Out of the hot path: only rows that break a price relation get here. */
  private rangeIssues(record: string[], line: number, o: number, h: number, l: number, c: number): void {
    const m = this.layout as Layout;
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

  private readTime(cell: string, record: string[], line: number): number {
    const m = this.layout as Layout;
    const r = this.time.read(cell);
    if (!r.ok) {
      this.rows.add(line, m.name.time, r.message);
      return NaN;
    }
    if (this.check !== null) {
      const other = record[m.check];
      const r2 = this.check.read(other);
      const checkName = (m.columns[m.check]?.name ?? `column ${m.check + 1}`);
      if (!r2.ok) this.rows.add(line, checkName, r2.message);
      else if (r2.ms !== r.ms) {
        this.rows.add(line, checkName, `the two time columns disagree: ${JSON.stringify(other.trim())} is ${new Date(r2.ms).toISOString()} but ${m.name.time} ${JSON.stringify(cell.trim())} is ${new Date(r.ms).toISOString()}; expected the same time in both`);
      }
    }
    return r.ms;
  }

  private orderCheck(t: number, cell: string, line: number, o: number, h: number, l: number, c: number, v: number): void {
    if (t !== t) return;
    const m = this.layout as Layout;
    const field = m.name.time;
    if (this.lastTimeLine !== 0) {
      this.timePairs++;
      if (t === this.lastTime) {
        const vals = [o, h, l, c, v].map((x) => (x === x ? x : '?')).join(', ');
        this.rows.add(line, field, `duplicate timestamp: ${JSON.stringify(cell.trim())} is the same time as line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}) with different values (${vals}); expected strictly increasing times (an exact repeat of a row would be dropped)`);
      } else if (t < this.lastTime) {
        this.decreasingPairs++;
        this.order.add(line, field, `decreasing timestamp: ${JSON.stringify(cell.trim())} is earlier than line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}); expected strictly increasing times (or a file that is newest-first throughout)`);
      }
    }
    this.lastTime = t;
    this.lastTimeLine = line;
    // The raw cell (trimmed only when a message needs it): no per-row string work on the hot path.
    this.lastTimeText = cell;
  }

  syntaxError(e: CsvSyntaxError): void {
    this.rows.add(e.line, null, e.message);
  }

  /** Needs a second pass with a day/month order? null when not; the order, or an error, when so. */
  orderDecision(): DateOrder | 'undecided' | 'conflict' | null {
    if (!this.time.voting) return null;
    return this.time.vote.decide() ?? 'undecided';
  }

  detected(rowOrder: Detected['rowOrder'], volume: string, extraNotes: string[]): Detected {
    const s = this.sniffed;
    const notes = [...(this.layout?.notes ?? []), ...extraNotes];
    if (s.skippedLines.length > 0) notes.unshift(`skipped ${s.skippedLines.length} line(s) before the ${s.header ? 'header' : 'data'}: ${s.skippedLines.map((x) => JSON.stringify(x.text.slice(0, 80))).join(', ')}`);
    if (!s.header) notes.unshift('no header: the first line is data');
    if (this.truncated) notes.push(`preview: only the first ${this.dataRows} rows were read`);
    return {
      delimiter: s.delimiter,
      decimal: this.decimalComma && (s.sawDecimalComma || this.settings.decimal === ',') ? ',' : '.',
      skippedLines: s.skippedLines,
      header: s.header,
      columns: this.layout?.columns ?? [],
      timeFormat: this.time.describe(),
      dateOrder: this.time.dateOrder,
      timeZone: this.time.zoneName,
      rowOrder,
      duplicatesDropped: this.duplicates,
      volume,
      priceScale: this.scale,
      notes,
    };
  }

  finish(): ParsedOhlcv {
    const fail = (items: ImportIssue[], total: number) => new OhlcvImportError(this.file, items, total, this.detected('oldest-first', '', []));
    if (this.pendingHeader) {
      throw fail([{ file: this.file, line: null, field: null, message: 'empty file: expected a header line such as "time,open,high,low,close,volume" followed by data rows' }], 1);
    }
    this.mapHeaderOnly();
    if (this.header.total > 0) throw fail(this.header.items, this.header.total);
    if (this.dataRows === 0 && this.rows.total === 0) {
      throw fail([{ file: this.file, line: this.headerLine, field: null, message: 'header only: expected at least one data row after the header, found none' }], 1);
    }
    const m = this.layout as Layout;
    const cols = this.cols as ColumnBuffer;
    // Newest-first: nearly every step (9 in 10) goes back in time (all, but for a vendor's splice). Sorted
    // instead of reporting every row; a mostly-increasing file keeps its out-of-order rows as errors.
    const newestFirst = this.timePairs >= 1 && this.decreasingPairs >= 0.9 * this.timePairs;
    const lists = [this.rows];
    if (!newestFirst) lists.push(this.order);
    const noVolume = cols.volume !== null && (this.volumeBlank === this.dataRows || this.volumeZero === this.dataRows);
    if (!noVolume) lists.push(this.emptyVolume);
    let bars: BarColumns | null = null;
    let sortDropped: number[] = [];
    if (newestFirst && mergeAll(lists).total === 0) {
      const conflicts = new IssueList(this.file);
      const s = cols.sorted(noVolume, (line, other) => conflicts.add(line, m.name.time, `duplicate timestamp: the same time as line ${other} with different values; expected one row per time (an exact repeat of a row would be dropped)`));
      bars = s.bars;
      sortDropped = s.dropped;
      lists.push(conflicts);
    }
    const merged = mergeAll(lists);
    if (merged.total > 0) throw fail(merged.items, merged.total);
    for (const line of sortDropped.slice(0, 20)) this.warnings.push({ file: this.file, line, field: null, message: 'exact duplicate of another row with the same time; dropped' });
    this.duplicates += sortDropped.length;

    const notes: string[] = [];
    if (newestFirst) {
      const outOfPlace = this.timePairs - this.decreasingPairs;
      notes.push(`rows were newest-first; sorted oldest-first${outOfPlace > 0 ? ` (${outOfPlace} step(s) went forward in time instead: rows out of place in the file, now in time order)` : ''}`);
    }
    if (this.duplicates > 0) notes.push(`${this.duplicates} exact duplicate row(s) dropped`);
    let volume = m.name.volume === null ? 'none (no volume column)' : `"${m.name.volume}"`;
    if (noVolume) {
      volume = `none ("${m.name.volume}" is ${this.volumeBlank === this.dataRows ? 'empty' : 'zero'} on every row)`;
      notes.push(`volume column "${m.name.volume}" is ${this.volumeBlank === this.dataRows ? 'empty' : 'zero'} on every row: imported without volume`);
    }
    if (this.scale !== 1) notes.push(`prices multiplied by ${this.scale}`);
    const columns = { ...m.name };
    if (noVolume) columns.volume = null;
    const kind = this.time.kind;
    const timeFormat: ParsedOhlcv['timeFormat'] = kind === 'iso' ? (this.time.anyClock ? 'iso-datetime' : 'iso-date') : kind === null ? 'iso-date' : kind;
    return {
      file: this.file,
      bars: bars ?? cols.finish(noVolume),
      rowCount: cols.length,
      delimiter: this.sniffed.delimiter,
      timeFormat,
      columns,
      warnings: this.warnings,
      detected: this.detected(newestFirst ? 'newest-first' : 'oldest-first', volume, notes),
    };
  }
}

interface Prepared {
  buf: Buffer;
  sniffed: Sniffed;
  settings: ImportSettings;
  capacity: number;
}

function prepare(input: Buffer, file: string, settings: ImportSettings): Prepared {
  const bad = checkSettings(settings);
  if (bad.length > 0) throw new OhlcvImportError(file, bad.map((message) => ({ file, line: null, field: null, message: `bad import setting: ${message}` })));
  const buf = stripBom(input);
  const sniffed = sniff(buf, { skip: settings.skip });
  // --columns on a file whose first line holds names: the names stay (for messages), the roles come from --columns.
  return { buf, sniffed, settings, capacity: countLines(buf) };
}

/** After a pass: the result, or the day/month order a second pass needs (or why there is none). */
function afterPass(builder: OhlcvBuilder, file: string, opts: ImportOptions): ParsedOhlcv | DateOrder {
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

function readFailed(e: unknown, builder: OhlcvBuilder, file: string): void {
  if (e instanceof Cancelled) throw new OhlcvImportError(file, [{ file, line: null, field: null, message: 'cancelled: nothing was imported' }]);
  if (!(e instanceof CsvSyntaxError)) throw e;
  builder.syntaxError(e);
}

function progressOf(opts: ImportOptions): (f: number) => void {
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
  if (bad.length > 0) throw new OhlcvImportError(file, bad.map((message) => ({ file, line: null, field: null, message: `bad import setting: ${message}` })));
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
