/**
 * The flat CSV form of a labels file (one row per span; docs/formats.md): parsing with every problem
 * reported by line and column, and writing it (provenance columns only when some span has them).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { formatTimestamp, parseTimestamp } from './time.ts';
import { InterchangeError, type InterchangeIssue, type LabelsDocument, type LabelsWindow } from './labels-types.ts';
import {
  CSV_SPAN_FIELDS,
  EXPECTED,
  TIMESTAMP_EXPECTED,
  checkSpan,
  describeValue,
  isPositiveInteger,
  positionKey,
  samePositionMessage,
  type Report,
} from './span-checks.ts';

export const LABELS_CSV_COLUMNS = ['window_id', 'series', 'window_start', 'window_length', 'span_start', 'span_end', 'type', 'confidence'] as const;
/** Optional provenance columns (issue #12): written only when some span has provenance. */
export const LABELS_CSV_PROVENANCE_COLUMNS = ['annotator', 'origin', 'run', 'labelled_at'] as const;
type CsvColumn = (typeof LABELS_CSV_COLUMNS)[number] | (typeof LABELS_CSV_PROVENANCE_COLUMNS)[number];
const ALL_CSV_COLUMNS: readonly CsvColumn[] = [...LABELS_CSV_COLUMNS, ...LABELS_CSV_PROVENANCE_COLUMNS];
const OPTIONAL_COLUMNS: ReadonlySet<CsvColumn> = new Set(['confidence', ...LABELS_CSV_PROVENANCE_COLUMNS]);

/** Quote a CSV field when needed (comma, quote, line break, or leading/trailing space). */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value.trim() !== value) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

interface CsvRecord {
  record: string[];
  line: number;
}

function readCsvRecords(text: string, file: string): CsvRecord[] {
  try {
    const rows = parseCsv(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number }; raw: string }>;
    return rows.map((r) => {
      // info.lines is the line where the record ends; count line breaks inside quoted fields back.
      const inner = r.raw.replace(/\r?\n$/, '');
      const breaks = (inner.match(/\n/g) ?? []).length;
      return { record: r.record, line: r.info.lines - breaks };
    });
  } catch (e) {
    const err = e as Error & { lines?: number };
    const issue: InterchangeIssue = { file, window: null, field: '', message: `expected valid CSV, got: ${err.message}` };
    if (typeof err.lines === 'number') issue.line = err.lines;
    throw new InterchangeError(file, [issue]);
  }
}

/**
 * Parse and validate the CSV form (one row per span; a window without spans has one row with
 * empty span fields). Series get csv = null; labelTypes are the types seen, in order of appearance.
 */
export function parseLabelsCsv(text: string, file: string): LabelsDocument {
  const issues: InterchangeIssue[] = [];
  const records = readCsvRecords(text, file);
  if (records.length === 0) {
    issues.push({ file, window: null, field: '', message: `expected a header line ${LABELS_CSV_COLUMNS.join(',')}, got an empty file` });
    throw new InterchangeError(file, issues);
  }
  const header = records[0];
  const colIndex = new Map<CsvColumn, number>();
  header.record.forEach((name, i) => {
    const n = name.trim().toLowerCase();
    if ((ALL_CSV_COLUMNS as readonly string[]).includes(n)) {
      if (colIndex.has(n as CsvColumn)) {
        issues.push({ file, window: null, field: n, line: header.line, message: 'expected each column once, got it twice' });
      } else {
        colIndex.set(n as CsvColumn, i);
      }
    } else {
      issues.push({
        file,
        window: null,
        field: name,
        line: header.line,
        message: `unexpected column (expected the header ${LABELS_CSV_COLUMNS.join(',')})`,
      });
    }
  });
  for (const col of ALL_CSV_COLUMNS) {
    if (!colIndex.has(col) && !OPTIONAL_COLUMNS.has(col)) {
      issues.push({ file, window: null, field: col, line: header.line, message: 'expected this column in the header, it is missing' });
    }
  }
  if (issues.length > 0) throw new InterchangeError(file, issues);

  const get = (rec: string[], col: CsvColumn): string => {
    const i = colIndex.get(col);
    // Text fields are kept exactly (ids and types may have edge spaces, quoted); timestamps and numbers are trimmed where parsed.
    return i === undefined ? '' : (rec[i] ?? '');
  };

  interface Building {
    index: number;
    line: number;
    window: LabelsWindow | null;
    ok: boolean;
    rawSeries: string;
    rawStart: string;
    rawLength: string;
  }
  const byId = new Map<string, Building>();
  const order: Building[] = [];
  const series: LabelsDocument['series'] = [];
  const seenSeries = new Set<string>();
  const labelTypes: LabelsDocument['labelTypes'] = [];
  const seenTypes = new Set<string>();
  const windowAtPosition = new Map<string, { id: string; line: number }>();

  for (const { record, line } of records.slice(1)) {
    if (record.length > header.record.length) {
      issues.push({
        file,
        window: null,
        field: '',
        line,
        message: `expected ${header.record.length} fields as in the header, got ${record.length}`,
      });
      continue;
    }
    const id = get(record, 'window_id');
    if (id === '') {
      issues.push({ file, window: null, field: 'window_id', line, message: `expected ${EXPECTED.id}, got ""` });
      continue;
    }
    let b = byId.get(id);
    const rawSeries = get(record, 'series');
    const rawStart = get(record, 'window_start');
    const rawLength = get(record, 'window_length');
    if (b === undefined) {
      b = { index: order.length, line, window: null, ok: true, rawSeries, rawStart, rawLength };
      byId.set(id, b);
      order.push(b);
      const report: Report = (field, message) => issues.push({ file, window: id, windowIndex: b!.index, field, message, line });
      if (rawSeries === '') {
        report('series', `expected ${EXPECTED.series}, got ""`);
        b.ok = false;
      }
      const start = parseTimestamp(rawStart);
      if (start === null) {
        report('window_start', `expected ${TIMESTAMP_EXPECTED}, got ${describeValue(rawStart)}`);
        b.ok = false;
      }
      const length = /^\d+$/.test(rawLength.trim()) ? Number(rawLength.trim()) : NaN;
      if (!isPositiveInteger(length)) {
        report('window_length', `expected ${EXPECTED.length}, got ${describeValue(rawLength)}`);
        b.ok = false;
      }
      const key = b.ok && start !== null ? positionKey(rawSeries, start, length) : '';
      const first = key ? windowAtPosition.get(key) : undefined;
      if (first !== undefined) {
        report('window_start', samePositionMessage(rawSeries, describeValue(rawStart), length, `window ${JSON.stringify(first.id)} at line ${first.line}`));
        b.ok = false;
      } else if (b.ok && start !== null) {
        windowAtPosition.set(key, { id, line });
        b.window = { id, series: rawSeries, start, length, spans: [] };
        if (!seenSeries.has(rawSeries)) {
          seenSeries.add(rawSeries);
          series.push({ id: rawSeries, csv: null });
        }
      }
    } else {
      // Later rows of the same window must repeat its fields.
      const report: Report = (field, message) => issues.push({ file, window: id, windowIndex: b!.index, field, message, line });
      const checks: Array<[CsvColumn, string, string]> = [
        ['series', rawSeries, b.rawSeries],
        ['window_start', rawStart, b.rawStart],
        ['window_length', rawLength, b.rawLength],
      ];
      for (const [col, now, first] of checks) {
        const same = col === 'window_start' ? parseTimestamp(now) === parseTimestamp(first) && parseTimestamp(now) !== null : now === first;
        if (!same && b.ok) {
          report(
            col,
            `expected the same value as line ${b.line} where window ${JSON.stringify(id)} first appears (${describeValue(first)}; window ids must be unique), got ${describeValue(now)}`,
          );
          b.ok = false;
        }
      }
    }
    const bb = b;
    const report: Report = (field, message) => issues.push({ file, window: id, windowIndex: bb.index, field, message, line });

    const spanStart = get(record, 'span_start');
    const spanEnd = get(record, 'span_end');
    const type = get(record, 'type');
    const conf = get(record, 'confidence').trim();
    const prov = {
      annotator: get(record, 'annotator'),
      origin: get(record, 'origin').trim(),
      run: get(record, 'run'),
      labelledAt: get(record, 'labelled_at').trim(),
    };
    const noProvenance = prov.annotator === '' && prov.origin === '' && prov.run.trim() === '' && prov.labelledAt === '';
    if (spanStart === '' && spanEnd === '' && type === '' && conf === '' && noProvenance) continue; // a window without spans
    let confidence: unknown = null;
    if (conf !== '') confidence = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(conf) ? Number(conf) : conf;
    const span = checkSpan(
      { start: spanStart === '' ? undefined : spanStart, end: spanEnd === '' ? undefined : spanEnd, type, confidence, ...prov },
      bb.window?.start ?? null,
      null,
      CSV_SPAN_FIELDS,
      report,
    );
    if (span !== null && bb.window !== null) {
      bb.window.spans.push(span);
      if (!seenTypes.has(type)) {
        seenTypes.add(type);
        labelTypes.push({ name: type });
      }
    }
  }

  if (issues.length > 0) throw new InterchangeError(file, issues);
  const windows = order.map((b) => b.window).filter((w): w is LabelsWindow => w !== null);
  return { version: 1, series, labelTypes, windows };
}

/** The CSV form: header, then per window one row per span (or one row with empty span fields). */
export function serializeLabelsCsv(doc: LabelsDocument): string {
  // Files without provenance keep the original eight columns (and stay readable by older tools).
  const withProvenance = doc.windows.some((w) =>
    w.spans.some((s) => s.annotator !== undefined || s.origin !== undefined || s.run !== undefined || s.labelledAt !== undefined),
  );
  const lines: string[] = [(withProvenance ? [...LABELS_CSV_COLUMNS, ...LABELS_CSV_PROVENANCE_COLUMNS] : LABELS_CSV_COLUMNS).join(',')];
  for (const w of doc.windows) {
    const head = [csvField(w.id), csvField(w.series), formatTimestamp(w.start), String(w.length)].join(',');
    if (w.spans.length === 0) {
      lines.push(withProvenance ? `${head},,,,,,,,` : `${head},,,,`);
      continue;
    }
    for (const s of w.spans) {
      const fields = [head, formatTimestamp(s.start), formatTimestamp(s.end), csvField(s.type), s.confidence === null ? '' : String(s.confidence)];
      if (withProvenance) {
        fields.push(
          csvField(s.annotator ?? ''),
          s.origin ?? '',
          s.run === undefined ? '' : String(s.run),
          s.labelledAt === undefined ? '' : formatTimestamp(s.labelledAt),
        );
      }
      lines.push(fields.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
