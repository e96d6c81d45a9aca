/**
 * The shared vocabulary of Candlemark's core. Every module in core/ speaks in these types,
 * so a newcomer can read this one file and know what a series, a window, a span and a finding are.
 *
 * Time is always epoch milliseconds (UTC) as a plain number. Bar positions inside a series are
 * 0-based indices into the series' bars, ordered by time.
 */

/** OHLCV bars of one series in columnar form: columns scale to 1,000,000 rows without per-row objects. */
export interface BarColumns {
  /** Bar open times, epoch ms, strictly increasing. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** null when the source had no volume column. */
  volume: Float64Array | null;
}

/** One bar as a plain object, for small amounts of data (UI, tests). */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

export interface SeriesInfo {
  id: string;
  /** Where it was imported from (as given by the user), for display only. */
  source: string | null;
  barCount: number;
  firstTime: number | null;
  lastTime: number | null;
  hasVolume: boolean;
  createdAt: number;
}

export type SplitKind = 'chronological' | 'random';
/** 'excluded' marks windows dropped by the chronological gap so train and validation never share bars. */
export type SplitRole = 'train' | 'val' | 'excluded';

export interface WindowSetInfo {
  id: number;
  seriesId: string;
  /** 'cut' = made by cutting with length/stride, 'imported' = defined by an earlier tool. */
  origin: 'cut' | 'imported';
  length: number;
  stride: number | null;
  split: SplitKind;
  valFraction: number;
  seed: number;
  windowCount: number;
  createdAt: number;
}

export interface WindowInfo {
  id: number;
  setId: number;
  seriesId: string;
  /** External id (from interchange files, or generated "<series>:<startIndex>"). */
  extId: string;
  /** Index of the first bar in the series. */
  startIndex: number;
  length: number;
  /** Time of the first and last bar (inclusive). */
  startTime: number;
  endTime: number;
  role: SplitRole;
  /** The analyst has looked at this window: labelled it, or confirmed it has no span. */
  reviewed: boolean;
}

/** A labelled span as stored: first and last bar (inclusive) by bar time, so labels survive re-import. */
export interface Label {
  id: number;
  windowId: number;
  startTime: number;
  endTime: number;
  type: string;
  /** In [0, 1]; 1 = sure. Becomes the sample weight in training. */
  confidence: number;
  note: string;
  /** Who: the annotator who drew, imported, accepted or last edited the span. */
  author: string;
  /** How the span got here (provenance); see LabelOrigin. */
  origin: LabelOrigin;
  /** For spans accepted from a model: the run whose prediction it was; otherwise null. */
  originRun: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * How a label came to be. 'accepted' = written from a model's prediction and not yet looked at: it is
 * not the analyst's word, so it is kept out of validation scoring until 'confirmed' or
 * 'accepted-edited' (issue #12).
 */
export type LabelOrigin = 'drawn' | 'imported' | 'accepted' | 'accepted-edited' | 'confirmed';
export const LABEL_ORIGINS: readonly LabelOrigin[] = ['drawn', 'imported', 'accepted', 'accepted-edited', 'confirmed'];

/** The fields a user edits; everything else is managed by the store. */
export type LabelFields = Pick<Label, 'startTime' | 'endTime' | 'type' | 'confidence' | 'note' | 'author' | 'origin' | 'originRun'>;

export interface LabelType {
  name: string;
  /** CSS colour used to draw spans of this type. */
  color: string;
  sortOrder: number;
}

export const DEFAULT_LABEL_TYPES: readonly LabelType[] = [
  { name: 'up', color: '#26a69a', sortOrder: 0 },
  { name: 'down', color: '#ef5350', sortOrder: 1 },
];

/** A span expressed in bar indices relative to the series (inclusive), used by pure algorithms. */
export interface IndexSpan {
  start: number;
  end: number;
  type: string;
  confidence: number;
}

/** 'annotators' (issue #12): two annotators labelled the same window differently (windowA = windowB = that window). */
export type FindingKind = 'span-vs-none' | 'type' | 'boundary' | 'annotators';
export type FindingStatus = 'open' | 'resolved' | 'ignored';

/** One disagreement between two overlapping windows on the bars they share. */
export interface Finding {
  kind: FindingKind;
  /** Window ids, a < b. */
  windowA: number;
  windowB: number;
  seriesId: string;
  /** Affected bars, series indices, inclusive. */
  startIndex: number;
  endIndex: number;
  /** 0..1, higher = more worth a look. */
  severity: number;
  /** Human-readable one-liner, e.g. "window 12 marks bars 140-151 as up, window 13 marks none". */
  message: string;
}

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'interrupted' | 'failed';

/** The project's counts on the home screen (`project.info`), aggregated by the store. */
export interface ProjectCounts {
  windows: number;
  /** Windows with a label or marked reviewed ("no span"). */
  labelledWindows: number;
  unlabelledWindows: number;
  /** Windows in at least one open finding. */
  windowsInConflict: number;
  labels: number;
  findings: { open: number; resolved: number; ignored: number };
  runs: number;
}
