/**
 * The shared encoder: input [B,T,F] (normalised features) → per-bar encodings [B·T, H].
 *
 *   'conv'      1-D convolutions, kernel 5, one per dilation (default 1/2/4: receptive field 29
 *               bars; spec.dilations widens it), ReLU, residual from the 2nd layer on. Each
 *               convolution = im2col (all k taps at once, one scatterND) + ONE matMul with a
 *               hand-written gradient (ops.ts): few, large ops, and only the matMul forms that are
 *               fast on wasm. (tf.conv1d is ~4x slower on cpu and has no gradient kernel on wasm;
 *               dilated conv has no gradient on cpu.)
 *   'conv-attn' the same, then one single-head self-attention layer (q/k width H/2, fixed
 *               sinusoidal positions added to its input, residual output projection).
 * Settings come in through the spec and the ops mode; the module holds no state.
 */
import { tf } from '../backend/tf.ts';
import { glorotLimit, heLimit, uniformArray } from './init.ts';
import type { Dropout } from './dropout.ts';
import { im2col, linear, selfAttention, type OpsMode } from './ops.ts';
import { zerosInit, type ParamDef, type ParamLookup } from './params.ts';
import type { ModelSpec } from './types.ts';

export const CONV_KERNEL = 5;
/** Default dilations (spec.dilations absent). */
export const CONV_DILATIONS: readonly number[] = [1, 2, 4];

export function encoderDilations(spec: Pick<ModelSpec, 'dilations'>): readonly number[] {
  return spec.dilations ?? CONV_DILATIONS;
}

/** Bars each side of a bar that its encoding can see (the encoder's half receptive field). */
export function receptiveHalfWidth(spec: Pick<ModelSpec, 'dilations'>): number {
  return encoderDilations(spec).reduce((a, d) => a + ((CONV_KERNEL - 1) / 2) * d, 0);
}

/** Query/key width of the attention layer (values keep the full width). */
export function attnKeyDim(hidden: number): number {
  return Math.max(4, Math.floor(hidden / 2));
}

export function validateDilations(d: unknown): void {
  if (d === undefined) return;
  if (!Array.isArray(d) || d.length < 1 || d.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1)) {
    throw new Error(`ModelSpec.dilations must be a non-empty list of positive integers, got ${JSON.stringify(d)}`);
  }
}

export function encoderParamDefs(spec: ModelSpec): ParamDef[] {
  const F = spec.featureCount;
  const H = spec.hidden;
  const k = CONV_KERNEL;
  const uni = (limit: number) => (r: () => number, n: number) => uniformArray(r, n, limit);
  const defs: ParamDef[] = [];
  encoderDilations(spec).forEach((_d, l) => {
    const cin = l === 0 ? F : H;
    // Residual layers start smaller so the residual stream stays well-scaled at init.
    const scale = l === 0 ? 1 : 0.5;
    defs.push({ name: `enc/conv${l}/w`, shape: [k * cin, H], init: uni(scale * heLimit(k * cin)) });
    defs.push({ name: `enc/conv${l}/b`, shape: [H], init: zerosInit });
  });
  if (spec.encoder === 'conv-attn') {
    const dk = attnKeyDim(H);
    defs.push({ name: 'enc/attn/q', shape: [H, dk], init: uni(glorotLimit(H, dk)) });
    defs.push({ name: 'enc/attn/k', shape: [H, dk], init: uni(glorotLimit(H, dk)) });
    defs.push({ name: 'enc/attn/v', shape: [H, H], init: uni(glorotLimit(H, H)) });
    defs.push({ name: 'enc/attn/out/w', shape: [H, H], init: uni(0.5 * glorotLimit(H, H)) });
    defs.push({ name: 'enc/attn/out/b', shape: [H], init: zerosInit });
  }
  return defs;
}

/** Fixed sinusoidal position encodings [T,H]. */
export function sinusoid(T: number, H: number): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < H; i++) {
      const freq = 1 / Math.pow(1000, (2 * Math.floor(i / 2)) / H);
      out[t * H + i] = i % 2 === 0 ? Math.sin(t * freq) : Math.cos(t * freq);
    }
  }
  return out;
}

/**
 * Encode x [B,T,F] → h [B·T, H] (rows b-major). posEnc: the [T,H] position encodings
 * ('conv-attn' only, built once by the model). drop: training-mode dropout (dropout.ts), null otherwise:
 * input channels, and each layer's output before its residual add.
 */
export function encode(x: tf.Tensor3D, spec: ModelSpec, v: ParamLookup, posEnc: tf.Tensor2D | null, mode: OpsMode, drop: Dropout | null = null): tf.Tensor2D {
  const [B, T] = x.shape;
  const H = spec.hidden;
  const dil = encoderDilations(spec);
  let h2: tf.Tensor2D = tf.reshape(drop ? drop.input(x) : x, [B * T, x.shape[2]]);
  for (let l = 0; l < dil.length; l++) {
    const cols = im2col(h2, B, T, CONV_KERNEL, dil[l]);
    const relu = tf.relu(linear(cols, v(`enc/conv${l}/w`) as tf.Tensor2D, v(`enc/conv${l}/b`) as tf.Tensor1D, mode));
    const y = drop ? drop.hidden(relu) : relu;
    h2 = l === 0 ? y : tf.add<tf.Tensor2D>(h2, y);
  }
  if (spec.encoder === 'conv-attn' && posEnc) {
    const hp = tf.reshape(tf.add(tf.reshape(h2, [B, T, H]), posEnc), [B * T, H]) as tf.Tensor2D;
    const dk = attnKeyDim(H);
    const q = tf.reshape(linear(hp, v('enc/attn/q') as tf.Tensor2D, null, mode), [B, T, dk]) as tf.Tensor3D;
    const kk = tf.reshape(linear(hp, v('enc/attn/k') as tf.Tensor2D, null, mode), [B, T, dk]) as tf.Tensor3D;
    const vv = tf.reshape(linear(hp, v('enc/attn/v') as tf.Tensor2D, null, mode), [B, T, H]) as tf.Tensor3D;
    const ctx = selfAttention(q, kk, vv, mode);
    const o = linear(tf.reshape(ctx, [B * T, H]), v('enc/attn/out/w') as tf.Tensor2D, v('enc/attn/out/b') as tf.Tensor1D, mode);
    h2 = tf.add<tf.Tensor2D>(h2, drop ? drop.hidden(o) : o);
  }
  return h2;
}
