/**
 * Checks shared by the JSON and CSV parsers of labels files: how values are quoted in messages, what
 * each field expects, one window per position, and the per-span checks (timestamps, order, type,
 * confidence, provenance).
 */
import { formatTimestamp, parseTimestamp } from './time.ts';
import { SPAN_ORIGINS, type LabelsSpan, type SpanOrigin } from './labels-types.ts';

export const MAX_SHOWN = 60;

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

export const TIMESTAMP_EXPECTED = 'an ISO-8601 timestamp or epoch number';

/** Expected-value descriptions by field name, used to phrase schema errors. */
export const EXPECTED: Record<string, string> = {
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

export type Report = (field: string, message: string) => void;

export function quoteList(names: Iterable<string>, max = 8): string {
  const all = [...names];
  const shown = all.slice(0, max).map((n) => JSON.stringify(n));
  if (all.length > max) shown.push(`… ${all.length - max} more`);
  return shown.length === 0 ? '(none declared)' : shown.join(', ');
}

/**
 * Two windows at the same series, start and length are one window to the store: importing both would
 * silently let the second's spans replace the first's. So a file must not hold two such windows.
 */
export function positionKey(series: string, start: number, length: number): string {
  return `${series}\u0000${start}\u0000${length}`;
}

export function samePositionMessage(series: string, start: string, length: number, first: string): string {
  const position = `the same series ${JSON.stringify(series)}, start ${start} and length ${length}`;
  return `expected one window per position, got ${position} as ${first} (merge their spans into one window)`;
}

export function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

export interface SpanFieldNames {
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
export const jsonSpanFields = (prefix: string): SpanFieldNames => ({
  start: `${prefix}.start`,
  end: `${prefix}.end`,
  type: `${prefix}.type`,
  confidence: `${prefix}.confidence`,
  annotator: `${prefix}.annotator`,
  origin: `${prefix}.origin`,
  run: `${prefix}.run`,
  labelledAt: `${prefix}.labelledAt`,
});
export const CSV_SPAN_FIELDS: SpanFieldNames = {
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
export function checkProvenance(
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
export function checkSpan(
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
    report(names.start, `expected a timestamp at or after the window start ${formatTimestamp(windowStart)}, got ${describeValue(raw.start)}`);
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
