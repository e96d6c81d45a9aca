import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { computeTargets } from '../../../core/labels/targets.ts';
import { makeBatch, disposeBatch } from '../../../core/ml/model/batch.ts';
import { labelsToSpansWithEdges } from '../../../core/ml/training/dataset.ts';
import { computeSeriesFeatures, computeWindowFeatures, DEFAULT_FEATURES } from '../../../core/ml/features/index.ts';
import { makeTrainingSet } from '../../../core/demo/index.ts';
import type { BarColumns, Label, WindowInfo } from '../../../core/domain/types.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const TYPES = ['up', 'down'];

describe('targets at window edges', () => {
  it('a span continuing after the window: countdown and end pointer masked (unknown), not clipped', () => {
    const T = 20;
    // spans: 2..6 inside; 12..19 continues after the window (clipped at 19)
    const t = computeTargets(
      T,
      [
        { start: 2, end: 6, type: 'up', confidence: 1 },
        { start: 12, end: 19, type: 'down', confidence: 1 },
      ],
      TYPES,
      {
        edges: [
          { before: false, after: false },
          { before: false, after: true },
        ],
      },
    );
    expect(Array.from(t.countdownMask.subarray(2, 7))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(t.countdownMask.subarray(12, 20)).every((v) => v === 0)).toBe(true);
    expect([t.start, t.end, t.startKnown, t.endKnown]).toEqual([12, 19, true, false]); // main = the longer span
    const spec = { head: 'soft' as const, encoder: 'conv' as const, featureCount: 1, windowLength: T, typeCount: 2, hidden: 4, seed: 1 };
    const b = makeBatch(new Float32Array(T), [t], spec);
    try {
      expect(Array.from(b.targets.start.dataSync())).toEqual([12]);
      expect(Array.from(b.targets.end.dataSync())).toEqual([-1]); // no end-pointer loss
      expect(Array.from(b.targets.hasSpan.dataSync())).toEqual([1]); // the type is still known
      expect(Array.from(b.targets.countdownMask.dataSync()).slice(12)).toEqual(new Array(8).fill(0));
    } finally {
      disposeBatch(b);
    }
  });

  it('a span that began before the window masks the start pointer only', () => {
    const t = computeTargets(10, [{ start: 0, end: 5, type: 'up', confidence: 1 }], TYPES, { edges: [{ before: true, after: false }] });
    expect([t.startKnown, t.endKnown]).toEqual([false, true]);
    expect(Array.from(t.countdownMask.subarray(0, 6))).toEqual([1, 1, 1, 1, 1, 1]); // its end is inside: countdown known
  });

  it('labels are mapped to window spans with the edges they were clipped at', () => {
    const times = Float64Array.from({ length: 50 }, (_, i) => 1000 + i * 60);
    const win = {
      id: 1,
      setId: 1,
      seriesId: 's',
      extId: 's:10',
      startIndex: 10,
      length: 20,
      startTime: times[10],
      endTime: times[29],
      role: 'train',
      reviewed: true,
    } as WindowInfo;
    const label = (a: number, b: number): Label => ({
      id: a,
      windowId: 1,
      startTime: times[a],
      endTime: times[b],
      type: 'up',
      confidence: 1,
      note: '',
      author: '',
      createdAt: 0,
      updatedAt: 0,
      origin: 'drawn',
      originRun: null,
    });
    const r = labelsToSpansWithEdges([label(5, 14), label(15, 20), label(25, 40)], win, times);
    expect(r.spans.map((s) => [s.start, s.end])).toEqual([
      [0, 4],
      [5, 10],
      [15, 19],
    ]);
    expect(r.edges).toEqual([
      { before: true, after: false },
      { before: false, after: false },
      { before: false, after: true },
    ]);
  });
});

describe('features carry look-back context from bars before the window', () => {
  it("a window's rolling features equal the whole series' values, from the window's bar 0", () => {
    const set = makeTrainingSet({ seed: 3, windows: 4, length: 64 });
    const bars = set.bars;
    const F = DEFAULT_FEATURES.length;
    const start = 100;
    const fromSeries = computeSeriesFeatures(bars, DEFAULT_FEATURES);
    const win = computeWindowFeatures(bars, DEFAULT_FEATURES, [start], 64);
    const slice = (b: BarColumns, a: number, n: number): BarColumns =>
      Object.fromEntries(Object.entries(b).map(([k, v]) => [k, (v as Float64Array).slice(a, a + n)])) as unknown as BarColumns;
    const alone = computeSeriesFeatures(slice(bars, start, 64), DEFAULT_FEATURES);
    const vol = DEFAULT_FEATURES.indexOf('volatility');
    // bar 0 of the window: same as the series (20 bars of history), unlike a window computed alone (no history)
    expect(win[vol]).toBeCloseTo(fromSeries[start * F + vol], 5);
    expect(alone[vol]).toBe(0);
    expect(Math.abs(win[vol])).toBeGreaterThan(0);
  });
});

describe('contradiction-aware training', () => {
  it("'mask' zeroes and 'down-weight' scales the disputed bars of training windows; the run records what it saw", async () => {
    const { makeDemoProject } = await import('./helpers.ts');
    const { ProjectStore } = await import('../../../core/store/index.ts');
    const { buildDataset } = await import('../../../core/ml/training/dataset.ts');
    const p = makeDemoProject(4);
    const store = ProjectStore.open(p.file);
    try {
      const wins = store.listWindows({ setId: p.setId }).filter((w) => w.role === 'train');
      const [a, b] = wins;
      store.replaceFindings('all', [
        {
          kind: 'type',
          windowA: a.id,
          windowB: b.id,
          seriesId: a.seriesId,
          startIndex: a.startIndex + 10,
          endIndex: a.startIndex + 19,
          severity: 0.6,
          message: 'planted',
        },
      ]);
      const rec = (d: ReturnType<typeof buildDataset>) => d.train.find((r) => r.window.id === a.id)!;
      const both = buildDataset(store, { setId: p.setId, windows: 'all' });
      expect(both.contradictions).toMatchObject({ mode: 'train-both', openFindings: 1, barsAffected: 0 });
      const before = Array.from(rec(both).targets.barWeight.subarray(10, 20));
      const masked = buildDataset(store, { setId: p.setId, windows: 'all', contradictions: 'mask' });
      expect(Array.from(rec(masked).targets.barWeight.subarray(10, 20))).toEqual(new Array(10).fill(0));
      expect(rec(masked).targets.barWeight[9]).toBe(rec(both).targets.barWeight[9]);
      expect(masked.contradictions).toMatchObject({ openFindings: 1, windowsAffected: 1, barsAffected: 10 });
      const down = buildDataset(store, { setId: p.setId, windows: 'all', contradictions: 'down-weight' });
      Array.from(rec(down).targets.barWeight.subarray(10, 20)).forEach((v, i) => expect(v).toBeCloseTo(before[i] * 0.4, 5));
      expect(down.notes.join(' ')).toMatch(/down-weighted by severity 10 bar/);
    } finally {
      store.close();
    }
  });
});

describe('windows left out are reported, not dropped silently', () => {
  it('other-length windows, excluded windows (e.g. a random split with a gap) and unlabelled ones are counted and named', async () => {
    const { ProjectStore } = await import('../../../core/store/index.ts');
    const { buildDataset } = await import('../../../core/ml/training/dataset.ts');
    const { seedDemoProject } = await import('../../helpers/demo-data.ts');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-skip-')), 'p.candlemark');
    const store = ProjectStore.open(file, { create: true });
    try {
      const { setId, windowIds } = seedDemoProject(store, { seed: 2, windows: 30, length: 64 });
      // most windows excluded, as a random split with a gap does
      store.setWindowRoles(windowIds.slice(0, 18).map((windowId) => ({ windowId, role: 'excluded' as const })));
      const d = buildDataset(store, { setId, windows: 'all', testFraction: 0 });
      expect(d.skipped.excluded).toBe(18);
      expect(d.notes.join(' | ')).toMatch(/18 window\(s\) have role 'excluded'/);
      expect(d.notes.join(' | ')).toMatch(/only 12 of the set's 30 windows are used/);
    } finally {
      store.close();
    }
  });
});

describe('test block', () => {
  it('is the chronologically last windows of each series, purged by one window length (overlapping windows)', async () => {
    const { assignTestBlock } = await import('../../../core/ml/training/dataset.ts');
    const T = 128;
    const mk = (seriesId: string, n: number, idBase: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          ({
            id: idBase + i,
            setId: 1,
            seriesId,
            extId: '',
            startIndex: i * 64,
            length: T,
            startTime: 0,
            endTime: 0,
            role: 'train',
            reviewed: true,
          }) as WindowInfo,
      );
    // 20 windows, stride 64: test = the last 2 (starts 1152, 1216); a window whose last bar is
    // within 128 bars before bar 1152 is purged: starts 960, 1024, 1088 (last bars 1087, 1151, 1215)
    const a = mk('a', 20, 0);
    const b = mk('b', 10, 100); // another series: its own block (1 window), its own purge
    const block = assignTestBlock([...a, ...b], 0.1, T);
    const of = (role: string) =>
      [...block]
        .filter(([, r]) => r === role)
        .map(([id]) => id)
        .sort((x, y) => x - y);
    expect(of('test')).toEqual([18, 19, 109]);
    expect(of('purged')).toEqual([15, 16, 17, 106, 107, 108]);
    // window 14 (bars 896..1023) keeps 128 bars between it and the block: used
    expect(block.has(14)).toBe(false);
    expect(assignTestBlock(a, 0, T).size).toBe(0);
  });
});
