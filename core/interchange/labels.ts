/**
 * Interchange of labelled windows: a JSON form (series, label types, windows with spans) and a flat
 * CSV form (one row per span). Both are specified in docs/formats.md.
 *
 * Pure functions on text; only readLabelsFile touches the file system.
 */
import { binaryContentProblem, FileReadError, notDelimitedProblem, notJsonProblem, readRegularFile } from '../shared/read-regular-file.ts';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { formatTimestamp, parseTimestamp } from './time.ts';
import { formatIssue, type Issue } from '../shared/issue.ts';

export { formatIssue };

// ---------------------------------------------------------------------------------------------
// Types

export interface LabelsSpan {
  /** Time of the first bar, epoch ms. */
  start: number;
  /** Time of the last bar (inclusive), epoch ms. */
  end: number;
  type: string;
  /** In [0, 1], or null when the file gave none. */
  confidence: number | null;
  /** Provenance (issue #12), each optional: files written before it have none. Who labelled the span. */
  annotator?: string;
  /** How: drawn, imported, accepted (from a model), accepted-edited, confirmed. */
  origin?: SpanOrigin;
  /** For model-written spans: the run (of the exporting project) they were accepted from. */
  run?: number;
  /** When the span was last labelled (epoch ms). */
  labelledAt?: number;
}

/** Same values as the store's LabelOrigin (core/domain/types.ts); repeated so this module stays standalone. */
export const SPAN_ORIGINS = ['drawn', 'imported', 'accepted', 'accepted-edited', 'confirmed'] as const;
export type SpanOrigin = (typeof SPAN_ORIGINS)[number];

export interface LabelsWindow {
  id: string;
  series: string;
  /** Time of the first bar, epoch ms. */
  start: number;
  /** Number of bars. */
  length: number;
  spans: LabelsSpan[];
}

export interface LabelsDocument {
  version: 1;
  /** csv: path of the bars CSV as written in the file (relative to the labels file), or null. */
  series: Array<{ id: string; csv: string | null }>;
  labelTypes: Array<{ name: string; color?: string }>;
  windows: LabelsWindow[];
}

/** Candlemark's one Issue (core/shared/issue.ts), with the parts a labels-file problem always has. */
export interface InterchangeIssue extends Issue {
  /** The file name as given to the parser. */
  file: string;
  /** The window's id, or null when the problem is not in a window (or the id itself is unusable). */
  window: string | null;
  /** 0-based position of the window in the file (order of first appearance in CSV); absent when not in a window. */
  windowIndex?: number;
  /** JSON: path inside the window (`spans[0].end`) or the document (`series[1].id`); CSV: the column name. */
  field: string;
  /** What was expected and what was found, e.g. `expected a positive integer, got 0`. */
  message: string;
  /** CSV only: 1-based line of the row. */
  line?: number;
}

/** Thrown by the parsers with every problem found (not only the first); message = one line per issue. */
export class InterchangeError extends Error {
  readonly file: string;
  readonly issues: InterchangeIssue[];
  constructor(file: string, issues: InterchangeIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InterchangeError';
    this.file = file;
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const MAX_SHOWN = 60;

/** How a raw value is quoted in messages: `"2020-01-01"`, `1.5`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

const TIMESTAMP_EXPECTED = 'an ISO-8601 timestamp or epoch number';

/** Expected-value descriptions by field name, used to phrase schema errors. */
const EXPECTED: Record<string, string> = {
  version: '1',
  id: 'a non-empty string',
  csv: 'a path (string) or null',
  name: 'a non-empty string',
  color: 'a CSS colour string',
  series: 'a series id (non-empty string)',
  start: TIMESTAMP_EXPECTED,
  end: TIMESTAMP_EXPECTED,
  length: 'a positive integer (number of bars)',
  spans: 'an array of spans',
  type: 'a label type name (non-empty string)',
  confidence: 'a number in [0, 1] or null',
  annotator: 'an annotator name (non-empty string, at most 100 characters)',
  origin: `one of ${SPAN_ORIGINS.join(', ')}`,
  run: 'a run id (positive integer)',
  labelledAt: TIMESTAMP_EXPECTED,
};

const TOP_EXPECTED: Record<string, string> = {
  series: 'an array of { "id", "csv" }',
  labelTypes: 'an array of label type names or { "name", "color"? }',
  windows: 'an array of windows',
};

function pathToField(path: ReadonlyArray<PropertyKey>, prefix: string): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

type Report = (field: string, message: string) => void;

/** Turn zod issues for `value` into our issues; `prefix` is the field path of `value`. */
interface ZodReportOptions {
  /** Expected-value description when the whole value is wrong. */
  expectedRoot?: string;
  table?: Record<string, string>;
  /** The allowed keys, listed when an unexpected one is found. */
  allowed: string;
}

/** Turn zod issues for `value` into our issues; `prefix` is the field path of `value`. */
function reportZod(error: z.ZodError, value: unknown, prefix: string, report: Report, opts: ZodReportOptions): void {
  const table = opts.table ?? EXPECTED;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        report(pathToField([...issue.path, key], prefix), `unexpected field (allowed: ${opts.allowed})`);
      }
      continue;
    }
    const last = issue.path.length > 0 ? issue.path[issue.path.length - 1] : undefined;
    const expected =
      (typeof last === 'string' ? table[last] : undefined) ??
      (issue.path.length === 0 ? opts.expectedRoot : undefined) ??
      zodExpected(issue);
    report(pathToField(issue.path, prefix), `expected ${expected}, got ${describeValue(valueAt(value, issue.path))}`);
  }
}

function zodExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `a value of type ${issue.expected}`;
  return 'a valid value';
}

const ALLOWED_TOP = '"version", "series", "labelTypes", "windows"';
const ALLOWED_SERIES = '"id", "csv"';
const ALLOWED_TYPE = '"name", "color"';
const ALLOWED_WINDOW = '"id", "series", "start", "length", "spans"';
const ALLOWED_SPAN = '"start", "end", "type", "confidence", "annotator", "origin", "run", "labelledAt"';

function quoteList(names: Iterable<string>, max = 8): string {
  const all = [...names];
  const shown = all.slice(0, max).map((n) => JSON.stringify(n));
  if (all.length > max) shown.push(`… ${all.length - max} more`);
  return shown.length === 0 ? '(none declared)' : shown.join(', ');
}

/**
 * Two windows at the same series, start and length are one window to the store: importing both would
 * silently let the second's spans replace the first's. So a file must not hold two such windows.
 */
function positionKey(series: string, start: number, length: number): string {
  return `${series}\u0000${start}\u0000${length}`;
}

function samePositionMessage(series: string, start: string, length: number, first: string): string {
  const position = `the same series ${JSON.stringify(series)}, start ${start} and length ${length}`;
  return `expected one window per position, got ${position} as ${first} (merge their spans into one window)`;
}

function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

interface SpanFieldNames {
  start: string;
  end: string;
  type: string;
  confidence: string;
  annotator: string;
  origin: string;
  run: string;
  labelledAt: string;
}

/** Field names of a span at `prefix` (JSON), or the CSV columns. */
const jsonSpanFields = (prefix: string): SpanFieldNames => ({
  start: `${prefix}.start`,
  end: `${prefix}.end`,
  type: `${prefix}.type`,
  confidence: `${prefix}.confidence`,
  annotator: `${prefix}.annotator`,
  origin: `${prefix}.origin`,
  run: `${prefix}.run`,
  labelledAt: `${prefix}.labelledAt`,
});
const CSV_SPAN_FIELDS: SpanFieldNames = {
  start: 'span_start',
  end: 'span_end',
  type: 'type',
  confidence: 'confidence',
  annotator: 'annotator',
  origin: 'origin',
  run: 'run',
  labelledAt: 'labelled_at',
};

/** The optional provenance fields of a span; absent (undefined or '') ones are left out. */
function checkProvenance(
  raw: { annotator?: unknown; origin?: unknown; run?: unknown; labelledAt?: unknown },
  names: SpanFieldNames,
  report: Report,
): Pick<LabelsSpan, 'annotator' | 'origin' | 'run' | 'labelledAt'> | null {
  let ok = true;
  const out: Pick<LabelsSpan, 'annotator' | 'origin' | 'run' | 'labelledAt'> = {};
  const present = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (present(raw.annotator)) {
    const a = raw.annotator;
    if (typeof a !== 'string' || a.trim() === '' || a.length > 100 || /\p{Cc}/u.test(a)) {
      report(names.annotator, `expected ${EXPECTED.annotator}, got ${describeValue(a)}`);
      ok = false;
    } else out.annotator = a.trim();
  }
  if (present(raw.origin)) {
    if (!(SPAN_ORIGINS as readonly unknown[]).includes(raw.origin)) {
      report(names.origin, `expected ${EXPECTED.origin}, got ${describeValue(raw.origin)}`);
      ok = false;
    } else out.origin = raw.origin as SpanOrigin;
  }
  if (present(raw.run)) {
    const r = typeof raw.run === 'string' && /^\s*\d+\s*$/.test(raw.run) ? Number(raw.run) : raw.run;
    if (typeof r !== 'number' || !isPositiveInteger(r)) {
      report(names.run, `expected ${EXPECTED.run}, got ${describeValue(raw.run)}`);
      ok = false;
    } else out.run = r;
  }
  if (present(raw.labelledAt)) {
    const t = parseTimestamp(raw.labelledAt);
    if (t === null) {
      report(names.labelledAt, `expected ${EXPECTED.labelledAt}, got ${describeValue(raw.labelledAt)}`);
      ok = false;
    } else out.labelledAt = t;
  }
  return ok ? out : null;
}

/**
 * Checks shared by JSON and CSV on one span: timestamps, order, position after the window start,
 * type declared, confidence range. Returns the span, or null when it is unusable.
 */
function checkSpan(
  raw: { start: unknown; end: unknown; type: string; confidence?: unknown; annotator?: unknown; origin?: unknown; run?: unknown; labelledAt?: unknown },
  windowStart: number | null,
  knownTypes: ReadonlySet<string> | null,
  names: SpanFieldNames,
  report: Report,
): LabelsSpan | null {
  let ok = true;
  const start = parseTimestamp(raw.start);
  const end = parseTimestamp(raw.end);
  if (start === null) {
    report(names.start, `expected ${TIMESTAMP_EXPECTED}, got ${describeValue(raw.start)}`);
    ok = false;
  } else if (windowStart !== null && start < windowStart) {
    report(
      names.start,
      `expected a timestamp at or after the window start ${formatTimestamp(windowStart)}, got ${describeValue(raw.start)}`,
    );
    ok = false;
  }
  if (end === null) {
    report(names.end, `expected ${TIMESTAMP_EXPECTED}, got ${describeValue(raw.end)}`);
    ok = false;
  } else if (start !== null && end < start) {
    report(names.end, `expected a timestamp at or after start ${formatTimestamp(start)}, got ${describeValue(raw.end)}`);
    ok = false;
  }
  if (raw.type === '') {
    report(names.type, `expected ${EXPECTED.type}, got ""`);
    ok = false;
  } else if (knownTypes !== null && !knownTypes.has(raw.type)) {
    report(names.type, `expected one of the labelTypes (${quoteList(knownTypes)}), got ${describeValue(raw.type)}`);
    ok = false;
  }
  let confidence: number | null = null;
  if (raw.confidence !== null && raw.confidence !== undefined) {
    const c = raw.confidence;
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) {
      report(names.confidence, `expected ${EXPECTED.confidence}, got ${describeValue(c)}`);
      ok = false;
    } else {
      confidence = c;
    }
  }
  const provenance = checkProvenance(raw, names, report);
  if (!ok || provenance === null || start === null || end === null) return null;
  return { start, end, type: raw.type, confidence, ...provenance };
}

// ---------------------------------------------------------------------------------------------
// JSON

const TimestampSchema = z.union([z.string(), z.number()]);
const TopSchema = z
  .object({
    version: z.unknown(),
    series: z.array(z.unknown()),
    labelTypes: z.array(z.unknown()),
    windows: z.array(z.unknown()),
  })
  .strict();
const SeriesSchema = z.object({ id: z.string().min(1), csv: z.string().min(1).nullable().optional() }).strict();
const LabelTypeSchema = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), color: z.string().min(1).optional() }).strict(),
]);
const WindowSchema = z
  .object({
    id: z.string().min(1),
    series: z.string().min(1),
    start: TimestampSchema,
    length: z.number(),
    spans: z.array(z.unknown()).optional(),
  })
  .strict();
const SpanSchema = z
  .object({
    start: TimestampSchema,
    end: TimestampSchema,
    type: z.string(),
    confidence: z.number().nullable().optional(),
    // Provenance: checked (with field-level messages) in checkProvenance.
    annotator: z.unknown().optional(),
    origin: z.unknown().optional(),
    run: z.unknown().optional(),
    labelledAt: z.unknown().optional(),
  })
  .strict();

/** Parse and validate the JSON form. Throws InterchangeError listing every problem. */
export function parseLabelsJson(text: string, file: string): LabelsDocument {
  const issues: InterchangeIssue[] = [];
  const top: Report = (field, message) => issues.push({ file, window: null, field, message });

  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    top('', `expected valid JSON, got a syntax error: ${(e as Error).message}`);
    throw new InterchangeError(file, issues);
  }
  const topParsed = TopSchema.safeParse(raw);
  if (!topParsed.success) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      top('', `expected a JSON object with "version", "series", "labelTypes" and "windows", got ${describeValue(raw)}`);
      throw new InterchangeError(file, issues);
    }
    reportZod(topParsed.error, raw, '', top, { table: TOP_EXPECTED, allowed: ALLOWED_TOP });
    // Keep going with whatever parts are usable, so all problems are listed at once.
  }
  const obj = raw as Record<string, unknown>;
  if (obj.version !== 1) top('version', `expected 1, got ${describeValue(obj.version)}`);

  // Series.
  const series: LabelsDocument['series'] = [];
  const seriesAt = new Map<string, number>();
  if (Array.isArray(obj.series)) {
    obj.series.forEach((s, i) => {
      const r = SeriesSchema.safeParse(s);
      if (!r.success) {
        reportZod(r.error, s, `series[${i}]`, top, { expectedRoot: 'an object { "id", "csv" }', allowed: ALLOWED_SERIES });
        return;
      }
      const prev = seriesAt.get(r.data.id);
      if (prev !== undefined) {
        top(`series[${i}].id`, `expected a unique series id, got ${describeValue(r.data.id)} (also series[${prev}])`);
        return;
      }
      seriesAt.set(r.data.id, i);
      series.push({ id: r.data.id, csv: r.data.csv ?? null });
    });
  }

  // Label types.
  const labelTypes: LabelsDocument['labelTypes'] = [];
  const typeAt = new Map<string, number>();
  if (Array.isArray(obj.labelTypes)) {
    obj.labelTypes.forEach((t, i) => {
      const r = LabelTypeSchema.safeParse(t);
      if (!r.success) {
        const field = `labelTypes[${i}]`;
        if (t !== null && typeof t === 'object' && !Array.isArray(t)) reportZod(r.error, t, field, top, { allowed: ALLOWED_TYPE });
        else top(field, `expected a label type name or an object { "name", "color"? }, got ${describeValue(t)}`);
        return;
      }
      const lt = typeof r.data === 'string' ? { name: r.data } : r.data;
      const prev = typeAt.get(lt.name);
      if (prev !== undefined) {
        top(`labelTypes[${i}]`, `expected a unique label type name, got ${describeValue(lt.name)} (also labelTypes[${prev}])`);
        return;
      }
      typeAt.set(lt.name, i);
      labelTypes.push(lt.color === undefined ? { name: lt.name } : { name: lt.name, color: lt.color });
    });
  }
  const knownTypes: ReadonlySet<string> | null = Array.isArray(obj.labelTypes) ? new Set(typeAt.keys()) : null;
  const knownSeries: ReadonlySet<string> | null = Array.isArray(obj.series) ? new Set(seriesAt.keys()) : null;

  // Windows.
  const windows: LabelsWindow[] = [];
  const windowAt = new Map<string, number>();
  const windowAtPosition = new Map<string, { index: number; id: string }>();
  if (Array.isArray(obj.windows)) {
    obj.windows.forEach((w, wi) => {
      const rawId = w !== null && typeof w === 'object' ? (w as Record<string, unknown>).id : undefined;
      const windowName = typeof rawId === 'string' && rawId !== '' ? rawId : null;
      const report: Report = (field, message) => issues.push({ file, window: windowName, windowIndex: wi, field, message });
      const r = WindowSchema.safeParse(w);
      if (!r.success) {
        if (w === null || typeof w !== 'object' || Array.isArray(w)) {
          report('', `expected a window object { "id", "series", "start", "length", "spans" }, got ${describeValue(w)}`);
          return;
        }
        reportZod(r.error, w, '', report, { allowed: ALLOWED_WINDOW });
      }
      const wo = w as Record<string, unknown>;
      let ok = r.success;
      if (windowName !== null) {
        const prev = windowAt.get(windowName);
        if (prev !== undefined) {
          report('id', `expected a unique window id, got ${describeValue(windowName)} (also windows[${prev}])`);
          ok = false;
        } else {
          windowAt.set(windowName, wi);
        }
      }
      if (typeof wo.series === 'string' && wo.series !== '' && knownSeries !== null && !knownSeries.has(wo.series)) {
        report('series', `expected one of the series ids (${quoteList(knownSeries)}), got ${describeValue(wo.series)}`);
        ok = false;
      }
      let start: number | null = null;
      if (typeof wo.start === 'string' || typeof wo.start === 'number') {
        start = parseTimestamp(wo.start);
        if (start === null) {
          report('start', `expected ${TIMESTAMP_EXPECTED}, got ${describeValue(wo.start)}`);
          ok = false;
        }
      }
      if (typeof wo.length === 'number' && !isPositiveInteger(wo.length)) {
        report('length', `expected ${EXPECTED.length}, got ${describeValue(wo.length)}`);
        ok = false;
      }
      const spans: LabelsSpan[] = [];
      if (Array.isArray(wo.spans)) {
        wo.spans.forEach((s, si) => {
          const prefix = `spans[${si}]`;
          const sr = SpanSchema.safeParse(s);
          if (!sr.success) {
            if (s === null || typeof s !== 'object' || Array.isArray(s)) {
              report(prefix, `expected a span object { "start", "end", "type", "confidence"? }, got ${describeValue(s)}`);
            } else {
              reportZod(sr.error, s, prefix, report, { allowed: ALLOWED_SPAN });
            }
            ok = false;
            return;
          }
          const span = checkSpan(
            sr.data,
            start,
            knownTypes,
            jsonSpanFields(prefix),
            report,
          );
          if (span === null) ok = false;
          else spans.push(span);
        });
      }
      if (ok && r.success && start !== null) {
        const key = positionKey(r.data.series, start, r.data.length);
        const first = windowAtPosition.get(key);
        if (first !== undefined) {
          const firstName = `windows[${first.index}] (id ${JSON.stringify(first.id)})`;
          report('start', samePositionMessage(r.data.series, describeValue(wo.start), r.data.length, firstName));
          return;
        }
        windowAtPosition.set(key, { index: wi, id: r.data.id });
        windows.push({ id: r.data.id, series: r.data.series, start, length: r.data.length, spans });
      }
    });
  }

  if (issues.length > 0) throw new InterchangeError(file, issues);
  return { version: 1, series, labelTypes, windows };
}

/** The JSON form, pretty-printed (2 spaces), keys in a fixed order, windows and spans in document order. */
export function serializeLabelsJson(doc: LabelsDocument): string {
  const out = {
    version: 1,
    series: doc.series.map((s) => ({ id: s.id, csv: s.csv })),
    labelTypes: doc.labelTypes.map((t) => (t.color === undefined ? t.name : { name: t.name, color: t.color })),
    windows: doc.windows.map((w) => ({
      id: w.id,
      series: w.series,
      start: formatTimestamp(w.start),
      length: w.length,
      spans: w.spans.map((s) => {
        const span: Record<string, unknown> = {
          start: formatTimestamp(s.start),
          end: formatTimestamp(s.end),
          type: s.type,
        };
        if (s.confidence !== null) span.confidence = s.confidence;
        if (s.annotator !== undefined) span.annotator = s.annotator;
        if (s.origin !== undefined) span.origin = s.origin;
        if (s.run !== undefined) span.run = s.run;
        if (s.labelledAt !== undefined) span.labelledAt = formatTimestamp(s.labelledAt);
        return span;
      }),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV

export const LABELS_CSV_COLUMNS = [
  'window_id',
  'series',
  'window_start',
  'window_length',
  'span_start',
  'span_end',
  'type',
  'confidence',
] as const;
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
    const prov = { annotator: get(record, 'annotator'), origin: get(record, 'origin').trim(), run: get(record, 'run'), labelledAt: get(record, 'labelled_at').trim() };
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
  const withProvenance = doc.windows.some((w) => w.spans.some((s) => s.annotator !== undefined || s.origin !== undefined || s.run !== undefined || s.labelledAt !== undefined));
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
        fields.push(csvField(s.annotator ?? ''), s.origin ?? '', s.run === undefined ? '' : String(s.run), s.labelledAt === undefined ? '' : formatTimestamp(s.labelledAt));
      }
      lines.push(fields.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Files

/**
 * Read a labels file by extension (.json or .csv, any case). Series csv paths are resolved against
 * the file's folder, so they are absolute in the result. Errors name the path as given.
 */
export async function readLabelsFile(path: string): Promise<LabelsDocument> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    throw new InterchangeError(path, [
      { file: path, window: null, field: '', message: `expected a file name ending in .json or .csv, got ${describeValue(ext || path)}` },
    ]);
  }
  let input: Buffer;
  try {
    input = await readRegularFile(path); // regular files only, size-capped: never /dev/zero or a FIFO
  } catch (e) {
    throw new InterchangeError(path, [{ file: path, window: null, field: '', message: `cannot read file: ${e instanceof FileReadError ? e.reason : String(e)}` }]);
  }
  // Refused before parsing, so no message quotes the bytes of a file that isn't a labels file.
  const notLabels = ext === '.json' ? notJsonProblem(input) : (binaryContentProblem(input) ?? notDelimitedProblem(input, { headerFirst: true }));
  if (notLabels) throw new InterchangeError(path, [{ file: path, window: null, field: '', message: notLabels }]);
  const text = input.toString('utf8');
  const doc = ext === '.json' ? parseLabelsJson(text, path) : parseLabelsCsv(text, path);
  const folder = dirname(resolve(path));
  return {
    ...doc,
    series: doc.series.map((s) => ({ id: s.id, csv: s.csv === null ? null : isAbsolute(s.csv) ? s.csv : resolve(folder, s.csv) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks that need the bars

function findExact(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = times[mid];
    if (v === t) return mid;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function nearestBars(times: Float64Array, t: number): string {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  const around: string[] = [];
  if (lo > 0) around.push(formatTimestamp(times[lo - 1]));
  if (lo < times.length) around.push(formatTimestamp(times[lo]));
  if (around.length === 0) return 'the series has no bars';
  return `nearest bar${around.length > 1 ? 's' : ''} ${around.join(' and ')}`;
}

/**
 * Checks that need the bars (times per series id, strictly increasing epoch ms): every window start
 * and span edge is the time of a bar, the window fits in the series, and every span lies inside its
 * window. Returns the problems (empty when fine) in the same style as InterchangeError's issues.
 */
export function checkAgainstBars(
  doc: LabelsDocument,
  timesBySeries: Map<string, Float64Array>,
  file = 'labels',
): InterchangeIssue[] {
  const issues: InterchangeIssue[] = [];
  doc.windows.forEach((w, wi) => {
    const report: Report = (field, message) => issues.push({ file, window: w.id, windowIndex: wi, field, message });
    const times = timesBySeries.get(w.series);
    if (times === undefined) {
      report('series', `expected a series with bars, got ${describeValue(w.series)} for which no bars were given`);
      return;
    }
    const startIdx = findExact(times, w.start);
    let lastTime: number | null = null;
    if (startIdx < 0) {
      report('start', `expected the time of a bar of series ${JSON.stringify(w.series)}, got ${formatTimestamp(w.start)} (${nearestBars(times, w.start)})`);
    } else {
      const left = times.length - startIdx;
      if (w.length > left) {
        report('length', `expected at most ${left} (bars in series ${JSON.stringify(w.series)} from the window start), got ${w.length}`);
      }
      lastTime = times[Math.min(startIdx + w.length, times.length) - 1];
    }
    w.spans.forEach((s, si) => {
      for (const edge of ['start', 'end'] as const) {
        const t = s[edge];
        const field = `spans[${si}].${edge}`;
        if (findExact(times, t) < 0) {
          report(field, `expected the time of a bar of series ${JSON.stringify(w.series)}, got ${formatTimestamp(t)} (${nearestBars(times, t)})`);
        } else if (t < w.start) {
          report(field, `expected a timestamp at or after the window start ${formatTimestamp(w.start)}, got ${formatTimestamp(t)}`);
        } else if (lastTime !== null && t > lastTime) {
          report(field, `expected a timestamp at or before the window's last bar ${formatTimestamp(lastTime)}, got ${formatTimestamp(t)}`);
        }
      }
    });
  });
  return issues;
}
