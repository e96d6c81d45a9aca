import { describe, expect, it } from 'vitest';
import { compareWindowPair, type ConflictWindow } from '../../core/conflicts/detect.ts';
import { applySpanPlan, planCopySpans } from '../../core/conflicts/resolve.ts';
import type { IndexSpan } from '../../core/domain/types.ts';
import { mulberry32, randomInt } from '../../core/shared/random.ts';

const sp = (start: number, end: number, type = 'up', confidence = 1): IndexSpan => ({ start, end, type, confidence });
const win = (id: number, startIndex: number, spans: IndexSpan[], length = 128): ConflictWindow => ({
  id,
  seriesId: 'S',
  startIndex,
  length,
  spans,
});

/** Per-bar label ("" = none, else sorted types joined) of a window over [lo, hi]. */
function barLabels(spans: IndexSpan[], lo: number, hi: number): string[] {
  const out: string[] = [];
  for (let t = lo; t <= hi; t++) {
    const types = [...new Set(spans.filter((s) => s.start <= t && t <= s.end).map((s) => s.type))].sort();
    out.push(types.join('/'));
  }
  return out;
}

describe('planCopySpans', () => {
  it('copies the source spans onto the shared bars and keeps the target outside', () => {
    const from = win(1, 0, [sp(80, 100, 'down', 0.9)]);
    const to = win(2, 64, [sp(70, 90, 'up'), sp(150, 160, 'up')]);
    const plan = planCopySpans(from, to);
    expect(plan.remove).toEqual([sp(70, 90, 'up')]);
    expect(plan.remove[0]).toBe(to.spans[0]);
    expect(plan.add).toEqual([sp(80, 100, 'down', 0.9)]);
    expect(applySpanPlan(to.spans, plan)).toEqual([sp(80, 100, 'down', 0.9), sp(150, 160, 'up')]);
  });

  it('merges a target span continuing outside the shared range when same type and touching', () => {
    // shared bars 64-127; the target's span 110-140 continues past 127, the source's 100-127 runs to the edge.
    const from = win(1, 0, [sp(100, 127, 'up', 0.7)]);
    const to = win(2, 64, [sp(110, 140, 'up', 0.9)]);
    const plan = planCopySpans(from, to);
    expect(plan.add).toEqual([sp(100, 140, 'up', 0.7)]);
    // different type: not merged, the outside part is kept on its own
    const plan2 = planCopySpans(win(1, 0, [sp(100, 127, 'down')]), to);
    expect(plan2.add).toEqual([sp(100, 127, 'down'), sp(128, 140, 'up', 0.9)]);
    // not touching: not merged
    const plan3 = planCopySpans(win(1, 0, [sp(100, 120, 'up')]), to);
    expect(plan3.add).toEqual([sp(100, 120, 'up'), sp(128, 140, 'up', 0.9)]);
    // an untouched target span ending right before the shared range is merged (and removed)
    const from4 = win(1, 64, [sp(64, 70, 'up')]);
    const to4 = win(2, 0, [sp(50, 63, 'up')]);
    const plan4 = planCopySpans(from4, to4);
    expect(plan4.remove).toEqual([sp(50, 63, 'up')]);
    expect(plan4.add).toEqual([sp(50, 70, 'up')]);
  });

  it('source with nothing on the shared bars clears them on the target', () => {
    const plan = planCopySpans(win(1, 0, []), win(2, 64, [sp(60 + 10, 130)]));
    expect(plan.add).toEqual([sp(128, 130)]);
  });

  it('rejects windows that share no bars or belong to different series', () => {
    expect(() => planCopySpans(win(1, 0, []), win(2, 128, []))).toThrow(/share no bars/);
    expect(() => planCopySpans(win(1, 0, []), { ...win(2, 64, []), seriesId: 'T' })).toThrow(/different series/);
  });

  it('property: after applying the plan the pair has no findings; outside bars keep their labels', () => {
    const rand = mulberry32(77);
    const types = ['up', 'down', 'flat'];
    const randomSpans = (ws: number, len: number): IndexSpan[] => {
      const out: IndexSpan[] = [];
      const n = randomInt(rand, 0, 4);
      for (let i = 0; i < n; i++) {
        const a = randomInt(rand, ws, ws + len - 1);
        const b = Math.min(ws + len - 1, a + randomInt(rand, 0, 30));
        out.push(sp(a, b, types[randomInt(rand, 0, 2)], Math.round(rand() * 10) / 10));
      }
      return out;
    };
    for (let trial = 0; trial < 500; trial++) {
      const lenA = randomInt(rand, 5, 100);
      const lenB = randomInt(rand, 5, 100);
      const startA = randomInt(rand, 0, 50);
      const startB = randomInt(rand, Math.max(0, startA - lenB + 1), startA + lenA - 1);
      const a = win(1, startA, randomSpans(startA, lenA), lenA);
      const b = win(2, startB, randomSpans(startB, lenB), lenB);
      const [from, to] = rand() < 0.5 ? [a, b] : [b, a];
      const after = { ...to, spans: applySpanPlan(to.spans, planCopySpans(from, to)) };
      expect(compareWindowPair(from, after, { tolerance: 0 })).toEqual([]);
      const lo = Math.max(startA, startB);
      const hi = Math.min(startA + lenA, startB + lenB) - 1;
      expect(barLabels(after.spans, lo, hi)).toEqual(barLabels(from.spans, lo, hi));
      const toEnd = to.startIndex + to.length - 1;
      expect(barLabels(after.spans, to.startIndex, lo - 1)).toEqual(barLabels(to.spans, to.startIndex, lo - 1));
      expect(barLabels(after.spans, hi + 1, toEnd)).toEqual(barLabels(to.spans, hi + 1, toEnd));
      for (const s of after.spans) {
        expect(s.start).toBeGreaterThanOrEqual(to.startIndex);
        expect(s.end).toBeLessThanOrEqual(toEnd);
      }
    }
  });
});
