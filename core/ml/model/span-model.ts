/**
 * The span detector: a small shared encoder and four heads, trained with a multi-task loss whose
 * task weights are learned (Kendall, Gal & Cipolla 2018).
 *
 * Encoder (input [B,T,F], normalised features), H = spec.hidden channels:
 *   'conv'      3 1-D convolutions, kernel 5, dilations 1/2/4 (receptive field 29 bars), ReLU,
 *               residual from the 2nd layer on. Each convolution = im2col (all k taps at once, one
 *               scatterND) + ONE matMul with a hand-written gradient (ops.ts): few, large ops, and
 *               only the matMul forms that are fast on wasm. (tf.conv1d is ~4x slower on cpu and has
 *               no gradient kernel on wasm; dilated conv has no gradient on cpu.)
 *   'conv-attn' the same, then one single-head self-attention layer (q/k width H/2, fixed
 *               sinusoidal positions added to its input, residual output projection).
 * Heads: one matMul H → [start, end, poolScore, countdown, span logits...] per bar.
 *   pointer   softmax over positions for the main span's start and end (no-span windows: no loss)
 *   type      attention pooling (softmax of poolScore over T) → linear → softmax over types
 *             (no-span windows: no loss)
 *   span      soft: 1 logit per bar, BCE vs the edge-ramped soft mask
 *             crf:  K = 2 emission scores per bar ({O, I}, see crf.ts), CRF NLL / T
 *   countdown regression of log1p(bars left until the span ends), squared error on in-span bars
 * Loss: total = sum_i exp(-2 s_i) L_i + s_i with s_i = log sigma_i (learned, or set in closed form
 * by the trainer: training/task-weights.ts); every L_i is a confidence-weighted sum over a count
 * (losses.ts), span/countdown weighted per bar, pointer/type per window.
 * There is no dropout: `training` is accepted for the contract and currently changes nothing.
 */
import { tf } from '../backend/tf.ts';
import { CRF_NUM_TAGS, crfForwardBackward, crfNll, crfNllTf, crfPathLogProb, crfViterbi } from './crf.ts';
import { im2col, linear, selfAttention } from './ops.ts';
import { countdownLoss, crfSpanLoss, pointerLoss, softSpanLoss, taskWeightsFromLogSigmas, typeLoss, uncertaintyTotal } from './losses.ts';
import { glorotLimit, heLimit, mulberry32, uniformArray } from './init.ts';
import type { Batch, LossResult, ModelSpec, SavedWeights, SpanModel, Task, WindowPrediction } from './types.ts';
import { TASKS } from './types.ts';

export const CONV_KERNEL = 5;
export const CONV_DILATIONS: readonly number[] = [1, 2, 4];
/** Columns of the per-bar head output before the span logits. */
const COL_START = 0;
const COL_POOL = 2;
const COL_COUNTDOWN = 3;
const COL_SPAN = 4;

/** Which CRF NLL implementation the loss uses: fused JS forward-backward (default) or tfjs ops. */
export type CrfImpl = 'fused' | 'tf';
let crfImpl: CrfImpl = 'fused';
export function setCrfImpl(impl: CrfImpl): void {
  crfImpl = impl;
}

export const DEFAULT_SPEC: Omit<ModelSpec, 'featureCount' | 'windowLength' | 'typeCount'> = {
  head: 'soft',
  encoder: 'conv',
  hidden: 32,
  seed: 1,
};

interface ParamDef {
  name: string;
  shape: number[];
  init: (rng: () => number, n: number) => Float32Array;
}

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
}

export function spanOutputs(spec: ModelSpec): number {
  return spec.head === 'crf' ? CRF_NUM_TAGS : 1;
}

/** The model's parameters, in a fixed order (the order of exportWeights). */
export function paramDefs(spec: ModelSpec): ParamDef[] {
  const F = spec.featureCount;
  const H = spec.hidden;
  const k = CONV_KERNEL;
  const zeros = (_r: () => number, n: number): Float32Array => new Float32Array(n);
  const uni = (limit: number) => (r: () => number, n: number) => uniformArray(r, n, limit);
  const defs: ParamDef[] = [];
  CONV_DILATIONS.forEach((_d, l) => {
    const cin = l === 0 ? F : H;
    // Residual layers start smaller so the residual stream stays well-scaled at init.
    const scale = l === 0 ? 1 : 0.5;
    defs.push({ name: `enc/conv${l}/w`, shape: [k * cin, H], init: uni(scale * heLimit(k * cin)) });
    defs.push({ name: `enc/conv${l}/b`, shape: [H], init: zeros });
  });
  if (spec.encoder === 'conv-attn') {
    const dk = attnKeyDim(H);
    defs.push({ name: 'enc/attn/q', shape: [H, dk], init: uni(glorotLimit(H, dk)) });
    defs.push({ name: 'enc/attn/k', shape: [H, dk], init: uni(glorotLimit(H, dk)) });
    defs.push({ name: 'enc/attn/v', shape: [H, H], init: uni(glorotLimit(H, H)) });
    defs.push({ name: 'enc/attn/out/w', shape: [H, H], init: uni(0.5 * glorotLimit(H, H)) });
    defs.push({ name: 'enc/attn/out/b', shape: [H], init: zeros });
  }
  const P = COL_SPAN + spanOutputs(spec);
  defs.push({ name: 'head/w', shape: [H, P], init: uni(glorotLimit(H, P)) });
  defs.push({ name: 'head/b', shape: [P], init: zeros });
  defs.push({ name: 'type/w', shape: [H, spec.typeCount], init: uni(glorotLimit(H, spec.typeCount)) });
  defs.push({ name: 'type/b', shape: [spec.typeCount], init: zeros });
  if (spec.head === 'crf') {
    const K = CRF_NUM_TAGS;
    defs.push({ name: 'crf/trans', shape: [K, K], init: zeros });
    defs.push({ name: 'crf/start', shape: [K], init: zeros });
    defs.push({ name: 'crf/end', shape: [K], init: zeros });
  }
  defs.push({ name: 'loss/logSigma', shape: [TASKS.length], init: zeros });
  return defs;
}

/** Query/key width of the attention layer (values keep the full width). */
export function attnKeyDim(hidden: number): number {
  return Math.max(4, Math.floor(hidden / 2));
}

/** Fixed sinusoidal position encodings [T,H]. */
function sinusoid(T: number, H: number): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < H; i++) {
      const freq = 1 / Math.pow(1000, (2 * Math.floor(i / 2)) / H);
      out[t * H + i] = i % 2 === 0 ? Math.sin(t * freq) : Math.cos(t * freq);
    }
  }
  return out;
}

let modelCounter = 0;

class SpanModelImpl implements SpanModel {
  readonly spec: ModelSpec;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly order: string[] = [];
  private posEnc: tf.Tensor2D | null = null;
  private disposed = false;

  constructor(spec: ModelSpec, values?: Map<string, Float32Array>) {
    validateSpec(spec);
    this.spec = { ...spec };
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

  private v(name: string): tf.Variable {
    const x = this.vars.get(name);
    if (!x) throw new Error(`no variable ${name}`);
    return x;
  }

  private check(): void {
    if (this.disposed) throw new Error('SpanModel used after dispose()');
  }

  trainableVariables(): tf.Variable[] {
    this.check();
    return this.order.map((n) => this.v(n));
  }

  /** Encoder + per-bar head: returns h [B,T,H] and head output [B,T,P]. */
  private forward(x: tf.Tensor3D): { h: tf.Tensor3D; out: tf.Tensor3D } {
    const [B, T] = x.shape;
    const H = this.spec.hidden;
    const k = CONV_KERNEL;
    let h2: tf.Tensor2D = tf.reshape(x, [B * T, x.shape[2]]);
    for (let l = 0; l < CONV_DILATIONS.length; l++) {
      const cols = im2col(h2, B, T, k, CONV_DILATIONS[l]);
      const y = tf.relu(linear(cols, this.v(`enc/conv${l}/w`) as tf.Tensor2D, this.v(`enc/conv${l}/b`) as tf.Tensor1D));
      h2 = l === 0 ? y : tf.add<tf.Tensor2D>(h2, y);
    }
    let h3 = tf.reshape(h2, [B, T, H]) as tf.Tensor3D;
    if (this.spec.encoder === 'conv-attn' && this.posEnc) {
      const hp = tf.reshape(tf.add(h3, this.posEnc), [B * T, H]) as tf.Tensor2D;
      const dk = attnKeyDim(H);
      const q = tf.reshape(linear(hp, this.v('enc/attn/q') as tf.Tensor2D, null), [B, T, dk]) as tf.Tensor3D;
      const kk = tf.reshape(linear(hp, this.v('enc/attn/k') as tf.Tensor2D, null), [B, T, dk]) as tf.Tensor3D;
      const vv = tf.reshape(linear(hp, this.v('enc/attn/v') as tf.Tensor2D, null), [B, T, H]) as tf.Tensor3D;
      const ctx = selfAttention(q, kk, vv);
      const o = linear(tf.reshape(ctx, [B * T, H]), this.v('enc/attn/out/w') as tf.Tensor2D, this.v('enc/attn/out/b') as tf.Tensor1D);
      h2 = tf.add<tf.Tensor2D>(h2, o);
      h3 = tf.reshape(h2, [B, T, H]);
    }
    const P = COL_SPAN + spanOutputs(this.spec);
    const out = tf.reshape(linear(h2, this.v('head/w') as tf.Tensor2D, this.v('head/b') as tf.Tensor1D), [B, T, P]);
    return { h: h3, out: out as tf.Tensor3D };
  }

  /** Type logits [B,C] by attention pooling of h with the pool scores [B,T]. */
  private typeLogits(h: tf.Tensor3D, poolScore: tf.Tensor2D): tf.Tensor2D {
    const [B, T, H] = h.shape;
    const a = tf.reshape(tf.softmax(poolScore), [B, 1, T]);
    const pooled = tf.reshape(tf.matMul(a, h), [B, H]);
    return tf.fused.matMul({ a: pooled as tf.Tensor2D, b: this.v('type/w') as tf.Tensor2D, bias: this.v('type/b') }) as tf.Tensor2D;
  }

  loss(batch: Batch, _training: boolean): LossResult {
    this.check();
    const { spec } = this;
    const T = spec.windowLength;
    const tg = batch.targets;
    const [B] = batch.x.shape;
    if (batch.x.shape[1] !== T || batch.x.shape[2] !== spec.featureCount) {
      throw new Error(`batch x has shape [${batch.x.shape.join(',')}], model expects [B,${T},${spec.featureCount}]`);
    }
    const { h, out } = this.forward(batch.x);
    const cols = tf.transpose(out, [0, 2, 1]); // [B,P,T]
    const w = tg.weight;
    const row = (c: number): tf.Tensor2D => tf.reshape(tf.slice(cols, [0, c, 0], [B, 1, T]), [B, T]);

    const lPointer = pointerLoss(tf.slice(cols, [0, COL_START, 0], [B, 2, T]), tg.start, tg.end, w, tg.hasSpan);
    const lType = typeLoss(this.typeLogits(h, row(COL_POOL)), tg.typeIndex, w, tg.hasSpan);
    let lSpan: tf.Scalar;
    if (spec.head === 'soft') {
      lSpan = softSpanLoss(row(COL_SPAN), tg.softMask, tg.barWeight);
    } else {
      const emis = tf.slice(out, [0, 0, COL_SPAN], [B, T, CRF_NUM_TAGS]) as tf.Tensor3D;
      const trans = this.v('crf/trans') as tf.Tensor2D;
      const st = this.v('crf/start') as tf.Tensor1D;
      const en = this.v('crf/end') as tf.Tensor1D;
      let nll: tf.Tensor1D;
      if (crfImpl === 'fused') {
        const m = tg.mask.dataSync();
        const tags = new Int32Array(B * T);
        for (let i = 0; i < tags.length; i++) tags[i] = m[i] > 0.5 ? 1 : 0;
        nll = crfNll(emis, trans, st, en, tags);
      } else {
        nll = crfNllTf(emis, trans, st, en, tf.cast(tf.greater(tg.mask, 0.5), 'int32') as tf.Tensor2D);
      }
      lSpan = crfSpanLoss(nll, tf.mean(tg.barWeight, 1) as tf.Tensor1D, T);
    }
    const lCountdown = countdownLoss(row(COL_COUNTDOWN), tg.countdown, tg.countdownMask, tg.barWeight);

    const total = uncertaintyTotal(tf.stack([lPointer, lType, lSpan, lCountdown]) as tf.Tensor1D, this.v('loss/logSigma') as tf.Tensor1D);
    const perTask: Record<Task, tf.Scalar> = { pointer: lPointer, type: lType, span: lSpan, countdown: lCountdown };
    return { total, perTask };
  }

  logSigmas(): Float32Array {
    this.check();
    return Float32Array.from(this.v('loss/logSigma').dataSync());
  }

  setLogSigmas(s: ArrayLike<number>): void {
    this.check();
    if (s.length !== TASKS.length) throw new Error(`setLogSigmas: expected ${TASKS.length} values, got ${s.length}`);
    const t = tf.tensor1d(Float32Array.from(s));
    this.v('loss/logSigma').assign(t);
    t.dispose();
  }

  networkVariables(): tf.Variable[] {
    this.check();
    return this.order.filter((n) => n !== 'loss/logSigma').map((n) => this.v(n));
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
    for (let b0 = 0; b0 < count; b0 += chunk) {
      const B = Math.min(chunk, count - b0);
      // tidy returns the two tensors, not their data: tidy walks whatever it returns, and walking
      // a large typed array element by element cost more than the forward pass itself.
      const [outT, typeT, barTypeT] = tf.tidy(() => {
        const xt = tf.tensor3d(x.subarray(b0 * T * F, (b0 + B) * T * F), [B, T, F]);
        const { h, out } = this.forward(xt);
        const pool = tf.reshape(tf.slice(out, [0, 0, COL_POOL], [B, T, 1]), [B, T]) as tf.Tensor2D;
        // Per-bar type logits: the type head applied to each bar's encoding (pooling is linear, so
        // pooling these with the pool scores over a span = the type head restricted to that span).
        const perBar = linear(tf.reshape(h, [B * T, this.spec.hidden]) as tf.Tensor2D, this.v('type/w') as tf.Tensor2D, this.v('type/b') as tf.Tensor1D);
        return [out, tf.softmax(this.typeLogits(h, pool)), perBar];
      });
      const outData = outT.dataSync() as Float32Array;
      const typeData = typeT.dataSync() as Float32Array;
      const barTypeData = barTypeT.dataSync() as Float32Array;
      const P = outT.shape[2] as number;
      tf.dispose([outT, typeT, barTypeT]);
      let marg: Float64Array | null = null;
      let path: Int32Array | null = null;
      let pathLogP: Float64Array | null = null;
      if (spec.head === 'crf') {
        const K = CRF_NUM_TAGS;
        const emis = new Float32Array(B * T * K);
        for (let i = 0; i < B * T; i++) for (let kk = 0; kk < K; kk++) emis[i * K + kk] = outData[i * P + COL_SPAN + kk];
        const p = {
          trans: this.v('crf/trans').dataSync(),
          start: this.v('crf/start').dataSync(),
          end: this.v('crf/end').dataSync(),
        };
        const fb = crfForwardBackward(emis, B, T, K, p);
        marg = fb.unary;
        path = crfViterbi(emis, B, T, K, p);
        pathLogP = crfPathLogProb(emis, B, T, K, p, path, fb.logZ);
      }
      for (let b = 0; b < B; b++) {
        const spanProb = new Float32Array(T);
        const startProb = new Float32Array(T);
        const endProb = new Float32Array(T);
        const countdown = new Float32Array(T);
        let viterbi: Uint8Array | null = null;
        const row = (t: number): number => (b * T + t) * P;
        for (let t = 0; t < T; t++) {
          startProb[t] = outData[row(t) + COL_START];
          endProb[t] = outData[row(t) + COL_START + 1];
          countdown[t] = Math.max(0, Math.expm1(outData[row(t) + COL_COUNTDOWN]));
          if (spec.head === 'soft') spanProb[t] = 1 / (1 + Math.exp(-outData[row(t) + COL_SPAN]));
          else spanProb[t] = 1 - (marg as Float64Array)[(b * T + t) * CRF_NUM_TAGS];
        }
        if (path) {
          viterbi = new Uint8Array(T);
          for (let t = 0; t < T; t++) viterbi[t] = path[b * T + t] === 0 ? 0 : 1;
        }
        softmaxInPlace(startProb);
        softmaxInPlace(endProb);
        const poolScore = new Float32Array(T);
        for (let t = 0; t < T; t++) poolScore[t] = outData[row(t) + COL_POOL];
        const barTypeLogits = barTypeData.slice(b * T * C, (b + 1) * T * C);
        preds.push({ spanProb, viterbi, startProb, endProb, typeProb: typeData.slice(b * C, (b + 1) * C), countdown, barTypeLogits, poolScore, ...(pathLogP ? { pathLogProb: pathLogP[b] } : {}) });
      }
    }
    return preds;
  }

  exportWeights(): SavedWeights {
    this.check();
    return {
      spec: { ...this.spec },
      tensors: this.order.map((name) => {
        const v = this.v(name);
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

function softmaxInPlace(a: Float32Array): void {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.exp(a[i] - m);
    s += a[i];
  }
  for (let i = 0; i < a.length; i++) a[i] /= s;
}

/** A fresh model; weights are a deterministic function of spec (seed included). */
export function createSpanModel(spec: ModelSpec): SpanModel {
  return new SpanModelImpl(spec);
}

/** Rebuild a model from exportWeights() output (names and shapes must match the spec). */
export function importSpanModel(saved: SavedWeights): SpanModel {
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
  return new SpanModelImpl(saved.spec, values);
}

/** Number of scalar parameters of a spec. */
export function countParams(spec: ModelSpec): number {
  return paramDefs(spec).reduce((a, d) => a + d.shape.reduce((x, y) => x * y, 1), 0);
}
