/**
 * Incremental conflict recomputation (core/service/handlers/conflicts.ts): after a label edit the
 * service re-checks only the edited windows against the windows that share bars with them, read by
 * bar range. The findings it keeps must be exactly those of a full recompute. Random edits through
 * the service on a real project file, on series whose windows come in several sets and lengths
 * (cut sets, and an imported-style set with lengths from 5 to 400 bars, so the longest window of a
 * set reaches far behind an edit); after every edit the stored findings are compared with a full
 * detection built here from the stored rows, and regularly with `conflicts.check`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectConflicts, type ConflictWindow } from '../../core/conflicts/detect.ts';
import { mulberry32, randomInt } from '../../core/shared/random.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import type { ProjectStore } from '../../core/store/index.ts';
import type { IndexSpan, WindowInfo } from '../../core/domain/types.ts';
import { makeBars } from '../store/helpers.ts';
import { tempDir } from '../helpers/paths.ts';

const TYPES = ['up', 'down'];
const dirs: string[] = [];
const services: CandlemarkService[] = [];
afterEach(() => {
  while (services.length) services.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

type Comparable = { kind: string; windowA: number; windowB: number; seriesId: string; startIndex: number; endIndex: number; severity: number; message: string };
const keyOf = (f: Comparable) => `${f.kind}|${f.windowA}|${f.windowB}|${f.startIndex}|${f.endIndex}`;
const comparable = (f: Comparable): Comparable => ({
  kind: f.kind,
  windowA: f.windowA,
  windowB: f.windowB,
  seriesId: f.seriesId,
  startIndex: f.startIndex,
  endIndex: f.endIndex,
  severity: f.severity,
  message: f.message,
});
const byKey = (fs: Comparable[]) => new Map(fs.map((f) => [keyOf(f), comparable(f)]));

/** A full detection over every window of every series, from the stored rows (independent of the handler). */
function fullDetection(store: ProjectStore): Map<string, Comparable> {
  const out = new Map<string, Comparable>();
  for (const series of store.listSeries()) {
    const times = store.readTimes(series.id);
    const indexOf = new Map<number, number>();
    times.forEach((t, i) => indexOf.set(t, i));
    const spans = new Map<number, IndexSpan[]>();
    for (const l of store.listLabels({ seriesId: series.id })) {
      const list = spans.get(l.windowId) ?? [];
      list.push({ start: indexOf.get(l.startTime)!, end: indexOf.get(l.endTime)!, type: l.type, confidence: l.confidence });
      spans.set(l.windowId, list);
    }
    const windows: ConflictWindow[] = store
      .listWindows({ seriesId: series.id })
      .filter((w) => spans.has(w.id) || w.reviewed)
      .map((w) => ({ id: w.id, seriesId: w.seriesId, startIndex: w.startIndex, length: w.length, spans: spans.get(w.id) ?? [] }));
    for (const f of detectConflicts(windows)) {
      // The store keeps one finding per key (the most severe), as replaceFindings does.
      const prev = out.get(keyOf(f));
      if (!prev || f.severity > prev.severity) out.set(keyOf(f), comparable(f));
    }
  }
  return out;
}

/**
 * A project with two series: A (4,000 bars) cut 128/64 and 50/37 plus a set of 100 windows with
 * random starts and lengths 5..400; B (2,000 bars) cut 100/40. About 60% of the windows are labelled
 * from a per-series truth with jittered edges, dropped spans and flipped types (so every finding kind
 * occurs), some are only marked reviewed. A's labels are one edit group, so undoing it touches hundreds of windows.
 */
async function makeProject(seed: number): Promise<{ service: CandlemarkService; store: ProjectStore }> {
  const dir = tempDir('candlemark-incremental-');
  dirs.push(dir);
  const service = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 'tester' });
  services.push(service);
  const store = service.store;
  const rand = mulberry32(seed);
  store.insertSeries('A', null, makeBars(4000, { seed }));
  store.insertSeries('B', null, makeBars(2000, { seed: seed + 1, t0: Date.UTC(2023, 0, 1) }));
  await service.call('windows.create', { seriesId: 'A', length: 128, stride: 64 });
  await service.call('windows.create', { seriesId: 'A', length: 50, stride: 37 });
  const odd = Array.from({ length: 100 }, (_, i) => {
    const length = randomInt(rand, 5, 400);
    return { extId: `odd-${i}`, startIndex: randomInt(rand, 0, 4000 - length), length, role: 'train' as const };
  });
  store.createWindowSet({ seriesId: 'A', origin: 'imported', length: 128, stride: null, split: 'chronological', valFraction: 0.2, seed: 1 }, odd);
  await service.call('windows.create', { seriesId: 'B', length: 100, stride: 40 });

  for (const seriesId of ['A', 'B']) {
    const bars = store.getSeries(seriesId)!.barCount;
    const times = store.readTimes(seriesId);
    const truth: IndexSpan[] = [];
    for (let t = randomInt(rand, 0, 20); t < bars - 30;) {
      const start = t;
      const end = start + randomInt(rand, 3, 25);
      truth.push({ start, end, type: TYPES[randomInt(rand, 0, 1)], confidence: 1 });
      t = end + randomInt(rand, 5, 60);
    }
    store.editGroup(`seed ${seriesId}`, () => {
      for (const w of store.listWindows({ seriesId })) {
        const r = rand();
        if (r < 0.1) store.setWindowReviewed(w.id, true);
        if (r > 0.6) continue;
        const we = w.startIndex + w.length - 1;
        for (const tr of truth) {
          if (tr.end < w.startIndex || tr.start > we || rand() < 0.1) continue;
          const s = Math.max(w.startIndex, tr.start + (rand() < 0.4 ? randomInt(rand, -5, 5) : 0));
          const e = Math.min(we, tr.end + (rand() < 0.4 ? randomInt(rand, -5, 5) : 0));
          if (s > e) continue;
          const type = rand() < 0.08 ? TYPES[1 - TYPES.indexOf(tr.type)] : tr.type;
          store.addLabel(w.id, { startTime: times[s], endTime: times[e], type, confidence: Math.round(rand() * 10) / 10 });
        }
      }
    });
  }
  await service.call('conflicts.check', {});
  return { service, store };
}

/** One random edit through the service, as a host would send it. Returns a description for failure messages. */
async function randomEdit(service: CandlemarkService, store: ProjectStore, rand: () => number): Promise<string> {
  const windows = store.listWindows();
  const pick = <T>(xs: T[]): T => xs[randomInt(rand, 0, xs.length - 1)];
  const spanIn = (w: WindowInfo) => {
    const times = store.readTimes(w.seriesId);
    const s = randomInt(rand, w.startIndex, w.startIndex + w.length - 1);
    const e = Math.min(w.startIndex + w.length - 1, s + randomInt(rand, 0, 30));
    return { startTime: times[s], endTime: times[e] };
  };
  const r = rand();
  const labels = store.listLabels();
  if (r < 0.3 || labels.length === 0) {
    const w = pick(windows);
    const l = await service.call('labels.add', { windowId: w.id, ...spanIn(w), type: pick(TYPES), confidence: Math.round(rand() * 10) / 10 });
    return `labels.add ${l.id} to window ${w.id}`;
  }
  if (r < 0.5) {
    const l = pick(labels);
    const w = store.getWindow(l.windowId)!;
    const patch = rand() < 0.5 ? { type: TYPES[1 - TYPES.indexOf(l.type)] } : rand() < 0.5 ? spanIn(w) : { confidence: Math.round(rand() * 10) / 10 };
    await service.call('labels.update', { id: l.id, patch });
    return `labels.update ${l.id} (window ${l.windowId}) ${JSON.stringify(patch)}`;
  }
  if (r < 0.65) {
    const l = pick(labels);
    await service.call('labels.delete', { id: l.id });
    return `labels.delete ${l.id} (window ${l.windowId})`;
  }
  if (r < 0.75) {
    const w = pick(windows);
    await service.call('windows.setReviewed', { windowId: w.id, reviewed: !w.reviewed });
    return `windows.setReviewed ${w.id} ${!w.reviewed}`;
  }
  if (r < 0.82) {
    const { step } = await service.call('labels.undo', {});
    return `labels.undo (${step?.windowIds.length ?? 0} windows)`;
  }
  if (r < 0.87) {
    const { step } = await service.call('labels.redo', {});
    return `labels.redo (${step?.windowIds.length ?? 0} windows)`;
  }
  const open = store.listFindings({ status: 'open' });
  if (open.length === 0) return 'nothing to resolve';
  const f = pick(open);
  const action = pick(['copy-a-to-b', 'copy-b-to-a', 'ignore', 'mark-resolved'] as const);
  await service.call('conflicts.resolve', { findingId: f.id, action });
  return `conflicts.resolve ${f.id} ${action} (windows ${f.windowA}, ${f.windowB})`;
}

function expectSameAsFull(store: ProjectStore, context: string): void {
  const stored = byKey(store.listFindings());
  const full = fullDetection(store);
  const missing = [...full.keys()].filter((k) => !stored.has(k));
  const extra = [...stored.keys()].filter((k) => !full.has(k));
  expect({ context, missing, extra }).toEqual({ context, missing: [], extra: [] });
  // One comparison of the whole sorted lists (severity and message included): cheap enough to run after every edit.
  const sorted = (m: Map<string, Comparable>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
  expect(sorted(stored), context).toEqual(sorted(full));
}

describe('incremental conflict recompute equals a full recompute', () => {
  // Generous limits: every edit is followed by a full detection, on a 2-core machine shared with other work.
  for (const seed of [1, 2]) {
    it(`random edits, seed ${seed}`, { timeout: 300_000 }, async () => {
      const { service, store } = await makeProject(seed);
      const rand = mulberry32(1000 + seed);
      const kinds = new Set(store.listFindings().map((f) => f.kind));
      expect([...kinds].sort()).toEqual(['boundary', 'span-vs-none', 'type']);
      let ignoredOrResolved = 0;
      for (let i = 1; i <= 120; i++) {
        const what = await randomEdit(service, store, rand);
        expectSameAsFull(store, `edit ${i}: ${what}`);
        if (i % 10 === 0) {
          // conflicts.check recomputes everything and keeps ids and statuses of findings that survive:
          // on an incrementally maintained table it must change nothing at all.
          const before = store.listFindings();
          ignoredOrResolved = Math.max(ignoredOrResolved, before.filter((f) => f.status !== 'open').length);
          const after = await service.call('conflicts.check', {});
          expect(
            after.map((f) => ({ ...f })),
            `conflicts.check after edit ${i}`,
          ).toEqual(before.map((f) => ({ ...f })));
        }
      }
      // Statuses set by resolve/ignore took part in the comparison above.
      expect(ignoredOrResolved).toBeGreaterThan(0);

      if (seed !== 1) return;
      // Undo every step (the first ones touch hundreds of windows at once), then redo them all.
      let steps = 0;
      let widest = 0;
      const all = store.listWindows();
      /** How many windows share bars with one of `ids` (what conflictWindowsAround reads). */
      const around = (ids: number[]) => {
        const edited = all.filter((w) => ids.includes(w.id));
        return all.filter((o) =>
          edited.some((w) => o.seriesId === w.seriesId && o.startIndex <= w.startIndex + w.length - 1 && w.startIndex <= o.startIndex + o.length - 1),
        ).length;
      };
      for (;;) {
        const { step } = await service.call('labels.undo', {});
        if (!step) break;
        steps++;
        if (step.windowIds.length > 100) widest = Math.max(widest, around(step.windowIds));
        expectSameAsFull(store, `undo ${steps} (${step.windowIds.length} windows)`);
      }
      // The seeding steps reach past PER_WINDOW_LABEL_READS windows: the whole-series label read was exercised too.
      expect(widest).toBeGreaterThan(256);
      expect(store.listLabels()).toEqual([]);
      expect(store.listFindings()).toEqual([]);
      for (let i = 0; i < steps; i++) {
        const { step } = await service.call('labels.redo', {});
        expectSameAsFull(store, `redo ${i + 1} (${step?.windowIds.length} windows)`);
      }
      expect(store.listFindings().length).toBeGreaterThan(0);
    });
  }
});
