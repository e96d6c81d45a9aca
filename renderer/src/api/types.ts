/**
 * The renderer's view of the service API's types. Argument types come straight from the zod
 * schemas (type-only import: erased at build time). Result types are written out here because
 * core/service/service.ts pulls Node modules into the type graph. `npm run typecheck` holds them
 * to the handlers' real results (test/service/result-types.test.ts names any command that drifts).
 */
import type { CommandInput, CommandName } from '../../../core/service/schemas.ts';
import type { EventName, ServiceEvents } from '../../../core/service/events.ts';
import type { Issue, WireError } from '../../../core/service/errors.ts';
import type { Finding, FindingStatus, Label, LabelType, ProjectCounts, SeriesInfo, WindowInfo, WindowSetInfo } from '../../../core/domain/types.ts';

export type { CommandInput, CommandName, EventName, ServiceEvents, Issue, WireError };
export type { Finding, Label, LabelType, SeriesInfo, WindowInfo, WindowSetInfo };
export type { EpochEvent, TaskName, TaskValues } from '../../../core/ml/eval/types.ts';
export type { RunReport, SweepPoint } from '../../../core/ml/eval/report.ts';
export type { Comparison, MatrixRow } from '../../../core/ml/eval/compare.ts';
import type { RunReport } from '../../../core/ml/eval/report.ts';
import type { Comparison } from '../../../core/ml/eval/compare.ts';
import type { RunStatus } from '../../../core/domain/types.ts';
export type { RunStatus };

/** One row of `runs.list` (core/service/handlers/training.ts listRuns). */
export interface RunSummary {
  id: number;
  model: string;
  status: RunStatus;
  backend: string;
  device: string;
  config: Record<string, unknown>;
  startedAt: number;
  finishedAt: number | null;
  epochs: number;
  spanF1: number | null;
  /** What it trained on: window set, train/validation windows, labels (null for runs without a snapshot). */
  data: { setId: number; trainWindows: number; valWindows: number; labels: number } | null;
  error: string | null;
}

/** `runs.get`: the stored run row with its epochs (metrics = EpochEvent). */
export interface RunDetail {
  id: number;
  model: string;
  config: Record<string, unknown>;
  status: RunStatus;
  backend: string;
  device: string;
  startedAt: number;
  finishedAt: number | null;
  report: RunReport | null;
  error: string | null;
  epochs: { runId: number; epoch: number; metrics: unknown; seconds: number }[];
}

export type StoredFinding = Finding & { id: number; status: FindingStatus; key: string };

export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  undoDescription?: string;
  redoDescription?: string;
}

export interface ProjectInfo {
  path: string;
  series: SeriesInfo[];
  windowSets: WindowSetInfo[];
  labelTypes: LabelType[];
  counts: ProjectCounts;
  history: HistoryState;
}

export interface BarsChunk {
  seriesId: string;
  from: number;
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[] | null;
}

/** Results of the commands the renderer uses (others fall back to unknown). */
export interface KnownResults {
  'project.info': ProjectInfo;
  'series.list': SeriesInfo[];
  'series.importText': { series: SeriesInfo; warnings: string[] };
  'bars.read': BarsChunk;
  'windows.create': WindowSetInfo;
  'windows.list': WindowInfo[];
  'windows.setReviewed': { windowId: number; reviewed: boolean };
  'labels.list': Label[];
  'labels.add': Label;
  'labels.update': Label;
  'labels.delete': { id: number };
  'labels.undo': { step: unknown; history: HistoryState };
  'labels.redo': { step: unknown; history: HistoryState };
  'labels.history': HistoryState;
  'labels.importText': { seriesImported: string[]; windows: number; spans: number; openConflicts: number };
  'labels.exportText': { fileName: string; text: string; windows: number; spans: number };
  'labelTypes.list': LabelType[];
  'conflicts.list': StoredFinding[];
  'conflicts.resolve': { findingId: number; status: FindingStatus; changedWindows: number[] };
  'demo.create': unknown;
  'train.start': { runId: number; backend: string; device: string };
  'train.cancel': { runId: number; cancelling: boolean };
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.compare': { json: Comparison; markdown: string };
  'runs.exportReport': { fileName: string; text: string };
  // train.check (issue #9): whether Retrain can start on a set, with the counts (core/ml/training/preflight.ts).
  'train.check': TrainingCheck;
}

/** Defined once, in core (preflight.ts is pure); the renderer takes it as a type. */
export type { TrainingCheck } from '../../../core/ml/training/preflight.ts';
import type { TrainingCheck } from '../../../core/ml/training/preflight.ts';

export type Result<K extends CommandName> = K extends keyof KnownResults ? KnownResults[K] : unknown;

// --- Review of a run's predictions (core/review/types.ts; handlers/review.ts) ---------------------
export type { ReviewDecision, ReviewDecisionResult, ReviewMatch, ReviewSpan, ReviewStatus, ReviewSummary, ReviewWindowDetail, ReviewWindowRow } from '../../../core/review/types.ts';
import type { ReviewDecisionResult, ReviewSummary, ReviewWindowDetail } from '../../../core/review/types.ts';

/** Results of the review commands (declaration merging: adds to KnownResults above). */
export interface KnownResults {
  'review.summary': ReviewSummary;
  'review.window': ReviewWindowDetail;
  'review.accept': ReviewDecisionResult;
  'review.reject': ReviewDecisionResult;
}

// ---- issue 13: the import dialog (series.preview, cancel, export, resample) ----------------------
export type { Detected, DetectedColumn, ImportSettings, ImportPreview } from '../../../core/import/index.ts';
import type { ImportPreview as Preview } from '../../../core/import/index.ts';
export interface KnownResults {
  'series.preview': Preview;
  'series.cancelImport': { cancelled: boolean };
  'series.exportText': { seriesId: string; barCount: number; text: string };
  'series.resample': { series: SeriesInfo; from: string; to: string; sessionTz: string };
}

/** Issue #12: confirming model-written labels (declaration merging: adds to KnownResults above). */
export interface KnownResults {
  'review.confirm': { windowId: number; confirmedLabelIds: number[]; confirmedNoSpan: boolean; unconfirmed: number };
}

/** Issue #12: agreement between annotators (core/service/handlers/agreement.ts; NaN figures arrive as null). */
export interface AgreementPairRow {
  a: string;
  b: string;
  windows: number;
  spanF1: number | null;
  kappa: number | null;
}
export interface KnownResults {
  'agreement.compute': {
    annotators: string[];
    pairs: AgreementPairRow[];
    vsConsensus: Array<{ annotator: string; windows: number; spanF1: number | null; kappa: number | null }>;
    alpha: number | null;
    disagreements: Array<{ windowId: number; setId: number; annotators: string[]; bars: number }>;
    setId: number | null;
    sharedWindows: number;
    spansByAnnotator: Record<string, number>;
    minIou: number;
  };
}

// --- Issue 14: context while labelling (core/service/handlers/overlapping.ts) ---------------------
/** Results of the issue-14 commands (declaration merging: adds to KnownResults above). */
export interface KnownResults {
  'labels.overlapping': { windows: WindowInfo[]; labels: Label[] };
  'windows.deleteSet': { deleted: boolean; impact: { setId: number; seriesId: string; windows: number; labelledWindows: number; spans: number; openFindings: number; runs: number[] } };
  'runs.delete': { deleted: boolean; impact: { runId: number; status: string; epochs: number; predictions: number; reviewDecisions: number } };
  'series.delete': { deleted: boolean; impact: { seriesId: string; bars: number; sets: KnownResults['windows.deleteSet']['impact'][] } };
  'names.list': { sets: Record<number, string>; runs: Record<number, string> };
  'windows.renameSet': { setId: number; name: string | null };
  'runs.rename': { runId: number; name: string | null };
  'runs.exportPredictions': { fileName: string; text: string; windows: number; spans: number };
}

// --- Issue 14 (h14b): rename a series (core/store/manage.ts renameSeries) -------------------------
export interface KnownResults {
  'series.rename': { from: string; to: string; setIds: number[] };
}
export interface KnownResults {
  'review.acceptAbove': { runId: number; setId: number; minScore: number; windowIds: number[]; spans: number; accepted: boolean; newConflicts: number };
}

// --- Issue #12, point 4: several annotators (core/service/handlers/agreement.ts, conflicts.ts) -----
/** conflicts.list adds these to a finding of kind 'annotators': its two annotators (A, B). */
export interface AnnotatorFindingFields {
  annotators?: [string, string];
}
export interface AnnotatorsInfo {
  annotators: Array<{ annotator: string; spans: number; windows: number }>;
  /** Most senior first; breaks consensus ties that confidence leaves open. */
  seniority: string[];
}
export interface KnownResults {
  'annotators.list': AnnotatorsInfo;
  'annotators.setSeniority': AnnotatorsInfo;
}
