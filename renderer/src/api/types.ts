/**
 * The renderer's view of the service API: re-exported from the one contract, core/service/api.ts
 * (Node-free, imported as types here). Nothing is written out by hand: a handler's result type, an
 * event's payload and the error codes are declared there once, and the handlers `satisfy` it.
 */
import type { CommandName, CommandResults } from '../../../core/service/api.ts';

export type {
  AnnotatorFindingFields,
  AnnotatorsInfo,
  BarsChunk,
  Change,
  CommandInput,
  CommandName,
  CommandResults,
  EventName,
  EventPayloads,
  HistoryState,
  HistoryStep,
  Issue,
  Origin,
  ProjectInfo,
  RunDetail,
  RunSummary,
  ServiceEvents,
  StoredFinding,
  TrainStarted,
  WireError,
  WithChange,
} from '../../../core/service/api.ts';
export type { Finding, Label, LabelType, RunStatus, SeriesInfo, WindowInfo, WindowSetInfo } from '../../../core/domain/types.ts';
export type { EpochEvent, TaskName, TaskValues } from '../../../core/ml/eval/types.ts';
export type { RunReport, SweepPoint } from '../../../core/ml/eval/report.ts';
export type { Comparison, MatrixRow } from '../../../core/ml/eval/compare.ts';
export type { TrainingCheck } from '../../../core/ml/training/preflight.ts';
export type {
  ReviewDecision,
  ReviewDecisionResult,
  ReviewMatch,
  ReviewSpan,
  ReviewStatus,
  ReviewSummary,
  ReviewWindowDetail,
  ReviewWindowRow,
} from '../../../core/review/types.ts';
export type { Detected, DetectedColumn, ImportSettings, ImportPreview } from '../../../core/import/index.ts';

/** A command's result, as the contract declares it. */
export type Result<K extends CommandName> = CommandResults[K];
