/**
 * The run report's shape (schema candlemark.run-report/2): what `candlemark evaluate --json` prints
 * and the inputs report.ts builds it from. Types only, besides the schema constants.
 */
import type { CrossValidationReport } from './cross-validation.ts';
import type { Calibration, PRF } from './metrics.ts';
import type { LossSummary, OverfitResult } from './curves.ts';
import type { BaselineFigures } from './baselines.ts';
import type { StitchedScore, WindowPosition } from './stitch.ts';
import type { Reliability, TemperatureReport } from './calibration.ts';
import type { HeadlineFigures } from './headline.ts';
import type { EpochEvent, EvalTruth, PredLike, TaskName, TaskValues } from './types.ts';

/** v2: test block + headline with intervals, span-only criterion, closed-form task weights, normalised labels. */
export const REPORT_SCHEMA = 'candlemark.run-report/2';
export const REPORT_VERSION = 3;
/** Schemas this code reads (v1 reports lack the fields marked "v2"). */
export type ReportSchema = typeof REPORT_SCHEMA | 'candlemark.run-report/1';

/** Losses measured once at initialisation (epoch 0), before any update. */
export interface InitialEval {
  trainLoss: number;
  valLoss: number;
  trainTask: TaskValues;
  valTask: TaskValues;
  sigmas: TaskValues;
  taskWeights: TaskValues;
  valBarF1: number;
}

export interface MemberResult {
  seed: number;
  initial: InitialEval;
  epochs: EpochEvent[];
  /** Epoch whose weights were kept (by valCriterion; 0 = initialisation). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

export interface SetPredictions {
  truth: EvalTruth[];
  /** Predictions of the kept (best-epoch) model, ensemble-averaged. */
  pred: PredLike[];
  /** Predictions of the same model at initialisation (untrained baseline). */
  untrained: PredLike[];
}

export interface ReportInput {
  runId?: number | null;
  model: { head: 'soft' | 'crf'; encoder: string; hidden: number; featureCount: number; windowLength: number; typeCount: number; features?: string[] };
  config: Record<string, unknown>;
  backend: string;
  device: string;
  typeNames: string[];
  members: MemberResult[];
  train: SetPredictions;
  val: SetPredictions;
  /** The held-out test block (v2); absent or empty = no test block (the headline is then on validation). */
  test?: SetPredictions;
  /** What the dataset left out and why (v2). */
  dataset?: {
    skipped: Record<string, number>;
    notes: string[];
    contradictions?: { mode: string; openFindings: number; windowsAffected: number; barsAffected: number };
  };
  /** Where each validation/test window sits in its series (v2: series-level stitched scoring). */
  positions?: { val: WindowPosition[]; test?: WindowPosition[] };
  /** Baselines scored outside (they need bars/features): rule heuristic, per-bar logistic regression (v2). */
  extraBaselines?: { rule?: BaselineFigures; logistic?: BaselineFigures };
  /** Wall-clock seconds of the whole training (all members). */
  seconds: number;
  decode?: { minLength: number; mergeGap: number };
  thresholds?: number[];
  iou?: number;
  pointerK?: number;
  overfit?: { minEpochs?: number; smoothing?: number };
}

export interface SweepPoint {
  threshold: number;
  barF1: number;
  spanF1: number;
}

export interface ModelMetrics {
  /**
   * Where the soft head's thresholds were chosen: 'validation' (runs with a test block, since
   * 2026-12-05: the kept model's validation predictions, where the epoch is chosen too; the test
   * block never sees a choice) or 'train' (runs without a test block, and older reports). Never on
   * the windows the figure is reported on, except `val` below when chosenOn is 'validation'.
   */
  threshold: { chosenOn: 'train' | 'validation'; bar: number; span: number };
  /**
   * Metrics on the evaluated set at those thresholds: bar at threshold.bar, span at threshold.span.
   * On validation with chosenOn 'validation' they are as optimistic as valTunedOptimistic (the
   * headline is then on the test block).
   */
  val: { bar: PRF; span: PRF; barF1At05: number };
  /** Training metrics at the same thresholds (for the generalisation gap). */
  train: { barF1: number; spanF1: number };
  /** Optimistic figures: threshold tuned on validation itself. Reported for reference only. */
  valTunedOptimistic: { barThreshold: number; barF1: number; spanThreshold: number; spanF1: number };
  /** CRF only: Viterbi decoding (no threshold). */
  viterbi: { val: { bar: PRF; span: PRF }; train: { barF1: number; spanF1: number } } | null;
  /** The decoder used for the headline figure: 'threshold' (soft) or 'viterbi' (crf). */
  headline: { decoder: 'threshold' | 'viterbi'; barF1: number; spanF1: number };
  calibration: Calibration;
  /** v2: reliability diagram (10 bins), ECE and Brier score of the span probability on the evaluated set. */
  reliability?: Reliability;
  pointer: { start: number; end: number; both: number; windows: number; k: number };
  type: { accuracy: number; windows: number };
  countdown: { mae: number; bars: number };
  sweep: { train: SweepPoint[]; val: SweepPoint[] };
}

export interface Curves {
  /** 0 = initialisation, then 1..E. Values are means over ensemble members that reached the epoch. */
  epoch: number[];
  trainLoss: number[];
  valLoss: number[];
  trainUnweighted: number[];
  valUnweighted: number[];
  /** The best-epoch criterion (unweighted span loss; v1 reports: span + countdown). */
  trainCriterion: number[];
  valCriterion: number[];
  valBarF1: number[];
  valTask: Record<TaskName, number[]>;
  trainTask: Record<TaskName, number[]>;
  sigmas: Record<TaskName, number[]>;
  taskWeights: Record<TaskName, number[]>;
  seconds: number[];
}

/** v2: the figure an analyst reads first, with its interval, and validation beside it. */
export interface ReportHeadline extends HeadlineFigures {
  /** Which windows the headline is on: the held-out test block, or validation when there is none. */
  on: 'test' | 'validation';
  decoder: 'threshold' | 'viterbi';
  validation: HeadlineFigures;
  test: HeadlineFigures | null;
}

export interface RunReport {
  schema: ReportSchema;
  /** v2 and later (absent in v1 reports). */
  version?: number;
  runId: number | null;
  /** v2: headline on the test block (validation beside it); read through reportHeadline() for v1 too. */
  headline?: ReportHeadline;
  /** v2: metrics on the held-out test block (thresholds chosen on validation; on train before 2026-12-05), null without a test block. */
  test?: {
    windows: number;
    metrics: ModelMetrics;
    baselines: { untrained: ModelMetrics | null; allSpan: { prevalence: number; barF1: number; spanF1: number } };
  } | null;
  /** v2: series-level scores: overlapping windows stitched so each bar and span counts once. */
  seriesLevel?: { validation: StitchedScore; test: StitchedScore | null } | null;
  /** v2: temperature scaling of the span probability, fitted on validation, judged on the test block. */
  temperature?: TemperatureReport;
  /** v3: walk-forward cross-validation (per fold, mean and spread); absent/null for holdout runs and older reports. */
  crossValidation?: CrossValidationReport | null;
  /** v2: windows left out and why (other length, excluded, unlabelled, purged, unscored) and remarks. */
  dataset?: {
    skipped: Record<string, number>;
    notes: string[];
    contradictions?: { mode: string; openFindings: number; windowsAffected: number; barsAffected: number };
  };
  model: ReportInput['model'] & { ensemble: number; seeds: number[] };
  config: Record<string, unknown>;
  backend: string;
  device: string;
  data: { trainWindows: number; valWindows: number; trainPrevalence: number; valPrevalence: number; typeNames: string[] };
  timing: { totalSeconds: number; epochsRun: number; secondsPerEpoch: number; stoppedEarly: boolean };
  /** truthNormalised (v2): labelled spans are post-processed like predictions before matching. */
  decode: { minLength: number; mergeGap: number; iou: number; thresholds: number[]; truthNormalised?: boolean };
  /** Validation metrics (the epoch was chosen on validation losses: the test block is the honest figure). */
  metrics: ModelMetrics;
  baselines: {
    /** The same architecture and seeds at initialisation, evaluated exactly like the trained model. */
    untrained: ModelMetrics;
    /** Predict every bar as in-span: bar F1 = 2p/(1+p) with p = validation prevalence. */
    allSpan: { prevalence: number; barF1: number; spanF1: number };
    /** v2: the demo's expansion rule over the whole series (eval/baselines.ts). */
    rule?: BaselineFigures;
    /** v2: per-bar logistic regression on the same features, threshold chosen on train. */
    logistic?: BaselineFigures;
  };
  loss: {
    /** The best-epoch criterion: unweighted validation span loss ('span+countdown' in v1 reports). */
    criterion: 'span' | 'span+countdown';
    /**
     * Summary of the span-loss curve; start = epoch 0 (initialisation). Its bestEpoch is the kept epoch
     * in reports without `keptBy` (before 2026-12-05); with keptBy 'span-f1' it is only where the loss
     * was lowest, and `keptEpoch` is the epoch kept.
     */
    valCriterion: LossSummary;
    /** v3 (2026-12-05): how the kept epoch was chosen (training/epoch-criterion.ts); absent = 'span-loss'. */
    keptBy?: 'span-f1' | 'span-loss';
    /** v3: the kept epoch (an ensemble: the median of its members'); absent = valCriterion.bestEpoch. */
    keptEpoch?: number;
    /** Same for the sum of all four unweighted validation losses (information; pointer/type overfit first). */
    valUnweighted: LossSummary;
    /** Same epochs, weighted objective (can be negative; for information only). */
    valWeighted: { start: number; final: number; atBest: number };
    train: { startUnweighted: number; finalUnweighted: number; startWeighted: number; finalWeighted: number };
    /** Per task, unweighted validation: start, final, value at the best epoch. */
    perTask: Record<TaskName, { start: number; final: number; atBest: number; normalisedReduction: number }>;
    /** Span-task loss at the best epoch relative to the prevalence entropy H(p) of the training labels. */
    spanVsEntropy: { prevalenceEntropy: number; spanLossAtBest: number; ratio: number };
    /** Epochs to reach 90% of the start→best reduction of valCriterion. */
    epochsTo90: number;
  };
  /** Validation criterion rising while the training criterion falls. */
  overfitting: OverfitResult;
  /** The same test on the all-task unweighted sums. */
  overfittingAllTasks: OverfitResult;
  uncertainty: { final: { sigmas: TaskValues; taskWeights: TaskValues }; atBest: { sigmas: TaskValues; taskWeights: TaskValues } };
  members: { seed: number; bestEpoch: number; epochsRun: number; stoppedEarly: boolean; bestValCriterion: number }[];
  curves: Curves;
}
