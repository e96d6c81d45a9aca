import { describe, expect, it } from 'vitest';
import { cutWindows } from '../../core/windows/cut.ts';
import { assignSplit } from '../../core/windows/split.ts';
import { mulberry32, randomInt, shuffleInPlace } from '../../core/shared/random.ts';
import type { SplitRole } from '../../core/domain/types.ts';

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(124)()).not.toBe(xs[0]);
  });
  it('randomInt stays in range, shuffle is a permutation', () => {
    const r = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const v = randomInt(r, -3, 5);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(5);
    }
    const arr = shuffleInPlace(
      Array.from({ length: 50 }, (_, i) => i),
      r,
    );
    expect([...arr].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => randomInt(r, 5, 4)).toThrow(RangeError);
    expect(() => mulberry32(Number.NaN)).toThrow(RangeError);
  });
});

describe('cutWindows', () => {
  it('cuts full windows with defaults 128/64', () => {
    expect(cutWindows(320)).toEqual([
      { startIndex: 0, length: 128 },
      { startIndex: 64, length: 128 },
      { startIndex: 128, length: 128 },
      { startIndex: 192, length: 128 },
    ]);
    expect(cutWindows(319).length).toBe(3);
  });
  it('handles short series, exact fits and gaps', () => {
    expect(cutWindows(127)).toEqual([]);
    expect(cutWindows(0)).toEqual([]);
    expect(cutWindows(128)).toEqual([{ startIndex: 0, length: 128 }]);
    expect(cutWindows(10, 4, 5)).toEqual([
      { startIndex: 0, length: 4 },
      { startIndex: 5, length: 4 },
    ]);
  });
  it('rejects bad arguments with clear errors', () => {
    expect(() => cutWindows(-1)).toThrow(/barCount/);
    expect(() => cutWindows(1.5)).toThrow(/barCount/);
    expect(() => cutWindows(100, 0)).toThrow(/length/);
    expect(() => cutWindows(100, 10, 0)).toThrow(/stride/);
    expect(() => cutWindows(100, 10, 2.5)).toThrow(/stride/);
  });
});

function lastBar(w: { startIndex: number; length: number }): number {
  return w.startIndex + w.length - 1;
}

/** Smallest number of bars strictly between any train window and any val window (Infinity if none). */
function minTrainValGap(windows: Array<{ startIndex: number; length: number }>, roles: SplitRole[]): number {
  let min = Infinity;
  windows.forEach((t, i) => {
    if (roles[i] !== 'train') return;
    windows.forEach((v, j) => {
      if (roles[j] !== 'val') return;
      const between = Math.max(v.startIndex - lastBar(t) - 1, t.startIndex - lastBar(v) - 1);
      min = Math.min(min, between);
    });
  });
  return min;
}

describe('assignSplit', () => {
  it('chronological: last fraction is val, a window-length gap is excluded', () => {
    const ws = cutWindows(64 * 11, 128, 64); // 10 windows, starts 0..576
    const roles = assignSplit(ws, { kind: 'chronological' });
    expect(roles.filter((r) => r === 'val').length).toBe(2);
    expect(roles.slice(8)).toEqual(['val', 'val']);
    // first val bar 512; excluded: last bar >= 512 - 128 = 384 → windows starting at 320, 384, 448.
    expect(roles.slice(0, 8)).toEqual(['train', 'train', 'train', 'train', 'train', 'excluded', 'excluded', 'excluded']);
    expect(minTrainValGap(ws, roles)).toBeGreaterThanOrEqual(128);
  });
  it('chronological with gap 0 only drops overlapping windows; follows input order, not sort order', () => {
    const ws = cutWindows(64 * 11, 128, 64).reverse();
    const roles = assignSplit(ws, { kind: 'chronological', gap: 0, valFraction: 0.2 });
    expect(roles).toEqual(['val', 'val', 'excluded', 'train', 'train', 'train', 'train', 'train', 'train', 'train']);
  });
  it('edge fractions', () => {
    const ws = cutWindows(1000, 100, 100);
    expect(assignSplit(ws, { kind: 'chronological', valFraction: 0 }).every((r) => r === 'train')).toBe(true);
    expect(assignSplit(ws, { kind: 'chronological', valFraction: 1 }).every((r) => r === 'val')).toBe(true);
    expect(assignSplit(ws, { kind: 'chronological', valFraction: 0.01 }).filter((r) => r === 'val').length).toBe(1);
    expect(assignSplit([], { kind: 'random' })).toEqual([]);
  });
  it('validates options', () => {
    const ws = cutWindows(1000);
    expect(() => assignSplit(ws, { kind: 'chronological', valFraction: 1.5 })).toThrow(/valFraction/);
    expect(() => assignSplit(ws, { kind: 'chronological', gap: -1 })).toThrow(/gap/);
    expect(() => assignSplit(ws, { kind: 'random', seed: 1.5 })).toThrow(/seed/);
    expect(() => assignSplit(ws, { kind: 'bogus' as 'random' })).toThrow(/kind/);
    expect(() => assignSplit([{ startIndex: 0, length: 0 }], { kind: 'random' })).toThrow(/window 0/);
  });
  it('random split is deterministic per seed and has the right size', () => {
    const ws = cutWindows(64 * 101);
    const a = assignSplit(ws, { kind: 'random', seed: 7 });
    expect(assignSplit(ws, { kind: 'random', seed: 7 })).toEqual(a);
    expect(assignSplit(ws, { kind: 'random', seed: 8 })).not.toEqual(a);
    expect(a.filter((r) => r === 'val').length).toBe(20);
    expect(a.filter((r) => r === 'excluded').length).toBe(0);
  });
  it('property: no train window shares a bar with (or comes within gap of) a val window', () => {
    const rand = mulberry32(2024);
    for (let trial = 0; trial < 200; trial++) {
      const length = randomInt(rand, 1, 60);
      const stride = randomInt(rand, 1, 70);
      const ws = cutWindows(randomInt(rand, 0, 2000), length, stride);
      const valFraction = Math.round(rand() * 100) / 100;
      const gap = rand() < 0.3 ? undefined : randomInt(rand, 0, 80);
      const chrono = assignSplit(ws, { kind: 'chronological', valFraction, gap });
      expect(minTrainValGap(ws, chrono)).toBeGreaterThanOrEqual(gap ?? length);
      const seed = randomInt(rand, 0, 1e6);
      const rnd = assignSplit(ws, { kind: 'random', valFraction, seed, gap: gap ?? 0 });
      expect(minTrainValGap(ws, rnd)).toBeGreaterThanOrEqual(gap ?? 0);
      expect(assignSplit(ws, { kind: 'random', valFraction, seed, gap: gap ?? 0 })).toEqual(rnd);
      // Nothing is excluded that did not need to be (chronological): every excluded window is within gap of val.
      const firstVal = ws.filter((_, i) => chrono[i] === 'val').reduce((m, w) => Math.min(m, w.startIndex), Infinity);
      ws.forEach((w, i) => {
        if (chrono[i] === 'excluded') expect(lastBar(w)).toBeGreaterThanOrEqual(firstVal - (gap ?? length));
      });
    }
  });
});
