/**
 * The training loop for one model (and ensembles of them): Adam, seeded shuffling, per-epoch events,
 * best-epoch checkpoint by the unweighted validation loss sum, early stopping and cancellation.
 *
 * Best-epoch criterion: valCriterion = the span validation loss, unweighted (pointer and type are
 * per-window losses that overfit early on small sets; the countdown loss is the noisiest). The weighted
 * objective is NOT used to select epochs: with learned uncertainty weights each σ² drifts toward its
 * task's loss, so the weighted total can go negative and jump while the detector is fine.
 *
 * Optional for long runs (weight-average.ts): Polyak averaging of the weights (then every epoch's
 * validation figures, the checkpoint and the kept model are the averaged weights) and decoupled
 * weight decay.
 */
import { tf } from '../backend/tf.ts';
import { makeBatch, disposeBatch } from '../model/batch.ts';
import { createSpanModel } from '../model/index.ts';
import type { Batch, BatchTargets, ModelSpec, SpanModel, WindowPrediction } from '../model/types.ts';
import { barPRF } from '../eval/metrics.ts';
import type { InitialEval } from '../eval/report.ts';
import { TASKS, criterionOf, type EpochEvent, type TaskValues } from '../eval/types.ts';
import { DEFAULT_EPOCH_CRITERION, isBetterEpoch, validationSpanF1, type EpochCriterion, type EpochScore } from './epoch-criterion.ts';
import { mulberry32, shuffleInPlace } from './rng.ts';
import { ClosedFormWeights, DEFAULT_TASK_WEIGHTING, EMA_DECAY, type TaskWeighting } from './task-weights.ts';
import { DEFAULT_WEIGHT_AVERAGE_DECAY, WeightAverage, applyWeightDecay } from './weight-average.ts';
import { clipByGlobalNorm } from './grad-clip.ts';

export type { EpochEvent } from '../eval/types.ts';

export interface TrainData {
  /** [Ntrain × T × F] normalised features, row-major. */
  trainX: Float32Array;
  trainTargets: BatchTargets[];
  valX: Float32Array;
  valTargets: BatchTargets[];
}

export interface TrainOptions {
  spec: ModelSpec;
  data: TrainData;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the shuffling (the model's initialisation uses spec.seed). */
  seed: number;
  /** Stop when valCriterion has not improved for `patience` epochs. */
  earlyStopping?: { patience: number };
  signal?: AbortSignal;
  onEpoch?: (e: EpochEvent) => void;
  /** Ensemble member index reported in events (default 0). */
  member?: number;
  /** Batch size for validation/evaluation passes (default 64). */
  evalBatchSize?: number;
  /** Skip the untrained-model predictions (saves two forward passes). */
  skipUntrained?: boolean;
  /** How σ_i are set (default 'ema-val'; see task-weights.ts). */
  taskWeighting?: TaskWeighting;
  /**
   * Learning-rate schedule over the planned epochs: 'constant' (default) or 'cosine' (from
   * learningRate down to 10 % of it at the last epoch: late epochs take smaller steps).
   */
  lrSchedule?: LrSchedule;
  /**
   * Called after each epoch with the validation predictions (benches: per-epoch span F1), and with
   * the training windows' when `epochTrainPredictions` is set (a threshold chosen on train, as a run
   * without a test block does). Both come from the evaluated (averaged, when on) weights.
   */
  onEpochPredictions?: (epoch: number, valPred: WindowPrediction[], trainPred?: WindowPrediction[]) => void;
  epochTrainPredictions?: boolean;
  /**
   * Polyak averaging of the network weights (weight-average.ts): false/undefined = off, true = per-step
   * decay 0.995, a number = that decay. When on, every epoch's validation figures, the best-epoch
   * checkpoint and the kept model are the AVERAGED weights.
   */
  weightAverage?: boolean | number;
  /**
   * With weightAverage on: from this fraction of the planned epochs on, the average becomes the plain
   * mean of every step's weights (a uniform tail, weight-average.ts startUniform); undefined = the
   * exponential average throughout.
   */
  averageTailFrom?: number;
  /** Decoupled (AdamW) weight decay per unit learning rate; 0/undefined = off. */
  weightDecay?: number;
  /** Clip each step's gradients to this global L2 norm (grad-clip.ts); 0/undefined = off. */
  gradClip?: number;
  /** Which epoch is kept (epoch-criterion.ts; default 'span-f1', then the span loss on ties). */
  epochCriterion?: EpochCriterion;
}

export interface TrainResult {
  status: 'completed' | 'cancelled';
  /** The model with the best-epoch weights restored; null when cancelled (already disposed). */
  model: SpanModel | null;
  initial: InitialEval;
  epochs: EpochEvent[];
  /** Epoch whose weights were kept (0 = initialisation). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Predictions of the model at initialisation (the untrained baseline). */
  untrained: { train: WindowPrediction[]; val: WindowPrediction[] } | null;
  seconds: number;
}

export type LrSchedule = 'constant' | 'cosine';

/** The learning rate of a 1-based epoch under a schedule (see TrainOptions.lrSchedule). */
export function scheduledLearningRate(lr: number, epoch: number, epochs: number, schedule: LrSchedule = 'constant'): number {
  if (schedule !== 'cosine' || epochs <= 1) return lr;
  const min = 0.1 * lr;
  return min + (lr - min) * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / (epochs - 1)));
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

function taskValues(a: ArrayLike<number>): TaskValues {
  return { pointer: a[0], type: a[1], span: a[2], countdown: a[3] };
}
const sumTasks = (v: TaskValues): number => TASKS.reduce((s, k) => s + v[k], 0);

function sliceRows(x: Float32Array, idx: readonly number[], rowSize: number): Float32Array {
  const out = new Float32Array(idx.length * rowSize);
  idx.forEach((w, i) => out.set(x.subarray(w * rowSize, (w + 1) * rowSize), i * rowSize));
  return out;
}

/** Mean weighted + unweighted per-task losses over a dataset, inference mode. */
export function evaluateLoss(model: SpanModel, batches: Batch[]): { total: number; task: TaskValues } {
  let n = 0;
  const acc = new Float64Array(5);
  for (const b of batches) {
    const size = b.x.shape[0];
    const vals = tf.tidy(() => {
      const r = model.loss(b, false);
      return tf.stack([r.total, ...TASKS.map((k) => r.perTask[k])]);
    });
    const d = vals.dataSync();
    vals.dispose();
    for (let i = 0; i < 5; i++) acc[i] += d[i] * size;
    n += size;
  }
  for (let i = 0; i < 5; i++) acc[i] /= Math.max(1, n);
  return { total: acc[0], task: taskValues(acc.subarray(1)) };
}

/** Predict in chunks (keeps peak memory bounded). */
export function predictAll(model: SpanModel, x: Float32Array, count: number, chunk = 64): WindowPrediction[] {
  const row = model.spec.windowLength * model.spec.featureCount;
  const out: WindowPrediction[] = [];
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    out.push(...model.predict(x.subarray(i * row, (i + n) * row), n));
  }
  return out;
}

function buildBatches(x: Float32Array, targets: BatchTargets[], spec: ModelSpec, size: number): Batch[] {
  const row = spec.windowLength * spec.featureCount;
  const out: Batch[] = [];
  for (let i = 0; i < targets.length; i += size) {
    const idx = Array.from({ length: Math.min(size, targets.length - i) }, (_, k) => i + k);
    out.push(
      makeBatch(
        sliceRows(x, idx, row),
        idx.map((k) => targets[k]),
        spec,
      ),
    );
  }
  return out;
}

function barF1At(preds: WindowPrediction[], targets: BatchTargets[], threshold = 0.5): number {
  const masks = preds.map((p) => Uint8Array.from(p.spanProb, (v) => (v >= threshold ? 1 : 0)));
  return barPRF(
    masks,
    targets.map((t) => t.mask),
  ).f1;
}

function sigmasOf(model: SpanModel): TaskValues {
  return taskValues(Array.from(model.logSigmas(), (s) => Math.exp(s)));
}

function validateOptions(o: TrainOptions): void {
  const row = o.spec.windowLength * o.spec.featureCount;
  if (o.data.trainTargets.length === 0) throw new Error('No training windows');
  if (o.data.valTargets.length === 0) throw new Error('No validation windows');
  if (o.data.trainX.length !== o.data.trainTargets.length * row) throw new Error('trainX does not match trainTargets × T × F');
  if (o.data.valX.length !== o.data.valTargets.length * row) throw new Error('valX does not match valTargets × T × F');
  if (!(o.epochs >= 0) || !Number.isInteger(o.epochs)) throw new Error('epochs must be a non-negative integer');
  if (!(o.batchSize >= 1)) throw new Error('batchSize must be >= 1');
  if (!(o.learningRate > 0)) throw new Error('learningRate must be > 0');
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0)) throw new Error('weightDecay must be >= 0');
  if (typeof o.weightAverage === 'number' && !(o.weightAverage > 0 && o.weightAverage < 1)) throw new Error('weightAverage decay must be in (0, 1)');
  if (o.averageTailFrom !== undefined && !(o.averageTailFrom >= 0 && o.averageTailFrom < 1)) throw new Error('averageTailFrom must be in [0, 1)');
  if (o.gradClip !== undefined && !(o.gradClip >= 0)) throw new Error('gradClip must be >= 0');
}

export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  validateOptions(opts);
  const t0 = performance.now();
  const { spec, data } = opts;
  const member = opts.member ?? 0;
  const row = spec.windowLength * spec.featureCount;
  const nTrain = data.trainTargets.length;
  const nVal = data.valTargets.length;
  const evalSize = opts.evalBatchSize ?? 64;

  const model = createSpanModel(spec);
  const optimizer = tf.train.adam(opts.learningRate);
  const valBatches = buildBatches(data.valX, data.valTargets, spec, evalSize);
  let trainEvalBatches: Batch[] | null = buildBatches(data.trainX, data.trainTargets, spec, evalSize);
  let best: tf.Tensor[] | null = null;
  const vars = model.trainableVariables();
  const weighting = opts.taskWeighting ?? DEFAULT_TASK_WEIGHTING;
  // Closed-form modes: the optimiser updates the network only; the trainer sets the s_i.
  const optVars = weighting === 'learned' ? vars : model.networkVariables();
  const closed = weighting === 'ema-train' || weighting === 'ema-val' ? new ClosedFormWeights(TASKS.length, EMA_DECAY[weighting]) : null;
  const observe = (v: TaskValues): void => {
    if (!closed) return;
    closed.update(TASKS.map((k) => v[k]));
    model.setLogSigmas(closed.logSigmas());
  };
  const netVars = model.networkVariables();
  const averaged =
    opts.weightAverage === undefined || opts.weightAverage === false
      ? null
      : new WeightAverage(netVars, opts.weightAverage === true ? DEFAULT_WEIGHT_AVERAGE_DECAY : opts.weightAverage);
  // Evaluation and checkpointing see the averaged weights when averaging is on.
  const evaluated = <T>(fn: () => T): T => (averaged ? averaged.withAveraged(fn) : fn());
  const events: EpochEvent[] = [];
  let cancelled = false;
  let stoppedEarly = false;

  try {
    // Epoch 0: the model at initialisation.
    const tr0 = evaluateLoss(model, trainEvalBatches);
    trainEvalBatches.forEach(disposeBatch);
    trainEvalBatches = null;
    const va0 = evaluateLoss(model, valBatches);
    const valPred0 = predictAll(model, data.valX, nVal, evalSize);
    const untrained = opts.skipUntrained ? null : { train: predictAll(model, data.trainX, nTrain, evalSize), val: valPred0 };
    const initial: InitialEval = {
      trainLoss: tr0.total,
      valLoss: va0.total,
      trainTask: tr0.task,
      valTask: va0.task,
      sigmas: sigmasOf(model),
      taskWeights: taskValues(model.taskWeights()),
      valBarF1: barF1At(valPred0, data.valTargets),
    };
    // Closed-form weights start at the optimum for the untrained model's losses.
    observe(weighting === 'ema-train' ? tr0.task : va0.task);
    const criterion = opts.epochCriterion ?? DEFAULT_EPOCH_CRITERION;
    const scoreOf = (task: TaskValues, preds: WindowPrediction[]): EpochScore => ({
      f1: criterion === 'span-f1' ? validationSpanF1(preds, data.valTargets, spec.head) : NaN,
      loss: criterionOf(task),
    });
    let bestScore = scoreOf(va0.task, valPred0);
    let bestEpoch = 0;
    best = vars.map((v) => tf.clone(v));

    const rand = mulberry32(opts.seed);
    const order = Array.from({ length: nTrain }, (_, i) => i);
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const te = performance.now();
      // tfjs's Adam reads its learningRate field on every step (a protected field, no setter).
      const lrNow = scheduledLearningRate(opts.learningRate, epoch, opts.epochs, opts.lrSchedule);
      (optimizer as unknown as { learningRate: number }).learningRate = lrNow;
      if (averaged && opts.averageTailFrom !== undefined && epoch > opts.averageTailFrom * opts.epochs) averaged.startUniform();
      shuffleInPlace(order, rand);
      const acc = new Float64Array(5);
      let seen = 0;
      for (let i = 0; i < nTrain; i += opts.batchSize) {
        await yieldToEventLoop();
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
        const idx = order.slice(i, i + opts.batchSize);
        const batch = makeBatch(
          sliceRows(data.trainX, idx, row),
          idx.map((k) => data.trainTargets[k]),
          spec,
        );
        let stacked: tf.Tensor | null = null;
        try {
          const step = (): tf.Scalar => {
            const r = model.loss(batch, true);
            stacked = tf.keep(tf.stack(TASKS.map((k) => r.perTask[k])));
            return r.total;
          };
          let cost: tf.Scalar | null;
          if (opts.gradClip) {
            // minimize() = variableGrads + applyGradients; clipping goes between the two.
            const { value, grads } = tf.variableGrads(step, optVars);
            const clipped = clipByGlobalNorm(grads, opts.gradClip);
            optimizer.applyGradients(Object.entries(clipped.grads).map(([name, tensor]) => ({ name, tensor })));
            tf.dispose(Object.values(grads));
            if (clipped.grads !== grads) tf.dispose(Object.values(clipped.grads));
            cost = value;
          } else {
            cost = optimizer.minimize(step, true, optVars);
          }
          const total = cost ? cost.dataSync()[0] : NaN;
          cost?.dispose();
          if (opts.weightDecay) applyWeightDecay(netVars, lrNow, opts.weightDecay);
          averaged?.update();
          const per = stacked ? (stacked as tf.Tensor).dataSync() : new Float32Array(4).fill(NaN);
          if (!Number.isFinite(total)) throw new Error(`Training diverged: loss is ${total} at epoch ${epoch}`);
          acc[0] += total * idx.length;
          for (let k = 0; k < 4; k++) acc[k + 1] += per[k] * idx.length;
          seen += idx.length;
          if (weighting === 'ema-train') observe(taskValues(per));
        } finally {
          (stacked as tf.Tensor | null)?.dispose();
          disposeBatch(batch);
        }
      }
      if (cancelled) break;
      for (let k = 0; k < 5; k++) acc[k] /= Math.max(1, seen);
      const { va, valPred, isBest, trainPred } = evaluated(() => {
        const va = evaluateLoss(model, valBatches);
        if (weighting === 'ema-val') observe(va.task);
        const valPred = predictAll(model, data.valX, nVal, evalSize);
        const score = scoreOf(va.task, valPred);
        const isBest = isBetterEpoch(criterion, score, bestScore);
        if (isBest) {
          bestScore = score;
          best!.forEach((t) => t.dispose());
          best = vars.map((v) => tf.clone(v));
        }
        const trainPred = opts.epochTrainPredictions ? predictAll(model, data.trainX, nTrain, evalSize) : undefined;
        return { va, valPred, isBest, trainPred };
      });
      opts.onEpochPredictions?.(epoch, valPred, trainPred);
      const trainTask = taskValues(acc.subarray(1));
      const valUnweighted = sumTasks(va.task);
      const valCriterion = criterionOf(va.task);
      if (isBest) bestEpoch = epoch;
      const ev: EpochEvent = {
        member,
        epoch,
        epochs: opts.epochs,
        trainLoss: acc[0],
        valLoss: va.total,
        trainTask,
        valTask: va.task,
        trainUnweighted: sumTasks(trainTask),
        valUnweighted,
        valCriterion,
        sigmas: sigmasOf(model),
        taskWeights: taskValues(model.taskWeights()),
        valBarF1: barF1At(valPred, data.valTargets),
        isBest,
        seconds: (performance.now() - te) / 1000,
      };
      events.push(ev);
      opts.onEpoch?.(ev);
      if (opts.earlyStopping && epoch - bestEpoch >= opts.earlyStopping.patience) {
        stoppedEarly = epoch < opts.epochs;
        break;
      }
    }

    if (cancelled) {
      model.dispose();
      return { status: 'cancelled', model: null, initial, epochs: events, bestEpoch, stoppedEarly: false, untrained, seconds: (performance.now() - t0) / 1000 };
    }
    // Restore the best epoch's weights.
    vars.forEach((v, i) => v.assign(best![i]));
    return { status: 'completed', model, initial, epochs: events, bestEpoch, stoppedEarly, untrained, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    best?.forEach((t) => t.dispose());
    valBatches.forEach(disposeBatch);
    trainEvalBatches?.forEach(disposeBatch);
    optimizer.dispose();
    averaged?.dispose();
  }
}

/**
 * Average per-bar outputs of ensemble members (before any thresholding). CRF: the members'
 * forward-backward marginals are averaged (spanProb) and the ensemble's path is decoded by
 * posterior: a bar is in span when the averaged P(I) ≥ 0.5 (maximum posterior per bar; with the
 * {O, I} tag set this is the posterior decoding of the averaged marginals). A per-bar vote of the
 * members' Viterbi paths (before) let two unsure members outvote one sure member.
 */
export function averagePredictions(members: WindowPrediction[][]): WindowPrediction[] {
  if (members.length === 0) return [];
  if (members.length === 1) return members[0];
  const n = members.length;
  const avg = (arrs: Float32Array[]): Float32Array => {
    const out = new Float32Array(arrs[0].length);
    for (const a of arrs) for (let i = 0; i < out.length; i++) out[i] += a[i] / n;
    return out;
  };
  return members[0].map((_, w) => {
    const ps = members.map((m) => m[w]);
    const spanProb = avg(ps.map((p) => p.spanProb));
    let viterbi: Uint8Array | null = null;
    if (ps.every((p) => p.viterbi)) viterbi = Uint8Array.from(spanProb, (v) => (v >= 0.5 ? 1 : 0));
    return {
      spanProb,
      viterbi,
      startProb: avg(ps.map((p) => p.startProb)),
      endProb: avg(ps.map((p) => p.endProb)),
      typeProb: avg(ps.map((p) => p.typeProb)),
      countdown: avg(ps.map((p) => p.countdown)),
      // Members' per-bar type logits and pool scores are averaged too (per-span types of the ensemble).
      ...(ps.every((p) => p.barTypeLogits && p.poolScore)
        ? { barTypeLogits: avg(ps.map((p) => p.barTypeLogits!)), poolScore: avg(ps.map((p) => p.poolScore!)) }
        : {}),
    };
  });
}

export interface EnsembleResult {
  status: 'completed' | 'cancelled';
  members: (TrainResult & { seed: number })[];
  seconds: number;
}

/**
 * Train `seeds.length` members (member i: spec.seed = seeds[i], shuffle seed = seeds[i]) one after
 * another. Stops at the first cancelled member; completed members' models are disposed on cancel.
 */
export async function trainEnsemble(opts: Omit<TrainOptions, 'member' | 'seed'> & { seeds: number[] }): Promise<EnsembleResult> {
  const t0 = performance.now();
  const members: (TrainResult & { seed: number })[] = [];
  for (let m = 0; m < opts.seeds.length; m++) {
    const seed = opts.seeds[m];
    const r = await trainModel({ ...opts, spec: { ...opts.spec, seed }, seed, member: m });
    members.push({ ...r, seed });
    if (r.status === 'cancelled') {
      for (const x of members) x.model?.dispose();
      return { status: 'cancelled', members, seconds: (performance.now() - t0) / 1000 };
    }
  }
  return { status: 'completed', members, seconds: (performance.now() - t0) / 1000 };
}
