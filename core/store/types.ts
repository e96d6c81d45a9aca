/**
 * The store's public shapes: what callers pass to ProjectStore and what it returns (rows of runs,
 * epochs, models, predictions, review decisions; history state). Domain types (Label, WindowInfo…)
 * live in core/domain/types.ts.
 */
import type { Finding, FindingStatus, LabelFields, RunStatus, SplitKind, SplitRole } from '../domain/types.ts';

export interface InsertSeriesOptions {
  /** Called with 0..1 while bars are written. */
  onProgress?: (fraction: number) => void;
  /**
   * Replace an existing series of the same id. Windows and labels are kept: windows are re-anchored
   * by their start time, labels are stored by bar time. Fails with 'replace-conflict' when the new
   * bars no longer contain bars that windows or labels refer to.
   */
  replace?: boolean;
  /** The import settings (JSON) to store with the series in the same transaction (migration 005); undefined leaves them. */
  importSettings?: string | null;
}

export interface NewWindowSet {
  seriesId: string;
  origin: 'cut' | 'imported';
  length: number;
  stride: number | null;
  split: SplitKind;
  valFraction: number;
  seed: number;
}

export interface NewWindow {
  extId: string;
  startIndex: number;
  length: number;
  role: SplitRole;
}

export type NewLabelFields = Partial<LabelFields> &
  Pick<LabelFields, 'startTime' | 'endTime' | 'type'> & {
    /** When the span was labelled, if not now (imports keep a file's labelledAt: provenance survives a round trip). */
    labelledAt?: number;
  };

export interface HistoryStep {
  description: string;
  /** Windows whose labels changed (to refresh views). */
  windowIds: number[];
}

export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  undoDescription?: string;
  redoDescription?: string;
}

/** A finding as given to replaceFindings: `key` defaults to findingKey(f). */
export type FindingInput = Finding & { key?: string };
export type StoredFinding = Finding & { id: number; status: FindingStatus; key: string };

export interface RunRow {
  id: number;
  model: string;
  /** The training settings as given to createRun (always an object; {} if none were stored). */
  config: Record<string, unknown>;
  status: RunStatus;
  backend: string;
  device: string;
  dataSnapshot: unknown;
  startedAt: number;
  finishedAt: number | null;
  report: unknown | null;
  error: string | null;
}

export interface EpochRow {
  runId: number;
  epoch: number;
  metrics: unknown;
  seconds: number;
}

export interface ModelRow {
  runId: number;
  member: number;
  weights: Uint8Array;
  spec: unknown;
}

export interface PredictionRow {
  runId: number;
  windowId: number;
  probs: Float32Array;
  spans: unknown;
  /** CRF runs: the Viterbi path (1 = in span); null for soft runs and predictions saved before schema v2. */
  viterbi: Uint8Array | null;
  /** Type-head probabilities (order of the run's type names); null before schema v2. */
  typeProbs: Float32Array | null;
}

export interface ReviewDecisionRow {
  windowId: number;
  decision: 'accepted' | 'rejected';
  author: string;
  decidedAt: number;
}

export interface StoreStats {
  series: number;
  bars: number;
  windows: number;
  labels: number;
  labelledWindows: number;
  openFindings: number;
}
