/**
 * The report's headline figures with their uncertainty: per-window counts of the headline decoder
 * (soft: thresholds chosen on train; CRF: Viterbi), micro F1 and block-bootstrap 95 % intervals.
 * Also the label normalisation used by every score: labelled spans go through the same
 * post-processing as predictions (touching/near spans merged within mergeGap, spans shorter than
 * minLength dropped), so an exact copy of the labels scores F1 = 1 (before, labels [10-12], [15-20],
 * [30-31] scored 0.5 against themselves: the prediction side merged and dropped, the label side not).
 */
import { bootstrapF1, type ConfidenceInterval, type Counts } from './bootstrap.ts';
import { postProcessRuns, runsOf, spansToMask, decodeSpans, decodeViterbi, type SimpleSpan } from './decode.ts';
import { barCounts, matchSpans, prf } from './metrics.ts';
import type { EvalTruth, PredLike } from './types.ts';

/** Labelled spans normalised like decoded predictions (merge within mergeGap, drop < minLength). */
export function normaliseTruthSpans(spans: readonly SimpleSpan[], T: number, decode: { minLength: number; mergeGap: number }): SimpleSpan[] {
  return postProcessRuns(runsOf(spansToMask(spans, T)), decode.minLength, decode.mergeGap);
}

export interface WindowCounts {
  span: Counts[];
  bar: Counts[];
}

/** Per-window span and bar counts of the headline decoder. */
export function headlineCounts(
  truth: readonly EvalTruth[],
  pred: readonly PredLike[],
  opts: { head: 'soft' | 'crf'; threshold: { span: number; bar: number }; decode: { minLength: number; mergeGap: number }; iou: number },
): WindowCounts {
  const span: Counts[] = [];
  const bar: Counts[] = [];
  truth.forEach((t, w) => {
    const p = pred[w];
    const T = t.mask.length;
    const labels = normaliseTruthSpans(t.spans, T, opts.decode);
    let spans: SimpleSpan[];
    let barMask: ArrayLike<number>;
    if (opts.head === 'crf' && p.viterbi) {
      const flags = Array.from(p.viterbi, (v) => (v > 0 ? 1 : 0));
      spans = decodeViterbi(flags, opts.decode.minLength, opts.decode.mergeGap);
      barMask = flags;
    } else {
      spans = decodeSpans(p.spanProb, { threshold: opts.threshold.span, ...opts.decode });
      barMask = Array.from(p.spanProb, (v) => (v >= opts.threshold.bar ? 1 : 0));
    }
    const m = matchSpans(spans, labels, opts.iou);
    span.push({ tp: m.tp, fp: m.fp, fn: m.fn });
    bar.push(barCounts(barMask, t.mask));
  });
  return { span, bar };
}

export interface HeadlineFigures {
  /** Windows scored. */
  windows: number;
  spanF1: number;
  barF1: number;
  /** Block-bootstrap 95 % percentile intervals over windows (null without windows). */
  spanCI: ConfidenceInterval | null;
  barCI: ConfidenceInterval | null;
}

const sum = (c: Counts[]) => c.reduce((a, x) => ({ tp: a.tp + x.tp, fp: a.fp + x.fp, fn: a.fn + x.fn }), { tp: 0, fp: 0, fn: 0 });

export function headlineFigures(counts: WindowCounts, seed = 12345): HeadlineFigures {
  const s = sum(counts.span);
  const b = sum(counts.bar);
  return {
    windows: counts.span.length,
    spanF1: prf(s.tp, s.fp, s.fn).f1,
    barF1: prf(b.tp, b.fp, b.fn).f1,
    spanCI: bootstrapF1(counts.span, { seed }),
    barCI: bootstrapF1(counts.bar, { seed: seed + 1 }),
  };
}
