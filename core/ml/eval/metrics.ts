/**
 * Bar-level and span-level metrics, threshold sweeps, calibration and head metrics. Pure JS on arrays.
 */
import { decodeSpans, decodeViterbi, spansToMask, type DecodeOptions, type SimpleSpan } from './decode.ts';

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  // Nothing to find and nothing predicted counts as perfect.
  const f1 = tp + fp + fn === 0 ? 1 : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn };
}

/** Bar-level counts of one window (pred/truth are 0/1 masks of the same length). */
export function barCounts(pred: ArrayLike<number>, truth: ArrayLike<number>): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = pred[i] > 0;
    const t = truth[i] > 0.5;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return { tp, fp, fn };
}

/** Micro-averaged bar P/R/F1 over windows. */
export function barPRF(preds: ArrayLike<number>[], truths: ArrayLike<number>[]): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let w = 0; w < truths.length; w++) {
    const c = barCounts(preds[w], truths[w]);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return prf(tp, fp, fn);
}

export function iou(a: SimpleSpan, b: SimpleSpan): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start) + 1;
  if (inter <= 0) return 0;
  const union = a.end - a.start + 1 + (b.end - b.start + 1) - inter;
  return inter / union;
}

/**
 * One-to-one greedy matching by IoU: all (pred, truth) pairs with IoU >= minIou are taken in
 * decreasing IoU order (ties: lower pred index, then lower truth index); each span is used once.
 */
export function matchSpans(
  pred: readonly SimpleSpan[],
  truth: readonly SimpleSpan[],
  minIou = 0.5,
): { pairs: { pred: number; truth: number; iou: number }[]; tp: number; fp: number; fn: number } {
  const cands: { pred: number; truth: number; iou: number }[] = [];
  for (let i = 0; i < pred.length; i++)
    for (let j = 0; j < truth.length; j++) {
      const v = iou(pred[i], truth[j]);
      if (v >= minIou) cands.push({ pred: i, truth: j, iou: v });
    }
  cands.sort((a, b) => b.iou - a.iou || a.pred - b.pred || a.truth - b.truth);
  const usedP = new Set<number>();
  const usedT = new Set<number>();
  const pairs: { pred: number; truth: number; iou: number }[] = [];
  for (const c of cands) {
    if (usedP.has(c.pred) || usedT.has(c.truth)) continue;
    usedP.add(c.pred);
    usedT.add(c.truth);
    pairs.push(c);
  }
  return { pairs, tp: pairs.length, fp: pred.length - pairs.length, fn: truth.length - pairs.length };
}

/** Micro-averaged span-level P/R/F1 over windows (IoU >= minIou, one-to-one greedy). */
export function spanPRF(preds: readonly SimpleSpan[][], truths: readonly SimpleSpan[][], minIou = 0.5): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let w = 0; w < truths.length; w++) {
    const m = matchSpans(preds[w], truths[w], minIou);
    tp += m.tp;
    fp += m.fp;
    fn += m.fn;
  }
  return prf(tp, fp, fn);
}

export interface ScoreAt {
  threshold: number;
  bar: PRF;
  span: PRF;
}

/** Bar and span metrics of thresholded probabilities at one threshold. */
export function scoreAtThreshold(
  probs: ArrayLike<number>[],
  truthMasks: ArrayLike<number>[],
  truthSpans: readonly SimpleSpan[][],
  decode: DecodeOptions,
  minIou = 0.5,
): ScoreAt {
  const spans = probs.map((p) => decodeSpans(p, decode));
  const rawMasks = probs.map((p) => {
    const m = new Uint8Array(p.length);
    for (let i = 0; i < p.length; i++) m[i] = p[i] >= decode.threshold ? 1 : 0;
    return m;
  });
  return {
    threshold: decode.threshold,
    // Bar metrics use the raw thresholded mask (no post-processing), span metrics the decoded spans.
    bar: barPRF(rawMasks, truthMasks),
    span: spanPRF(spans, truthSpans, minIou),
  };
}

/** Thresholds 0.05, 0.10, ..., 0.95. */
export function defaultThresholds(): number[] {
  const out: number[] = [];
  for (let i = 1; i <= 19; i++) out.push(Math.round(i * 5) / 100);
  return out;
}

export interface SweepResult {
  points: ScoreAt[];
  /** Threshold with the highest bar F1 (ties: the one closest to 0.5, then the lower). */
  bestBarThreshold: number;
  /** Threshold with the highest span F1 (ties: higher bar F1, then closest to 0.5). */
  bestSpanThreshold: number;
}

export function sweepThresholds(
  probs: ArrayLike<number>[],
  truthMasks: ArrayLike<number>[],
  truthSpans: readonly SimpleSpan[][],
  decode: Omit<DecodeOptions, 'threshold'>,
  thresholds: number[] = defaultThresholds(),
  minIou = 0.5,
): SweepResult {
  const points = thresholds.map((t) => scoreAtThreshold(probs, truthMasks, truthSpans, { ...decode, threshold: t }, minIou));
  const eps = 1e-12;
  let bb = points[0];
  let bs = points[0];
  for (const p of points) {
    if (p.bar.f1 > bb.bar.f1 + eps || (Math.abs(p.bar.f1 - bb.bar.f1) <= eps && Math.abs(p.threshold - 0.5) < Math.abs(bb.threshold - 0.5))) bb = p;
    if (
      p.span.f1 > bs.span.f1 + eps ||
      (Math.abs(p.span.f1 - bs.span.f1) <= eps &&
        (p.bar.f1 > bs.bar.f1 + eps || (Math.abs(p.bar.f1 - bs.bar.f1) <= eps && Math.abs(p.threshold - 0.5) < Math.abs(bs.threshold - 0.5))))
    )
      bs = p;
  }
  return { points, bestBarThreshold: bb.threshold, bestSpanThreshold: bs.threshold };
}

/** Bar + span metrics of CRF Viterbi paths (per-bar in-span flags). */
export function scoreViterbi(
  paths: ArrayLike<number>[],
  truthMasks: ArrayLike<number>[],
  truthSpans: readonly SimpleSpan[][],
  minLength = 1,
  mergeGap = 0,
  minIou = 0.5,
): { bar: PRF; span: PRF } {
  const flags = paths.map((p) => Array.from(p, (v) => (v > 0 ? 1 : 0)));
  const spans = flags.map((f) => decodeViterbi(f, minLength, mergeGap));
  return { bar: barPRF(flags, truthMasks), span: spanPRF(spans, truthSpans, minIou) };
}

/** Fraction of labelled bars. */
export function prevalence(truthMasks: ArrayLike<number>[]): number {
  let on = 0;
  let n = 0;
  for (const m of truthMasks) {
    for (let i = 0; i < m.length; i++) if (m[i] > 0.5) on++;
    n += m.length;
  }
  return n > 0 ? on / n : 0;
}

/**
 * The all-span baseline: predict every bar as in-span. Precision = p, recall = 1, so bar F1 = 2p/(1+p).
 * Its span F1 is one whole-window span per window matched against the labels.
 */
export function prevalenceBaseline(
  truthMasks: ArrayLike<number>[],
  truthSpans: readonly SimpleSpan[][],
  minIou = 0.5,
): {
  prevalence: number;
  barF1: number;
  spanF1: number;
} {
  const p = prevalence(truthMasks);
  const whole = truthMasks.map((m) => [{ start: 0, end: m.length - 1 }]);
  return { prevalence: p, barF1: (2 * p) / (1 + p), spanF1: spanPRF(whole, truthSpans, minIou).f1 };
}

/** Per-bar binary entropy of the prevalence, in nats: the loss of a model that only knows p. */
export function prevalenceEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

export interface Calibration {
  meanInside: number;
  meanOutside: number;
  /** meanInside - meanOutside, in [-1, 1]; higher = better separated. */
  separation: number;
  /** Histogram bin edges (bins+1 values, 0..1). */
  edges: number[];
  /** Fraction of labelled (inside) bars in each probability bin. */
  histInside: number[];
  /** Fraction of unlabelled (outside) bars in each probability bin. */
  histOutside: number[];
  countInside: number;
  countOutside: number;
}

export function calibration(probs: ArrayLike<number>[], truthMasks: ArrayLike<number>[], bins = 20): Calibration {
  const hi = new Array<number>(bins).fill(0);
  const ho = new Array<number>(bins).fill(0);
  let si = 0;
  let so = 0;
  let ni = 0;
  let no = 0;
  for (let w = 0; w < truthMasks.length; w++) {
    const p = probs[w];
    const m = truthMasks[w];
    for (let i = 0; i < m.length; i++) {
      const v = Math.min(1, Math.max(0, p[i]));
      const b = Math.min(bins - 1, Math.floor(v * bins));
      if (m[i] > 0.5) {
        si += v;
        ni++;
        hi[b]++;
      } else {
        so += v;
        no++;
        ho[b]++;
      }
    }
  }
  const meanInside = ni > 0 ? si / ni : 0;
  const meanOutside = no > 0 ? so / no : 0;
  return {
    meanInside,
    meanOutside,
    separation: meanInside - meanOutside,
    edges: Array.from({ length: bins + 1 }, (_, i) => i / bins),
    histInside: hi.map((c) => (ni > 0 ? c / ni : 0)),
    histOutside: ho.map((c) => (no > 0 ? c / no : 0)),
    countInside: ni,
    countOutside: no,
  };
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** Fraction of span windows whose argmax start (end) pointer lies within ±k bars of the label. */
export function pointerHitRate(
  startProbs: ArrayLike<number>[],
  endProbs: ArrayLike<number>[],
  truth: { hasSpan: boolean; start: number; end: number }[],
  k = 3,
): { start: number; end: number; both: number; windows: number; k: number } {
  let s = 0;
  let e = 0;
  let b = 0;
  let n = 0;
  for (let w = 0; w < truth.length; w++) {
    const t = truth[w];
    if (!t.hasSpan) continue;
    n++;
    const hs = Math.abs(argmax(startProbs[w]) - t.start) <= k;
    const he = Math.abs(argmax(endProbs[w]) - t.end) <= k;
    if (hs) s++;
    if (he) e++;
    if (hs && he) b++;
  }
  return { start: n ? s / n : 0, end: n ? e / n : 0, both: n ? b / n : 0, windows: n, k };
}

/** Accuracy of argmax type over windows that have a span. */
export function typeAccuracy(typeProbs: ArrayLike<number>[], truth: { hasSpan: boolean; typeIndex: number }[]): { accuracy: number; windows: number } {
  let ok = 0;
  let n = 0;
  for (let w = 0; w < truth.length; w++) {
    if (!truth[w].hasSpan) continue;
    n++;
    if (argmax(typeProbs[w]) === truth[w].typeIndex) ok++;
  }
  return { accuracy: n ? ok / n : 0, windows: n };
}

/**
 * Mean absolute countdown error over labelled (in-span) bars, in bars. `scale` converts the
 * model's countdown units into bars (1 when both are already in bars).
 */
export function countdownMAE(pred: ArrayLike<number>[], truth: ArrayLike<number>[], masks: ArrayLike<number>[], scale = 1): { mae: number; bars: number } {
  let s = 0;
  let n = 0;
  for (let w = 0; w < masks.length; w++) {
    const m = masks[w];
    for (let i = 0; i < m.length; i++) {
      if (m[i] <= 0.5) continue;
      s += Math.abs(pred[w][i] - truth[w][i]) * scale;
      n++;
    }
  }
  return { mae: n ? s / n : 0, bars: n };
}

/** Convenience: truth spans of each window from its hard mask. */
export { spansToMask };
