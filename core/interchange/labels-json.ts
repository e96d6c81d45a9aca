/**
 * The JSON form of a labels file (docs/formats.md): parsing with every problem reported by field
 * path (zod checks the shape; span-checks.ts the values), and writing it back in a fixed key order.
 */
import { z } from 'zod';
import { formatTimestamp, parseTimestamp } from './time.ts';
import { InterchangeError, type InterchangeIssue, type LabelsDocument, type LabelsSpan, type LabelsWindow } from './labels-types.ts';
import {
  EXPECTED,
  TIMESTAMP_EXPECTED,
  checkSpan,
  describeValue,
  isPositiveInteger,
  jsonSpanFields,
  positionKey,
  quoteList,
  samePositionMessage,
  type Report,
} from './span-checks.ts';

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

/** How reportZod phrases what was expected. */
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
    const expected = (typeof last === 'string' ? table[last] : undefined) ?? (issue.path.length === 0 ? opts.expectedRoot : undefined) ?? zodExpected(issue);
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
const LabelTypeSchema = z.union([z.string().min(1), z.object({ name: z.string().min(1), color: z.string().min(1).optional() }).strict()]);
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
          const span = checkSpan(sr.data, start, knownTypes, jsonSpanFields(prefix), report);
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
