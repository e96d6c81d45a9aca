/**
 * Baselines beside "untrained" and "all span", scored exactly like the model (same decoding, same
 * label normalisation, thresholds chosen where the model's are — on validation when there is a test
 * block, else on the training windows — 95 % intervals):
 *
 * - rule heuristic: the demo's expansion rule (core/demo/heuristic-truth.ts) run over each whole
 *   series, its spans cut to the windows (0/1 per bar). On a project whose labels came from that
 *   rule it scores ~1 by construction — the model then has to match a rule it cannot fully see.
 * - per-bar logistic regression on the same normalised features as the model (no context beyond
 *   the features' own look-back), L2-regularised, fitted by full-batch gradient descent on the
 *   training windows' bars; the threshold is chosen like the model's (best span F1).
 */
import { decodeSpans } from './decode.ts';
import { headlineCounts, headlineFigures, normaliseTruthSpans, type HeadlineFigures } from './headline.ts';
import { defaultThresholds, sweepThresholds } from './metrics.ts';
import type { EvalTruth, PredLike } from './types.ts';

export interface LogisticModel {
  w: Float64Array;
  b: number;
}

/** Fit p(in span | x_t) = σ(w·x_t + b) on every bar of the given windows. x: [n × T × F]. */
export function fitLogistic(
  x: Float32Array,
  masks: readonly ArrayLike<number>[],
  T: number,
  F: number,
  opts: { iters?: number; lr?: number; l2?: number } = {},
): LogisticModel {
  const iters = opts.iters ?? 300;
  const lr = opts.lr ?? 0.5;
  const l2 = opts.l2 ?? 1e-3;
  const n = masks.length * T;
  const w = new Float64Array(F);
  let b = 0;
  const gw = new Float64Array(F);
  for (let it = 0; it < iters; it++) {
    gw.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const row = i * F;
      let z = b;
      for (let f = 0; f < F; f++) z += w[f] * x[row + f];
      const y = masks[Math.floor(i / T)][i % T] > 0.5 ? 1 : 0;
      const d = 1 / (1 + Math.exp(-z)) - y;
      for (let f = 0; f < F; f++) gw[f] += d * x[row + f];
      gb += d;
    }
    for (let f = 0; f < F; f++) w[f] -= lr * (gw[f] / Math.max(1, n) + l2 * w[f]);
    b -= (lr * gb) / Math.max(1, n);
  }
  return { w, b };
}

export function predictLogistic(m: LogisticModel, x: Float32Array, count: number, T: number, F: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    const p = new Float32Array(T);
    for (let t = 0; t < T; t++) {
      const row = (k * T + t) * F;
      let z = m.b;
      for (let f = 0; f < F; f++) z += m.w[f] * x[row + f];
      p[t] = 1 / (1 + Math.exp(-z));
    }
    out.push(p);
  }
  return out;
}

export interface BaselineFigures {
  /** Threshold used (chosen on train for the logistic regression; 0.5 for a 0/1 rule). */
  threshold: number;
  validation: HeadlineFigures;
  test: HeadlineFigures | null;
}

const asPred = (p: ArrayLike<number>): PredLike => ({ spanProb: p, startProb: [], endProb: [], typeProb: [], countdown: [] });

/** Score per-bar probabilities (or 0/1 flags) of a baseline like the model's soft head. */
export function scoreBaseline(
  sets: {
    train?: { truth: EvalTruth[]; probs: ArrayLike<number>[] };
    val: { truth: EvalTruth[]; probs: ArrayLike<number>[] };
    test?: { truth: EvalTruth[]; probs: ArrayLike<number>[] } | null;
  },
  decode: { minLength: number; mergeGap: number },
  iou = 0.5,
): BaselineFigures {
  let span = 0.5;
  let bar = 0.5;
  // Chosen where a run chooses the model's (eval/report.ts): on validation when there is a test
  // block to report on, else on the training windows.
  const chooser = sets.test && sets.test.truth.length > 0 && sets.train ? sets.val : sets.train;
  if (chooser && chooser.truth.length > 0) {
    const sw = sweepThresholds(
      chooser.probs,
      chooser.truth.map((t) => t.mask),
      chooser.truth.map((t) => normaliseTruthSpans(t.spans, t.mask.length, decode)),
      decode,
      defaultThresholds(),
      iou,
    );
    span = sw.bestSpanThreshold;
    bar = sw.bestBarThreshold;
  }
  const opts = { head: 'soft' as const, threshold: { span, bar }, decode, iou };
  const fig = (s: { truth: EvalTruth[]; probs: ArrayLike<number>[] }) => headlineFigures(headlineCounts(s.truth, s.probs.map(asPred), opts));
  return { threshold: span, validation: fig(sets.val), test: sets.test && sets.test.truth.length > 0 ? fig(sets.test) : null };
}

/** Spans of a 0/1 mask after the usual post-processing (for tests and tools). */
export function maskSpans(mask: ArrayLike<number>, decode: { minLength: number; mergeGap: number }) {
  return decodeSpans(mask, { threshold: 0.5, ...decode });
}
