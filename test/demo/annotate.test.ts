import { describe, expect, it } from 'vitest';
import type { IndexSpan } from '../../core/domain/types.ts';
import { labelWindows, type AnnotatedWindow } from '../../core/demo/annotate.ts';
import { generateSeries } from '../../core/demo/generate.ts';

function cut(bars: number, length: number, stride: number): Array<{ startIndex: number; length: number }> {
  const out: Array<{ startIndex: number; length: number }> = [];
  for (let s = 0; s + length <= bars; s += stride) out.push({ startIndex: s, length });
  return out;
}

/** Per-bar labels of a window as a map index -> type (for comparing two windows on shared bars). */
function barTypes(w: AnnotatedWindow): Map<number, string> {
  const m = new Map<number, string>();
  for (const s of w.spans) for (let i = s.start; i <= s.end; i++) m.set(i, s.type);
  return m;
}

/** Bars of the region shared by windows a and b where the two disagree. */
function disagreements(a: AnnotatedWindow, b: AnnotatedWindow): number[] {
  const lo = Math.max(a.startIndex, b.startIndex);
  const hi = Math.min(a.startIndex + a.length, b.startIndex + b.length) - 1;
  const ta = barTypes(a);
  const tb = barTypes(b);
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) if (ta.get(i) !== tb.get(i)) out.push(i);
  return out;
}

const series = generateSeries({ seed: 11, bars: 20_000 });
const windows = cut(20_000, 128, 64);

describe('labelWindows', () => {
  it('without noise copies the truth, clipped to each window, dropping pieces under 3 bars', () => {
    const truth: IndexSpan[] = [
      { start: 10, end: 20, type: 'up', confidence: 1 },
      { start: 60, end: 80, type: 'down', confidence: 1 },
      { start: 126, end: 140, type: 'up', confidence: 1 }, // 2 bars in window 0 -> dropped there
    ];
    const r = labelWindows(cut(256, 128, 64), truth, { seed: 1 });
    expect(r.contradictions).toEqual([]);
    expect(r.windows[0].spans).toEqual([truth[0], truth[1]]);
    expect(r.windows[1].spans).toEqual([
      { start: 64, end: 80, type: 'down', confidence: 1 },
      { start: 126, end: 140, type: 'up', confidence: 1 },
    ]);
    expect(r.windows[2].spans).toEqual([{ start: 128, end: 140, type: 'up', confidence: 1 }]);
  });

  it('is deterministic per seed', () => {
    const opts = { seed: 5, noise: { boundaryJitter: 2, missRate: 0.1, confidenceRange: [0.4, 0.8] as [number, number] }, contradictions: 9 };
    expect(labelWindows(windows, series.truth, opts)).toEqual(labelWindows(windows, series.truth, opts));
  });

  it('noisy annotator: copies agree within 2 bars, edges within the jitter, confidence lowered sometimes', () => {
    const r = labelWindows(windows, series.truth, { seed: 3, noise: { boundaryJitter: 2, missRate: 0.1, confidenceRange: [0.4, 0.8] } });
    const all = r.windows.flatMap((w) => w.spans);
    expect(all.some((s) => s.confidence < 1 && s.confidence >= 0.4 && s.confidence <= 0.8)).toBe(true);
    expect(all.filter((s) => s.confidence === 1).length).toBeGreaterThan(all.length / 2);
    for (let i = 0; i + 1 < r.windows.length; i++) {
      const a = r.windows[i];
      const b = r.windows[i + 1];
      // No contradictions planted: any disagreement is a boundary wobble of at most 2 bars per edge (or a clipped piece at a window edge).
      const diff = disagreements(a, b);
      const runs: number[][] = [];
      for (const x of diff) {
        if (runs.length > 0 && runs[runs.length - 1].at(-1) === x - 1) runs[runs.length - 1].push(x);
        else runs.push([x]);
      }
      for (const run of runs) expect(run.length).toBeLessThanOrEqual(2);
    }
    // Every labelled span is near a truth span (within the jitter) with its type.
    for (const w of r.windows) {
      for (const s of w.spans) {
        const t = series.truth.find((t) => t.start - 2 <= s.end && t.end + 2 >= s.start)!;
        expect(t).toBeDefined();
        expect(s.type).toBe(t.type);
        if (s.start > w.startIndex) expect(Math.abs(s.start - t.start)).toBeLessThanOrEqual(2);
        if (s.end < w.startIndex + w.length - 1) expect(Math.abs(s.end - t.end)).toBeLessThanOrEqual(2);
      }
    }
    // Misses are consistent: a missed truth span is missing everywhere.
    const labelledTruth = new Set<number>();
    series.truth.forEach((t, k) => {
      if (r.windows.some((w) => w.spans.some((s) => s.start <= t.end && s.end >= t.start))) labelledTruth.add(k);
    });
    expect(labelledTruth.size).toBeLessThan(series.truth.length);
    expect(labelledTruth.size).toBeGreaterThan(series.truth.length * 0.8);
  });

  it('plants exactly the requested contradictions, each visible between its two windows', () => {
    const r = labelWindows(windows, series.truth, {
      seed: 9,
      noise: { boundaryJitter: 2, confidenceRange: [0.5, 0.9] },
      contradictions: 12,
    });
    expect(r.contradictions).toHaveLength(12);
    const byKind = (k: string) => r.contradictions.filter((c) => c.kind === k).length;
    expect([byKind('span-vs-none'), byKind('type'), byKind('boundary')]).toEqual([4, 4, 4]);
    const pairs = new Set<string>();
    for (const c of r.contradictions) {
      expect(c.windowIndexA).toBeLessThan(c.windowIndexB);
      expect([c.windowIndexA, c.windowIndexB]).toContain(c.editedWindowIndex);
      pairs.add(`${c.windowIndexA}-${c.windowIndexB}-${c.truthIndex}`);
      const diff = disagreements(r.windows[c.windowIndexA], r.windows[c.windowIndexB]);
      const inRange = diff.filter((x) => x >= c.startIndex && x <= c.endIndex);
      if (c.kind === 'boundary') {
        expect(c.endIndex - c.startIndex + 1).toBeGreaterThanOrEqual(4);
        expect(inRange).toHaveLength(c.endIndex - c.startIndex + 1);
      } else {
        expect(inRange.length).toBeGreaterThanOrEqual(c.endIndex - c.startIndex + 1 - 4);
        expect(c.endIndex - c.startIndex + 1).toBeGreaterThanOrEqual(4);
      }
    }
    expect(pairs.size).toBe(12);
    // Away from planted contradictions, windows disagree by at most 2 bars in a row.
    for (let i = 0; i + 1 < r.windows.length; i++) {
      const planted = r.contradictions.filter((c) => c.windowIndexA === i && c.windowIndexB === i + 1);
      const rest = disagreements(r.windows[i], r.windows[i + 1]).filter((x) => !planted.some((c) => x >= c.startIndex - 2 && x <= c.endIndex + 2));
      const runs: number[][] = [];
      for (const x of rest) {
        if (runs.length > 0 && runs[runs.length - 1].at(-1) === x - 1) runs[runs.length - 1].push(x);
        else runs.push([x]);
      }
      for (const run of runs) expect(run.length).toBeLessThanOrEqual(2);
    }
  });

  it('accepts counts per kind and refuses impossible requests', () => {
    const r = labelWindows(windows, series.truth, { seed: 2, contradictions: { type: 3, boundary: 1 } });
    expect(r.contradictions.map((c) => c.kind).sort()).toEqual(['boundary', 'type', 'type', 'type']);
    // Non-overlapping windows share nothing.
    expect(() => labelWindows(cut(20_000, 128, 128), series.truth, { seed: 2, contradictions: 1 })).toThrow(RangeError);
  });
});
