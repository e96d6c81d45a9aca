/**
 * A generated, labelled data set for ML benchmarks: one synthetic series cut into windows with
 * planted spans labelled by a noisy annotator, plus the clean truth per window.
 *
 * Layout: windows are consecutive and do NOT overlap by default (stride = length), so the series has
 * exactly windows * length bars. Split is chronological: the first windows are 'train', the last
 * round(windows * valFraction) are 'val' (210 windows -> 168 train / 42 val), so train and val never
 * share bars (with a stride < length, the one window pair at the boundary shares bars).
 */
import type { BarColumns, IndexSpan } from '../domain/types.ts';
import { labelWindows, type AnnotateNoise } from './annotate.ts';
import { generateSeries, type GenerateOptions } from './generate.ts';

export interface TrainingSetOptions {
  seed: number;
  /** Default 210. */
  windows?: number;
  /** Bars per window. Default 128. */
  length?: number;
  /** Default = length (no overlap). */
  stride?: number;
  /** Share of windows (the last ones) used for validation. Default 0.2. */
  valFraction?: number;
  /** The annotator's noise. Default { boundaryJitter: 1, missRate: 0.03, confidenceRange: [0.5, 0.9] }. */
  noise?: AnnotateNoise;
  /** Passed to generateSeries (seed and bars are set here). */
  generator?: Omit<GenerateOptions, 'seed' | 'bars'>;
}

export interface TrainingWindow {
  /** Position in the set, 0-based. */
  index: number;
  /** Series index of the first bar. */
  startIndex: number;
  length: number;
  role: 'train' | 'val';
  /** The noisy annotator's spans, indices relative to the window start (0..length-1), inclusive. */
  spans: IndexSpan[];
  /** The planted truth clipped to the window (copies under 3 bars dropped), relative indices. */
  truthSpans: IndexSpan[];
}

export interface TrainingSet {
  bars: BarColumns;
  /** Planted spans, series indices. */
  truth: IndexSpan[];
  windows: TrainingWindow[];
  counts: { train: number; val: number };
}

export const DEFAULT_TRAINING_NOISE: Readonly<AnnotateNoise> = {
  boundaryJitter: 1,
  missRate: 0.03,
  confidenceRange: [0.5, 0.9],
};

export function makeTrainingSet(opts: TrainingSetOptions): TrainingSet {
  const count = opts.windows ?? 210;
  const length = opts.length ?? 128;
  const stride = opts.stride ?? length;
  const valFraction = opts.valFraction ?? 0.2;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(length) || length < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new RangeError('makeTrainingSet: windows, length and stride must be positive integers');
  }
  const barCount = (count - 1) * stride + length;
  const { bars, truth } = generateSeries({ ...opts.generator, seed: opts.seed, bars: barCount });
  const defs = Array.from({ length: count }, (_, i) => ({ startIndex: i * stride, length }));
  const noisy = labelWindows(defs, truth, { seed: opts.seed + 1, noise: opts.noise ?? DEFAULT_TRAINING_NOISE });
  const clean = labelWindows(defs, truth, { seed: opts.seed + 2 });
  const nVal = Math.min(count, Math.max(0, Math.round(count * valFraction)));
  const nTrain = count - nVal;
  const rel = (spans: IndexSpan[], offset: number): IndexSpan[] =>
    spans.map((s) => ({ start: s.start - offset, end: s.end - offset, type: s.type, confidence: s.confidence }));
  const windows: TrainingWindow[] = defs.map((d, i) => ({
    index: i,
    startIndex: d.startIndex,
    length,
    role: i < nTrain ? 'train' : 'val',
    spans: rel(noisy.windows[i].spans, d.startIndex),
    truthSpans: rel(clean.windows[i].spans, d.startIndex),
  }));
  return { bars, truth, windows, counts: { train: nTrain, val: nVal } };
}
