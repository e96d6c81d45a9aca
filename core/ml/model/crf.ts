/**
 * Linear-chain CRF over per-bar tags, written by hand.
 *
 * TAG SET: {O, I} (K = 2), not {O, B, I}. Why:
 *  - The targets are a binary per-bar mask (core/labels/targets.ts). A B tag would be a
 *    deterministic function of that mask, so it adds no label information, and two touching spans
 *    are already merged in the mask, so B could not separate them anyway.
 *  - Span starts are supervised separately by the pointer head, so the CRF does not need a
 *    dedicated "entry" state to localise boundaries.
 *  - A window that opens inside a span would have to be tagged B at t = 0 although the span began
 *    earlier: a spurious start. {O, I} has no such artefact.
 *  - K = 2 keeps the CRF at 4 transition scores (vs 9) and makes P(in span) = P(I) directly.
 * Learned scores: transition [K,K] (trans[i][j] = from i to j), start [K], end [K].
 *
 * Two implementations of the negative log-likelihood:
 *  - `crfNllTf`: the forward algorithm in tfjs ops (log space, batched over B, a loop over T with
 *    one broadcast add + one logSumExp per step); autodiff gives gradients on every backend.
 *  - `crfNll` (used by the model): a fused op via tf.customGrad. Forward-backward runs in plain JS
 *    (float64) on the [B,T,K] emissions and the gradient is exact: marginals minus observed counts.
 *    It replaces ~1,400 forward + ~3,000 backward tiny tfjs ops per batch by one JS pass of
 *    B·T·K² work, which is what makes the CRF head about as fast as the soft head.
 * Viterbi decoding and marginals for prediction are plain JS on the emission arrays.
 */
import { tf } from '../backend/tf.ts';

export const CRF_TAGS = ['O', 'I'] as const;
export const CRF_NUM_TAGS = CRF_TAGS.length;

export interface CrfArrays {
  /** [K*K] row-major, trans[i*K + j] = score of tag i → tag j. */
  trans: ArrayLike<number>;
  start: ArrayLike<number>;
  end: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------
// tfjs-op forward algorithm

/** log Z per sequence, [B]. emis [B,T,K]. */
export function crfLogPartitionTf(emis: tf.Tensor3D, trans: tf.Tensor2D, start: tf.Tensor1D, end: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const [B, T, K] = emis.shape;
    // M[t] = trans[i,j] + emis[t,j] for every step at once: [T,B,K,K] (one broadcast add up front).
    const emisT = tf.transpose(emis, [1, 0, 2]); // [T,B,K]
    const steps = tf.unstack(tf.add(tf.reshape(emisT, [T, B, 1, K]), tf.reshape(trans, [1, 1, K, K])));
    let alpha = tf.add(tf.reshape(start, [1, K]), tf.squeeze(tf.slice(emisT, [0, 0, 0], [1, B, K]), [0])) as tf.Tensor2D;
    for (let t = 1; t < T; t++) {
      // alpha_t[j] = logSumExp_i(alpha_{t-1}[i] + trans[i,j] + emis[t,j])
      alpha = tf.logSumExp(tf.add(tf.reshape(alpha, [B, K, 1]), steps[t]), 1) as tf.Tensor2D;
    }
    return tf.logSumExp(tf.add(alpha, tf.reshape(end, [1, K])), 1) as tf.Tensor1D;
  });
}

/** Score of the given tag paths, [B]. tags: int32 [B,T]. */
export function crfPathScoreTf(emis: tf.Tensor3D, trans: tf.Tensor2D, start: tf.Tensor1D, end: tf.Tensor1D, tags: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [B, T, K] = emis.shape;
    const oh = tf.oneHot(tf.cast(tags, 'int32'), K).toFloat() as tf.Tensor3D; // [B,T,K]
    const emisScore = tf.sum(tf.mul(emis, oh), [1, 2]);
    // Transition counts per sequence: [B,K,K] = oh[:, :-1]^T · oh[:, 1:]
    const prev = tf.slice(oh, [0, 0, 0], [B, T - 1, K]);
    const next = tf.slice(oh, [0, 1, 0], [B, T - 1, K]);
    const counts = tf.matMul(prev, next, true, false);
    const transScore = tf.sum(tf.mul(counts, tf.reshape(trans, [1, K, K])), [1, 2]);
    const first = tf.reshape(tf.slice(oh, [0, 0, 0], [B, 1, K]), [B, K]);
    const last = tf.reshape(tf.slice(oh, [0, T - 1, 0], [B, 1, K]), [B, K]);
    const se = tf.add(tf.sum(tf.mul(first, tf.reshape(start, [1, K])), 1), tf.sum(tf.mul(last, tf.reshape(end, [1, K])), 1));
    return tf.add(tf.add(emisScore, transScore), se) as tf.Tensor1D;
  });
}

/** NLL per sequence via tfjs ops (autodiff), [B]. */
export function crfNllTf(emis: tf.Tensor3D, trans: tf.Tensor2D, start: tf.Tensor1D, end: tf.Tensor1D, tags: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(crfLogPartitionTf(emis, trans, start, end), crfPathScoreTf(emis, trans, start, end, tags)) as tf.Tensor1D);
}

// ---------------------------------------------------------------------------------------------
// Plain-JS batched forward-backward (float64 internally)

export interface ForwardBackwardResult {
  /** [B] log partition. */
  logZ: Float64Array;
  /** [B*T*K] P(y_t = k). */
  unary: Float64Array;
  /** [B*K*K] expected transition counts per sequence. */
  pairwise: Float64Array;
}

function lse2(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Forward-backward for B sequences of length T over K tags. emis: [B*T*K] row-major. */
export function crfForwardBackward(emis: ArrayLike<number>, B: number, T: number, K: number, p: CrfArrays): ForwardBackwardResult {
  const logZ = new Float64Array(B);
  const unary = new Float64Array(B * T * K);
  const pairwise = new Float64Array(B * K * K);
  const alpha = new Float64Array(T * K);
  const beta = new Float64Array(T * K);
  const tr = Float64Array.from(p.trans as ArrayLike<number>);
  const tmp = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    const eo = b * T * K;
    for (let k = 0; k < K; k++) alpha[k] = p.start[k] + emis[eo + k];
    for (let t = 1; t < T; t++) {
      for (let j = 0; j < K; j++) {
        let m = -Infinity;
        for (let i = 0; i < K; i++) {
          const v = alpha[(t - 1) * K + i] + tr[i * K + j];
          tmp[i] = v;
          if (v > m) m = v;
        }
        let s = 0;
        for (let i = 0; i < K; i++) s += Math.exp(tmp[i] - m);
        alpha[t * K + j] = emis[eo + t * K + j] + m + Math.log(s);
      }
    }
    let z = -Infinity;
    for (let k = 0; k < K; k++) z = lse2(z, alpha[(T - 1) * K + k] + p.end[k]);
    logZ[b] = z;
    for (let k = 0; k < K; k++) beta[(T - 1) * K + k] = p.end[k];
    for (let t = T - 2; t >= 0; t--) {
      for (let i = 0; i < K; i++) {
        let m = -Infinity;
        for (let j = 0; j < K; j++) {
          const v = tr[i * K + j] + emis[eo + (t + 1) * K + j] + beta[(t + 1) * K + j];
          tmp[j] = v;
          if (v > m) m = v;
        }
        let s = 0;
        for (let j = 0; j < K; j++) s += Math.exp(tmp[j] - m);
        beta[t * K + i] = m + Math.log(s);
      }
    }
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) unary[eo + t * K + k] = Math.exp(alpha[t * K + k] + beta[t * K + k] - z);
    }
    const po = b * K * K;
    for (let t = 1; t < T; t++) {
      for (let i = 0; i < K; i++) {
        const a = alpha[(t - 1) * K + i] - z;
        for (let j = 0; j < K; j++) {
          pairwise[po + i * K + j] += Math.exp(a + tr[i * K + j] + emis[eo + t * K + j] + beta[t * K + j]);
        }
      }
    }
  }
  return { logZ, unary, pairwise };
}

/** Viterbi decoding of B sequences; returns the best tag per bar, [B*T]. */
export function crfViterbi(emis: ArrayLike<number>, B: number, T: number, K: number, p: CrfArrays): Int32Array {
  const out = new Int32Array(B * T);
  const delta = new Float64Array(K);
  const next = new Float64Array(K);
  const back = new Int32Array(T * K);
  for (let b = 0; b < B; b++) {
    const eo = b * T * K;
    for (let k = 0; k < K; k++) delta[k] = p.start[k] + emis[eo + k];
    for (let t = 1; t < T; t++) {
      for (let j = 0; j < K; j++) {
        let best = -Infinity;
        let arg = 0;
        for (let i = 0; i < K; i++) {
          const v = delta[i] + p.trans[i * K + j];
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        next[j] = best + emis[eo + t * K + j];
        back[t * K + j] = arg;
      }
      delta.set(next);
    }
    let last = 0;
    for (let k = 1; k < K; k++) if (delta[k] + p.end[k] > delta[last] + p.end[last]) last = k;
    out[b * T + T - 1] = last;
    for (let t = T - 1; t > 0; t--) out[b * T + t - 1] = back[t * K + out[b * T + t]];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fused NLL with an exact custom gradient

/**
 * NLL per sequence, [B], for integer tags [B*T] (values in 0..K-1).
 * Forward and gradient computed in plain JS; differentiable w.r.t. emis, trans, start and end.
 */
export function crfNll(emis: tf.Tensor3D, trans: tf.Tensor2D, start: tf.Tensor1D, end: tf.Tensor1D, tags: ArrayLike<number>): tf.Tensor1D {
  const [B, T, K] = emis.shape;
  if (tags.length !== B * T) throw new Error(`crfNll: ${tags.length} tags for ${B}×${T} positions`);
  const op = tf.customGrad((...args: unknown[]) => {
    const [e, tr, st, en] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const E = e.dataSync();
    const p: CrfArrays = { trans: tr.dataSync(), start: st.dataSync(), end: en.dataSync() };
    const fb = crfForwardBackward(E, B, T, K, p);
    const nll = new Float32Array(B);
    // Gradients of each sequence's NLL: expected minus observed counts.
    const gE = new Float32Array(B * T * K);
    const gTr = new Float64Array(B * K * K);
    const gSt = new Float64Array(B * K);
    const gEn = new Float64Array(B * K);
    for (let b = 0; b < B; b++) {
      const eo = b * T * K;
      let score = 0;
      for (let t = 0; t < T; t++) {
        const y = tags[b * T + t];
        score += E[eo + t * K + y];
        if (t > 0) {
          const yp = tags[b * T + t - 1];
          score += p.trans[yp * K + y];
          gTr[b * K * K + yp * K + y] -= 1;
        }
      }
      const y0 = tags[b * T];
      const yl = tags[b * T + T - 1];
      score += p.start[y0] + p.end[yl];
      nll[b] = fb.logZ[b] - score;
      for (let i = 0; i < T * K; i++) gE[eo + i] = fb.unary[eo + i];
      for (let t = 0; t < T; t++) gE[eo + t * K + tags[b * T + t]] -= 1;
      for (let i = 0; i < K * K; i++) gTr[b * K * K + i] += fb.pairwise[b * K * K + i];
      for (let k = 0; k < K; k++) {
        gSt[b * K + k] = fb.unary[eo + k] - (k === y0 ? 1 : 0);
        gEn[b * K + k] = fb.unary[eo + (T - 1) * K + k] - (k === yl ? 1 : 0);
      }
    }
    return {
      value: tf.tensor1d(nll),
      gradFunc: (dy: tf.Tensor) => {
        const d = dy.dataSync();
        const ge = new Float32Array(B * T * K);
        const gt = new Float32Array(K * K);
        const gs = new Float32Array(K);
        const gn = new Float32Array(K);
        for (let b = 0; b < B; b++) {
          const w = d[b];
          if (w === 0) continue;
          const eo = b * T * K;
          for (let i = 0; i < T * K; i++) ge[eo + i] = w * gE[eo + i];
          for (let i = 0; i < K * K; i++) gt[i] += w * gTr[b * K * K + i];
          for (let k = 0; k < K; k++) {
            gs[k] += w * gSt[b * K + k];
            gn[k] += w * gEn[b * K + k];
          }
        }
        return [tf.tensor3d(ge, [B, T, K]), tf.tensor2d(gt, [K, K]), tf.tensor1d(gs), tf.tensor1d(gn)];
      },
    };
  });
  return op(emis, trans, start, end) as tf.Tensor1D;
}

// ---------------------------------------------------------------------------------------------
// How sure the CRF is of its own decoded path (issue #12: the review queue's CRF measure)

/**
 * log P(path | x) per sequence, [B]: the path's score (emissions + transitions + start/end) minus
 * log Z. `path` is [B*T] tags (e.g. crfViterbi's output), `logZ` [B] from crfForwardBackward (the
 * forward pass already computes it, so prediction gets this for one extra O(T) pass). 1 − exp of
 * this for the Viterbi path is the probability mass of every other tagging: the CRF's uncertainty.
 */
export function crfPathLogProb(
  emis: ArrayLike<number>,
  B: number,
  T: number,
  K: number,
  p: CrfArrays,
  path: ArrayLike<number>,
  logZ: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const eo = b * T * K;
    let score = p.start[path[b * T]] + p.end[path[b * T + T - 1]];
    for (let t = 0; t < T; t++) {
      const y = path[b * T + t];
      score += emis[eo + t * K + y];
      if (t > 0) score += p.trans[path[b * T + t - 1] * K + y];
    }
    // A rounding error can put the best path a hair above log Z; a probability stays ≤ 1.
    out[b] = Math.min(0, score - logZ[b]);
  }
  return out;
}
