/**
 * A walk-forward cross-validated training run (run setting evaluation: 'walk-forward', folds: k).
 * The windows are those a holdout run would use (excluded windows stay out; the run's label source
 * applies to every window), and the chronologically last `testFraction` of them is held out as the
 * test block first (purged by one window). The rest are cut into the folds of walk-forward.ts, each
 * trained and scored like a holdout run on its own windows (normaliser fitted on the fold's training
 * windows, epoch and threshold chosen on its inner validation, figures on its
 * test block). The LAST fold's models (they learned from every earlier block) are saved, so Predict
 * works as for any run, and they score the held-out block once: that is the report's headline, with
 * `crossValidation` (per-fold figures, mean and spread) beside it. With testFraction 0 (or too few
 * windows for a block) the headline is the last fold's own test block, and the report says so.
 *
 * Kept out of run.ts on purpose (that file is the holdout path); shares its helpers.
 */
import type { ProjectStore } from '../../store/index.ts';
import { applyNormalizer, fitNormalizer } from '../features/index.ts';
import { serializeWeights } from '../model/index.ts';
import type { ModelSpec, SpanModel } from '../model/types.ts';
import type { RunReport } from '../eval/report.ts';
import { crossValidationSummary, type FoldFigure } from '../eval/cross-validation.ts';
import { assignTestBlock, buildDataset, seriesFeatures, windowFeatures, type Dataset, type WindowRecord } from './dataset.ts';
import { averagePredictions, predictAll, type EnsembleResult } from './train.ts';
import { trainRunMembers } from './train-members.ts';
import { getSeniority } from '../../store/annotators.ts';
import { walkForwardFolds, type WalkForwardFold } from './walk-forward.ts';
import {
  createRunRow,
  errMsg,
  failedRun,
  resolved,
  runDatasetOptions,
  runModelSetup,
  savedModelSpec,
  toPredictedSpans,
  type RunResult,
  type RunTrainingOptions,
} from './run.ts';
import { runReport } from './run-report.ts';

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

export async function runWalkForward(store: ProjectStore, opts: RunTrainingOptions): Promise<RunResult> {
  const cfg = resolved({ ...opts, evaluation: 'walk-forward' });
  const k = cfg.folds!;
  const seniority = getSeniority(store);
  // The windows a holdout run would use, by the same rules: excluded windows and other lengths stay
  // out, and the run's label source (and annotator weights) gives every window's spans, so every fold
  // and the held-out block read the same labels. Windows holding unconfirmed model-written spans are
  // left out (they could land in a test block; issue #12). The train/validation roles are not used:
  // the chronologically last `testFraction` is held out as the test block (purged by one window,
  // assignTestBlock as in a holdout run) before the folds cut the rest in time order; no fold sees it.
  const base = buildDataset(store, { ...runDatasetOptions(cfg, seniority), testFraction: 0, unconfirmedInTraining: 'exclude', requireBothParts: false });
  const T = base.windowLength;
  const scorable = [...base.train, ...base.val];
  const block = assignTestBlock(
    scorable.map((r) => r.window),
    cfg.testFraction,
    T,
  );
  const heldOut = scorable.filter((r) => block.get(r.window.id) === 'test');
  const heldOutPurged = scorable.filter((r) => block.get(r.window.id) === 'purged').length;
  const pool = scorable.filter((r) => !block.has(r.window.id));
  let folds: WalkForwardFold[];
  try {
    folds = walkForwardFolds(
      pool.map((r) => r.window),
      k,
      T,
    );
  } catch (e) {
    if (!heldOut.length) throw e;
    throw new Error(
      `${errMsg(e)} (after holding out the last ${heldOut.length} window(s) as the test block, ${heldOutPurged} purged before it: testFraction ${cfg.testFraction}; 0 = no held-out block)`,
    );
  }
  const byId = new Map(pool.map((r) => [r.window.id, r]));
  const cache = seriesFeatures(store, new Set([...pool, ...heldOut].map((r) => r.window.seriesId)), base.features);
  const raw = (rs: WindowRecord[]) =>
    windowFeatures(
      cache,
      rs.map((r) => r.window),
      base.features,
      T,
    );
  const { sel, spec, seeds, threads } = await runModelSetup(cfg, base, opts.memberThreads);
  const last = folds[folds.length - 1];
  // The headline's windows: the held-out block, else (testFraction 0, or too few windows) the saved fold's own test block.
  const headlineTest = heldOut.length ? heldOut.map((r) => r.window.id) : last.test;
  // The run's settings as recorded with the run and in its reports (as run.ts records them).
  const config = { ...cfg, features: base.features, memberThreads: threads };
  const runId = createRunRow(store, opts, cfg, config, sel, base, seniority, {
    windowLength: T,
    evaluation: 'walk-forward',
    folds: folds.map((f) => ({ fold: f.fold, trainWindowIds: f.train, valWindowIds: f.val, testWindowIds: f.test, purgedWindowIds: f.purged })),
    // The saved models are the last fold's: these are its windows; the test windows are the headline's.
    trainWindows: last.train.length,
    valWindows: last.val.length,
    trainWindowIds: last.train,
    valWindowIds: last.val,
    testWindows: headlineTest.length,
    testWindowIds: headlineTest,
    heldOutTest: heldOut.length > 0,
    skipped: { ...base.skipped, purged: heldOutPurged },
    labels: [...pool, ...heldOut].reduce((s, r) => s + r.spans.length, 0),
  });

  let models: SpanModel[] = [];
  try {
    const figures: FoldFigure[] = [];
    let report: RunReport | null = null;
    let data: Dataset | null = null;
    let ens: EnsembleResult | null = null;
    for (const f of folds) {
      data = foldDataset(base, byId, f, raw);
      ens = await trainRunMembers({
        store,
        runId,
        cfg,
        spec,
        data,
        seeds,
        threads,
        backend: sel.backend,
        memberOffset: (f.fold - 1) * seeds.length,
        signal: opts.signal,
        onEpoch: opts.onEpoch,
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
      report = runReport({ runId, config, spec, data, ens, backend: sel, store, notes, decode: cfg.decode });
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
    const cv = crossValidationSummary(figures, T, last.fold, heldOut.length);
    const lastData = data!;
    let final: RunReport;
    let finalData: Dataset;
    if (heldOut.length > 0) {
      // The held-out block, scored once by the saved (last fold's) models with that fold's normaliser,
      // threshold and epoch: nothing any fold chose saw it.
      finalData = {
        ...lastData,
        test: heldOut,
        testX: applyNormalizer(raw(heldOut), lastData.normalizer),
        skipped: { ...base.skipped, purged: heldOutPurged },
      };
      const notes = [
        ...base.notes,
        `walk-forward cross-validation, ${k} folds: the headline is the held-out test block (${heldOut.length} window(s), the last ${Math.round(cfg.testFraction * 100)} % of the timeline, ${heldOutPurged} purged before it), cut off before the folds and scored once by the saved model (fold ${last.fold}'s: ${lastData.train.length} train / ${lastData.val.length} inner validation windows); validation figures are that fold's inner validation`,
      ];
      final = { ...runReport({ runId, config, spec, data: finalData, ens: ens!, backend: sel, store, notes, decode: cfg.decode }), crossValidation: cv };
    } else {
      finalData = lastData;
      final = { ...report!, crossValidation: cv };
      final.dataset!.notes.push(
        `no held-out test block (${cfg.testFraction > 0 ? 'too few labelled windows' : 'testFraction 0'}): the headline is fold ${last.fold}'s own test block`,
      );
    }
    final.dataset!.notes.push(
      `walk-forward over ${k} folds: test span F1 ${cv.spanF1.mean.toFixed(3)} ± ${cv.spanF1.sd.toFixed(3)} (mean ± sd), bar F1 ${cv.barF1.mean.toFixed(3)} ± ${cv.barF1.sd.toFixed(3)}`,
    );
    // Predictions of the saved models on every window they know: the last fold's and the held-out block.
    const lastTest = heldOut.length ? [{ rs: lastData.test, x: lastData.testX }] : [];
    persistLastFold(store, runId, cfg, spec, finalData, models, final, lastTest);
    return { runId, status: 'completed', report: final, error: null };
  } catch (e) {
    return failedRun(store, runId, e);
  } finally {
    for (const m of models) m.dispose();
  }
}

/** Models, predictions and report of the last fold, in one transaction (as runTraining does). `more`: other windows to predict. */
function persistLastFold(
  store: ProjectStore,
  runId: number,
  cfg: Cfg,
  spec: ModelSpec,
  data: Dataset,
  models: SpanModel[],
  report: RunReport,
  more: Array<{ rs: WindowRecord[]; x: Float32Array }>,
): void {
  const threshold = report.metrics.threshold.span;
  const bestEpochs = report.crossValidation!.perFold[report.crossValidation!.perFold.length - 1].bestEpochs;
  const parts = [{ rs: data.train, x: data.trainX }, { rs: data.val, x: data.valX }, { rs: data.test, x: data.testX }, ...more];
  const times = seriesFeatures(store, new Set(parts.flatMap((p) => p.rs.map((r) => r.window.seriesId))), []);
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
  const predRows = parts.flatMap((p) => rows(p.rs, p.x));
  store.transaction(() => {
    models.forEach((m, i) => store.saveModel(runId, i, serializeWeights(m.exportWeights()), savedModelSpec(m, i, data, threshold, cfg.decode, bestEpochs[i])));
    store.savePredictions(runId, predRows);
    store.finishRun(runId, 'completed', report);
  });
}
