/**
 * The run report: everything `candlemark evaluate --json` prints. Built from epoch events,
 * predictions on train and validation (trained and untrained) and the ground truth. Pure JS.
 * Its shape (the interfaces and schema constants) is in report-types.ts, re-exported here.
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
} from './metrics.ts';
import { detectOverfitting, epochsToFraction, summariseLoss } from './curves.ts';
import { scoreStitched } from './stitch.ts';
import { reliability, temperatureReport } from './calibration.ts';
import { headlineCounts, headlineFigures, normaliseTruthSpans, type HeadlineFigures } from './headline.ts';
import {
  CRITERION,
  DEFAULT_EPOCH_CRITERION,
  TASKS,
  criterionOf,
  type EpochCriterion,
  type EvalTruth,
  type PredLike,
  type TaskName,
  type TaskValues,
} from './types.ts';
import {
  REPORT_SCHEMA,
  REPORT_VERSION,
  type Curves,
  type MemberResult,
  type ModelMetrics,
  type ReportHeadline,
  type ReportInput,
  type RunReport,
  type SweepPoint,
} from './report-types.ts';

export * from './report-types.ts';

const toPoints = (s: ReturnType<typeof sweepThresholds>): SweepPoint[] => s.points.map((p) => ({ threshold: p.threshold, barF1: p.bar.f1, spanF1: p.span.f1 }));

/**
 * Where the soft head's thresholds are chosen when not on the training windows: the validation
 * windows of a run that also has a test block (training probabilities are over-confident, so a
 * threshold chosen on them is too high for held-out windows; validation already chooses the epoch
 * and the test block stays untouched by both choices).
 */
export interface ThresholdChoice {
  on: 'validation';
  truth: EvalTruth[];
  pred: PredLike[];
}

/**
 * Evaluate one set of predictions: thresholds chosen on train (or on `opts.choose`, validation),
 * figures reported on the second set (validation or the test block).
 */
export function evaluatePredictions(
  trainTruth: EvalTruth[],
  trainPred: PredLike[],
  valTruth: EvalTruth[],
  valPred: PredLike[],
  opts: {
    head: 'soft' | 'crf';
    decode?: { minLength: number; mergeGap: number };
    thresholds?: number[];
    iou?: number;
    pointerK?: number;
    choose?: ThresholdChoice | null;
  },
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
  const chooseSweep = opts.choose
    ? sweepThresholds(
        opts.choose.pred.map((p) => p.spanProb),
        opts.choose.truth.map((t) => t.mask),
        opts.choose.truth.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode)),
        decode,
        thresholds,
        iouMin,
      )
    : trainSweep;
  const thBar = chooseSweep.bestBarThreshold;
  const thSpan = chooseSweep.bestSpanThreshold;
  const valAtBar = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: thBar }, iouMin);
  const valAtSpan = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: thSpan }, iouMin);
  const valAt05 = scoreAtThreshold(vProbs, vMasks, vSpans, { ...decode, threshold: 0.5 }, iouMin);
  const trainAtBar = trainSweep.points.find((p) => p.threshold === thBar);
  const trainAtSpan = trainSweep.points.find((p) => p.threshold === thSpan);
  const vtBar = valSweep.points.find((p) => p.threshold === valSweep.bestBarThreshold);
  const vtSpan = valSweep.points.find((p) => p.threshold === valSweep.bestSpanThreshold);

  let viterbi: ModelMetrics['viterbi'] = null;
  if (opts.head === 'crf' && valPred.every((p) => p.viterbi) && trainPred.every((p) => p.viterbi)) {
    const vv = scoreViterbi(
      valPred.map((p) => p.viterbi as ArrayLike<number>),
      vMasks,
      vSpans,
      decode.minLength,
      decode.mergeGap,
      iouMin,
    );
    const tv = scoreViterbi(
      trainPred.map((p) => p.viterbi as ArrayLike<number>),
      tMasks,
      tSpans,
      decode.minLength,
      decode.mergeGap,
      iouMin,
    );
    viterbi = { val: vv, train: { barF1: tv.bar.f1, spanF1: tv.span.f1 } };
  }
  const headline = viterbi
    ? { decoder: 'viterbi' as const, barF1: viterbi.val.bar.f1, spanF1: viterbi.val.span.f1 }
    : { decoder: 'threshold' as const, barF1: valAtBar.bar.f1, spanF1: valAtSpan.span.f1 };

  return {
    threshold: { chosenOn: opts.choose ? opts.choose.on : 'train', bar: thBar, span: thSpan },
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
    pointer: pointerHitRate(
      valPred.map((p) => p.startProb),
      valPred.map((p) => p.endProb),
      valTruth,
      opts.pointerK ?? 3,
    ),
    type: typeAccuracy(
      valPred.map((p) => p.typeProb),
      valTruth,
    ),
    countdown: countdownMAE(
      valPred.map((p) => p.countdown),
      valTruth.map((t) => t.countdown),
      vMasks,
    ),
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
  // With a test block the thresholds are chosen on validation (as the epoch is) and the headline is
  // on the test block; without one they stay chosen on train, so no validation figure is fed by a
  // threshold chosen on itself.
  const hasTest = !!input.test && input.test.truth.length > 0 && input.val.truth.length > 0;
  const onVal = (pred: PredLike[]): ThresholdChoice | null =>
    hasTest && pred.length === input.val.truth.length ? { on: 'validation', truth: input.val.truth, pred } : null;
  const metrics = evaluatePredictions(input.train.truth, input.train.pred, input.val.truth, input.val.pred, { ...evalOpts, choose: onVal(input.val.pred) });
  const untrained = evaluatePredictions(input.train.truth, input.train.untrained, input.val.truth, input.val.untrained, {
    ...evalOpts,
    choose: onVal(input.val.untrained),
  });
  const vMasks = input.val.truth.map((t) => t.mask);
  const normSpans = (ts: EvalTruth[]) => ts.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode));
  const allSpan = prevalenceBaseline(vMasks, normSpans(input.val.truth), iouMin);
  const countOpts = { head: input.model.head, threshold: { span: metrics.threshold.span, bar: metrics.threshold.bar }, decode, iou: iouMin };
  const valFig = headlineFigures(headlineCounts(input.val.truth, input.val.pred, countOpts));
  let test: RunReport['test'] = null;
  let testFig: HeadlineFigures | null = null;
  if (input.test && input.test.truth.length > 0) {
    const tt = input.test;
    const tm = evaluatePredictions(input.train.truth, input.train.pred, tt.truth, tt.pred, { ...evalOpts, choose: onVal(input.val.pred) });
    const tu =
      tt.untrained.length === tt.truth.length
        ? evaluatePredictions(input.train.truth, input.train.untrained, tt.truth, tt.untrained, { ...evalOpts, choose: onVal(input.val.untrained) })
        : null;
    test = {
      windows: tt.truth.length,
      metrics: tm,
      baselines: {
        untrained: tu,
        allSpan: prevalenceBaseline(
          tt.truth.map((t) => t.mask),
          normSpans(tt.truth),
          iouMin,
        ),
      },
    };
    // Same thresholds as validation: chosen on the validation predictions, never on the test block.
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
  const last = curves.epoch.length - 1;
  const keptBy = (input.config.epochCriterion as EpochCriterion | undefined) ?? DEFAULT_EPOCH_CRITERION;
  const keptEpoch = medianEpoch(input.members.map((m) => m.bestEpoch));
  // Figures "at the best epoch" are at the kept one (the loss minimum can be elsewhere under span-f1).
  const b = Math.min(last, Math.max(0, keptEpoch));
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
          test:
            input.test && input.test.truth.length > 0 && input.positions.test
              ? scoreStitched(input.test.truth, input.test.pred, input.positions.test, countOpts)
              : null,
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
      keptBy,
      keptEpoch,
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

/** The kept epoch of a run: its member's, or the (lower) median of an ensemble's members'. */
function medianEpoch(epochs: number[]): number {
  if (epochs.length === 0) return 0;
  const sorted = [...epochs].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}
