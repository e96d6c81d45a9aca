/**
 * Axis ranges, ticks, scales and paths of the training view's SVG plots. Pure functions, so the
 * React components only lay out what these decide. Tick choice and number format come from
 * core/ml/eval/svg-plot.ts, so a figure reads the same in the app as in an exported report.
 */
import { formatTick, niceTicks, plotFrame, valueRange, type PlotFrame } from '../../../../core/ml/eval/svg-plot.ts';

export { formatTick };

/** The plot area inside an SVG (core's frame: the same margins as the exported reports). */
export type Box = PlotFrame;

/** The app draws title and legend in HTML above the SVG, so the plot area starts near the top. */
export function plotBox(width: number, height: number): Box {
  return plotFrame(width, height, 12);
}

export interface Range {
  min: number;
  max: number;
  /** Log10 axis (y only). */
  log: boolean;
  ticks: number[];
}

const EPS = 1e-9;

const finiteOf = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null && Number.isFinite(v));

/** The y range of line plots: the same axis as the exported reports (core's valueRange). */
export const yRange = (values: readonly (number | null)[], opts: { domain?: [number, number]; scale?: 'linear' | 'log' | 'auto' } = {}): Range =>
  valueRange(values, opts);

/** The y range of histograms: from 0 to the first tick above the tallest bar (never clipped). */
export function countRange(values: readonly number[]): Range {
  const top = Math.max(1e-9, ...finiteOf(values)) * 1.05;
  const ticks = niceTicks(0, top, 5);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : top;
  while ((ticks[ticks.length - 1] ?? 0) < top) ticks.push((ticks[ticks.length - 1] ?? 0) + step);
  return { min: 0, max: ticks[ticks.length - 1], log: false, ticks };
}

/** The x range: the data (or a fixed domain); whole-number ticks only for epochs. */
export function xRange(xs: readonly number[], opts: { domain?: [number, number]; integer?: boolean } = {}): Range {
  const finite = finiteOf(xs);
  const min = opts.domain?.[0] ?? (finite.length ? Math.min(...finite) : 0);
  let max = opts.domain?.[1] ?? (finite.length ? Math.max(...finite) : 1);
  if (max === min) max = min + 1;
  let ticks = niceTicks(min, max, opts.integer ? Math.min(8, Math.max(1, Math.round(max - min))) : 5).filter((v) => v >= min - EPS && v <= max + EPS);
  if (opts.integer) ticks = ticks.filter((v) => Number.isInteger(v));
  return { min, max, log: false, ticks };
}

/**
 * The epoch axis of a run in progress: it ends on a round number (1, 2 or 5 × 10^k, at least 10)
 * some way past the last epoch seen, and never past the planned epochs. Scaling to the plan would
 * squeeze the first epochs of a 600-epoch run into the left edge; scaling to the last epoch would
 * rescale the plot on every epoch. Rounding up in steps keeps the axis still for a while.
 */
export function liveEpochDomain(lastEpoch: number, planned: number): [number, number] {
  const want = Math.max(10, Math.ceil(lastEpoch * 1.25));
  const step = 10 ** Math.floor(Math.log10(want));
  const round = [1, 2, 5, 10].map((m) => m * step).find((v) => v >= want)!;
  const end = planned > 0 ? Math.min(planned, round) : round;
  return [1, Math.max(2, end)];
}

/** Data → pixels along x, with `inset` pixels kept free at both ends so end points aren't cut. */
export function xScale(r: Range, box: Box, inset = 6): (v: number) => number {
  return (v) => box.left + inset + ((v - r.min) / (r.max - r.min || 1)) * (box.right - box.left - 2 * inset);
}

/** Data → pixels along y (log or linear); values outside the range are clamped to the frame. */
export function yScale(r: Range, box: Box): (v: number) => number {
  const t = (v: number) => (r.log ? Math.log10(v) : v);
  const span = t(r.max) - t(r.min) || 1;
  return (v) => {
    const c = Math.min(Math.max(v, r.min), r.max);
    return box.bottom - ((t(c) - t(r.min)) / span) * (box.bottom - box.top);
  };
}

export const r2 = (v: number) => Math.round(v * 100) / 100;

export interface PlotPoint {
  index: number;
  x: number;
  y: number;
}

/**
 * The drawable points of one series: a null, NaN (or, on a log axis, non-positive) value is left
 * out and lifts the pen, so a missing epoch shows as a gap instead of a made-up line.
 */
export function seriesPoints(
  xs: readonly number[],
  values: readonly (number | null)[],
  sx: (v: number) => number,
  sy: (v: number) => number,
  log: boolean,
): (PlotPoint | null)[] {
  return values.map((v, i) => {
    if (v === null || !Number.isFinite(v) || (log && v <= 0) || i >= xs.length || !Number.isFinite(xs[i])) return null;
    return { index: i, x: r2(sx(xs[i])), y: r2(sy(v)) };
  });
}

export function pathData(points: readonly (PlotPoint | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${p.x} ${p.y}`;
    pen = true;
  }
  return d;
}
