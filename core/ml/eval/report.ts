/**
 * The run report: everything `candlemark evaluate --json` prints. Built from epoch events,
 * predictions on train and validation (trained and untrained) and the ground truth. Pure JS.
 */
import { DEFAULT_DECODE, decodeSpans, type SimpleSpan } from './decode.ts';
import {
  calibration,
  countdownMAE,
  defaultThresholds,
  pointerHitRate,
  prevalence,
  prevalenceBaseline,
  prevalenceEntropy,
  scoreAtThreshold,
  scoreViterbi,
  sweepThresholds,
  typeAccuracy,
  type Calibration,
  type PRF,
} from './metrics.ts';
import { detectOverfitting, epochsToFraction, summariseLoss, type LossSummary, type OverfitResult } from './curves.ts';
import type { BaselineFigures } from './baselines.ts';
import { scoreStitched, type StitchedScore, type WindowPosition } from './stitch.ts';
import { reliability, temperatureReport, type Reliability, type TemperatureReport } from './calibration.ts';
import { headlineCounts, headlineFigures, normaliseTruthSpans, type HeadlineFigures } from './headline.ts';
import type { CrossValidationReport } from './cross-validation.ts';
import { CRITERION, TASKS, criterionOf, type EpochEvent, type EvalTruth, type PredLike, type TaskName, type TaskValues } from './types.ts';

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
  dataset?: { skipped: Record<string, number>; notes: string[]; contradictions?: { mode: string; openFindings: number; windowsAffected: number; barsAffected: number } };
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
  /** Thresholds chosen on TRAINING predictions (never on validation). */
  threshold: { chosenOn: 'train'; bar: number; span: number };
  /** Validation metrics at the train-chosen thresholds: bar at threshold.bar, span at threshold.span. */
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
  /** v2: metrics on the held-out test block (thresholds chosen on train), null without a test block. */
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
  dataset?: { skipped: Record<string, number>; notes: string[]; contradictions?: { mode: string; openFindings: number; windowsAffected: number; barsAffected: number } };
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
    /** Summary of the criterion; bestEpoch is the kept epoch. start = epoch 0 (initialisation). */
    valCriterion: LossSummary;
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

const toPoints = (s: ReturnType<typeof sweepThresholds>): SweepPoint[] =>
  s.points.map((p) => ({ threshold: p.threshold, barF1: p.bar.f1, spanF1: p.span.f1 }));

/** Evaluate one set of predictions: thresholds chosen on train, figures reported on validation. */
export function evaluatePredictions(
  trainTruth: EvalTruth[],
  trainPred: PredLike[],
  valTruth: EvalTruth[],
  valPred: PredLike[],
  opts: { head: 'soft' | 'crf'; decode?: { minLength: number; mergeGap: number }; thresholds?: number[]; iou?: number; pointerK?: number },
): ModelMetrics {
  const decode = opts.decode ?? DEFAULT_DECODE;
  const thresholds = opts.thresholds ?? defaultThresholds();
  const iouMin = opts.iou ?? 0.5;
  const tMasks = trainTruth.map((t) => t.mask);
  const tSpans = trainTruth.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode));
  const vMasks = valTruth.map((t) => t.mask);
  const vSpans = valTruth.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode));
  const tProbs = trainPred.map((p) => p.spanProb);
  const vProbs = valPred.map((p) => p.spanProb);

  const trainSweep = sweepThresholds(tProbs, tMasks, tSpans, decode, thresholds, iouMin);
  const valSweep = sweepThresholds(vProbs, vMasks, vSpans, decode, thresholds, iouMin);
  const thBar = trainSweep.bestBarThreshold;
  const thSpan = trainSweep.bestSpanThreshold;
  const valAtBar = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: thBar }, iouMin);
  const valAtSpan = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: thSpan }, iouMin);
  const valAt05 = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: 0.5 }, iouMin);
  const trainAtBar = trainSweep.points.find((p) => p.threshold === thBar);
  const trainAtSpan = trainSweep.points.find((p) => p.threshold === thSpan);
  const vtBar = valSweep.points.find((p) => p.threshold === valSweep.bestBarThreshold);
  const vtSpan = valSweep.points.find((p) => p.threshold === valSweep.bestSpanThreshold);

  let viterbi: ModelMetrics['viterbi'] = null;
  if (opts.head === 'crf' && valPred.every((p) => p.viterbi) && trainPred.every((p) => p.viterbi)) {
    const vv = scoreViterbi(valPred.map((p) => p.viterbi as ArrayLike<number>), vMasks, vSpans, decode.minLength, decode.mergeGap, iouMin);
    const tv = scoreViterbi(trainPred.map((p) => p.viterbi as ArrayLike<number>), tMasks, tSpans, decode.minLength, decode.mergeGap, iouMin);
    viterbi = { val: vv, train: { barF1: tv.bar.f1, spanF1: tv.span.f1 } };
  }
  const headline = viterbi
    ? { decoder: 'viterbi' as const, barF1: viterbi.val.bar.f1, spanF1: viterbi.val.span.f1 }
    : { decoder: 'threshold' as const, barF1: valAtBar.bar.f1, spanF1: valAtSpan.span.f1 };

  return {
    threshold: { chosenOn: 'train', bar: thBar, span: thSpan },
    val: { bar: valAtBar.bar, span: valAtSpan.span, barF1At05: valAt05.bar.f1 },
    train: { barF1: trainAtBar?.bar.f1 ?? 0, spanF1: trainAtSpan?.span.f1 ?? 0 },
    valTunedOptimistic: {
      barThreshold: valSweep.bestBarThreshold,
      barF1: vtBar?.bar.f1 ?? 0,
      spanThreshold: valSweep.bestSpanThreshold,
      spanF1: vtSpan?.span.f1 ?? 0,
    },
    viterbi,
    headline,
    calibration: calibration(vProbs, vMasks, 20),
    reliability: reliability(vProbs, vMasks),
    pointer: pointerHitRate(valPred.map((p) => p.startProb), valPred.map((p) => p.endProb), valTruth, opts.pointerK ?? 3),
    type: typeAccuracy(valPred.map((p) => p.typeProb), valTruth),
    countdown: countdownMAE(valPred.map((p) => p.countdown), valTruth.map((t) => t.countdown), vMasks),
    sweep: { train: toPoints(trainSweep), val: toPoints(valSweep) },
  };
}

/** Spans decoded the way the report decodes them (threshold for soft, Viterbi for CRF). */
export function decodeForReport(pred: PredLike, head: 'soft' | 'crf', threshold: number, decode = DEFAULT_DECODE): SimpleSpan[] {
  if (head === 'crf' && pred.viterbi) {
    const flags = Array.from(pred.viterbi, (v) => (v > 0 ? 1 : 0));
    return decodeSpans(flags, { threshold: 0.5, ...decode });
  }
  return decodeSpans(pred.spanProb, { threshold, ...decode });
}

function taskZeros(): TaskValues {
  return { pointer: 0, type: 0, span: 0, countdown: 0 };
}
function taskArrays(): Record<TaskName, number[]> {
  return { pointer: [], type: [], span: [], countdown: [] };
}

/** Mean curves over members; index 0 = initialisation. */
export function meanCurves(members: MemberResult[]): Curves {
  const c: Curves = {
    epoch: [],
    trainLoss: [],
    valLoss: [],
    trainUnweighted: [],
    valUnweighted: [],
    trainCriterion: [],
    valCriterion: [],
    valBarF1: [],
    valTask: taskArrays(),
    trainTask: taskArrays(),
    sigmas: taskArrays(),
    taskWeights: taskArrays(),
    seconds: [],
  };
  const maxE = Math.max(0, ...members.map((m) => m.epochs.length));
  const sum = (a: TaskValues) => TASKS.reduce((s, k) => s + a[k], 0);
  for (let e = 0; e <= maxE; e++) {
    const rows = members
      .map((m) => {
        if (e === 0) {
          const i = m.initial;
          return {
            trainLoss: i.trainLoss,
            valLoss: i.valLoss,
            trainTask: i.trainTask,
            valTask: i.valTask,
            trainUnweighted: sum(i.trainTask),
            valUnweighted: sum(i.valTask),
            trainCriterion: criterionOf(i.trainTask),
            valCriterion: criterionOf(i.valTask),
            sigmas: i.sigmas,
            taskWeights: i.taskWeights,
            valBarF1: i.valBarF1,
            seconds: 0,
          };
        }
        const ev = m.epochs[e - 1];
        return ev ? { ...ev, trainCriterion: criterionOf(ev.trainTask), valCriterion: criterionOf(ev.valTask) } : undefined;
      })
      .filter((r): r is NonNullable<typeof r> => r !== undefined);
    if (rows.length === 0) break;
    const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
    c.epoch.push(e);
    c.trainLoss.push(mean((r) => r.trainLoss));
    c.valLoss.push(mean((r) => r.valLoss));
    c.trainUnweighted.push(mean((r) => r.trainUnweighted));
    c.valUnweighted.push(mean((r) => r.valUnweighted));
    c.trainCriterion.push(mean((r) => r.trainCriterion));
    c.valCriterion.push(mean((r) => r.valCriterion));
    c.valBarF1.push(mean((r) => r.valBarF1));
    c.seconds.push(mean((r) => r.seconds));
    for (const k of TASKS) {
      c.valTask[k].push(mean((r) => r.valTask[k]));
      c.trainTask[k].push(mean((r) => r.trainTask[k]));
      c.sigmas[k].push(mean((r) => r.sigmas[k]));
      c.taskWeights[k].push(mean((r) => r.taskWeights[k]));
    }
  }
  return c;
}

const pick = (c: Record<TaskName, number[]>, i: number): TaskValues => {
  const out = taskZeros();
  for (const k of TASKS) out[k] = c[k][i] ?? NaN;
  return out;
};

export function buildReport(input: ReportInput): RunReport {
  const decode = input.decode ?? DEFAULT_DECODE;
  const thresholds = input.thresholds ?? defaultThresholds();
  const iouMin = input.iou ?? 0.5;
  const evalOpts = { head: input.model.head, decode, thresholds, iou: iouMin, pointerK: input.pointerK ?? 3 };
  const metrics = evaluatePredictions(input.train.truth, input.train.pred, input.val.truth, input.val.pred, evalOpts);
  const untrained = evaluatePredictions(input.train.truth, input.train.untrained, input.val.truth, input.val.untrained, evalOpts);
  const vMasks = input.val.truth.map((t) => t.mask);
  const normSpans = (ts: EvalTruth[]) => ts.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode));
  const allSpan = prevalenceBaseline(vMasks, normSpans(input.val.truth), iouMin);
  const countOpts = { head: input.model.head, threshold: { span: metrics.threshold.span, bar: metrics.threshold.bar }, decode, iou: iouMin };
  const valFig = headlineFigures(headlineCounts(input.val.truth, input.val.pred, countOpts));
  let test: RunReport['test'] = null;
  let testFig: HeadlineFigures | null = null;
  if (input.test && input.test.truth.length > 0) {
    const tt = input.test;
    const tm = evaluatePredictions(input.train.truth, input.train.pred, tt.truth, tt.pred, evalOpts);
    const tu = tt.untrained.length === tt.truth.length ? evaluatePredictions(input.train.truth, input.train.untrained, tt.truth, tt.untrained, evalOpts) : null;
    test = { windows: tt.truth.length, metrics: tm, baselines: { untrained: tu, allSpan: prevalenceBaseline(tt.truth.map((t) => t.mask), normSpans(tt.truth), iouMin) } };
    // Same thresholds as validation: both chosen on the training predictions.
    testFig = headlineFigures(headlineCounts(tt.truth, tt.pred, countOpts));
  }
  const headline: ReportHeadline = {
    ...(testFig ?? valFig),
    on: testFig ? 'test' : 'validation',
    decoder: metrics.headline.decoder,
    validation: valFig,
    test: testFig,
  };
  const trainP = prevalence(input.train.truth.map((t) => t.mask));

  const curves = meanCurves(input.members);
  const valSum = summariseLoss(curves.valUnweighted);
  const valCrit = summariseLoss(curves.valCriterion);
  const b = Math.max(0, valCrit.bestEpoch);
  const last = curves.epoch.length - 1;
  const perTask = {} as RunReport['loss']['perTask'];
  for (const k of TASKS) {
    const v = curves.valTask[k];
    const start = v[0];
    perTask[k] = { start, final: v[last], atBest: v[b], normalisedReduction: start !== 0 ? (start - v[b]) / Math.abs(start) : 0 };
  }
  const H = prevalenceEntropy(trainP);
  const spanAtBest = curves.valTask.span[b];
  const epochsRun = Math.max(0, ...input.members.map((m) => m.epochs.length));
  const totalEpochs = input.members.reduce((s, m) => s + m.epochs.length, 0);
  const ofOpts = { minEpochs: input.overfit?.minEpochs ?? 5, smoothing: input.overfit?.smoothing ?? 3, firstEpoch: 1 };
  const overfit = detectOverfitting(curves.trainCriterion.slice(1), curves.valCriterion.slice(1), ofOpts);
  const overfitAll = detectOverfitting(curves.trainUnweighted.slice(1), curves.valUnweighted.slice(1), ofOpts);

  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    runId: input.runId ?? null,
    headline,
    test,
    dataset: input.dataset ?? { skipped: {}, notes: [] },
    seriesLevel: input.positions
      ? {
          validation: scoreStitched(input.val.truth, input.val.pred, input.positions.val, countOpts),
          test: input.test && input.test.truth.length > 0 && input.positions.test ? scoreStitched(input.test.truth, input.test.pred, input.positions.test, countOpts) : null,
        }
      : null,
    temperature: temperatureReport(
      { probs: input.val.pred.map((p) => p.spanProb), truth: vMasks },
      input.test && input.test.truth.length > 0 ? { probs: input.test.pred.map((p) => p.spanProb), truth: input.test.truth.map((t) => t.mask) } : null,
    ),
    model: { ...input.model, ensemble: input.members.length, seeds: input.members.map((m) => m.seed) },
    config: input.config,
    backend: input.backend,
    device: input.device,
    data: {
      trainWindows: input.train.truth.length,
      valWindows: input.val.truth.length,
      trainPrevalence: trainP,
      valPrevalence: allSpan.prevalence,
      typeNames: input.typeNames,
    },
    timing: {
      totalSeconds: input.seconds,
      epochsRun,
      secondsPerEpoch: totalEpochs > 0 ? input.members.flatMap((m) => m.epochs).reduce((s, e) => s + e.seconds, 0) / totalEpochs : 0,
      stoppedEarly: input.members.some((m) => m.stoppedEarly),
    },
    decode: { minLength: decode.minLength, mergeGap: decode.mergeGap, iou: iouMin, thresholds, truthNormalised: true },
    metrics,
    baselines: { untrained, allSpan, ...(input.extraBaselines ?? {}) },
    loss: {
      criterion: CRITERION,
      valCriterion: valCrit,
      valUnweighted: valSum,
      valWeighted: { start: curves.valLoss[0], final: curves.valLoss[last], atBest: curves.valLoss[b] },
      train: {
        startUnweighted: curves.trainUnweighted[0],
        finalUnweighted: curves.trainUnweighted[last],
        startWeighted: curves.trainLoss[0],
        finalWeighted: curves.trainLoss[last],
      },
      perTask,
      spanVsEntropy: { prevalenceEntropy: H, spanLossAtBest: spanAtBest, ratio: H > 0 ? spanAtBest / H : NaN },
      epochsTo90: epochsToFraction(curves.valCriterion, 0.9),
    },
    overfitting: overfit,
    overfittingAllTasks: overfitAll,
    uncertainty: {
      final: { sigmas: pick(curves.sigmas, last), taskWeights: pick(curves.taskWeights, last) },
      atBest: { sigmas: pick(curves.sigmas, b), taskWeights: pick(curves.taskWeights, b) },
    },
    members: input.members.map((m) => ({
      seed: m.seed,
      bestEpoch: m.bestEpoch,
      epochsRun: m.epochs.length,
      stoppedEarly: m.stoppedEarly,
      bestValCriterion: Math.min(criterionOf(m.initial.valTask), ...m.epochs.map((e) => criterionOf(e.valTask))),
    })),
    curves,
  };
}

/**
 * The headline of any report version: v2 reports carry it; for v1 reports it is the validation
 * headline (no test block, no intervals).
 */
export function reportHeadline(r: RunReport): ReportHeadline {
  if (r.headline) return r.headline;
  const h = r.metrics.headline;
  const fig: HeadlineFigures = { windows: r.data.valWindows, spanF1: h.spanF1, barF1: h.barF1, spanCI: null, barCI: null };
  return { ...fig, on: 'validation', decoder: h.decoder, validation: fig, test: null };
}
