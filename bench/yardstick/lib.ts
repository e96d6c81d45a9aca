/**
 * Shared pieces of the yardstick driver and the quality bench: export the demo data set (features,
 * targets, initial weights, batch orders) for PyTorch, train the TS model, run the python
 * yardstick, and evaluate both sides with the same metric code (core/ml/eval).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, type BackendPreference } from '../../core/ml/backend/index.ts';
import { createSpanModel } from '../../core/ml/model/index.ts';
import type { EncoderKind, ModelSpec, WindowPrediction } from '../../core/ml/model/types.ts';
import { demoTrainData, type DemoData } from '../../test/helpers/demo-data.ts';
import { predictAll, trainModel, type LrSchedule } from '../../core/ml/training/train.ts';
import { TRAINING_DEFAULTS } from '../../core/ml/training/defaults.ts';
import { runEpochCriterion, type EpochCriterion } from '../../core/ml/training/epoch-criterion.ts';
import { DEFAULT_TASK_WEIGHTING } from '../../core/ml/training/task-weights.ts';
import { mulberry32, shuffleInPlace } from '../../core/ml/training/rng.ts';
import { evaluatePredictions, type InitialEval, type ModelMetrics } from '../../core/ml/eval/report.ts';
import { prevalenceBaseline } from '../../core/ml/eval/metrics.ts';
import { TASKS, type EpochEvent, type TaskValues } from '../../core/ml/eval/types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PYTHON = process.env.CANDLEMARK_PYTHON ?? '/usr/bin/python3';
export const YARDSTICK_PY = path.join(here, 'yardstick.py');

export interface BenchConfig {
  windows: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hidden: number;
  /** Data seed (makeTrainingSet). */
  dataSeed: number;
  /** Model init seed (spec.seed) and shuffle seed. */
  seed: number;
  backend: BackendPreference;
  threads: number;
  /** Encoder of both sides (yardstick.py reads it from the export's spec). */
  encoder: EncoderKind;
  /** Training-mode dropout rates (ModelSpec.dropout / inputDropout; yardstick.py reads them from the export's spec). */
  dropout?: number;
  inputDropout?: number;
  /**
   * Which epoch both sides keep (core/ml/training/epoch-criterion.ts; yardstick.py mirrors both rules).
   * Default: what a run on this set does — it has no test block, so 'span-loss'.
   */
  epochCriterion?: EpochCriterion;
  /** Polyak averaging and the learning-rate schedule (yardstick.py mirrors both); default: the engine's. */
  weightAverage?: boolean | number;
  lrSchedule?: LrSchedule;
  /** Decoupled weight decay for both heads (yardstick.py mirrors it); absent: each head's engine default. */
  weightDecay?: number;
}

export const DEFAULT_BENCH: BenchConfig = {
  windows: 210,
  epochs: 50,
  batchSize: 16,
  learningRate: 0.002,
  hidden: 32,
  dataSeed: 7,
  seed: 1,
  backend: 'wasm',
  threads: 2,
  encoder: 'conv',
  epochCriterion: runEpochCriterion(undefined, 0),
  weightAverage: TRAINING_DEFAULTS.weightAverage,
  lrSchedule: TRAINING_DEFAULTS.lrSchedule,
};

/** The training rules both sides follow (yardstick.py reads them from the export's config). */
function trainingRules(cfg: BenchConfig): { epochCriterion: EpochCriterion; weightAverage: boolean | number; lrSchedule: LrSchedule } {
  return {
    epochCriterion: cfg.epochCriterion ?? DEFAULT_BENCH.epochCriterion!,
    weightAverage: cfg.weightAverage ?? DEFAULT_BENCH.weightAverage!,
    lrSchedule: cfg.lrSchedule ?? DEFAULT_BENCH.lrSchedule!,
  };
}

/** The decoupled weight decay a head trains with: the bench's setting, else the engine's per-head default. */
export function weightDecayFor(cfg: BenchConfig, head: 'soft' | 'crf'): number {
  return cfg.weightDecay ?? TRAINING_DEFAULTS.weightDecayByHead[head];
}

/**
 * Folder/label suffix for an encoder: none for the default 'conv' (so its result paths and labels
 * stay as they were), '-conv-attn' otherwise, so runs of different encoders never share an export
 * (the exported init weights differ) or overwrite each other's results.
 */
export function encoderSuffix(encoder: EncoderKind): string {
  return encoder === 'conv' ? '' : `-${encoder}`;
}

export function specFor(d: DemoData, head: 'soft' | 'crf', cfg: BenchConfig): ModelSpec {
  return {
    head,
    encoder: cfg.encoder,
    featureCount: d.features.length,
    windowLength: d.windowLength,
    typeCount: d.typeNames.length,
    hidden: cfg.hidden,
    seed: cfg.seed,
    ...(cfg.dropout ? { dropout: cfg.dropout } : {}),
    ...(cfg.inputDropout ? { inputDropout: cfg.inputDropout } : {}),
  };
}

/** The TS trainer's shuffles, epoch by epoch (same PRNG and sequence as trainModel). */
export function shuffleOrders(n: number, epochs: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(epochs * n);
  for (let e = 0; e < epochs; e++) {
    shuffleInPlace(order, rand);
    out.set(order, e * n);
  }
  return out;
}

/** Write data.json (+ data.bin) for yardstick.py. */
export function exportForPython(d: DemoData, cfg: BenchConfig, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const parts: Buffer[] = [];
  let offset = 0;
  const arrays: Record<string, { dtype: 'float32' | 'int32'; shape: number[]; offset: number }> = {};
  const add = (name: string, a: Float32Array | Int32Array, shape: number[]): void => {
    const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    arrays[name] = { dtype: a instanceof Float32Array ? 'float32' : 'int32', shape, offset };
    parts.push(buf);
    offset += buf.byteLength;
  };
  const T = d.windowLength;
  const F = d.features.length;
  for (const [prefix, x, targets] of [
    ['train', d.trainX, d.trainTargets],
    ['val', d.valX, d.valTargets],
  ] as const) {
    const n = targets.length;
    add(`${prefix}_x`, x, [n, T, F]);
    const cat = (f: (t: (typeof targets)[number]) => Float32Array): Float32Array => {
      const out = new Float32Array(n * T);
      targets.forEach((t, i) => out.set(f(t), i * T));
      return out;
    };
    add(
      `${prefix}_mask`,
      cat((t) => t.mask),
      [n, T],
    );
    add(
      `${prefix}_softMask`,
      cat((t) => t.softMask),
      [n, T],
    );
    add(
      `${prefix}_countdown`,
      cat((t) => t.countdown),
      [n, T],
    );
    // same sanitising as makeBatch
    const has = targets.map((t) => t.hasSpan && t.start >= 0 && t.end >= t.start && t.end < T);
    add(
      `${prefix}_start`,
      Int32Array.from(targets, (t, i) => (has[i] && t.startKnown !== false ? t.start : -1)),
      [n],
    );
    add(
      `${prefix}_end`,
      Int32Array.from(targets, (t, i) => (has[i] && t.endKnown !== false ? t.end : -1)),
      [n],
    );
    add(
      `${prefix}_barWeight`,
      cat((t) => t.barWeight ?? new Float32Array(T).fill(Number.isFinite(t.weight) ? Math.max(0, t.weight) : 1)),
      [n, T],
    );
    add(
      `${prefix}_countdownMask`,
      cat((t) => t.countdownMask ?? Float32Array.from(t.mask, (v) => (v > 0.5 ? 1 : 0))),
      [n, T],
    );
    add(
      `${prefix}_typeIndex`,
      Int32Array.from(targets, (t, i) => (has[i] && t.typeIndex >= 0 && t.typeIndex < d.typeNames.length ? t.typeIndex : -1)),
      [n],
    );
    add(
      `${prefix}_hasSpan`,
      Float32Array.from(has, (h) => (h ? 1 : 0)),
      [n],
    );
    add(
      `${prefix}_weight`,
      Float32Array.from(targets, (t) => (Number.isFinite(t.weight) ? Math.max(0, t.weight) : 1)),
      [n],
    );
  }
  add('orders', shuffleOrders(d.trainTargets.length, cfg.epochs, cfg.seed), [cfg.epochs, d.trainTargets.length]);
  const init: Record<string, { name: string; shape: number[] }[]> = {};
  for (const head of ['soft', 'crf'] as const) {
    const m = createSpanModel(specFor(d, head, cfg));
    const w = m.exportWeights();
    m.dispose();
    init[head] = w.tensors.map((t) => ({ name: t.name, shape: t.shape }));
    for (const t of w.tensors) add(`init_${head}_${t.name}`, t.data, t.shape);
  }
  const meta = {
    spec: {
      encoder: cfg.encoder,
      featureCount: F,
      windowLength: T,
      typeCount: d.typeNames.length,
      hidden: cfg.hidden,
      dropout: cfg.dropout ?? 0,
      inputDropout: cfg.inputDropout ?? 0,
    },
    config: {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      taskWeighting: DEFAULT_TASK_WEIGHTING,
      ...trainingRules(cfg),
      // per head: yardstick.py picks its head's entry
      weightDecay: { soft: weightDecayFor(cfg, 'soft'), crf: weightDecayFor(cfg, 'crf') },
    },
    nTrain: d.trainTargets.length,
    nVal: d.valTargets.length,
    features: d.features,
    arrays,
    init,
  };
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(meta));
  fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.concat(parts));
}

export interface SideResult {
  side: 'tfjs' | 'pytorch';
  head: 'soft' | 'crf';
  secondsPerEpoch: number;
  /** Mean seconds per epoch excluding the first (warm-up) epoch. */
  secondsPerEpochWarm: number;
  totalSeconds: number;
  bestEpoch: number;
  /** Epoch 0 (the shared initial weights): both sides must agree here to float precision. */
  initial: Pick<InitialEval, 'trainLoss' | 'valLoss' | 'trainTask' | 'valTask'>;
  /** Per-task losses are unweighted; trainTask is the mean over the epoch's training batches. */
  epochs: Pick<
    EpochEvent,
    'epoch' | 'trainLoss' | 'valLoss' | 'trainTask' | 'valTask' | 'valUnweighted' | 'valCriterion' | 'valBarF1' | 'seconds' | 'taskWeights'
  >[];
  metrics: ModelMetrics;
  /** The figure compared: span F1 on validation (threshold chosen on train for soft — the demo set has no test block, so a run would choose there too; Viterbi for CRF). */
  spanF1: number;
  device: string;
}

function summariseSeconds(secs: number[]): { mean: number; warm: number } {
  const mean = secs.reduce((a, b) => a + b, 0) / Math.max(1, secs.length);
  const rest = secs.slice(1);
  const warm = rest.length ? rest.reduce((a, b) => a + b, 0) / rest.length : mean;
  return { mean, warm };
}

export async function runTfjs(d: DemoData, head: 'soft' | 'crf', cfg: BenchConfig, log: (s: string) => void = () => {}): Promise<SideResult> {
  const sel = await selectBackend(cfg.backend);
  const r = await trainModel({
    spec: specFor(d, head, cfg),
    data: d,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: cfg.seed,
    skipUntrained: true,
    ...trainingRules(cfg),
    weightDecay: weightDecayFor(cfg, head),
    onEpoch: (e) => {
      if (e.epoch === 1 || e.epoch % 10 === 0 || e.epoch === e.epochs)
        log(
          `  tfjs ${head} epoch ${e.epoch}/${e.epochs} ${e.seconds.toFixed(2)}s valCriterion ${e.valCriterion.toFixed(4)} valBarF1@0.5 ${e.valBarF1.toFixed(3)}`,
        );
    },
  });
  const model = r.model!;
  const trainPred = predictAll(model, d.trainX, d.trainTargets.length);
  const valPred = predictAll(model, d.valX, d.valTargets.length);
  model.dispose();
  const metrics = evaluatePredictions(d.trainTruth, trainPred, d.valTruth, valPred, { head });
  const s = summariseSeconds(r.epochs.map((e) => e.seconds));
  return {
    side: 'tfjs',
    head,
    secondsPerEpoch: s.mean,
    secondsPerEpochWarm: s.warm,
    totalSeconds: r.seconds,
    bestEpoch: r.bestEpoch,
    initial: { trainLoss: r.initial.trainLoss, valLoss: r.initial.valLoss, trainTask: r.initial.trainTask, valTask: r.initial.valTask },
    epochs: r.epochs.map((e) => ({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      valLoss: e.valLoss,
      trainTask: e.trainTask,
      valTask: e.valTask,
      valUnweighted: e.valUnweighted,
      valCriterion: e.valCriterion,
      valBarF1: e.valBarF1,
      seconds: e.seconds,
      taskWeights: e.taskWeights,
    })),
    metrics,
    spanF1: metrics.headline.spanF1,
    device: `tfjs ${sel.backend}: ${sel.device}`,
  };
}

function readPreds(dir: string, files: Record<string, { file: string; shape: number[] }>, split: 'train' | 'val'): WindowPrediction[] {
  const get = (k: string) => {
    const f = files[`${split}_${k}`];
    const buf = fs.readFileSync(path.join(dir, f.file));
    const a = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return { a, shape: f.shape };
  };
  const sp = get('spanProb');
  const [n, T] = sp.shape;
  const vit = get('viterbi').a;
  const st = get('startProb').a;
  const en = get('endProb').a;
  const cd = get('countdown').a;
  const ty = get('typeProb');
  const C = ty.shape[1];
  return Array.from({ length: n }, (_, i) => ({
    spanProb: sp.a.slice(i * T, (i + 1) * T),
    viterbi: Uint8Array.from(vit.subarray(i * T, (i + 1) * T), (v) => (v > 0.5 ? 1 : 0)),
    startProb: st.slice(i * T, (i + 1) * T),
    endProb: en.slice(i * T, (i + 1) * T),
    typeProb: ty.a.slice(i * C, (i + 1) * C),
    countdown: cd.slice(i * T, (i + 1) * T),
  }));
}

export function runPytorch(d: DemoData, head: 'soft' | 'crf', cfg: BenchConfig, exportDir: string, outDir: string): SideResult {
  const p = spawnSync(PYTHON, [YARDSTICK_PY, exportDir, head, outDir, '--threads', String(cfg.threads)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (p.status !== 0) throw new Error(`yardstick.py failed (${p.status}): ${p.stderr || p.error?.message}`);
  const res = JSON.parse(fs.readFileSync(path.join(outDir, 'result.json'), 'utf8')) as {
    torch: string;
    threads: number;
    initial: SideResult['initial'];
    epochs: SideResult['epochs'];
    bestEpoch: number;
    seconds: number;
    files: Record<string, { file: string; shape: number[] }>;
  };
  const trainPred = readPreds(outDir, res.files, 'train');
  const valPred = readPreds(outDir, res.files, 'val').map((p) => (head === 'soft' ? { ...p, viterbi: null } : p));
  const metrics = evaluatePredictions(d.trainTruth, head === 'soft' ? trainPred.map((p) => ({ ...p, viterbi: null })) : trainPred, d.valTruth, valPred, {
    head,
  });
  const s = summariseSeconds(res.epochs.map((e) => e.seconds));
  return {
    side: 'pytorch',
    head,
    secondsPerEpoch: s.mean,
    secondsPerEpochWarm: s.warm,
    totalSeconds: res.seconds,
    bestEpoch: res.bestEpoch,
    initial: res.initial,
    epochs: res.epochs,
    metrics,
    spanF1: metrics.headline.spanF1,
    device: `PyTorch ${res.torch} CPU, ${res.threads} threads`,
  };
}

/**
 * The equivalence check: both sides start from the same weights on the same batches, so their
 * epoch-0 losses (no training yet) must agree to float precision, and epoch 1 (training losses
 * averaged over its batches, then validation) to a few decimals; later epochs drift apart
 * chaotically and are compared by F1 only. Per task, unweighted, plus the weighted total.
 */
export interface LossPoint {
  label: string;
  tfjs: TaskValues & { total: number };
  pytorch: TaskValues & { total: number };
}

export function lossPoints(a: SideResult, b: SideResult): LossPoint[] {
  const pts: LossPoint[] = [
    { label: 'epoch 0 train', tfjs: { ...a.initial.trainTask, total: a.initial.trainLoss }, pytorch: { ...b.initial.trainTask, total: b.initial.trainLoss } },
    { label: 'epoch 0 val', tfjs: { ...a.initial.valTask, total: a.initial.valLoss }, pytorch: { ...b.initial.valTask, total: b.initial.valLoss } },
  ];
  const [a1, b1] = [a.epochs[0], b.epochs[0]];
  if (a1 && b1) {
    pts.push({ label: 'epoch 1 train', tfjs: { ...a1.trainTask, total: a1.trainLoss }, pytorch: { ...b1.trainTask, total: b1.trainLoss } });
    pts.push({ label: 'epoch 1 val', tfjs: { ...a1.valTask, total: a1.valLoss }, pytorch: { ...b1.valTask, total: b1.valLoss } });
  }
  return pts;
}

const LOSS_KEYS = [...TASKS, 'total'] as const;

/** Largest |tfjs − torch| over the points' tasks and totals. */
export function maxLossDiff(pts: LossPoint[]): number {
  return Math.max(...pts.flatMap((p) => LOSS_KEYS.map((k) => Math.abs(p.tfjs[k] - p.pytorch[k]))));
}

/** One line per point: "task tfjs/torch" side by side. */
export function formatLossPoints(pts: LossPoint[]): string[] {
  return pts.map((p) => `${p.label.padEnd(14)} ${LOSS_KEYS.map((k) => `${k} ${p.tfjs[k].toFixed(5)}/${p.pytorch[k].toFixed(5)}`).join('  ')}`);
}

export function machine(): { cpu: string; cores: number; node: string; platform: string; date: string; torch: string } {
  const t = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    torch: t.status === 0 ? t.stdout.trim() : 'unavailable',
  };
}

export function loadDemo(cfg: BenchConfig): DemoData {
  return demoTrainData({ seed: cfg.dataSeed, windows: cfg.windows });
}

export function baselines(d: DemoData): { allSpanBarF1: number; allSpanSpanF1: number; prevalence: number } {
  const b = prevalenceBaseline(
    d.valTruth.map((t) => t.mask),
    d.valTruth.map((t) => t.spans),
  );
  return { allSpanBarF1: b.barF1, allSpanSpanF1: b.spanF1, prevalence: b.prevalence };
}

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const k = a.slice(2);
    const v = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
    out[k] = v;
  }
  return out;
}
