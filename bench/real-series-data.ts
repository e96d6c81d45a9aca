/**
 * Data for bench/real-series.ts: a real OHLCV series labelled by the demo's expansion rule
 * (core/demo/heuristic-truth.ts), windows of `length` bars every `stride` bars (the last `windows`
 * of the series), split chronologically like a project's runs: the last `testFraction` of the
 * windows are the TEST BLOCK (scored once, never seen by a choice), the last `valFraction` of the
 * rest validation (best epoch), the rest training; a window whose last bar comes within one window
 * length of the next block's first bar is purged (core/ml/training/dataset.ts: assignTestBlock).
 * Features are computed over the whole series (look-back context from the bars before each
 * window), the normaliser is fitted on training windows only.
 *
 * With `noise`, training and validation labels come from a simulated annotator
 * (core/demo/annotator-noise.ts); the test block's truth stays the rule's clean labels.
 */
import { readOhlcvCsvFile } from '../core/import/ohlcv.ts';
import { findExpansionSpans } from '../core/demo/heuristic-truth.ts';
import { emptyNoiseCounts, noisySeriesSpans, perWindowSpans, type AnnotatorNoise, type NoiseCounts } from '../core/demo/annotator-noise.ts';
import { computeTargets, type SpanEdges, type WindowTargets } from '../core/labels/targets.ts';
import {
  BASE_FEATURES,
  DEFAULT_FEATURES,
  EXPANSION_FEATURES,
  FEATURE_NAMES,
  WINDOW_RUN_FEATURES,
  applyNormalizer,
  computeSeriesFeatures,
  fitNormalizer,
  windowMatrix,
  type Normalizer,
} from '../core/ml/features/index.ts';
import type { BarColumns, IndexSpan } from '../core/domain/types.ts';
import type { EvalTruth } from '../core/ml/eval/types.ts';

export const TYPES = ['up', 'down'];

export interface SplitData {
  windowLength: number;
  features: string[];
  normalizer: Normalizer;
  trainX: Float32Array;
  valX: Float32Array;
  testX: Float32Array;
  trainTargets: WindowTargets[];
  valTargets: WindowTargets[];
  testTargets: WindowTargets[];
  trainTruth: EvalTruth[];
  valTruth: EvalTruth[];
  testTruth: EvalTruth[];
  /** Windows per block and purged, the series' bars and rule spans, spans touching the test block. */
  info: { windows: number; train: number; val: number; test: number; purged: number; bars: number; ruleSpans: number; testSpans: number; testBars: number };
  noise: NoiseCounts | null;
  /** Window start indices per block. */
  starts: { train: number[]; val: number[]; test: number[] };
}

export interface SplitOptions {
  features: string[];
  windows?: number;
  length?: number;
  stride?: number;
  testFraction?: number;
  valFraction?: number;
  noise?: AnnotatorNoise | null;
}

/**
 * A bench's `--features` argument: default (DEFAULT_FEATURES: all 22 since 2026-12-05), base (the 14
 * features before the run-state ones, BASE_FEATURES: the default before), base+run (with the causal run state, 19), all (22), expansion (EXPANSION_FEATURES)
 * or a comma-separated list.
 */
export function featureSet(arg: string): string[] {
  if (arg === 'default') return [...DEFAULT_FEATURES];
  if (arg === 'base') return [...BASE_FEATURES];
  if (arg === 'base+run') return FEATURE_NAMES.filter((n) => !WINDOW_RUN_FEATURES.includes(n));
  if (arg === 'all') return [...FEATURE_NAMES];
  if (arg === 'expansion') return [...EXPANSION_FEATURES];
  return arg.split(',');
}

export async function loadRealSeries(path: string): Promise<BarColumns> {
  return (await readOhlcvCsvFile(path)).bars;
}

/** Chronological blocks: [train, val, test] start indices, purged by one window length. */
export function chronologicalSplit(
  starts: readonly number[],
  T: number,
  testFraction: number,
  valFraction: number,
): { train: number[]; val: number[]; test: number[]; purged: number } {
  const n = starts.length;
  const nTest = Math.round(n * testFraction);
  const test = starts.slice(n - nTest);
  const firstTest = test[0] ?? Infinity;
  const beforeTest = starts.slice(0, n - nTest).filter((s) => s + T - 1 < firstTest - T);
  const nVal = Math.round(beforeTest.length * valFraction);
  const val = beforeTest.slice(beforeTest.length - nVal);
  const firstVal = val[0] ?? Infinity;
  const train = beforeTest.slice(0, beforeTest.length - nVal).filter((s) => s + T - 1 < firstVal - T);
  return { train, val, test, purged: n - train.length - val.length - test.length };
}

export function ruleLabelledSplit(bars: BarColumns, o: SplitOptions): SplitData {
  const T = o.length ?? 128;
  const stride = o.stride ?? 64;
  const N = bars.close.length;
  const total = Math.floor((N - T) / stride) + 1;
  const n = Math.min(total, o.windows ?? 210);
  const starts = Array.from({ length: n }, (_, i) => (total - n + i) * stride);
  const split = chronologicalSplit(starts, T, o.testFraction ?? 0.2, o.valFraction ?? 0.2);
  const clean = findExpansionSpans(bars);
  const names = o.features;
  const series = computeSeriesFeatures(bars, names);
  const raw = (ss: number[]) => windowMatrix(series, bars, names, ss, T);
  const rawTrain = raw(split.train);
  const normalizer = fitNormalizer(rawTrain, names.length);

  const noise = o.noise ? emptyNoiseCounts() : null;
  // The annotator labels the series once (misses, jitter), then window by window (pair edits).
  const noisy = o.noise ? noisySeriesSpans(clean, N, o.noise, noise ?? undefined) : clean;
  const labelled = [...split.train, ...split.val];
  const perWindow = o.noise ? perWindowSpans(noisy, labelled, T, o.noise, noise ?? undefined) : null;
  const spansFor = (s0: number): IndexSpan[] => {
    const k = labelled.indexOf(s0);
    return perWindow && k >= 0 ? perWindow[k] : clean;
  };

  const build = (ss: number[]) =>
    ss.map((s0) => {
      const spans: IndexSpan[] = [];
      const edges: SpanEdges[] = [];
      for (const s of spansFor(s0)) {
        if (s.end < s0 || s.start > s0 + T - 1) continue;
        spans.push({ ...s, start: Math.max(0, s.start - s0), end: Math.min(T - 1, s.end - s0) });
        edges.push({ before: s.start < s0, after: s.end > s0 + T - 1 });
      }
      const t = computeTargets(T, spans, TYPES, { edges });
      const truth: EvalTruth = {
        mask: t.mask,
        spans: spans.map((x) => ({ start: x.start, end: x.end })),
        hasSpan: t.hasSpan,
        start: t.start,
        end: t.end,
        typeIndex: t.typeIndex,
        countdown: t.countdown,
      };
      return { t, truth };
    });
  const tr = build(split.train);
  const va = build(split.val);
  const te = build(split.test);
  const firstTest = split.test[0] ?? N;
  const lastTest = (split.test[split.test.length - 1] ?? N) + T - 1;
  return {
    windowLength: T,
    features: names,
    normalizer,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(raw(split.val), normalizer),
    testX: applyNormalizer(raw(split.test), normalizer),
    trainTargets: tr.map((x) => x.t),
    valTargets: va.map((x) => x.t),
    testTargets: te.map((x) => x.t),
    trainTruth: tr.map((x) => x.truth),
    valTruth: va.map((x) => x.truth),
    testTruth: te.map((x) => x.truth),
    info: {
      windows: n,
      train: split.train.length,
      val: split.val.length,
      test: split.test.length,
      purged: split.purged,
      bars: N,
      ruleSpans: clean.length,
      testSpans: clean.filter((s) => s.end >= firstTest && s.start <= lastTest).length,
      testBars: lastTest - firstTest + 1,
    },
    noise,
    starts: { train: split.train, val: split.val, test: split.test },
  };
}
