/**
 * A run's report from its trained ensemble and its dataset, and the baselines beside it: what a
 * holdout run (run.ts) builds once and a walk-forward run (walk-forward-run.ts) per fold and for its
 * held-out block. One place, so both kinds of run report the same figures the same way.
 */
import type { ProjectStore } from '../../store/index.ts';
import { createSpanModel } from '../model/index.ts';
import type { ModelSpec, WindowPrediction } from '../model/types.ts';
import { buildReport, type RunReport } from '../eval/report.ts';
import { fitLogistic, predictLogistic, scoreBaseline, type BaselineFigures } from '../eval/baselines.ts';
import { findExpansionSpans } from '../../demo/heuristic-truth.ts';
import { seriesFeatures, truthOf, type Dataset } from './dataset.ts';
import { averagePredictions, predictAll, type EnsembleResult } from './train.ts';

export interface RunReportInput {
  runId: number;
  /** The run's settings as recorded in the report. */
  config: Record<string, unknown>;
  spec: ModelSpec;
  data: Dataset;
  ens: EnsembleResult;
  backend: { backend: string; device: string };
  store: ProjectStore;
  notes: string[];
  decode: { minLength: number; mergeGap: number };
  /** The ensemble's (averaged) predictions per part, when the caller has them already; else computed here. */
  pred?: { train: WindowPrediction[]; val: WindowPrediction[]; test: WindowPrediction[] };
}

export function runReport(p: RunReportInput): RunReport {
  const { spec, data, ens } = p;
  const models = ens.members.map((m) => m.model!);
  const predict = (x: Float32Array, n: number) => averagePredictions(models.map((m) => predictAll(m, x, n)));
  const pred = p.pred ?? {
    train: predict(data.trainX, data.train.length),
    val: predict(data.valX, data.val.length),
    test: data.test.length ? predict(data.testX, data.test.length) : [],
  };
  // The untrained baseline on the test block: each member's initialisation (deterministic in its seed).
  const testUntrained = data.test.length
    ? averagePredictions(ens.members.map((m) => untrainedPredictions({ ...spec, seed: m.seed }, data.testX, data.test.length)))
    : [];
  return buildReport({
    runId: p.runId,
    model: {
      head: spec.head,
      encoder: spec.encoder,
      hidden: spec.hidden,
      featureCount: spec.featureCount,
      windowLength: spec.windowLength,
      typeCount: spec.typeCount,
      features: data.features,
    },
    config: p.config,
    backend: p.backend.backend,
    device: p.backend.device,
    typeNames: data.typeNames,
    members: ens.members.map((m) => ({ seed: m.seed, initial: m.initial, epochs: m.epochs, bestEpoch: m.bestEpoch, stoppedEarly: m.stoppedEarly })),
    train: { truth: data.train.map(truthOf), pred: pred.train, untrained: averagePredictions(ens.members.map((m) => m.untrained!.train)) },
    val: { truth: data.val.map(truthOf), pred: pred.val, untrained: averagePredictions(ens.members.map((m) => m.untrained!.val)) },
    test: { truth: data.test.map(truthOf), pred: pred.test, untrained: testUntrained },
    extraBaselines: extraBaselines(p.store, data, p.decode),
    positions: { val: data.val.map((r) => r.window), test: data.test.map((r) => r.window) },
    dataset: { skipped: { ...data.skipped }, notes: p.notes, contradictions: data.contradictions },
    seconds: ens.seconds,
    decode: p.decode,
  });
}

/** The rule-heuristic and logistic-regression baselines on the same windows (eval/baselines.ts). */
export function extraBaselines(
  store: ProjectStore,
  data: Dataset,
  decode: { minLength: number; mergeGap: number },
): { rule: BaselineFigures; logistic: BaselineFigures } {
  const T = data.windowLength;
  const F = data.features.length;
  const truth = { train: data.train.map(truthOf), val: data.val.map(truthOf), test: data.test.map(truthOf) };
  const lr = fitLogistic(
    data.trainX,
    data.train.map((r) => r.targets.mask),
    T,
    F,
  );
  const logistic = scoreBaseline(
    {
      train: { truth: truth.train, probs: predictLogistic(lr, data.trainX, data.train.length, T, F) },
      val: { truth: truth.val, probs: predictLogistic(lr, data.valX, data.val.length, T, F) },
      test: { truth: truth.test, probs: predictLogistic(lr, data.testX, data.test.length, T, F) },
    },
    decode,
  );
  const all = [...data.train, ...data.val, ...data.test];
  const bars = seriesFeatures(store, new Set(all.map((r) => r.window.seriesId)), []);
  const ruleMask = new Map<string, Uint8Array>();
  for (const [id, c] of bars) {
    const m = new Uint8Array(c.bars.time.length);
    for (const s of findExpansionSpans(c.bars)) m.fill(1, s.start, s.end + 1);
    ruleMask.set(id, m);
  }
  const cut = (rs: typeof all) => rs.map((r) => ruleMask.get(r.window.seriesId)!.subarray(r.window.startIndex, r.window.startIndex + T));
  const rule = scoreBaseline({ val: { truth: truth.val, probs: cut(data.val) }, test: { truth: truth.test, probs: cut(data.test) } }, decode);
  return { rule, logistic };
}

/** Predictions of the model at initialisation (deterministic in spec.seed): the untrained baseline on the test block. */
export function untrainedPredictions(spec: ModelSpec, x: Float32Array, count: number): WindowPrediction[] {
  const m = createSpanModel(spec);
  try {
    return predictAll(m, x, count);
  } finally {
    m.dispose();
  }
}
