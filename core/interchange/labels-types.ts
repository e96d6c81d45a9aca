/**
 * Labels interchange: the document both file forms (JSON, CSV; docs/formats.md) parse into, and the
 * error the parsers throw with every problem found.
 */
import { formatIssue, type Issue } from '../shared/issue.ts';

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
