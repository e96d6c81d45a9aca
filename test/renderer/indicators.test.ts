/** Moving averages over the loaded bars (issue 14, point 4). */
import { expect, it } from 'vitest';
import { sma } from '../../renderer/src/chart/indicators.ts';

it('sma: no value until `period` bars, then the mean of the last `period`', () => {
  const r = sma([1, 2, 3, 4, 5, 6], 3);
  expect(r.slice(0, 2).every(Number.isNaN)).toBe(true);
  expect(r.slice(2)).toEqual([2, 3, 4, 5]);
  expect(sma([5, 5], 3).every(Number.isNaN)).toBe(true);
  expect(sma([7], 1)).toEqual([7]);
});
