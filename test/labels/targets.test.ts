import { describe, expect, it } from 'vitest';
import { computeTargets, mainSpanIndex } from '../../core/labels/targets.ts';
import type { IndexSpan } from '../../core/domain/types.ts';

const TYPES = ['up', 'down'];
const span = (start: number, end: number, type = 'up', confidence = 1): IndexSpan => ({ start, end, type, confidence });
const arr = (a: Float32Array): number[] => Array.from(a, (x) => Math.round(x * 1e6) / 1e6);

describe('computeTargets', () => {
  it('no span', () => {
    const t = computeTargets(8, [], TYPES);
    expect(t.hasSpan).toBe(false);
    expect([t.start, t.end, t.typeIndex]).toEqual([-1, -1, -1]);
    expect(t.weight).toBe(1);
    expect(arr(t.mask)).toEqual(new Array(8).fill(0));
    expect(arr(t.softMask)).toEqual(new Array(8).fill(0));
    expect(arr(t.countdown)).toEqual(new Array(8).fill(0));
  });

  it('single span: mask, edge-ramped soft mask, countdown, weight', () => {
    const t = computeTargets(14, [span(2, 11, 'down', 0.6)], TYPES);
    expect(t.hasSpan).toBe(true);
    expect([t.start, t.end, t.typeIndex]).toEqual([2, 11, 1]);
    expect(t.weight).toBeCloseTo(0.6);
    expect(arr(t.mask)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(arr(t.softMask)).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 0.75, 0.5, 0.25, 0, 0]);
    expect(arr(t.countdown)).toEqual([0, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
  });

  it('ramp option: short spans peak below 1, ramp 0 is the hard mask', () => {
    expect(arr(computeTargets(5, [span(1, 3)], TYPES).softMask)).toEqual([0, 0.25, 0.5, 0.25, 0]);
    expect(arr(computeTargets(5, [span(1, 3)], TYPES, { ramp: 0 }).softMask)).toEqual([0, 1, 1, 1, 0]);
    expect(arr(computeTargets(6, [span(0, 5)], TYPES, { ramp: 1 }).softMask)).toEqual([0.5, 1, 1, 1, 1, 0.5]);
    expect(() => computeTargets(5, [], TYPES, { ramp: -1 })).toThrow(/ramp/);
  });

  it('spans touching both window edges', () => {
    const t = computeTargets(10, [span(0, 2, 'up'), span(7, 9, 'down')], TYPES);
    expect(arr(t.mask)).toEqual([1, 1, 1, 0, 0, 0, 0, 1, 1, 1]);
    expect(arr(t.softMask)).toEqual([0.25, 0.5, 0.25, 0, 0, 0, 0, 0.25, 0.5, 0.25]);
    expect(arr(t.countdown)).toEqual([2, 1, 0, 0, 0, 0, 0, 2, 1, 0]);
    // equal length → earliest is main
    expect([t.start, t.end, t.typeIndex]).toEqual([0, 2, 0]);
  });

  it("multiple spans: longest is main, window weight is the main span's confidence, bars weigh their span's", () => {
    const t = computeTargets(30, [span(0, 3, 'up', 1), span(10, 20, 'down', 0.5), span(22, 29, 'up', 0.3)], TYPES);
    expect([t.start, t.end, t.typeIndex]).toEqual([10, 20, 1]);
    expect(t.weight).toBeCloseTo(0.5);
    expect([t.barWeight[0], t.barWeight[5], t.barWeight[15], t.barWeight[25]].map((v) => Math.round(v * 10) / 10)).toEqual([1, 1, 0.5, 0.3]);
    expect(t.mask.reduce((a, b) => a + b, 0)).toBe(4 + 11 + 8);
  });

  it('overlapping spans: max soft mask, furthest end for countdown', () => {
    const t = computeTargets(10, [span(0, 5), span(3, 8)], TYPES);
    expect(arr(t.countdown)).toEqual([5, 4, 3, 5, 4, 3, 2, 1, 0, 0]);
    expect(arr(t.softMask)).toEqual([0.25, 0.5, 0.75, 0.75, 0.5, 0.75, 0.75, 0.5, 0.25, 0]);
  });

  it('main span rule', () => {
    expect(mainSpanIndex([])).toBe(-1);
    expect(mainSpanIndex([span(5, 9), span(0, 4)])).toBe(1);
    expect(mainSpanIndex([span(5, 9), span(0, 3), span(20, 25)])).toBe(2);
  });

  it('rejects invalid input', () => {
    expect(() => computeTargets(0, [], TYPES)).toThrow(/length/);
    expect(() => computeTargets(10, [span(5, 10)], TYPES)).toThrow(/not inside/);
    expect(() => computeTargets(10, [span(-1, 3)], TYPES)).toThrow(/not inside/);
    expect(() => computeTargets(10, [span(4, 3)], TYPES)).toThrow(/not inside/);
    expect(() => computeTargets(10, [span(1, 3, 'sideways')], TYPES)).toThrow(/unknown span type 'sideways'/);
    expect(() => computeTargets(10, [span(1, 3, 'up', 2)], TYPES)).toThrow(/confidence/);
  });
});
