/** Moving averages over the loaded bars (issue 14, point 4). */
import { expect, it } from 'vitest';
import { atr, sma } from '../../renderer/src/chart/indicators.ts';

it('sma: no value until `period` bars, then the mean of the last `period`', () => {
  const r = sma([1, 2, 3, 4, 5, 6], 3);
  expect(r.slice(0, 2).every(Number.isNaN)).toBe(true);
  expect(r.slice(2)).toEqual([2, 3, 4, 5]);
  expect(sma([5, 5], 3).every(Number.isNaN)).toBe(true);
  expect(sma([7], 1)).toEqual([7]);
});

it("atr: Wilder's average of the true range, first value the plain mean of the first `period`", () => {
  const high = [10, 12, 11, 15];
  const low = [8, 9, 9, 10];
  const close = [9, 11, 10, 14];
  // True ranges: 2, max(3, 3, 0)=3, max(2, 0, 2)=2, max(5, 5, 0)=5.
  const r = atr(high, low, close, 2);
  expect(Number.isNaN(r[0])).toBe(true);
  expect(r[1]).toBeCloseTo(2.5);
  expect(r[2]).toBeCloseTo((2.5 * 1 + 2) / 2);
  expect(r[3]).toBeCloseTo((2.25 * 1 + 5) / 2);
});
