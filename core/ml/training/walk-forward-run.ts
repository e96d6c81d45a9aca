/**
 * A walk-forward cross-validated training run (run setting evaluation: 'walk-forward', folds: k):
 * the folds of walk-forward.ts, each trained and scored like a holdout run on its own windows
 * (normaliser fitted on the fold's training windows, epoch chosen on its inner validation, threshold
 * on its training predictions, figures on its test block), then one persisted run whose report is
 * the LAST fold's report (it learned from every earlier block; its models are the ones saved, so
 * Predict works as for any run) plus `crossValidation`: per-fold figures, mean and spread.
 *
 * Kept out of run.ts on purpose (that file is the holdout path); shares its helpers.
 */
import type { ProjectStore } from '../../store/index.ts';
import { selectBackend } from '../backend/index.ts';
import { applyNormalizer, fitNormalizer } from '../features/index.ts';
import { serializeWeights } from '../model/index.ts';
import type { ModelSpec, SpanModel } from '../model/types.ts';
import { buildReport, type RunReport } from '../eval/report.ts';
import { crossValidationSummary, type FoldFigure } from '../eval/cross-validation.ts';
import { buildDataset, seriesFeatures, truthOf, windowFeatures, type Dataset, type WindowRecord } from './dataset.ts';
import { averagePredictions, predictAll, trainEnsemble, type EnsembleResult } from './train.ts';
import { walkForwardFolds, type WalkForwardFold } from './walk-forward.ts';
import {
  dropoutSpec,
  errMsg,
  extraBaselines,
  resolved,
  toPredictedSpans,
  untrainedPredictions,
  type RunResult,
  type RunTrainingOptions,
  type SavedModelSpec,
} from './run.ts';

type Cfg = ReturnType<typeof resolved>;

/** The fold's own dataset: its windows, features normalised by a normaliser fitted on its training windows. */
function foldDataset(base: Dataset, byId: Map<number, WindowRecord>, f: WalkForwardFold, raw: (rs: WindowRecord[]) => Float32Array): Dataset {
  const pick = (ids: number[]) => ids.map((id) => byId.get(id)!);
  const train = pick(f.train);
  const val = pick(f.val);
  const test = pick(f.test);
  const rawTrain = raw(train);
  const normalizer = fitNormalizer(rawTrain, base.features.length);
  return {
    ...base,
    normalizer,
    train,
    val,
    test,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(raw(val), normalizer),
    testX: applyNormalizer(raw(test), normalizer),
    skipped: { ...base.skipped, purged: f.purged.length },
  };
}

function foldReport(
  runId: number,
  cfg: Cfg,
  spec: ModelSpec,
  data: Dataset,
  ens: EnsembleResult,
  backend: { backend: string; device: string },
  store: ProjectStore,
  notes: string[],
): RunReport {
  const models = ens.members.map((m) => m.model!);
  const pred = (x: Float32Array, n: number) => averagePredictions(models.map((m) => predictAll(m, x, n)));
  const seeds = ens.members.map((m) => m.seed);
  return buildReport({
    runId,
    model: {
      head: spec.head,
      encoder: spec.encoder,
      hidden: spec.hidden,
      featureCount: spec.featureCount,
      windowLength: spec.windowLength,
      typeCount: spec.typeCount,
      features: data.features,
    },
    config: { ...cfg, features: data.features },
    backend: backend.backend,
    device: backend.device,
    typeNames: data.typeNames,
    members: ens.members.map((m) => ({ seed: m.seed, initial: m.initial, epochs: m.epochs, bestEpoch: m.bestEpoch, stoppedEarly: m.stoppedEarly })),
    train: {
      truth: data.train.map(truthOf),
      pred: pred(data.trainX, data.train.length),
      untrained: averagePredictions(ens.members.map((m) => m.untrained!.train)),
    },
    val: { truth: data.val.map(truthOf), pred: pred(data.valX, data.val.length), untrained: averagePredictions(ens.members.map((m) => m.untrained!.val)) },
    test: {
      truth: data.test.map(truthOf),
      pred: pred(data.testX, data.test.length),
      untrained: averagePredictions(seeds.map((seed) => untrainedPredictions({ ...spec, seed }, data.testX, data.test.length))),
    },
    extraBaselines: extraBaselines(store, data, cfg.decode),
    positions: { val: data.val.map((r) => r.window), test: data.test.map((r) => r.window) },
    dataset: { skipped: { ...data.skipped }, notes, contradictions: data.contradictions },
    seconds: ens.seconds,
    decode: cfg.decode,
  });
}

export async function runWalkForward(store: ProjectStore, opts: RunTrainingOptions): Promise<RunResult> {
  const cfg = resolved({ ...opts, evaluation: 'walk-forward' });
  const k = cfg.folds!;
  // Every scorable labelled window of the set, whatever its role: the folds redistribute them. Windows
  // holding unconfirmed model-written spans are left out (they could land in a test block; issue #12).
  const base = buildDataset(store, {
    setId: cfg.setId,
    features: cfg.features ?? undefined,
    ramp: cfg.ramp,
    windows: cfg.windows,
    noSpanWeight: cfg.noSpanWeight,
    testFraction: 0,
    contradictions: cfg.contradictions,
    unconfirmedInTraining: 'exclude',
  });
  const pool = [...base.train, ...base.val];
  const T = base.windowLength;
  const folds = walkForwardFolds(
    pool.map((r) => r.window),
    k,
    T,
  );
  const byId = new Map(pool.map((r) => [r.window.id, r]));
  const cache = seriesFeatures(store, new Set(pool.map((r) => r.window.seriesId)), base.features);
  const raw = (rs: WindowRecord[]) =>
    windowFeatures(
      cache,
      rs.map((r) => r.window),
      base.features,
      T,
    );
  const sel = await selectBackend(cfg.backend);
  const spec: ModelSpec = {
    head: cfg.head,
    encoder: cfg.encoder,
    featureCount: base.features.length,
    windowLength: T,
    typeCount: Math.max(1, base.typeNames.length),
    hidden: cfg.hidden,
    seed: cfg.seed,
    ...dropoutSpec(cfg),
  };
  const seeds = Array.from({ length: cfg.ensemble }, (_, i) => cfg.seed + i);
  const last = folds[folds.length - 1];
  const runId = store.createRun({
    model: cfg.head,
    config: { ...cfg, features: base.features },
    dataSnapshot: {
      setId: cfg.setId,
      windowLength: T,
      evaluation: 'walk-forward',
      folds: folds.map((f) => ({ fold: f.fold, trainWindowIds: f.train, valWindowIds: f.val, testWindowIds: f.test, purgedWindowIds: f.purged })),
      // The saved models are the last fold's: these are its windows.
      trainWindows: last.train.length,
      valWindows: last.val.length,
      trainWindowIds: last.train,
      valWindowIds: last.val,
      testWindows: last.test.length,
      testWindowIds: last.test,
      skipped: base.skipped,
      contradictions: base.contradictions,
      labels: pool.reduce((s, r) => s + r.spans.length, 0),
      typeNames: base.typeNames,
      features: base.features,
      unconfirmed: base.unconfirmed,
    },
    backend: sel.backend,
    device: sel.device,
  });
  opts.onRunCreated?.(runId, { backend: sel.backend, device: sel.device });

  let models: SpanModel[] = [];
  try {
    const figures: FoldFigure[] = [];
    let report: RunReport | null = null;
    let data: Dataset | null = null;
    for (const f of folds) {
      data = foldDataset(base, byId, f, raw);
      const offset = (f.fold - 1) * seeds.length;
      const ens = await trainEnsemble({
        spec,
        data: { trainX: data.trainX, trainTargets: data.train.map((r) => r.targets), valX: data.valX, valTargets: data.val.map((r) => r.targets) },
        epochs: cfg.epochs,
        batchSize: cfg.batchSize,
        learningRate: cfg.learningRate,
        seeds,
        taskWeighting: cfg.taskWeighting,
        lrSchedule: cfg.lrSchedule,
        weightAverage: cfg.weightAverage,
        weightDecay: cfg.weightDecay,
        earlyStopping: cfg.earlyStopping ?? undefined,
        signal: opts.signal,
        // Fold f's member m is member (f − 1) · ensemble + m of the run (its curves in the app).
        onEpoch: (e) => {
          const ev = { ...e, member: offset + e.member };
          store.transaction(() => store.appendEpoch(runId, ev.member * cfg.epochs + ev.epoch, ev, ev.seconds));
          opts.onEpoch?.(ev);
        },
      });
      if (ens.status === 'cancelled') {
        store.finishRun(runId, 'cancelled');
        return { runId, status: 'cancelled', report: null, error: null };
      }
      models = ens.members.map((m) => m.model!);
      const notes = [
        ...base.notes,
        `walk-forward cross-validation, ${k} folds: this report is fold ${f.fold}'s (${data.train.length} train / ${data.val.length} inner validation / ${data.test.length} test windows, ${f.purged.length} purged); crossValidation gives every fold`,
      ];
      report = foldReport(runId, cfg, spec, data, ens, sel, store, notes);
      figures.push({
        fold: f.fold,
        trainWindows: data.train.length,
        valWindows: data.val.length,
        testWindows: data.test.length,
        purgedWindows: f.purged.length,
        bestEpochs: ens.members.map((m) => m.bestEpoch),
        threshold: report.metrics.threshold.span,
        spanF1: report.headline!.test!.spanF1,
        barF1: report.headline!.test!.barF1,
        valSpanF1: report.headline!.validation.spanF1,
      });
      if (f !== last) {
        models.forEach((m) => m.dispose());
        models = [];
      }
    }
    const cv = crossValidationSummary(figures, T, last.fold);
    const final: RunReport = { ...report!, crossValidation: cv };
    final.dataset!.notes.push(
      `walk-forward over ${k} folds: test span F1 ${cv.spanF1.mean.toFixed(3)} ± ${cv.spanF1.sd.toFixed(3)} (mean ± sd), bar F1 ${cv.barF1.mean.toFixed(3)} ± ${cv.barF1.sd.toFixed(3)}`,
    );
    persistLastFold(store, runId, cfg, spec, data!, models, final);
    return { runId, status: 'completed', report: final, error: null };
  } catch (e) {
    const msg = errMsg(e);
    try {
      store.finishRun(runId, 'failed', undefined, msg);
    } catch {
      // the store itself failed; the run stays 'running' and becomes 'interrupted' on next open
    }
    return { runId, status: 'failed', report: null, error: msg };
  } finally {
    for (const m of models) m.dispose();
  }
}

/** Models, predictions and report of the last fold, in one transaction (as runTraining does). */
function persistLastFold(store: ProjectStore, runId: number, cfg: Cfg, spec: ModelSpec, data: Dataset, models: SpanModel[], report: RunReport): void {
  const threshold = report.metrics.threshold.span;
  const bestEpochs = report.crossValidation!.perFold[report.crossValidation!.perFold.length - 1].bestEpochs;
  const times = seriesFeatures(store, new Set([...data.train, ...data.val, ...data.test].map((r) => r.window.seriesId)), []);
  const rows = (rs: WindowRecord[], x: Float32Array) => {
    const pred = averagePredictions(models.map((m) => predictAll(m, x, rs.length)));
    return rs.map((r, i) => ({
      windowId: r.window.id,
      probs: pred[i].spanProb,
      spans: toPredictedSpans(pred[i], spec.head, threshold, cfg.decode, data.typeNames, times.get(r.window.seriesId)!.bars.time, r.window.startIndex),
      viterbi: pred[i].viterbi,
      typeProbs: pred[i].typeProb,
    }));
  };
  const predRows = [...rows(data.train, data.trainX), ...rows(data.val, data.valX), ...rows(data.test, data.testX)];
  store.transaction(() => {
    models.forEach((m, i) =>
      store.saveModel(runId, i, serializeWeights(m.exportWeights()), {
        kind: 'candlemark.span-model/1',
        model: m.spec,
        member: i,
        features: data.features,
        normalizer: data.normalizer,
        typeNames: data.typeNames,
        threshold,
        decode: cfg.decode,
        bestEpoch: bestEpochs[i],
      } satisfies SavedModelSpec),
    );
    store.savePredictions(runId, predRows);
    store.finishRun(runId, 'completed', report);
  });
}
