/**
 * Training runs persisted in a project: dataset → backend → run row → streamed epochs → one final
 * transaction with models, predictions, report and status. Prediction with saved models: predict-run.ts.
 */
import type { IndexSpan } from '../../domain/types.ts';
import type { ProjectStore } from '../../store/index.ts';
import { selectBackend, type BackendPreference } from '../backend/index.ts';
import { DEFAULT_FEATURES, type Normalizer } from '../features/index.ts';
import { serializeWeights } from '../model/index.ts';
import type { EncoderKind, HeadKind, ModelSpec, SpanModel, WindowPrediction } from '../model/types.ts';
import { DEFAULT_DECODE, type SimpleSpan } from '../eval/decode.ts';
import { decodeForReport, type RunReport } from '../eval/report.ts';
import { runReport } from './run-report.ts';
import { spanTypeProbs } from '../eval/span-type.ts';
import type { EpochEvent } from '../eval/types.ts';
import { buildDataset, seriesFeatures, type Dataset, type DatasetOptions } from './dataset.ts';
import { averagePredictions, predictAll, type LrSchedule } from './train.ts';
import { memberThreads } from './parallel-ensemble.ts';
import { trainRunMembers } from './train-members.ts';
import { queueMeasures } from './queue-measures.ts';
import { DEFAULT_TASK_WEIGHTING, type TaskWeighting } from './task-weights.ts';
import { DEFAULT_TEST_FRACTION, type ContradictionMode } from './dataset.ts';
import type { LabelSource } from './label-source.ts';
import { runEpochCriterion, type EpochCriterion } from './epoch-criterion.ts';
import { getSeniority } from '../../store/annotators.ts';
import { DEFAULT_FOLDS } from './walk-forward.ts';
import { runWalkForward } from './walk-forward-run.ts';
import { TRAINING_DEFAULTS } from './defaults.ts';

export { TRAINING_DEFAULTS } from './defaults.ts';

/** What `candlemark train` passes in. Everything but setId and head has a default. */
export interface RunTrainingOptions {
  setId: number;
  head: HeadKind;
  encoder?: EncoderKind;
  /** Encoder channels (default 32). */
  hidden?: number;
  features?: string[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Base seed; member i uses seed + i (default 1). */
  seed?: number;
  /** Ensemble size (default 1). */
  ensemble?: number;
  earlyStopping?: { patience: number } | null;
  backend?: BackendPreference;
  /** softMask edge ramp (default 3). */
  ramp?: number;
  /** Span decoding post-processing (default minLength 3, mergeGap 2). */
  decode?: { minLength: number; mergeGap: number };
  /** Which windows of the set are used (default 'labelled'). */
  windows?: 'labelled' | 'all';
  /** Training windows with unconfirmed model-written spans: 'use' (default) or 'exclude' (dataset.ts). */
  unconfirmedInTraining?: 'use' | 'exclude';
  // --- issue #11: trustworthy training -------------------------------------------------------
  /** How the task weights σ_i are set (default 'ema-val'; training/task-weights.ts). */
  taskWeighting?: TaskWeighting;
  /** Bar weight of reviewed "no span" windows (default 1). */
  noSpanWeight?: number;
  /** Share of the labelled windows held out as the chronologically last test block (default 0.1; 0 = none). */
  testFraction?: number;
  /** Open contradiction findings: 'train-both' (default), 'mask' or 'down-weight' (dataset.ts). */
  contradictions?: ContradictionMode;
  /** Learning-rate schedule: 'constant' (default) or 'cosine' (train.ts). */
  lrSchedule?: LrSchedule;
  // --- issue #12, point 4: whose labels (label-source.ts); the seniority is read from the project ---
  labelSource?: LabelSource;
  annotatorWeights?: Record<string, number>;
  // --- issue #11 point 8: ensemble members in parallel threads ---------------------------------
  /**
   * At most this many ensemble members train at once, each in its own worker thread (wasm and cpu
   * backends only: tfjs-node uses its own threads). Default: CANDLEMARK_MEMBER_THREADS, else
   * os.availableParallelism() − 1; 1 trains them one after another (parallel-ensemble.ts).
   */
  memberThreads?: number;
  // --- issue #11 points 2 and 6 (longrun): optimisation knobs and walk-forward evaluation --------
  /** Polyak averaging of the weights (weight-average.ts): true = decay 0.995, a number = that decay. */
  weightAverage?: boolean | number;
  /** Decoupled weight decay (AdamW) per unit learning rate (default 0). */
  weightDecay?: number;
  /** 'holdout' (default: train/val by role + the test block) or 'walk-forward' (walk-forward-run.ts). */
  evaluation?: 'holdout' | 'walk-forward';
  /** Walk-forward folds (default 3). */
  folds?: number;
  // --- issue #11 point 2 (reg): training-mode dropout (model/dropout.ts), stored in the model spec ---
  /** Per-element dropout on the encoder layers' outputs (default 0). */
  dropout?: number;
  /** Whole input feature channels dropped per window (default 0). */
  inputDropout?: number;
  /** Clip each step's gradients to this global L2 norm (grad-clip.ts); 0 = off (default). */
  gradClip?: number;
  /** Which epoch is kept (epoch-criterion.ts); absent: 'span-f1' with a test block, 'span-loss' without (runEpochCriterion). */
  epochCriterion?: EpochCriterion;
  signal?: AbortSignal;
  onEpoch?: (e: EpochEvent) => void;
  /** Called once the run row exists. */
  onRunCreated?: (runId: number, info: { backend: string; device: string }) => void;
}

export interface RunResult {
  runId: number;
  status: 'completed' | 'cancelled' | 'failed';
  report: RunReport | null;
  error: string | null;
}

/** Stored with each member's weights (models.spec_json): everything needed to predict new windows. */
export interface SavedModelSpec {
  kind: 'candlemark.span-model/1';
  model: ModelSpec;
  member: number;
  features: string[];
  normalizer: Normalizer;
  typeNames: string[];
  /** Span threshold chosen on validation (runs with a test block) or training data (report.metrics.threshold.chosenOn; soft decoding; CRF uses Viterbi). */
  threshold: number;
  decode: { minLength: number; mergeGap: number };
  bestEpoch: number;
}

/** A decoded span as saved in predictions.spans_json and returned by predictWindows. */
export interface PredictedSpan extends SimpleSpan {
  /** Bar times (epoch ms) of the first/last bar. */
  startTime: number;
  endTime: number;
  /** argmax of the type head pooled over this span's bars (eval/span-type.ts). */
  type: string;
  /** Mean span probability over the span's bars. */
  score: number;
}

export interface WindowPredictionResult {
  windowId: number;
  spanProb: Float32Array;
  viterbi: Uint8Array | null;
  spans: PredictedSpan[];
  typeProb: Float32Array;
  /** The queue's measures (queue-measures.ts): CRF log P(Viterbi path), ensemble member spread; null when not applicable. */
  pathLogProb: number | null;
  memberSpread: number | null;
}

/** The spec's dropout fields: present only when non-zero, so specs saved without dropout stay as they were. */
export function dropoutSpec(cfg: { dropout: number; inputDropout: number }): Pick<ModelSpec, 'dropout' | 'inputDropout'> {
  return { ...(cfg.dropout > 0 ? { dropout: cfg.dropout } : {}), ...(cfg.inputDropout > 0 ? { inputDropout: cfg.inputDropout } : {}) };
}

export function resolved(o: RunTrainingOptions) {
  return {
    setId: o.setId,
    head: o.head,
    encoder: o.encoder ?? TRAINING_DEFAULTS.encoder,
    hidden: o.hidden ?? TRAINING_DEFAULTS.hidden,
    // Recorded as the list the run used (not null): the default set changed once (14 → 22, 2026-12-05),
    // so an absent setting would not tell two runs' features apart.
    features: o.features ?? [...DEFAULT_FEATURES],
    epochs: o.epochs ?? TRAINING_DEFAULTS.epochs,
    batchSize: o.batchSize ?? TRAINING_DEFAULTS.batchSize,
    learningRate: o.learningRate ?? TRAINING_DEFAULTS.learningRate,
    seed: o.seed ?? TRAINING_DEFAULTS.seed,
    ensemble: o.ensemble ?? TRAINING_DEFAULTS.ensemble,
    earlyStopping: o.earlyStopping ?? null,
    backend: o.backend ?? TRAINING_DEFAULTS.backend,
    ramp: o.ramp ?? TRAINING_DEFAULTS.ramp,
    decode: o.decode ?? { ...DEFAULT_DECODE },
    windows: o.windows ?? 'labelled',
    unconfirmedInTraining: o.unconfirmedInTraining ?? 'use',
    taskWeighting: o.taskWeighting ?? DEFAULT_TASK_WEIGHTING,
    noSpanWeight: o.noSpanWeight ?? 1,
    testFraction: o.testFraction ?? DEFAULT_TEST_FRACTION,
    contradictions: o.contradictions ?? ('train-both' as ContradictionMode),
    lrSchedule: o.lrSchedule ?? TRAINING_DEFAULTS.lrSchedule,
    labelSource: o.labelSource ?? ('all' as LabelSource),
    annotatorWeights: o.annotatorWeights ?? null,
    weightAverage: o.weightAverage ?? TRAINING_DEFAULTS.weightAverage,
    weightDecay: o.weightDecay ?? TRAINING_DEFAULTS.weightDecayByHead[o.head],
    evaluation: o.evaluation ?? 'holdout',
    ...(o.evaluation === 'walk-forward' ? { folds: o.folds ?? DEFAULT_FOLDS } : {}),
    dropout: o.dropout ?? TRAINING_DEFAULTS.dropout,
    inputDropout: o.inputDropout ?? TRAINING_DEFAULTS.inputDropout,
    gradClip: o.gradClip ?? TRAINING_DEFAULTS.gradClip,
    epochCriterion: o.epochCriterion ?? TRAINING_DEFAULTS.epochCriterion,
  };
}

export function toPredictedSpans(
  pred: WindowPrediction,
  head: HeadKind,
  threshold: number,
  decode: { minLength: number; mergeGap: number },
  typeNames: string[],
  times: Float64Array,
  startIndex: number,
): PredictedSpan[] {
  return decodeForReport(pred, head, threshold, decode).map((s) => {
    // Each span gets its own type (the type head pooled over the span's bars), not the window's.
    const ti = spanTypeProbs(pred, s).index;
    let sum = 0;
    for (let i = s.start; i <= s.end; i++) sum += pred.spanProb[i];
    return {
      start: s.start,
      end: s.end,
      startTime: times[startIndex + s.start],
      endTime: times[startIndex + s.end],
      type: typeNames[ti] ?? typeNames[0] ?? 'span',
      score: sum / (s.end - s.start + 1),
    };
  });
}

export const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

type Cfg = ReturnType<typeof resolved>;

/** The dataset options a run takes from its settings (the caller adds testFraction and unconfirmedInTraining). */
export function runDatasetOptions(cfg: Cfg, seniority: string[]): Omit<DatasetOptions, 'testFraction' | 'unconfirmedInTraining'> {
  return {
    setId: cfg.setId,
    features: cfg.features ?? undefined,
    ramp: cfg.ramp,
    windows: cfg.windows,
    noSpanWeight: cfg.noSpanWeight,
    contradictions: cfg.contradictions,
    labelSource: cfg.labelSource,
    annotatorWeights: cfg.annotatorWeights ?? undefined,
    seniority,
  };
}

/** The backend, model spec, member seeds and member threads of a run on `data`'s features and windows. */
export async function runModelSetup(cfg: Cfg, data: Pick<Dataset, 'features' | 'windowLength' | 'typeNames'>, memberThreadsSetting?: number) {
  const sel = await selectBackend(cfg.backend);
  const spec: ModelSpec = {
    head: cfg.head,
    encoder: cfg.encoder,
    featureCount: data.features.length,
    windowLength: data.windowLength,
    typeCount: Math.max(1, data.typeNames.length),
    hidden: cfg.hidden,
    seed: cfg.seed,
    ...dropoutSpec(cfg),
  };
  const seeds = Array.from({ length: cfg.ensemble }, (_, i) => cfg.seed + i);
  // Members side by side in worker threads when there are cores to spare (single-threaded backends
  // only); recorded with the run because it explains its timings (the figures don't depend on it).
  const threads = sel.backend === 'wasm' || sel.backend === 'cpu' ? memberThreads(seeds.length, memberThreadsSetting) : 1;
  return { sel, spec, seeds, threads };
}

/**
 * Creates the run's row (status 'running') and announces it (onRunCreated). The snapshot is the
 * run's own fields (`own`: windows per part, counts) plus what every run records.
 */
export function createRunRow(
  store: ProjectStore,
  opts: Pick<RunTrainingOptions, 'onRunCreated'>,
  cfg: Cfg,
  config: Record<string, unknown>,
  sel: { backend: string; device: string },
  data: Pick<Dataset, 'contradictions' | 'typeNames' | 'features' | 'unconfirmed'>,
  seniority: string[],
  own: Record<string, unknown>,
): number {
  const runId = store.createRun({
    model: cfg.head,
    config,
    dataSnapshot: {
      setId: cfg.setId,
      ...own,
      contradictions: data.contradictions,
      typeNames: data.typeNames,
      features: data.features,
      // Issue #12: windows holding model-written spans nobody confirmed (0 unless predictions were accepted).
      unconfirmed: data.unconfirmed,
      // Issue #12, point 4: the seniority order consensus ties were broken by (only with labelSource 'consensus').
      ...(cfg.labelSource === 'consensus' ? { seniority } : {}),
    },
    backend: sel.backend,
    device: sel.device,
  });
  opts.onRunCreated?.(runId, { backend: sel.backend, device: sel.device });
  return runId;
}

/** Ends a run that threw after its row existed as 'failed' with the message (runs never throw past that point). */
export function failedRun(store: ProjectStore, runId: number, e: unknown): RunResult {
  const msg = errMsg(e);
  try {
    store.finishRun(runId, 'failed', undefined, msg);
  } catch {
    // the store itself failed; the run stays 'running' and becomes 'interrupted' on next open
  }
  return { runId, status: 'failed', report: null, error: msg };
}

/** What is stored with member `member`'s weights: everything needed to predict new windows. */
export function savedModelSpec(
  model: SpanModel,
  member: number,
  data: Pick<Dataset, 'features' | 'normalizer' | 'typeNames'>,
  threshold: number,
  decode: { minLength: number; mergeGap: number },
  bestEpoch: number,
): SavedModelSpec {
  return {
    kind: 'candlemark.span-model/1',
    model: model.spec,
    member,
    features: data.features,
    normalizer: data.normalizer,
    typeNames: data.typeNames,
    threshold,
    decode,
    bestEpoch,
  };
}

/**
 * Train a model (or ensemble) on a window set and persist everything. Never throws after the run row
 * exists: failures end as status 'failed' with the message (errors before that — unknown set, no
 * data, no backend — are thrown).
 */
export async function runTraining(store: ProjectStore, opts: RunTrainingOptions): Promise<RunResult> {
  if (opts.evaluation === 'walk-forward') return runWalkForward(store, opts);
  const cfg = resolved(opts);
  const seniority = getSeniority(store);
  const data: Dataset = buildDataset(store, {
    ...runDatasetOptions(cfg, seniority),
    testFraction: cfg.testFraction,
    unconfirmedInTraining: cfg.unconfirmedInTraining,
  });
  cfg.epochCriterion = runEpochCriterion(opts.epochCriterion, data.test.length);
  const { sel, spec, seeds, threads } = await runModelSetup(cfg, data, opts.memberThreads);
  const config = { ...cfg, features: data.features, memberThreads: threads };
  const runId = createRunRow(store, opts, cfg, config, sel, data, seniority, {
    windowLength: data.windowLength,
    trainWindows: data.train.length,
    valWindows: data.val.length,
    trainWindowIds: data.train.map((r) => r.window.id),
    valWindowIds: data.val.map((r) => r.window.id),
    testWindows: data.test.length,
    testWindowIds: data.test.map((r) => r.window.id),
    skipped: data.skipped,
    labels: [...data.train, ...data.val].reduce((s, r) => s + r.spans.length, 0),
  });

  let models: SpanModel[] = [];
  try {
    const ens = await trainRunMembers({ store, runId, cfg, spec, data, seeds, threads, backend: sel.backend, signal: opts.signal, onEpoch: opts.onEpoch });
    if (ens.status === 'cancelled') {
      store.finishRun(runId, 'cancelled');
      return { runId, status: 'cancelled', report: null, error: null };
    }
    models = ens.members.map((m) => m.model!);
    // Members' own predictions are kept until the queue's measures are taken from them (queue-measures.ts).
    const trainMembers = models.map((m) => predictAll(m, data.trainX, data.train.length));
    const valMembers = models.map((m) => predictAll(m, data.valX, data.val.length));
    const trainPred = averagePredictions(trainMembers);
    const valPred = averagePredictions(valMembers);
    // The test block is predicted once, after every choice (epoch, threshold) was made without it.
    const testMembers = data.test.length ? models.map((m) => predictAll(m, data.testX, data.test.length)) : [];
    const testPred = data.test.length ? averagePredictions(testMembers) : [];
    const report = runReport({
      runId,
      config,
      spec,
      data,
      ens,
      backend: sel,
      store,
      notes: data.notes,
      decode: cfg.decode,
      pred: { train: trainPred, val: valPred, test: testPred },
    });
    const threshold = report.metrics.threshold.span;
    const blobs = ens.members.map((m, i) => ({
      weights: serializeWeights(m.model!.exportWeights()),
      spec: savedModelSpec(m.model!, i, data, threshold, cfg.decode, m.bestEpoch),
    }));
    const times = seriesFeatures(store, new Set([...data.train, ...data.val, ...data.test].map((r) => r.window.seriesId)), []);
    const predRows = [
      ...data.train.map((r, i) => ({ r, p: trainPred[i], q: queueMeasures(trainMembers, i) })),
      ...data.val.map((r, i) => ({ r, p: valPred[i], q: queueMeasures(valMembers, i) })),
      ...data.test.map((r, i) => ({ r, p: testPred[i], q: queueMeasures(testMembers, i) })),
    ].map(({ r, p, q }) => ({
      ...q,
      windowId: r.window.id,
      probs: p.spanProb,
      spans: toPredictedSpans(p, spec.head, threshold, cfg.decode, data.typeNames, times.get(r.window.seriesId)!.bars.time, r.window.startIndex),
      viterbi: p.viterbi,
      typeProbs: p.typeProb,
    }));
    store.transaction(() => {
      blobs.forEach((b, i) => store.saveModel(runId, i, b.weights, b.spec));
      store.savePredictions(runId, predRows);
      store.savePredictionMeasures(runId, predRows);
      store.finishRun(runId, 'completed', report);
    });
    return { runId, status: 'completed', report, error: null };
  } catch (e) {
    return failedRun(store, runId, e);
  } finally {
    for (const m of models) m.dispose();
  }
}

// The baselines and the untrained model's predictions live in run-report.ts (re-exported for callers of run.ts).
export { extraBaselines, untrainedPredictions } from './run-report.ts';

// Prediction with a completed run's saved models lives in predict-run.ts (re-exported: callers import it from here).
export { getRunReport, loadRunModels, predictWindows } from './predict-run.ts';

export type { IndexSpan };
