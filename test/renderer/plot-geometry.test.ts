/** The training view's plot geometry and table formats (pure; the React plots only lay these out). */
import { describe, expect, it } from 'vitest';
import {
  countRange,
  liveEpochDomain,
  pathData,
  plotBox,
  seriesPoints,
  xRange,
  xScale,
  yRange,
  yScale,
} from '../../renderer/src/components/results/plot-geometry.ts';
import { fmtDuration, fmtMatrixRow, fmtSetting } from '../../renderer/src/components/results/format.ts';

describe('plot geometry', () => {
  it('histogram ranges start at 0 and end on a tick above the tallest bar', () => {
    const r = countRange([0.02, 0.23, 0.11]);
    expect(r.min).toBe(0);
    expect(r.max).toBeGreaterThanOrEqual(0.23);
    expect(r.ticks.at(-1)).toBe(r.max);
    expect(countRange([]).max).toBeGreaterThan(0);
  });

  it("a running run's epoch axis grows in round steps past the last epoch, capped by the plan", () => {
    expect(liveEpochDomain(0, 600)).toEqual([1, 10]);
    expect(liveEpochDomain(3, 600)).toEqual([1, 10]);
    expect(liveEpochDomain(8, 600)).toEqual([1, 10]);
    expect(liveEpochDomain(9, 600)).toEqual([1, 20]);
    expect(liveEpochDomain(17, 600)).toEqual([1, 50]);
    expect(liveEpochDomain(45, 600)).toEqual([1, 100]);
    expect(liveEpochDomain(170, 600)).toEqual([1, 500]);
    expect(liveEpochDomain(500, 600)).toEqual([1, 600]);
    expect(liveEpochDomain(5, 6)).toEqual([1, 6]);
    expect(liveEpochDomain(1, 1)).toEqual([1, 2]);
    expect(liveEpochDomain(12, 0)).toEqual([1, 20]); // plan unknown
    // Still for a while: one domain across consecutive epochs.
    expect(new Set([41, 42, 43, 44, 45, 46, 47, 48].map((e) => liveEpochDomain(e, 600)[1])).size).toBe(1);
  });

  it('epoch axes get whole-number ticks only, and a single point still has a width', () => {
    const r = xRange([1, 2, 3, 4, 5, 6, 7], { integer: true });
    expect(r.ticks.every(Number.isInteger)).toBe(true);
    expect(r.ticks[0]).toBeGreaterThanOrEqual(1);
    const one = xRange([3]);
    expect(one.max).toBeGreaterThan(one.min);
  });

  it('maps data to pixels inside the frame, clamping y and honouring log axes', () => {
    const box = plotBox(400, 200);
    const y = yRange([1, 100], { scale: 'log' });
    expect(y.log).toBe(true);
    const sy = yScale(y, box);
    // On a log axis 10 sits halfway between 1 and 100 (up to the axis padding, which is symmetric in log).
    expect(sy(10)).toBeCloseTo((sy(1) + sy(100)) / 2, 6);
    expect(sy(1e9)).toBe(box.top);
    expect(sy(-5)).toBe(box.bottom);
    const sx = xScale(xRange([0, 10]), box);
    expect(sx(0)).toBe(box.left + 6);
    expect(sx(10)).toBe(box.right - 6);
  });

  it('leaves a gap for missing values instead of drawing through them', () => {
    const pts = seriesPoints(
      [1, 2, 3, 4],
      [1, null, 3, Number.NaN],
      (v) => v * 10,
      (v) => v,
      false,
    );
    expect(pts.map((p) => p?.index ?? null)).toEqual([0, null, 2, null]);
    expect(pathData(pts)).toBe('M10 1M30 3');
    // Non-positive values can't sit on a log axis: also gaps.
    expect(
      seriesPoints(
        [1, 2],
        [0, 2],
        (v) => v,
        (v) => v,
        true,
      )[0],
    ).toBeNull();
  });
});

describe('table formats', () => {
  it('prints counts as whole numbers, fractions with three decimals, missing values as a dash', () => {
    expect(fmtMatrixRow([2, 1, 3])).toEqual(['2', '1', '3']);
    expect(fmtMatrixRow([0, 0.3, null])).toEqual(['0.000', '0.300', '—']);
    expect(fmtMatrixRow([1, 0])).toEqual(['1.000', '0.000']);
    expect(fmtMatrixRow(['soft', undefined])).toEqual(['soft', '—']);
  });

  it('prints settings at full precision, so two different values never look alike', () => {
    expect(fmtSetting(0.0025)).toBe('0.0025');
    expect(fmtSetting(['a', 'b'])).toBe('a, b');
    expect(fmtSetting(null)).toBe('—');
    expect(fmtSetting({ patience: 3 })).toBe('{"patience":3}');
  });

  it('formats durations for people', () => {
    expect(fmtDuration(42.4)).toBe('42s');
    expect(fmtDuration(125)).toBe('2m 05s');
    expect(fmtDuration(3 * 3600 + 7 * 60)).toBe('3h 07m');
    expect(fmtDuration(null)).toBe('—');
  });
});
