/**
 * The per-task losses and the uncertainty-weighted total. Every task loss is a confidence-weighted
 * SUM divided by a COUNT (windows, bars, or the bars/windows the task applies to), never by the sum
 * of the weights: dividing by Σw made a batch whose labels all have confidence 0.5 produce exactly
 * the gradient of confidence 1, so confidence weighed nothing. Span and countdown are per bar
 * (weights per bar, see labels/targets.ts), pointer and type per window (the main span's
 * confidence); the soft and the CRF heads report on the same scale.
 */
import { tf } from '../backend/tf.ts';
import { CRF_NUM_TAGS, crfNll, crfNllTf } from './crf.ts';
import type { Batch, Task } from './types.ts';

const EPS = 1e-6;

/** Weighted mean of per-window values v [B] with weights w [B] (0 when all weights are 0). */
export function weightedMean(v: tf.Tensor1D, w: tf.Tensor1D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(v, w)), tf.maximum(tf.sum(w), EPS)) as tf.Scalar;
}

/** Σ(v·w) / max(count, 1): a weighted sum averaged over a count, so halving every weight halves it. */
export function countMean(v: tf.Tensor, w: tf.Tensor, count: tf.Scalar | number): tf.Scalar {
  return tf.div(tf.sum(tf.mul(v, w)), tf.maximum(count, 1)) as tf.Scalar;
}

/**
 * Start/end pointer loss: mean of the two cross-entropies over positions. logits [B,2,T];
 * start/end int32 [B] (-1 = none or unknown: that edge contributes nothing). Windows without a span
 * (hasSpan 0) contribute nothing; the mean is over the windows with a span.
 */
export function pointerLoss(logits: tf.Tensor3D, start: tf.Tensor1D, end: tf.Tensor1D, weight: tf.Tensor1D, hasSpan: tf.Tensor1D): tf.Scalar {
  const T = logits.shape[2];
  const target = tf.oneHot(tf.stack([start, end], 1) as tf.Tensor2D, T); // a -1 index one-hots to zeros
  const ce = tf.mul(tf.sum(tf.mul(target, tf.logSoftmax(logits)), [1, 2]), -0.5) as tf.Tensor1D;
  return countMean(ce, tf.mul(weight, hasSpan), tf.sum(hasSpan) as tf.Scalar);
}

/** Span-type cross-entropy; logits [B,C], typeIndex int32 [B] (-1 = none); no-span windows masked. */
export function typeLoss(logits: tf.Tensor2D, typeIndex: tf.Tensor1D, weight: tf.Tensor1D, hasSpan: tf.Tensor1D): tf.Scalar {
  const C = logits.shape[1];
  const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(typeIndex, C), tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
  return countMean(ce, tf.mul(weight, hasSpan), tf.sum(hasSpan) as tf.Scalar);
}

/**
 * Per-bar binary cross-entropy with logits z [B,T] against soft targets y [B,T]: softplus(z) - z·y,
 * weighted per bar (barWeight [B,T]) and averaged over the B·T bars.
 */
export function softSpanLoss(z: tf.Tensor2D, y: tf.Tensor2D, barWeight: tf.Tensor2D): tf.Scalar {
  const bce = tf.sub(tf.softplus(z), tf.mul(z, y));
  return countMean(bce, barWeight, z.shape[0] * z.shape[1]);
}

/**
 * CRF span loss: per-window sequence NLL (a sequence quantity: it cannot be split into per-bar
 * terms), weighted by the window's mean bar weight, averaged over windows and divided by T (per bar).
 */
export function crfSpanLoss(nll: tf.Tensor1D, weight: tf.Tensor1D, T: number): tf.Scalar {
  return tf.div(countMean(nll, weight, nll.shape[0]), T) as tf.Scalar;
}

/**
 * Countdown regression: squared error between pred [B,T] and log1p(countdown) on the bars whose
 * countdown is known (mask: in-span bars of spans that end inside the window), weighted per bar
 * and averaged over those bars.
 */
export function countdownLoss(pred: tf.Tensor2D, countdown: tf.Tensor2D, mask: tf.Tensor2D, barWeight: tf.Tensor2D): tf.Scalar {
  const se = tf.mul(tf.squaredDifference(pred, tf.log1p(countdown)), mask);
  return countMean(se, barWeight, tf.sum(mask) as tf.Scalar);
}

/**
 * Kendall, Gal & Cipolla (2018): total = sum_i exp(-2 s_i) L_i + s_i, s_i = log sigma_i.
 * losses [n] (stacked task losses), logSigma [n].
 */
export function uncertaintyTotal(losses: tf.Tensor1D, logSigma: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.add(tf.mul(tf.exp(tf.mul(logSigma, -2)), losses), logSigma)) as tf.Scalar;
}

/** Task weights sigma_i^-2 / sum_j sigma_j^-2 from log-sigmas. */
export function taskWeightsFromLogSigmas(s: ArrayLike<number>): Float32Array {
  const inv = Array.from(s, (x) => Math.exp(-2 * x));
  const sum = inv.reduce((a, b) => a + b, 0);
  return Float32Array.from(inv, (x) => x / sum);
}

/** Which CRF NLL implementation the span loss uses: fused JS forward-backward (default) or tfjs ops. */
export type CrfImpl = 'fused' | 'tf';

/** What the model's forward pass hands to the losses. */
export interface HeadTensors {
  /** [B,T,P] per-bar head output (columns as in heads.ts). */
  out: tf.Tensor3D;
  /** [B,C] type logits of the attention-pooled encoding. */
  typeLogits: tf.Tensor2D;
  /** CRF scores (crf head only). */
  crf: { trans: tf.Tensor2D; start: tf.Tensor1D; end: tf.Tensor1D } | null;
}

/** Column layout of `out` (heads.ts), passed in so this module does not depend on the heads. */
export interface HeadColumns {
  start: number;
  pool: number;
  countdown: number;
  span: number;
}

/**
 * The four unweighted task losses of one batch. Span: soft = per-bar BCE against the edge-ramped
 * mask, crf = sequence NLL / T (tags {O, I} from the mask); countdown on the bars whose countdown
 * is known; pointer and type per window with a span.
 */
export function taskLosses(batch: Batch, heads: HeadTensors, cols: HeadColumns, crfImpl: CrfImpl = 'fused'): Record<Task, tf.Scalar> {
  const tg = batch.targets;
  const [B, T] = heads.out.shape;
  const w = tg.weight;
  const byCol = tf.transpose(heads.out, [0, 2, 1]); // [B,P,T]
  const row = (c: number): tf.Tensor2D => tf.reshape(tf.slice(byCol, [0, c, 0], [B, 1, T]), [B, T]);
  const pointer = pointerLoss(tf.slice(byCol, [0, cols.start, 0], [B, 2, T]), tg.start, tg.end, w, tg.hasSpan);
  const type = typeLoss(heads.typeLogits, tg.typeIndex, w, tg.hasSpan);
  let span: tf.Scalar;
  if (!heads.crf) {
    span = softSpanLoss(row(cols.span), tg.softMask, tg.barWeight);
  } else {
    const emis = tf.slice(heads.out, [0, 0, cols.span], [B, T, CRF_NUM_TAGS]) as tf.Tensor3D;
    const { trans, start, end } = heads.crf;
    let nll: tf.Tensor1D;
    if (crfImpl === 'fused') {
      const m = tg.mask.dataSync();
      const tags = new Int32Array(B * T);
      for (let i = 0; i < tags.length; i++) tags[i] = m[i] > 0.5 ? 1 : 0;
      nll = crfNll(emis, trans, start, end, tags);
    } else {
      nll = crfNllTf(emis, trans, start, end, tf.cast(tf.greater(tg.mask, 0.5), 'int32') as tf.Tensor2D);
    }
    span = crfSpanLoss(nll, tf.mean(tg.barWeight, 1) as tf.Tensor1D, T);
  }
  const countdown = countdownLoss(row(cols.countdown), tg.countdown, tg.countdownMask, tg.barWeight);
  return { pointer, type, span, countdown };
}
