/**
 * The span detector: the shared encoder (encoder.ts) and four heads (heads.ts), trained with a
 * multi-task loss (losses.ts) whose task weights are learned (Kendall, Gal & Cipolla 2018);
 * predictions are decoded in decoding.ts. This file only owns the variables and wires the parts.
 *
 * Loss: total = sum_i exp(-2 s_i) L_i + s_i with s_i = log sigma_i (learned, or set in closed form
 * by the trainer: training/task-weights.ts); every L_i is a confidence-weighted sum over a count
 * (losses.ts), span/countdown weighted per bar, pointer/type per window.
 * Dropout (dropout.ts, spec.dropout / spec.inputDropout) applies only when `training` is true; its
 * masks come from a seeded stream owned by the model, one draw per training-mode pass.
 *
 * Implementation choices that do not change the maths (which CRF NLL, hand-written vs autodiff ops)
 * are ModelOptions passed to createSpanModel/importSpanModel: no module-level switches.
 */
import { tf } from '../backend/tf.ts';
import { encode, encoderParamDefs, sinusoid, validateDilations } from './encoder.ts';
import { COL_COUNTDOWN, COL_POOL, COL_SPAN, COL_START, barOutputs, barTypeLogits, crfArrays, crfTensors, headParamDefs, typeLogits } from './heads.ts';
import { decodeOutputs } from './decoding.ts';
import { taskLosses, taskWeightsFromLogSigmas, uncertaintyTotal, type CrfImpl } from './losses.ts';
import { mulberry32 } from './init.ts';
import { DropoutStream, validateDropout } from './dropout.ts';
import type { OpsMode } from './ops.ts';
import { zerosInit, type ParamDef } from './params.ts';
import type { Batch, LossResult, ModelSpec, SavedWeights, SpanModel, WindowPrediction } from './types.ts';
import { TASKS } from './types.ts';

export { CONV_KERNEL, CONV_DILATIONS, attnKeyDim } from './encoder.ts';
export { spanOutputs } from './heads.ts';
export type { CrfImpl } from './losses.ts';

/** How the model computes, not what: no effect on the maths (tests and benches compare them). */
export interface ModelOptions {
  /** CRF NLL: fused JS forward-backward (default) or tfjs ops with autodiff. */
  crfImpl?: CrfImpl;
  /** Hand-written-gradient ops: 'auto' (wasm only, default), 'always' or 'never'. */
  ops?: OpsMode;
}

export const DEFAULT_SPEC: Omit<ModelSpec, 'featureCount' | 'windowLength' | 'typeCount'> = {
  head: 'soft',
  encoder: 'conv',
  hidden: 32,
  seed: 1,
};

function validateSpec(spec: ModelSpec): void {
  const ints: Array<keyof ModelSpec> = ['featureCount', 'windowLength', 'typeCount', 'hidden'];
  for (const k of ints) {
    const v = spec[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`ModelSpec.${k} must be a positive integer, got ${String(v)}`);
  }
  if (spec.windowLength < 2) throw new Error('ModelSpec.windowLength must be at least 2');
  if (spec.head !== 'soft' && spec.head !== 'crf') throw new Error(`Unknown head "${String(spec.head)}"`);
  if (spec.encoder !== 'conv' && spec.encoder !== 'conv-attn') throw new Error(`Unknown encoder "${String(spec.encoder)}"`);
  if (!Number.isFinite(spec.seed)) throw new Error('ModelSpec.seed must be a finite number');
  validateDilations(spec.dilations);
  validateDropout(spec);
}

/** The model's parameters, in a fixed order (the order of exportWeights). */
export function paramDefs(spec: ModelSpec): ParamDef[] {
  return [...encoderParamDefs(spec), ...headParamDefs(spec), { name: 'loss/logSigma', shape: [TASKS.length], init: zerosInit }];
}

const COLUMNS = { start: COL_START, pool: COL_POOL, countdown: COL_COUNTDOWN, span: COL_SPAN };

let modelCounter = 0;

class SpanModelImpl implements SpanModel {
  readonly spec: ModelSpec;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly order: string[] = [];
  private readonly crfImpl: CrfImpl;
  private readonly ops: OpsMode;
  private posEnc: tf.Tensor2D | null = null;
  private readonly dropout: DropoutStream;
  private disposed = false;
  private readonly lookup = (name: string): tf.Variable => {
    const x = this.vars.get(name);
    if (!x) throw new Error(`no variable ${name}`);
    return x;
  };

  constructor(spec: ModelSpec, options: ModelOptions, values?: Map<string, Float32Array>) {
    validateSpec(spec);
    this.spec = { ...spec };
    this.crfImpl = options.crfImpl ?? 'fused';
    this.ops = options.ops ?? 'auto';
    if (this.crfImpl !== 'fused' && this.crfImpl !== 'tf') throw new Error(`Unknown crfImpl "${String(this.crfImpl)}"`);
    this.dropout = new DropoutStream(spec);
    const rng = mulberry32(spec.seed);
    const id = ++modelCounter;
    for (const d of paramDefs(spec)) {
      const n = d.shape.reduce((a, b) => a * b, 1);
      // Always draw from the RNG so the init stream does not depend on which values are imported.
      const init = d.init(rng, n);
      const v = values?.get(d.name) ?? init;
      if (v.length !== n) throw new Error(`weight ${d.name}: ${v.length} values, expected ${n} for shape [${d.shape.join(',')}]`);
      const initial = tf.tensor(v, d.shape, 'float32');
      this.vars.set(d.name, tf.variable(initial, true, `m${id}/${d.name}`));
      initial.dispose();
      this.order.push(d.name);
    }
    if (spec.encoder === 'conv-attn') {
      this.posEnc = tf.keep(tf.tensor2d(sinusoid(spec.windowLength, spec.hidden), [spec.windowLength, spec.hidden]));
    }
  }

  private check(): void {
    if (this.disposed) throw new Error('SpanModel used after dispose()');
  }

  trainableVariables(): tf.Variable[] {
    this.check();
    return this.order.map(this.lookup);
  }

  /** Encoder + per-bar head: h [B·T,H], h3 [B,T,H], head output [B,T,P] and pool scores [B,T]. */
  private forward(x: tf.Tensor3D, training = false): { h: tf.Tensor2D; h3: tf.Tensor3D; out: tf.Tensor3D; pool: tf.Tensor2D } {
    const [B, T] = x.shape;
    const h = encode(x, this.spec, this.lookup, this.posEnc, this.ops, training ? this.dropout.forPass() : null);
    const out = barOutputs(h, B, T, this.spec, this.lookup, this.ops);
    const pool = tf.reshape(tf.slice(out, [0, 0, COL_POOL], [B, T, 1]), [B, T]) as tf.Tensor2D;
    return { h, h3: tf.reshape(h, [B, T, this.spec.hidden]), out, pool };
  }

  loss(batch: Batch, training: boolean): LossResult {
    this.check();
    const { spec } = this;
    const T = spec.windowLength;
    if (batch.x.shape[1] !== T || batch.x.shape[2] !== spec.featureCount) {
      throw new Error(`batch x has shape [${batch.x.shape.join(',')}], model expects [B,${T},${spec.featureCount}]`);
    }
    const { h3, out, pool } = this.forward(batch.x, training);
    const heads = { out, typeLogits: typeLogits(h3, pool, this.lookup), crf: spec.head === 'crf' ? crfTensors(this.lookup) : null };
    const perTask = taskLosses(batch, heads, COLUMNS, this.crfImpl);
    const losses = tf.stack(TASKS.map((t) => perTask[t])) as tf.Tensor1D;
    const total = uncertaintyTotal(losses, this.lookup('loss/logSigma') as tf.Tensor1D);
    return { total, perTask };
  }

  logSigmas(): Float32Array {
    this.check();
    return Float32Array.from(this.lookup('loss/logSigma').dataSync());
  }

  setLogSigmas(s: ArrayLike<number>): void {
    this.check();
    if (s.length !== TASKS.length) throw new Error(`setLogSigmas: expected ${TASKS.length} values, got ${s.length}`);
    const t = tf.tensor1d(Float32Array.from(s));
    this.lookup('loss/logSigma').assign(t);
    t.dispose();
  }

  networkVariables(): tf.Variable[] {
    this.check();
    return this.order.filter((n) => n !== 'loss/logSigma').map(this.lookup);
  }

  taskWeights(): Float32Array {
    return taskWeightsFromLogSigmas(this.logSigmas());
  }

  predict(x: Float32Array, count: number): WindowPrediction[] {
    this.check();
    const { spec } = this;
    const T = spec.windowLength;
    const F = spec.featureCount;
    const C = spec.typeCount;
    if (x.length !== count * T * F) throw new Error(`predict: x has ${x.length} values, expected ${count}×${T}×${F}`);
    const preds: WindowPrediction[] = [];
    const chunk = 64;
    const crf = spec.head === 'crf' ? crfArrays(this.lookup) : null;
    for (let b0 = 0; b0 < count; b0 += chunk) {
      const B = Math.min(chunk, count - b0);
      // tidy returns the tensors, not their data: tidy walks whatever it returns, and walking
      // a large typed array element by element cost more than the forward pass itself.
      const [outT, typeT, barTypeT] = tf.tidy(() => {
        const xt = tf.tensor3d(x.subarray(b0 * T * F, (b0 + B) * T * F), [B, T, F]);
        const { h, h3, out, pool } = this.forward(xt);
        return [out, tf.softmax(typeLogits(h3, pool, this.lookup)), barTypeLogits(h, this.lookup, this.ops)];
      });
      const raw = {
        out: outT.dataSync() as Float32Array,
        P: outT.shape[2] as number,
        typeProb: typeT.dataSync() as Float32Array,
        barTypeLogits: barTypeT.dataSync() as Float32Array,
      };
      tf.dispose([outT, typeT, barTypeT]);
      preds.push(...decodeOutputs(raw, B, T, C, spec.head, crf));
    }
    return preds;
  }

  exportWeights(): SavedWeights {
    this.check();
    return {
      spec: { ...this.spec },
      tensors: this.order.map((name) => {
        const v = this.lookup(name);
        return { name, shape: v.shape.slice(), data: Float32Array.from(v.dataSync()) };
      }),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.vars.values()) v.dispose();
    this.posEnc?.dispose();
    this.vars.clear();
  }
}

/** A fresh model; weights are a deterministic function of spec (seed included). */
export function createSpanModel(spec: ModelSpec, options: ModelOptions = {}): SpanModel {
  return new SpanModelImpl(spec, options);
}

/** Rebuild a model from exportWeights() output (names and shapes must match the spec). */
export function importSpanModel(saved: SavedWeights, options: ModelOptions = {}): SpanModel {
  const values = new Map<string, Float32Array>();
  for (const t of saved.tensors) values.set(t.name, t.data);
  const defs = paramDefs(saved.spec);
  for (const d of defs) {
    const t = saved.tensors.find((x) => x.name === d.name);
    if (!t) throw new Error(`saved weights lack "${d.name}"`);
    if (t.shape.length !== d.shape.length || t.shape.some((s, i) => s !== d.shape[i])) {
      throw new Error(`saved weight "${d.name}" has shape [${t.shape.join(',')}], expected [${d.shape.join(',')}]`);
    }
  }
  const known = new Set(defs.map((d) => d.name));
  const extra = saved.tensors.filter((t) => !known.has(t.name)).map((t) => t.name);
  if (extra.length) throw new Error(`saved weights have unknown tensors: ${extra.join(', ')}`);
  return new SpanModelImpl(saved.spec, options, values);
}

/** Number of scalar parameters of a spec. */
export function countParams(spec: ModelSpec): number {
  return paramDefs(spec).reduce((a, d) => a + d.shape.reduce((x, y) => x * y, 1), 0);
}
