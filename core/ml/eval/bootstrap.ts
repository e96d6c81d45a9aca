/**
 * Block-bootstrap confidence intervals for micro-averaged F1 over windows.
 *
 * Why blocks: neighbouring windows overlap (stride < length) and markets have regimes, so windows
 * are not independent; resampling single windows would give intervals that are too narrow. The
 * moving-block bootstrap (Künsch 1989) draws ceil(n / b) blocks of b consecutive windows (in the
 * evaluation set's chronological order), starts uniform in [0, n − b], concatenates and cuts to n.
 * The statistic is recomputed from the resampled windows' summed counts (micro F1), and the
 * interval is the percentile interval of `resamples` draws (seeded: the same report gives the same
 * interval).
 */
import { prf } from './metrics.ts';
import { mulberry32 } from '../training/rng.ts';

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ConfidenceInterval {
  /** Lower / upper percentile bounds. */
  low: number;
  high: number;
  /** Coverage, e.g. 0.95. */
  level: number;
  resamples: number;
  /** Windows per block. */
  block: number;
  /** Windows resampled. */
  windows: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_LEVEL = 0.95;

/** Default block length: ⌈n^(1/3)⌉ windows (the usual rate for the moving-block bootstrap), at least 2 when n ≥ 4 (overlapping neighbours stay together). */
export function defaultBlockLength(n: number): number {
  if (n < 4) return 1;
  return Math.max(2, Math.ceil(Math.cbrt(n)));
}

/** One moving-block resample: n indices into 0..n-1. */
export function blockResample(n: number, block: number, rand: () => number): number[] {
  const b = Math.max(1, Math.min(block, n));
  const out: number[] = [];
  while (out.length < n) {
    const start = Math.floor(rand() * (n - b + 1));
    for (let k = 0; k < b && out.length < n; k++) out.push(start + k);
  }
  return out;
}

/** Micro F1 of the summed counts of the given windows (with repeats). */
export function microF1(counts: readonly Counts[], idx: readonly number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const i of idx) {
    tp += counts[i].tp;
    fp += counts[i].fp;
    fn += counts[i].fn;
  }
  return prf(tp, fp, fn).f1;
}

/** Percentile (linear interpolation between order statistics, like numpy's default). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Percentile block-bootstrap interval of micro F1 over per-window counts (in chronological order). */
export function bootstrapF1(
  counts: readonly Counts[],
  opts: { resamples?: number; block?: number; level?: number; seed?: number } = {},
): ConfidenceInterval | null {
  const n = counts.length;
  if (n === 0) return null;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const block = opts.block ?? defaultBlockLength(n);
  const level = opts.level ?? DEFAULT_LEVEL;
  const rand = mulberry32(opts.seed ?? 12345);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) stats.push(microF1(counts, blockResample(n, block, rand)));
  stats.sort((a, b) => a - b);
  const a = (1 - level) / 2;
  return { low: percentile(stats, a), high: percentile(stats, 1 - a), level, resamples, block, windows: n };
}

/** Do two intervals overlap (then a difference between the two figures is not clear)? */
export function intervalsOverlap(a: Pick<ConfidenceInterval, 'low' | 'high'>, b: Pick<ConfidenceInterval, 'low' | 'high'>): boolean {
  return a.low <= b.high && b.low <= a.high;
}
