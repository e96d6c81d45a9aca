/**
 * Bench data from a real OHLCV series (or the generated demo series) labelled by the demo's
 * expansion rule (core/demo/heuristic-truth.ts): windows of `length` bars every `stride` bars (the
 * last `windows` of the series), chronological split (last 20 % validation, training windows that
 * come within one window length of it excluded), features over the whole series, normaliser fitted
 * on training windows, targets with the spans' window-edge flags. Used by bench/long-run.ts.
 */
import { readOhlcvCsvFile } from '../core/import/ohlcv.ts';
import { findExpansionSpans } from '../core/demo/heuristic-truth.ts';
import { computeTargets, type SpanEdges } from '../core/labels/targets.ts';
import { DEFAULT_FEATURES, applyNormalizer, computeSeriesFeatures, fitNormalizer, windowMatrix } from '../core/ml/features/index.ts';
import type { BarColumns, IndexSpan } from '../core/domain/types.ts';
import type { EvalTruth } from '../core/ml/eval/types.ts';
import { demoTrainData, type DemoData } from '../test/helpers/demo-data.ts';

export const TYPES = ['up', 'down'];

export interface SeriesDataOptions {
  windows?: number;
  length?: number;
  stride?: number;
  /** Feature names (default DEFAULT_FEATURES). */
  features?: readonly string[];
}

export async function loadSeriesData(source: string, opts: SeriesDataOptions = {}): Promise<DemoData> {
  if (source === 'demo') return demoTrainData({ seed: 7, windows: opts.windows ?? 210, ...(opts.features ? { features: [...opts.features] } : {}) });
  const bars: BarColumns = (await readOhlcvCsvFile(source)).bars;
  return ruleLabelledData(bars, opts);
}

export function ruleLabelledData(bars: BarColumns, opts: SeriesDataOptions = {}): DemoData {
  const T = opts.length ?? 128;
  const stride = opts.stride ?? 64;
  const N = bars.close.length;
  const total = Math.floor((N - T) / stride) + 1;
  const n = Math.min(total, opts.windows ?? 210);
  const starts = Array.from({ length: n }, (_, i) => (total - n + i) * stride);
  const nVal = Math.round(n * 0.2);
  const firstVal = starts[n - nVal];
  const trainStarts = starts.slice(0, n - nVal).filter((s) => s + T - 1 < firstVal - T);
  const valStarts = starts.slice(n - nVal);
  const spans = findExpansionSpans(bars);
  const names = [...(opts.features ?? DEFAULT_FEATURES)];
  const series = computeSeriesFeatures(bars, names);
  const rawTrain = windowMatrix(series, bars, names, trainStarts, T);
  const rawVal = windowMatrix(series, bars, names, valStarts, T);
  const normalizer = fitNormalizer(rawTrain, names.length);
  const cut = (s0: number): { spans: IndexSpan[]; edges: SpanEdges[] } => {
    const out: IndexSpan[] = [];
    const edges: SpanEdges[] = [];
    for (const s of spans) {
      if (s.end < s0 || s.start > s0 + T - 1) continue;
      out.push({ ...s, start: Math.max(0, s.start - s0), end: Math.min(T - 1, s.end - s0) });
      edges.push({ before: s.start < s0, after: s.end > s0 + T - 1 });
    }
    return { spans: out, edges };
  };
  const build = (ss: number[]) =>
    ss.map((s0) => {
      const c = cut(s0);
      const t = computeTargets(T, c.spans, TYPES, { edges: c.edges });
      const truth: EvalTruth = {
        mask: t.mask,
        spans: c.spans.map((x) => ({ start: x.start, end: x.end })),
        hasSpan: t.hasSpan,
        start: t.start,
        end: t.end,
        typeIndex: t.typeIndex,
        countdown: t.countdown,
      };
      return { t, truth };
    });
  const tr = build(trainStarts);
  const va = build(valStarts);
  return {
    set: { bars, truth: spans, windows: [], counts: { train: tr.length, val: va.length } },
    features: names,
    typeNames: TYPES,
    windowLength: T,
    normalizer,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(rawVal, normalizer),
    trainTargets: tr.map((x) => x.t),
    valTargets: va.map((x) => x.t),
    trainTruth: tr.map((x) => x.truth),
    valTruth: va.map((x) => x.truth),
  };
}
