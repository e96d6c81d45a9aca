/** The y axis shared by exported reports and the app's plots (core/ml/eval/svg-plot.ts valueRange). */
import { describe, expect, it } from 'vitest';
import { valueRange } from '../../../core/ml/eval/svg-plot.ts';

describe('valueRange', () => {
  it('pads linear data, ignores missing values, and keeps every tick inside the range', () => {
    const r = valueRange([0.31, 0.74, null, Number.NaN]);
    expect(r.log).toBe(false);
    expect(r.min).toBeLessThan(0.31);
    expect(r.max).toBeGreaterThan(0.74);
    expect(r.ticks.length).toBeGreaterThanOrEqual(3);
    expect(r.ticks.every((t) => t >= r.min - 1e-9 && t <= r.max + 1e-9)).toBe(true);
    for (let i = 1; i < r.ticks.length; i++) expect(r.ticks[i]).toBeGreaterThan(r.ticks[i - 1]);
  });

  it('keeps a fixed domain as given', () => {
    const r = valueRange([0.2, 0.9], { domain: [0, 1] });
    expect([r.min, r.max, r.log]).toEqual([0, 1, false]);
    expect(r.ticks.every((t) => t >= 0 && t <= 1)).toBe(true);
  });

  it("switches to log on 'auto' when positive values span more than 4×, with 1-2-5 (or 1-2-3-5-7) ticks", () => {
    const wide = valueRange([0.05, 3, 40], { scale: 'auto' });
    expect(wide.log).toBe(true);
    expect(wide.ticks).toEqual(expect.arrayContaining([0.1, 1, 10]));
    for (const t of wide.ticks) expect([1, 2, 5]).toContain(Number((t / 10 ** Math.floor(Math.log10(t) + 1e-12)).toPrecision(3)));
    // Within about a decade 1-2-5 leaves two ticks (5, 10): the denser 1-2-3-5-7 set is used.
    const narrow = valueRange([2.5, 12], { scale: 'auto' });
    expect(narrow.log).toBe(true);
    expect(narrow.ticks).toEqual([3, 5, 7, 10]);
    expect(valueRange([1, 3], { scale: 'auto' }).log).toBe(false);
    expect(valueRange([-1, 30], { scale: 'auto' }).log).toBe(false);
  });

  it('gives a flat series a range around its value', () => {
    const r = valueRange([5, 5, 5]);
    expect(r.min).toBeLessThan(5);
    expect(r.max).toBeGreaterThan(5);
  });
});
