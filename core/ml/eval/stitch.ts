/**
 * Series-level scoring: overlapping windows (stride < length) see the same bars, so per-window
 * micro F1 counts each such bar and span about twice. Here every bar of a series is taken from ONE
 * window — the one in which it is most central (largest distance to the nearer window edge; ties:
 * the earlier window) — for both the prediction and the label, and the covered bars are joined into
 * contiguous segments. Spans are then decoded and matched per segment, so each bar and each span
 * counts once, and a span cut by a window edge is scored whole.
 */
import { decodeSpans, decodeViterbi, type SimpleSpan } from './decode.ts';
import { normaliseTruthSpans } from './headline.ts';
import { barCounts, matchSpans, prf, type PRF } from './metrics.ts';
import type { EvalTruth, PredLike } from './types.ts';

export interface WindowPosition {
  seriesId: string;
  startIndex: number;
}

export interface StitchedScore {
  bar: PRF;
  span: PRF;
  /** Distinct bars scored (each once). */
  bars: number;
  /** Contiguous covered stretches of series. */
  segments: number;
  /** Window-bars before stitching (bars × windows), to show the double counting removed. */
  windowBars: number;
}

interface Segment {
  prob: number[];
  flag: number[];
  truth: number[];
}

/** Build the stitched segments of one set of windows. */
export function stitchSegments(truth: readonly EvalTruth[], pred: readonly PredLike[], pos: readonly WindowPosition[]): Segment[] {
  const bySeries = new Map<string, number[]>();
  pos.forEach((p, w) => {
    const a = bySeries.get(p.seriesId);
    if (a) a.push(w);
    else bySeries.set(p.seriesId, [w]);
  });
  const segments: Segment[] = [];
  for (const ws of bySeries.values()) {
    // For each bar index: the best (most central) window covering it.
    const owner = new Map<number, { w: number; t: number; centrality: number }>();
    for (const w of ws) {
      const T = truth[w].mask.length;
      for (let t = 0; t < T; t++) {
        const bar = pos[w].startIndex + t;
        const c = Math.min(t, T - 1 - t);
        const cur = owner.get(bar);
        if (!cur || c > cur.centrality || (c === cur.centrality && pos[w].startIndex < pos[cur.w].startIndex)) owner.set(bar, { w, t, centrality: c });
      }
    }
    const barsSorted = [...owner.keys()].sort((a, b) => a - b);
    let seg: Segment | null = null;
    let prev = -2;
    for (const bar of barsSorted) {
      if (bar !== prev + 1 || !seg) {
        seg = { prob: [], flag: [], truth: [] };
        segments.push(seg);
      }
      const o = owner.get(bar)!;
      const p = pred[o.w];
      seg.prob.push(p.spanProb[o.t]);
      seg.flag.push(p.viterbi ? (p.viterbi[o.t] > 0 ? 1 : 0) : -1);
      seg.truth.push(truth[o.w].mask[o.t] > 0.5 ? 1 : 0);
      prev = bar;
    }
  }
  return segments;
}

export function scoreStitched(
  truth: readonly EvalTruth[],
  pred: readonly PredLike[],
  pos: readonly WindowPosition[],
  opts: { head: 'soft' | 'crf'; threshold: { span: number; bar: number }; decode: { minLength: number; mergeGap: number }; iou: number },
): StitchedScore {
  const segs = stitchSegments(truth, pred, pos);
  const s = { tp: 0, fp: 0, fn: 0 };
  const b = { tp: 0, fp: 0, fn: 0 };
  let bars = 0;
  for (const g of segs) {
    const useViterbi = opts.head === 'crf' && g.flag.every((f) => f >= 0);
    const predSpans: SimpleSpan[] = useViterbi
      ? decodeViterbi(g.flag, opts.decode.minLength, opts.decode.mergeGap)
      : decodeSpans(g.prob, { threshold: opts.threshold.span, ...opts.decode });
    const barMask = useViterbi ? g.flag : g.prob.map((v) => (v >= opts.threshold.bar ? 1 : 0));
    const labelRuns = normaliseTruthSpans(runsOfMask(g.truth), g.truth.length, opts.decode);
    const m = matchSpans(predSpans, labelRuns, opts.iou);
    s.tp += m.tp;
    s.fp += m.fp;
    s.fn += m.fn;
    const c = barCounts(barMask, g.truth);
    b.tp += c.tp;
    b.fp += c.fp;
    b.fn += c.fn;
    bars += g.truth.length;
  }
  return {
    bar: prf(b.tp, b.fp, b.fn),
    span: prf(s.tp, s.fp, s.fn),
    bars,
    segments: segs.length,
    windowBars: truth.reduce((a, t) => a + t.mask.length, 0),
  };
}

function runsOfMask(m: number[]): SimpleSpan[] {
  const out: SimpleSpan[] = [];
  let s = -1;
  for (let i = 0; i <= m.length; i++) {
    const on = i < m.length && m[i] > 0;
    if (on && s < 0) s = i;
    if (!on && s >= 0) {
      out.push({ start: s, end: i - 1 });
      s = -1;
    }
  }
  return out;
}
