/**
 * THE service contract (issue #10, point 1): per command its argument schema (schemas.ts) and its
 * result type, per event its payload, and the event names and error codes as constants. Written
 * once, here; the handler registry (service.ts) `satisfies` it, so a handler whose result no longer
 * fits is a compile error, and the renderer and every host import it as types (or its constants).
 *
 * Node-free on purpose: this file and everything it imports (types from core/domain, core/review,
 * core/ml/eval, core/import, and the zod schemas) load in a browser, so the renderer can import it.
 * Types whose home module pulls Node (the store, the handlers) are written out here, and the
 * `satisfies` holds those modules to them.
 */
import type { CommandArgs, CommandInput, CommandName } from './schemas.ts';
import type { ErrorCode, Issue, WireError } from './errors.ts';
import type { Finding, FindingStatus, Label, LabelType, ProjectCounts, RunStatus, SeriesInfo, WindowInfo, WindowSetInfo } from '../domain/types.ts';
import type { EpochEvent } from '../ml/eval/types.ts';
import type { RunReport } from '../ml/eval/report.ts';
import type { Comparison } from '../ml/eval/compare.ts';
import type { SimpleSpan } from '../ml/eval/decode.ts';
import type { TrainingCheck } from '../ml/training/preflight.ts';
import type { ReviewDecisionResult, ReviewSummary, ReviewWindowDetail } from '../review/types.ts';
import type { AgreementResult, WindowDisagreement } from '../review/agreement.ts';
import type { Detected, ImportPreview, ImportSettings } from '../import/index.ts';

export type { CommandArgs, CommandInput, CommandName, ErrorCode, Issue, WireError };
export { COMMAND_NAMES, commandSchemas } from './schemas.ts';
export { ERROR_CODES } from './errors.ts';

// --- shared result shapes ---------------------------------------------------------------------

export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  undoDescription?: string;
  redoDescription?: string;
}

export interface HistoryStep {
  description: string;
  /** Windows whose labels changed. */
  windowIds: number[];
}

export type StoredFinding = Finding & { id: number; status: FindingStatus; key: string };

/**
 * What a mutating command changed (issue #10, point 9), so a client applies it without reading again.
 * `complete: false` when the change touched more windows than are sent back (a large import or bulk
 * accept): `windows`, `labels` and `findings.changed` are then empty and the client re-reads.
 */
export interface Change {
  /** Windows whose labels or "reviewed" flag this call changed. */
  windowIds: number[];
  complete: boolean;
  /** Those windows as stored now. */
  windows: WindowInfo[];
  /** Every label of those windows, as stored now (a window missing here has none). */
  labels: Label[];
  findings: {
    /** Findings that involve one of those windows, as stored now (any status); an 'annotators' finding names its two annotators. */
    changed: Array<StoredFinding & AnnotatorFindingFields>;
    /** Ids of findings that involved them before the call and are gone. */
    removedIds: number[];
    /** Open findings of the whole project after the call. */
    open: number;
  };
  /** The calling annotator's undo/redo state after the call. */
  history: HistoryState;
}

/** A mutating command's result: what it returned before, plus the change it caused. */
export type WithChange<T> = T & { change: Change };

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

export interface ProjectInfo {
  path: string;
  series: SeriesInfo[];
  windowSets: WindowSetInfo[];
  labelTypes: LabelType[];
  counts: ProjectCounts;
  history: HistoryState;
}

export interface ImportResult {
  series: SeriesInfo;
  warnings: string[];
  detected: Detected;
  /** The settings the file was read with (given, or reused from the series' last import). */
  settings: ImportSettings | null;
}

export interface LabelsImportResult {
  seriesImported: string[];
  windows: number;
  spans: number;
  openConflicts: number;
}

export interface TextFile {
  fileName: string;
  text: string;
}

/** One row of `runs.list`. */
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

/** `runs.get`: the stored run row with its epochs. */
export interface RunDetail {
  id: number;
  model: string;
  config: Record<string, unknown>;
  status: RunStatus;
  backend: string;
  device: string;
  dataSnapshot: unknown;
  startedAt: number;
  finishedAt: number | null;
  report: RunReport | null;
  error: string | null;
  epochs: { runId: number; epoch: number; metrics: EpochEvent; seconds: number }[];
}

export interface TrainRunResult {
  runId: number;
  status: 'completed' | 'cancelled' | 'failed';
  backend: string;
  device: string;
  report: RunReport | null;
  error: string | null;
}

/** `train.start`: the run that started now; `queued` the model that starts after it (train "both"). */
export interface TrainStarted {
  runId: number;
  backend: string;
  device: string;
  queued: 'soft' | 'crf' | null;
}

export interface PredictedSpan extends SimpleSpan {
  startTime: number;
  endTime: number;
  type: string;
  score: number;
}

export interface SetDeletionImpact {
  setId: number;
  seriesId: string;
  windows: number;
  labelledWindows: number;
  spans: number;
  openFindings: number;
  runs: number[];
}
export interface RunDeletionImpact {
  runId: number;
  status: string;
  epochs: number;
  predictions: number;
  reviewDecisions: number;
}
export interface SeriesDeletionImpact {
  seriesId: string;
  bars: number;
  sets: SetDeletionImpact[];
}

/** NaN figures arrive as null over JSON. */
export interface AgreementReport extends Omit<AgreementResult, 'disagreements'> {
  disagreements: Array<WindowDisagreement & { setId: number }>;
  setId: number | null;
  sharedWindows: number;
  spansByAnnotator: Record<string, number>;
  minIou: number;
}

export interface BulkAcceptResult {
  runId: number;
  setId: number;
  minScore: number;
  windowIds: number[];
  spans: number;
  accepted: boolean;
  newConflicts: number;
}

export interface DemoResult {
  seriesId: string;
  setId: number;
  bars: number;
  windows: number;
  unlabelledWindows: number;
  spans: number;
  plantedContradictions: number;
  truthSpans: number;
  openConflicts: number;
}

/** conflicts.list adds these to a finding of kind 'annotators': its two annotators (A, B). */
export interface AnnotatorFindingFields {
  annotators?: [string, string];
}

/** annotators.list / annotators.setSeniority (handlers/agreement.ts). */
export interface AnnotatorsInfo {
  /** Annotators with spans in the project, by name. */
  annotators: Array<{ annotator: string; spans: number; windows: number }>;
  /** Most senior first; breaks consensus ties that confidence leaves open. Empty: by name. */
  seniority: string[];
}

// --- per command, its result ------------------------------------------------------------------

export interface CommandResults {
  'project.info': ProjectInfo;
  'series.import': ImportResult;
  'series.importText': ImportResult;
  'series.list': SeriesInfo[];
  'bars.read': BarsChunk;
  'windows.create': WindowSetInfo;
  'windows.list': WindowInfo[];
  'windows.setReviewed': WithChange<{ windowId: number; reviewed: boolean }>;
  'labels.list': Label[];
  'labels.add': WithChange<Label>;
  'labels.update': WithChange<Label>;
  'labels.delete': WithChange<{ id: number }>;
  'labels.undo': WithChange<{ step: HistoryStep | null; history: HistoryState }>;
  'labels.redo': WithChange<{ step: HistoryStep | null; history: HistoryState }>;
  'labels.history': HistoryState;
  'labels.import': LabelsImportResult;
  'labels.export': { path: string; format: string; windows: number; spans: number };
  'labels.importText': LabelsImportResult;
  'labels.exportText': TextFile & { windows: number; spans: number };
  'labelTypes.list': LabelType[];
  'labelTypes.set': LabelType[];
  'conflicts.check': StoredFinding[];
  'conflicts.list': Array<StoredFinding & AnnotatorFindingFields>;
  'conflicts.resolve': WithChange<{ findingId: number; status: FindingStatus; changedWindows: number[] }>;
  'demo.create': DemoResult;
  'train.run': TrainRunResult;
  'train.start': TrainStarted;
  'train.cancel': { runId: number; cancelling: boolean };
  'train.check': TrainingCheck;
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.compare': { json: Comparison; markdown: string };
  'runs.exportReport': TextFile;
  'runs.predict': { runId: number; windows: number; spans: number; predictions: { windowId: number; spans: PredictedSpan[] }[] };
  'review.summary': ReviewSummary;
  'review.window': ReviewWindowDetail;
  'review.accept': WithChange<ReviewDecisionResult>;
  'review.reject': WithChange<ReviewDecisionResult>;
  'series.preview': ImportPreview;
  'series.cancelImport': { cancelled: boolean };
  'series.exportText': { seriesId: string; barCount: number; text: string };
  'series.resample': { series: SeriesInfo; from: string; to: string; sessionTz: string };
  'review.confirm': WithChange<{ windowId: number; confirmedLabelIds: number[]; confirmedNoSpan: boolean; unconfirmed: number }>;
  'agreement.compute': AgreementReport;
  'labels.overlapping': { windows: WindowInfo[]; labels: Label[] };
  'windows.deleteSet': { deleted: boolean; impact: SetDeletionImpact };
  'runs.delete': { deleted: boolean; impact: RunDeletionImpact };
  'series.delete': { deleted: boolean; impact: SeriesDeletionImpact };
  'names.list': { sets: Record<number, string>; runs: Record<number, string> };
  'windows.renameSet': { setId: number; name: string | null };
  'runs.rename': { runId: number; name: string | null };
  'runs.exportPredictions': TextFile & { windows: number; spans: number };
  'series.rename': { from: string; to: string; setIds: number[] };
  'review.acceptAbove': WithChange<BulkAcceptResult>;
  // issue #12, point 4: several annotators
  'annotators.list': AnnotatorsInfo;
  'annotators.setSeniority': AnnotatorsInfo;
}

export type CommandResult<K extends CommandName> = CommandResults[K];

/** The shape a handler registry must have: every command, each returning its contract result. */
export type HandlerMap<Ctx> = { [K in CommandName]: (ctx: Ctx, args: CommandArgs<K>) => CommandResults[K] | Promise<CommandResults[K]> };

// --- events -----------------------------------------------------------------------------------

/** Every event the service pushes, in one list (hosts forward them; TypedEmitter.onAny walks it). */
export const EVENT_NAMES = [
  'progress',
  'labels.changed',
  'findings.changed',
  'series.changed',
  'windows.changed',
  'training.started',
  'training.epoch',
  'training.finished',
  'training.queued',
  'review.changed',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** Payloads as handlers emit them (the emitter adds the Origin fields). */
export interface EventPayloads {
  /** A long task moved forward. `fraction` in [0, 1]; `task` names it for the UI. */
  progress: { task: string; fraction: number; message?: string };
  /** Labels of these windows changed (add/update/delete/undo/redo/import/resolve). */
  'labels.changed': { windowIds: number[] };
  /** Findings were recomputed; `open` is the new count of open findings. */
  'findings.changed': { open: number };
  'series.changed': { seriesId: string };
  'windows.changed': { setId: number };
  /** A run's row exists and its worker is training; `backend`/`device` say what runs it. */
  'training.started': { runId: number; backend: string; device: string };
  /** One finished training epoch of a run. */
  'training.epoch': { runId: number; member: number; epoch: number; epochs: number; metrics: EpochEvent; etaSeconds: number | null };
  'training.finished': { runId: number; status: Exclude<RunStatus, 'running'> };
  /**
   * Train "both": the second model's run, queued behind `afterRunId`, started (`runId`) or was dropped
   * (`runId: null`, with the reason: the first run did not complete, or the second could not start).
   */
  'training.queued': { afterRunId: number; model: 'soft' | 'crf'; runId: number | null; reason: string | null };
  /** Review decisions on these windows' predictions changed (accept / reject). */
  'review.changed': { runId: number; windowIds: number[] };
}

/**
 * Stamped on every event by the service's emitter: `seq` increases by one per event of this open
 * project (a client seeing a jump missed events and reads again), `clientId` is the connection whose
 * call caused it (null: the CLI, the host itself, or a run's worker after its caller is gone), so a
 * client skips its own echoes.
 */
export interface Origin {
  seq: number;
  clientId: string | null;
}

export type ServiceEvents = { [K in EventName]: EventPayloads[K] & Origin };

/** A client id as hosts accept it from a connection (HTTP header, socket subprotocol, IPC payload). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const CLIENT_ID_HEADER = 'x-candlemark-client';

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}
