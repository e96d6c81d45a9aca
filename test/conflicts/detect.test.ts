import { describe, expect, it } from 'vitest';
import { compareFindings, compareWindowPair, detectConflicts, detectConflictsFor, findingKey, type ConflictWindow } from '../../core/conflicts/detect.ts';
import type { Finding, IndexSpan } from '../../core/domain/types.ts';
import { randomWindows } from './gen.ts';

const sp = (start: number, end: number, type = 'up', confidence = 1): IndexSpan => ({ start, end, type, confidence });
const win = (id: number, startIndex: number, spans: IndexSpan[], length = 128, seriesId = 'S'): ConflictWindow => ({
  id,
  seriesId,
  startIndex,
  length,
  spans,
});

/** Window 1 covers 0-127, window 2 covers 64-191: shared bars 64-127 (64 bars). */
function pair(a: IndexSpan[], b: IndexSpan[], tolerance?: number): Finding[] {
  return detectConflicts([win(1, 0, a), win(2, 64, b)], tolerance === undefined ? {} : { tolerance });
}
const brief = (fs: Finding[]) => fs.map((f) => [f.kind, f.startIndex, f.endIndex]);

describe('compareWindowPair: hand-made cases', () => {
  it('agreement and labels outside the shared bars give nothing', () => {
    expect(pair([sp(80, 100)], [sp(80, 100)])).toEqual([]);
    expect(pair([sp(10, 30)], [sp(150, 170)])).toEqual([]);
    expect(pair([], [])).toEqual([]);
  });

  it('span-vs-none', () => {
    const fs = pair([sp(80, 100, 'up', 0.5)], []);
    expect(brief(fs)).toEqual([['span-vs-none', 80, 100]]);
    expect(fs[0]).toMatchObject({ windowA: 1, windowB: 2, seriesId: 'S' });
    expect(fs[0].severity).toBeCloseTo((0.5 * 21) / 64);
    expect(fs[0].message).toBe('window 1 marks bars 80-100 as up, window 2 marks none');
    expect(brief(pair([], [sp(90, 90, 'down')]))).toEqual([['span-vs-none', 90, 90]]);
    expect(pair([], [sp(90, 90, 'down')])[0].message).toBe('window 2 marks bar 90 as down, window 1 marks none');
  });

  it('a span entering a window only in its last or first `tolerance` bars is not a finding', () => {
    // Window 1 covers 0..127, window 2 covers 64..191 (shared 64..127).
    // Window 2 marks 126..140: window 1 sees only its bars 126-127 (2 <= tolerance) at its own edge.
    expect(pair([], [sp(126, 140)])).toEqual([]);
    // 3 bars seen by window 1 is beyond the tolerance: reported.
    expect(brief(pair([], [sp(125, 140)]))).toEqual([['span-vs-none', 125, 127]]);
    // Window 1 marks 50..65: window 2 sees only bars 64-65 at its first bars.
    expect(pair([sp(50, 65)], [])).toEqual([]);
    // A short span in the middle of the shared bars is still a finding, whatever its length.
    expect(brief(pair([], [sp(100, 101)]))).toEqual([['span-vs-none', 100, 101]]);
    // ... and so are 2 bars at the shared edge when that edge is not the unmarking window's own edge.
    expect(brief(pair([sp(126, 140)], []))).toEqual([['span-vs-none', 126, 127]]);
  });

  it('an edge wobble within tolerance beside a type dispute is part of the type finding', () => {
    expect(brief(pair([sp(80, 100, 'up')], [sp(82, 100, 'down')]))).toEqual([['type', 82, 100]]);
    expect(brief(pair([sp(80, 100, 'up')], [sp(83, 100, 'down')]))).toEqual([
      ['span-vs-none', 80, 82],
      ['type', 83, 100],
    ]);
  });

  it('type', () => {
    const fs = pair([sp(80, 100, 'up', 1)], [sp(80, 100, 'down', 0.5)]);
    expect(brief(fs)).toEqual([['type', 80, 100]]);
    expect(fs[0].severity).toBeCloseTo((0.75 * 21) / 64);
    expect(fs[0].message).toBe('window 1 marks bars 80-100 as up, window 2 as down');
    // partial overlap of different types: type on the overlap, span-vs-none on the rest
    expect(brief(pair([sp(80, 100, 'up')], [sp(90, 110, 'down')]))).toEqual([
      ['span-vs-none', 80, 89],
      ['type', 90, 100],
      ['span-vs-none', 101, 110],
    ]);
  });

  it('boundary: tolerance edges (default 2)', () => {
    expect(pair([sp(80, 100)], [sp(81, 100)])).toEqual([]);
    expect(pair([sp(80, 100)], [sp(82, 100)])).toEqual([]);
    const fs = pair([sp(80, 100)], [sp(83, 100)]);
    expect(brief(fs)).toEqual([['boundary', 80, 82]]);
    expect(fs[0].severity).toBeCloseTo(1 / 4);
    expect(fs[0].message).toBe('windows 1 and 2 disagree where the up span starts: window 1 at bar 80, window 2 at bar 83 (3 bars apart, tolerance 2)');
    expect(brief(pair([sp(80, 100)], [sp(80, 98)]))).toEqual([]);
    expect(brief(pair([sp(80, 100)], [sp(80, 105)]))).toEqual([['boundary', 101, 105]]);
    // both edges at once
    expect(brief(pair([sp(80, 100)], [sp(85, 110)]))).toEqual([
      ['boundary', 80, 84],
      ['boundary', 101, 110],
    ]);
  });

  it('boundary: tolerance option', () => {
    expect(brief(pair([sp(80, 100)], [sp(81, 100)], 0))).toEqual([['boundary', 80, 80]]);
    expect(pair([sp(80, 100)], [sp(85, 100)], 5)).toEqual([]);
    expect(brief(pair([sp(80, 100)], [sp(86, 100)], 5))).toEqual([['boundary', 80, 85]]);
    expect(() => pair([], [], -1)).toThrow(/tolerance/);
  });

  it('boundary severity grows with distance beyond tolerance and stays in [0, 1]', () => {
    const s3 = pair([sp(70, 120)], [sp(73, 120)])[0].severity;
    const s10 = pair([sp(70, 120)], [sp(80, 120)])[0].severity;
    expect(s3).toBeLessThan(s10);
    expect(s10).toBeCloseTo(8 / 11);
    expect(pair([sp(70, 120, 'up', 0.2)], [sp(80, 120, 'up', 0.4)])[0].severity).toBeCloseTo((0.3 * 8) / 11);
  });

  it('edges cut off by the shared range are not comparable', () => {
    // Both spans run past the shared start: clipped edges agree, nothing to report.
    expect(pair([sp(50, 100)], [sp(64, 100)])).toEqual([]);
    // Window 1's span runs past bar 64, window 2 starts 2 bars late: within tolerance, nothing.
    expect(pair([sp(50, 100)], [sp(66, 100)])).toEqual([]);
    // 4 bars late: not a boundary (window 1's edge is not in the shared bars) but the bars disagree.
    const fs = pair([sp(50, 100)], [sp(68, 100)]);
    expect(brief(fs)).toEqual([['span-vs-none', 64, 67]]);
    expect(fs[0].message).toContain('runs past the shared bars');
    // Same at the shared end (bar 127): window 2's span continues past it.
    expect(pair([sp(80, 125)], [sp(80, 150)])).toEqual([]);
    expect(brief(pair([sp(80, 120)], [sp(80, 150)]))).toEqual([['span-vs-none', 121, 127]]);
    // A span ending exactly at the shared boundary counts as cut too.
    expect(brief(pair([sp(80, 120)], [sp(80, 127)]))).toEqual([['span-vs-none', 121, 127]]);
  });

  it('a hole inside a span is span-vs-none whatever its length', () => {
    const fs = pair([sp(80, 100)], [sp(80, 88), sp(90, 100)]);
    expect(brief(fs)).toEqual([['span-vs-none', 89, 89]]);
    expect(fs[0].message).toContain('gap inside its up span');
  });

  it('window order, other series and non-overlapping windows', () => {
    const fs = compareWindowPair(win(9, 64, []), win(3, 0, [sp(80, 90)]));
    expect(fs.map((f) => [f.windowA, f.windowB])).toEqual([[3, 9]]);
    expect(compareWindowPair(win(1, 0, [sp(80, 90)]), win(2, 64, [], 128, 'T'))).toEqual([]);
    expect(compareWindowPair(win(1, 0, [sp(80, 90)]), win(2, 128, []))).toEqual([]);
    expect(detectConflicts([win(1, 0, [sp(80, 90)]), win(2, 64, [], 128, 'T')])).toEqual([]);
  });

  it('rejects bad windows', () => {
    expect(() => detectConflicts([win(1, 0, []), win(1, 64, [])])).toThrow(/duplicate window id 1/);
    expect(() => detectConflicts([win(1, 0, [sp(10, 5)])])).toThrow(/invalid span/);
    expect(() => detectConflicts([win(1, 0, [], 0)])).toThrow(/invalid startIndex/);
  });
});

describe('findingKey', () => {
  it('is stable across recomputes and distinguishes kind, pair and range', () => {
    const a = pair([sp(80, 100)], []);
    const b = pair([sp(80, 100, 'up', 0.3)], []);
    expect(findingKey(a[0])).toBe(findingKey(b[0]));
    expect(findingKey(a[0])).toBe('span-vs-none:1-2:80-100');
    const keys = new Set(detectConflicts(randomWindows(5)).map(findingKey));
    expect(keys.size).toBe(detectConflicts(randomWindows(5)).length);
  });
});

function bruteForce(windows: ConflictWindow[], tolerance?: number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < windows.length; i++) {
    for (let j = i + 1; j < windows.length; j++) out.push(...compareWindowPair(windows[i], windows[j], { tolerance }));
  }
  return out.sort(compareFindings);
}

describe('sort-and-sweep == brute force (property)', () => {
  it('on random multi-series sets', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const ws = randomWindows(seed, { seriesCount: 1 + (seed % 4), windowsPerSeries: 60 + seed * 7 });
      const tolerance = seed % 3 === 0 ? 0 : seed % 3;
      const swept = detectConflicts(ws, { tolerance });
      expect(swept).toEqual(bruteForce(ws, tolerance));
      for (const f of swept) {
        kinds.add(f.kind);
        expect(f.windowA).toBeLessThan(f.windowB);
        expect(f.severity).toBeGreaterThanOrEqual(0);
        expect(f.severity).toBeLessThanOrEqual(1);
        expect(f.startIndex).toBeLessThanOrEqual(f.endIndex);
      }
    }
    expect([...kinds].sort()).toEqual(['boundary', 'span-vs-none', 'type']);
  });

  it('detectConflictsFor == the findings of detectConflicts touching the given windows', () => {
    for (let seed = 100; seed < 110; seed++) {
      const ws = randomWindows(seed);
      const all = detectConflicts(ws);
      const picked = new Set(ws.filter((_, i) => i % 17 === seed % 17).map((w) => w.id));
      const expected = all.filter((f) => picked.has(f.windowA) || picked.has(f.windowB));
      expect(detectConflictsFor(picked, ws)).toEqual(expected);
    }
    expect(detectConflictsFor([], randomWindows(1))).toEqual([]);
  });

  it('findings update when a label changes', () => {
    const ws = [win(1, 0, [sp(80, 100)]), win(2, 64, [sp(80, 100)]), win(3, 128, [])];
    expect(detectConflicts(ws)).toEqual([]);
    ws[1] = { ...ws[1], spans: [sp(80, 100), sp(140, 150, 'down')] };
    expect(brief(detectConflictsFor([2], ws))).toEqual([['span-vs-none', 140, 150]]);
    expect(detectConflictsFor([1], ws)).toEqual([]);
  });
});
