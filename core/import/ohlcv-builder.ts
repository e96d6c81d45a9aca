/**
 * One pass of an OHLCV import: OhlcvBuilder is fed every CSV record in file order (its `sink`),
 * maps the header to columns at the first data row, checks each row (prices, volume, time, order)
 * straight into a ColumnBuffer, collects every problem, and at the end either returns the bars with
 * what was detected or throws one OhlcvImportError. The behaviour rules are listed in ohlcv.ts.
 */
import type { BarColumns } from '../domain/types.ts';
import type { Canonical } from './columns.ts';
import { ColumnBuffer } from './column-buffer.ts';
import { IssueList, MAX_ISSUES, OhlcvImportError } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { layoutFromHeader, layoutFromRoles, suggestColumns } from './layout.ts';
import type { Layout } from './layout.ts';
import { describeBadNumber, isNoneMark, parseNumberCell, parseVolumeCell, scaled } from './numbers.ts';
import type { CsvSyntaxError, RecordSink } from './records.ts';
import type { Detected, ImportSettings } from './settings.ts';
import type { Sniffed } from './sniff.ts';
import { TimeReader } from './time-reader.ts';
import type { DateOrder } from './datetime.ts';
import type { ParsedOhlcv } from './ohlcv-types.ts';

function isBlank(record: string[]): boolean {
  return record.length === 1 && record[0].trim() === '';
}

/** Line-ordered, capped union of several issue lists (each kept its own first `cap`, so the result is exact). */
function mergeAll(lists: IssueList[], cap: number = MAX_ISSUES): { items: ImportIssue[]; total: number } {
  const items = lists.flatMap((l) => l.items).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { items: items.slice(0, cap), total: lists.reduce((s, l) => s + l.total, 0) };
}

/** State of one import; `sink` is fed every record in file order. */
export class OhlcvBuilder {
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
      this.header.add(
        line,
        null,
        `no header: line ${line} is data (${first
          .slice(0, 6)
          .map((c) => JSON.stringify(c.trim()))
          .join(
            ', ',
          )}${first.length > 6 ? ', …' : ''}); expected a header line such as "time,open,high,low,close,volume", or the columns in file order with --columns (here perhaps --columns ${suggestColumns(first)})`,
      );
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
      const layout =
        this.settings.columns !== undefined
          ? layoutFromRoles(this.settings.columns, this.headerRow, this.width)
          : layoutFromHeader(this.headerRow, null, this.file);
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
          this.emptyVolume.add(
            line,
            m.name.volume,
            `missing volume: expected a number >= 0, found ${cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim())} (a volume column empty on every row is read as "no volume")`,
          );
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
      const checkName = m.columns[m.check]?.name ?? `column ${m.check + 1}`;
      if (!r2.ok) this.rows.add(line, checkName, r2.message);
      else if (r2.ms !== r.ms) {
        this.rows.add(
          line,
          checkName,
          `the two time columns disagree: ${JSON.stringify(other.trim())} is ${new Date(r2.ms).toISOString()} but ${m.name.time} ${JSON.stringify(cell.trim())} is ${new Date(r.ms).toISOString()}; expected the same time in both`,
        );
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
        this.rows.add(
          line,
          field,
          `duplicate timestamp: ${JSON.stringify(cell.trim())} is the same time as line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}) with different values (${vals}); expected strictly increasing times (an exact repeat of a row would be dropped)`,
        );
      } else if (t < this.lastTime) {
        this.decreasingPairs++;
        this.order.add(
          line,
          field,
          `decreasing timestamp: ${JSON.stringify(cell.trim())} is earlier than line ${this.lastTimeLine} (${JSON.stringify(this.lastTimeText.trim())}); expected strictly increasing times (or a file that is newest-first throughout)`,
        );
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
    if (s.skippedLines.length > 0)
      notes.unshift(
        `skipped ${s.skippedLines.length} line(s) before the ${s.header ? 'header' : 'data'}: ${s.skippedLines.map((x) => JSON.stringify(x.text.slice(0, 80))).join(', ')}`,
      );
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
      throw fail(
        [
          {
            file: this.file,
            line: null,
            field: null,
            message: 'empty file: expected a header line such as "time,open,high,low,close,volume" followed by data rows',
          },
        ],
        1,
      );
    }
    this.mapHeaderOnly();
    if (this.header.total > 0) throw fail(this.header.items, this.header.total);
    if (this.dataRows === 0 && this.rows.total === 0) {
      throw fail(
        [{ file: this.file, line: this.headerLine, field: null, message: 'header only: expected at least one data row after the header, found none' }],
        1,
      );
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
      const s = cols.sorted(noVolume, (line, other) =>
        conflicts.add(
          line,
          m.name.time,
          `duplicate timestamp: the same time as line ${other} with different values; expected one row per time (an exact repeat of a row would be dropped)`,
        ),
      );
      bars = s.bars;
      sortDropped = s.dropped;
      lists.push(conflicts);
    }
    const merged = mergeAll(lists);
    if (merged.total > 0) throw fail(merged.items, merged.total);
    for (const line of sortDropped.slice(0, 20))
      this.warnings.push({ file: this.file, line, field: null, message: 'exact duplicate of another row with the same time; dropped' });
    this.duplicates += sortDropped.length;

    const notes: string[] = [];
    if (newestFirst) {
      const outOfPlace = this.timePairs - this.decreasingPairs;
      notes.push(
        `rows were newest-first; sorted oldest-first${outOfPlace > 0 ? ` (${outOfPlace} step(s) went forward in time instead: rows out of place in the file, now in time order)` : ''}`,
      );
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
