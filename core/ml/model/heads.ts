/**
 * The four heads on the encoder's per-bar encodings h [B·T, H].
 *   One matMul H → [start, end, poolScore, countdown, span logits...] per bar:
 *   pointer   softmax over positions for the main span's start and end (no-span windows: no loss)
 *   countdown regression of log1p(bars left until the span ends)
 *   span      soft: 1 logit per bar; crf: K = 2 emission scores per bar ({O, I}, see crf.ts) and the
 *             CRF's transition/start/end scores
 *   type      attention pooling (softmax of poolScore over T) → linear → softmax over types.
 * Losses are in losses.ts, turning outputs into predictions in decoding.ts.
 */
import { tf } from '../backend/tf.ts';
import { CRF_NUM_TAGS, type CrfArrays } from './crf.ts';
import { glorotLimit, uniformArray } from './init.ts';
import { linear, type OpsMode } from './ops.ts';
import { zerosInit, type ParamDef, type ParamLookup } from './params.ts';
import type { ModelSpec } from './types.ts';

/** Columns of the per-bar head output before the span logits. */
export const COL_START = 0;
export const COL_POOL = 2;
export const COL_COUNTDOWN = 3;
export const COL_SPAN = 4;

/** Span outputs per bar: 1 logit (soft) or K CRF emission scores. */
export function spanOutputs(spec: Pick<ModelSpec, 'head'>): number {
  return spec.head === 'crf' ? CRF_NUM_TAGS : 1;
}

/** Width P of the per-bar head output. */
export function headWidth(spec: Pick<ModelSpec, 'head'>): number {
  return COL_SPAN + spanOutputs(spec);
}

export function headParamDefs(spec: ModelSpec): ParamDef[] {
  const H = spec.hidden;
  const P = headWidth(spec);
  const uni = (limit: number) => (r: () => number, n: number) => uniformArray(r, n, limit);
  const defs: ParamDef[] = [
    { name: 'head/w', shape: [H, P], init: uni(glorotLimit(H, P)) },
    { name: 'head/b', shape: [P], init: zerosInit },
    { name: 'type/w', shape: [H, spec.typeCount], init: uni(glorotLimit(H, spec.typeCount)) },
    { name: 'type/b', shape: [spec.typeCount], init: zerosInit },
  ];
  if (spec.head === 'crf') {
    const K = CRF_NUM_TAGS;
    defs.push({ name: 'crf/trans', shape: [K, K], init: zerosInit });
    defs.push({ name: 'crf/start', shape: [K], init: zerosInit });
    defs.push({ name: 'crf/end', shape: [K], init: zerosInit });
  }
  return defs;
}

/** Per-bar head output [B,T,P] from h [B·T,H]. */
export function barOutputs(h: tf.Tensor2D, B: number, T: number, spec: ModelSpec, v: ParamLookup, mode: OpsMode): tf.Tensor3D {
  return tf.reshape(linear(h, v('head/w') as tf.Tensor2D, v('head/b') as tf.Tensor1D, mode), [B, T, headWidth(spec)]);
}

/** Type logits [B,C] by attention pooling of h [B,T,H] with the pool scores [B,T]. */
export function typeLogits(h: tf.Tensor3D, poolScore: tf.Tensor2D, v: ParamLookup): tf.Tensor2D {
  const [B, T, H] = h.shape;
  const a = tf.reshape(tf.softmax(poolScore), [B, 1, T]);
  const pooled = tf.reshape(tf.matMul(a, h), [B, H]);
  return tf.fused.matMul({ a: pooled as tf.Tensor2D, b: v('type/w') as tf.Tensor2D, bias: v('type/b') }) as tf.Tensor2D;
}

/**
 * Per-bar type logits [B·T,C]: the type head applied to each bar's encoding (pooling is linear, so
 * pooling these with the pool scores over a span = the type head restricted to that span).
 */
export function barTypeLogits(h: tf.Tensor2D, v: ParamLookup, mode: OpsMode): tf.Tensor2D {
  return linear(h, v('type/w') as tf.Tensor2D, v('type/b') as tf.Tensor1D, mode);
}

/** The CRF's learned scores as tensors (for the loss). */
export function crfTensors(v: ParamLookup): { trans: tf.Tensor2D; start: tf.Tensor1D; end: tf.Tensor1D } {
  return { trans: v('crf/trans') as tf.Tensor2D, start: v('crf/start') as tf.Tensor1D, end: v('crf/end') as tf.Tensor1D };
}

/** The CRF's learned scores as arrays (for decoding). */
export function crfArrays(v: ParamLookup): CrfArrays {
  return { trans: v('crf/trans').dataSync(), start: v('crf/start').dataSync(), end: v('crf/end').dataSync() };
}
