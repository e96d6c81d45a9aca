import { afterEach, describe, expect, it } from 'vitest';
import { walkForwardFolds, type FoldWindow } from '../../../core/ml/training/walk-forward.ts';
import { crossValidationSummary, spread } from '../../../core/ml/eval/cross-validation.ts';
import { ProjectStore } from '../../../core/store/index.ts';
import { runTraining } from '../../../core/ml/training/run.ts';
import type { RunReport } from '../../../core/ml/eval/report.ts';
import { renderReportMarkdown } from '../../../core/ml/eval/report-export.ts';
import { makeDemoProject, TINY } from './helpers.ts';

/** Windows of T = 128 bars every 64 bars (each bar in two windows), ids = position. */
function overlapping(n: number, seriesId = 'a', idBase = 0): FoldWindow[] {
  return Array.from({ length: n }, (_, i) => ({ id: idBase + i, seriesId, startIndex: i * 64, length: 128 }));
}

describe('walkForwardFolds', () => {
  const T = 128;
  const ws = overlapping(40);
  const at = new Map(ws.map((w) => [w.id, w]));
  const folds = walkForwardFolds(ws, 3, T);

  it('cuts the timeline into k + 1 blocks and tests fold i on block i, in time order', () => {
    expect(folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    // 40 windows / 4 blocks: block 0 = ids 0..9 learns only; tests are 10..19, 20..29, 30..39
    expect(folds.map((f) => f.test)).toEqual([10, 20, 30].map((s) => Array.from({ length: 10 }, (_, i) => s + i)));
  });

  it('purges one window length before the inner validation and before the test block; nothing after the test is used', () => {
    for (const f of folds) {
      const firstTest = Math.min(...f.test.map((id) => at.get(id)!.startIndex));
      const firstVal = Math.min(...f.val.map((id) => at.get(id)!.startIndex));
      const end = (id: number) => at.get(id)!.startIndex + at.get(id)!.length - 1;
      for (const id of [...f.train, ...f.val]) expect(end(id)).toBeLessThan(firstTest - T);
      for (const id of f.train) expect(end(id)).toBeLessThan(firstVal - T);
      // no window is in two parts of a fold
      const all = [...f.train, ...f.val, ...f.test, ...f.purged];
      expect(new Set(all).size).toBe(all.length);
      // embargo: nothing later than the test block
      const lastTest = Math.max(...f.test);
      expect(all.every((id) => id <= lastTest)).toBe(true);
      expect(f.train.length).toBeGreaterThan(0);
      expect(f.val.length).toBeGreaterThan(0);
    }
    // hand-computed fold 1: past = 0..9; windows 7, 8, 9 end within 128 bars of bar 640 (test start) → purged;
    // usable 0..6, inner val = round(7 · 0.2) = 1 window (6, from bar 384); 3, 4, 5 end at or after bar 256 → purged
    expect(folds[0]).toEqual({ fold: 1, train: [0, 1, 2], val: [6], test: folds[0].test, purged: [7, 8, 9, 3, 4, 5] });
  });

  it('cuts each series on its own and pools block i of every series in fold i', () => {
    const two = walkForwardFolds([...overlapping(30, 'a'), ...overlapping(30, 'b', 100)], 2, T);
    for (const f of two) {
      expect(f.test.some((id) => id < 100)).toBe(true);
      expect(f.test.some((id) => id >= 100)).toBe(true);
    }
  });

  it('says what is missing when a series is too short or purging leaves a fold nothing to learn from', () => {
    expect(() => walkForwardFolds(overlapping(3), 3, T)).toThrow(/series "a" has 3 labelled window\(s\); walk-forward with 3 folds needs at least 4/);
    expect(() => walkForwardFolds(overlapping(8), 3, T)).toThrow(
      /fold 1 of 3 has 0 training and 0 validation window\(s\) after purging one window length \(128 bars\)/,
    );
    expect(() => walkForwardFolds(overlapping(8), 1, T)).toThrow(/folds >= 2/);
  });
});

describe('cross-validation summary', () => {
  it('gives mean, sample sd, min and max over folds (hand-computed)', () => {
    // mean 0.6; deviations −0.2, 0, 0.2 → var = 0.08 / 2 = 0.04 → sd 0.2
    const s = spread([0.4, 0.6, 0.8]);
    expect(s.mean).toBeCloseTo(0.6, 12);
    expect(s.sd).toBeCloseTo(0.2, 12);
    expect([s.min, s.max]).toEqual([0.4, 0.8]);
    expect(spread([0.5]).sd).toBe(0);
    const fold = (i: number, f1: number) => ({
      fold: i,
      trainWindows: 1,
      valWindows: 1,
      testWindows: 1,
      purgedWindows: 0,
      bestEpochs: [1],
      threshold: 0.5,
      spanF1: f1,
      barF1: f1 / 2,
      valSpanF1: 0,
    });
    const cv = crossValidationSummary([fold(1, 0.4), fold(2, 0.8)], 64, 2);
    expect(cv).toMatchObject({ method: 'walk-forward', folds: 2, purgeBars: 64, savedFold: 2 });
    expect(cv.barF1.mean).toBeCloseTo(0.3, 12);
  });
});

describe('walk-forward run (tiny, real training)', () => {
  let store: ProjectStore | null = null;
  afterEach(() => {
    store?.close();
    store = null;
  });

  it("trains every fold, keeps each fold's choices inside it, and reports mean and spread over folds", async () => {
    const p = makeDemoProject(5);
    store = ProjectStore.open(p.file);
    const members: number[] = [];
    // testFraction 0: no held-out block, so the headline is the last fold's own test block.
    const r = await runTraining(store, {
      setId: p.setId,
      head: 'soft',
      ...TINY,
      evaluation: 'walk-forward',
      folds: 2,
      testFraction: 0,
      onEpoch: (e) => members.push(e.member),
    });
    expect(r.error).toBeNull();
    expect(r.status).toBe('completed');
    // 2 folds × 2 epochs, fold f's member is f − 1
    expect(members).toEqual([0, 0, 1, 1]);
    expect(store.listEpochs(r.runId)).toHaveLength(4);
    const report = store.getRun(r.runId)!.report as RunReport;
    expect(report.version).toBe(3);
    const cv = report.crossValidation!;
    expect(cv.folds).toBe(2);
    expect(cv.savedFold).toBe(2);
    expect(cv.perFold.map((f) => f.fold)).toEqual([1, 2]);
    const snap = store.getRun(r.runId)!.dataSnapshot as { folds: { testWindowIds: number[]; trainWindowIds: number[]; valWindowIds: number[] }[] };
    for (const [i, f] of snap.folds.entries()) {
      // no test window trains or validates in its fold; the fold's figures are on exactly its test windows
      expect(f.testWindowIds.some((id) => f.trainWindowIds.includes(id) || f.valWindowIds.includes(id))).toBe(false);
      expect(cv.perFold[i].testWindows).toBe(f.testWindowIds.length);
      expect(cv.perFold[i].trainWindows).toBe(f.trainWindowIds.length);
    }
    // the headline is the last fold's test block; the mean is over both folds
    expect(report.headline?.on).toBe('test');
    expect(report.headline?.spanF1).toBe(cv.perFold[1].spanF1);
    // the fold's threshold is chosen on its inner validation (never its test block) and saved with its models
    expect(report.metrics.threshold.chosenOn).toBe('validation');
    expect(cv.perFold[1].threshold).toBe(report.metrics.threshold.span);
    expect(cv.spanF1.mean).toBeCloseTo((cv.perFold[0].spanF1 + cv.perFold[1].spanF1) / 2, 12);
    expect(report.dataset?.notes.join(' ')).toMatch(/walk-forward over 2 folds: test span F1/);
    expect(cv.headlineOn).toBe('last-fold');
    expect(report.dataset?.notes.join(' ')).toContain("no held-out test block (testFraction 0): the headline is fold 2's own test block");
    // the saved models are the last fold's and predict like any run's
    expect(store.loadModels(r.runId)).toHaveLength(1);
  });

  it('keeps excluded windows out, reads the label source in every fold, and scores a held-out test block once with the saved model', async () => {
    const p = makeDemoProject(5);
    store = ProjectStore.open(p.file);
    const windows = store.listWindows({ setId: p.setId });
    const demoLabelled = new Set(store.listLabels({ setId: p.setId }).map((l) => l.windowId));
    // One labelled training window excluded by hand (a split gap): no fold and no test block may use it.
    const excluded = windows.find((w) => w.role === 'train' && demoLabelled.has(w.id) && w.startIndex > 0)!;
    store.setWindowRoles([{ windowId: excluded.id, role: 'excluded' }]);
    // carol labels two windows the demo labelled too (her spans must not reach any target with the demo's
    // source) and two the demo did not (those windows are not the demo's: used nowhere).
    const times = store.readTimes(windows[0].seriesId);
    const carol = (w: (typeof windows)[number]) =>
      store!.addLabel(w.id, { startTime: times[w.startIndex + 5], endTime: times[w.startIndex + 30], type: 'up', confidence: 1, author: 'carol' });
    const shared = windows.filter((w) => demoLabelled.has(w.id) && w.id !== excluded.id).slice(2, 4);
    const carolOnly = windows.filter((w) => !demoLabelled.has(w.id)).slice(0, 2);
    expect(carolOnly).toHaveLength(2);
    [...shared, ...carolOnly].forEach(carol);

    const { windows: _all, ...tiny } = TINY;
    const r = await runTraining(store, {
      setId: p.setId,
      head: 'soft',
      ...tiny,
      evaluation: 'walk-forward',
      folds: 2,
      labelSource: { annotator: 'demo' },
      testFraction: 0.2,
    });
    expect(r.error).toBeNull();
    const run = store.getRun(r.runId)!;
    const snap = run.dataSnapshot as {
      folds: { testWindowIds: number[]; trainWindowIds: number[]; valWindowIds: number[]; purgedWindowIds: number[] }[];
      testWindowIds: number[];
      labels: number;
    };
    const inFolds = snap.folds.flatMap((f) => [...f.trainWindowIds, ...f.valWindowIds, ...f.testWindowIds, ...f.purgedWindowIds]);
    const used = new Set([...inFolds, ...snap.testWindowIds]);
    expect(used.has(excluded.id)).toBe(false);
    for (const w of carolOnly) expect(used.has(w.id)).toBe(false);
    // Every span the run counted is the demo's: carol's spans on shared windows are not in it.
    // (every window of the pool is in the last fold's lists: its past or its test block)
    const demoSpans = store.listLabels({ setId: p.setId }).filter((l) => l.author === 'demo' && used.has(l.windowId));
    expect(snap.labels).toBe(demoSpans.length);
    expect((run.config as { labelSource: unknown }).labelSource).toEqual({ annotator: 'demo' });

    // The held-out block: the chronologically last windows, in no fold, after every fold's windows.
    const at = new Map(windows.map((w) => [w.id, w]));
    expect(snap.testWindowIds.length).toBeGreaterThan(0);
    expect(snap.testWindowIds.some((id) => inFolds.includes(id))).toBe(false);
    const firstHeldOut = Math.min(...snap.testWindowIds.map((id) => at.get(id)!.startIndex));
    for (const id of inFolds) expect(at.get(id)!.startIndex).toBeLessThan(firstHeldOut);
    const report = run.report as RunReport;
    const cv = report.crossValidation!;
    expect(cv).toMatchObject({ headlineOn: 'held-out', heldOutWindows: snap.testWindowIds.length, savedFold: 2 });
    expect(report.headline?.on).toBe('test');
    expect(report.dataset?.notes.join(' ')).toMatch(/the headline is the held-out test block \(\d+ window\(s\), the last 20 % of the timeline/);
    // The saved model predicted the held-out windows (Predict and review read them).
    for (const id of snap.testWindowIds) expect(store.listPredictions(r.runId, id)).toHaveLength(1);
    // The exported report lists the folds and where the headline is.
    const md = renderReportMarkdown(report, { runId: r.runId });
    expect(md).toContain('Walk-forward folds (2)');
    expect(md).toContain(`the held-out test block (${snap.testWindowIds.length} windows), scored once by fold 2's model`);
    expect(md).toContain(`${cv.spanF1.mean.toFixed(3)} ± ${cv.spanF1.sd.toFixed(3)}`);
  });
});
