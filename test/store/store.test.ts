import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding, WindowInfo } from '../../core/domain/types.ts';
import { ProjectStore, StoreError, findingKey } from '../../core/store/index.ts';
import { checkProject, makeBars, tempDir } from './helpers.ts';

let dir: string;
let file: string;
let store: ProjectStore;
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'p.candlemark');
  store = ProjectStore.open(file, { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function reopen(): ProjectStore {
  store.close();
  store = ProjectStore.open(file);
  return store;
}

function expectStoreError(fn: () => unknown, code: string, re?: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  if (re) expect((err as Error).message).toMatch(re);
}

const bars = makeBars(1000);
const T = (i: number) => bars.time[i];

/** Series A (1000 bars) cut into windows of 100 with stride 50. */
function setup(): WindowInfo[] {
  store.insertSeries('A', 'a.csv', bars);
  const windows = [];
  for (let s = 0; s + 100 <= 1000; s += 50) windows.push({ extId: `A:${s}`, startIndex: s, length: 100, role: (s < 800 ? 'train' : 'val') as 'train' | 'val' });
  const set = store.createWindowSet({ seriesId: 'A', origin: 'cut', length: 100, stride: 50, split: 'chronological', valFraction: 0.2, seed: 7 }, windows);
  return store.listWindows({ setId: set.id });
}

describe('series and bars', () => {
  it('inserts, lists and reads bars by index', () => {
    const progress: number[] = [];
    const big = makeBars(200_000, { volume: false });
    const info = store.insertSeries('B', null, big, { onProgress: (f) => progress.push(f) });
    expect(info).toMatchObject({ id: 'B', source: null, barCount: 200_000, firstTime: big.time[0], lastTime: big.time[199_999], hasVolume: false });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(1);
    const r = store.readBars('B', 150_000, 128);
    expect(Array.from(r.time)).toEqual(Array.from(big.time.subarray(150_000, 150_128)));
    expect(Array.from(r.close)).toEqual(Array.from(big.close.subarray(150_000, 150_128)));
    expect(r.volume).toBeNull();
    expect(store.readBars('B', 199_990, 100).time.length).toBe(10);
    expect(store.readBars('B', 300_000, 10).time.length).toBe(0);
    const times = store.readTimes('B');
    expect(times.length).toBe(big.time.length);
    expect(times.every((t, i) => t === big.time[i])).toBe(true);
    store.insertSeries('A', 'a.csv', bars);
    const v = store.readBars('A', 0, 5);
    expect(Array.from(v.volume!)).toEqual(Array.from(bars.volume!.subarray(0, 5)));
    expect(Array.from(v.open)).toEqual(Array.from(bars.open.subarray(0, 5)));
    expect(Array.from(v.high)).toEqual(Array.from(bars.high.subarray(0, 5)));
    expect(Array.from(v.low)).toEqual(Array.from(bars.low.subarray(0, 5)));
    expect(store.listSeries().map((s) => s.id)).toEqual(['A', 'B']);
    expect(store.getSeries('nope')).toBeNull();
    expectStoreError(() => store.readBars('nope', 0, 1), 'not-found');
    expect(store.stats()).toMatchObject({ series: 2, bars: 201_000 });
  });

  it('validates bars and refuses a duplicate id atomically', () => {
    store.insertSeries('A', null, bars);
    expectStoreError(() => store.insertSeries('A', null, bars), 'exists', /already exists/);
    const bad = makeBars(10);
    bad.time[5] = bad.time[4];
    expectStoreError(() => store.insertSeries('C', null, bad), 'invalid', /strictly increasing/);
    const nan = makeBars(10);
    nan.close[3] = NaN;
    expectStoreError(() => store.insertSeries('C', null, nan), 'invalid', /bar 3/);
    const short = makeBars(10);
    short.low = short.low.subarray(0, 9);
    expectStoreError(() => store.insertSeries('C', null, short), 'invalid', /low has 9 rows/);
    expect(store.getSeries('C')).toBeNull();
  });

  it('re-import with replace keeps windows and labels (stored by time)', () => {
    const ws = setup();
    const l = store.addLabel(ws[3].id, { startTime: T(160), endTime: T(170), type: 'up' });
    // New import: 200 earlier bars prepended and 100 appended, same times for the old bars.
    const t0 = bars.time[0] - 200 * 60_000;
    const bigger = makeBars(1300, { t0, seed: 9 });
    const info = store.insertSeries('A', 'a2.csv', bigger, { replace: true });
    expect(info.barCount).toBe(1300);
    expect(info.source).toBe('a2.csv');
    const w3 = store.getWindow(ws[3].id)!;
    expect(w3.startIndex).toBe(ws[3].startIndex + 200);
    expect(w3.startTime).toBe(ws[3].startTime);
    expect(w3.endTime).toBe(ws[3].endTime);
    expect(store.getLabel(l.id)).toEqual(l);
    expect(store.readBars('A', w3.startIndex, 1).time[0]).toBe(w3.startTime);
    // A replacement that drops bars a window uses is refused, and nothing changes.
    expectStoreError(() => store.insertSeries('A', null, makeBars(500), { replace: true }), 'replace-conflict', /windows?/);
    expect(store.getSeries('A')!.barCount).toBe(1300);
    expect(checkProject(file)).toEqual([]);
  });

  it('deleteSeries removes everything hanging off it', () => {
    const ws = setup();
    store.addLabel(ws[0].id, { startTime: T(10), endTime: T(20), type: 'up' });
    store.deleteSeries('A');
    expect(store.stats()).toEqual({ series: 0, bars: 0, windows: 0, labels: 0, labelledWindows: 0, openFindings: 0 });
    expect(store.historyState().canUndo).toBe(false);
    expect(checkProject(file)).toEqual([]);
  });
});

describe('window sets', () => {
  it('creates, lists, finds and deletes window sets', () => {
    const ws = setup();
    expect(ws).toHaveLength(19);
    expect(ws[2]).toMatchObject({ extId: 'A:100', startIndex: 100, length: 100, startTime: T(100), endTime: T(199), role: 'train', seriesId: 'A' });
    const sets = store.listWindowSets();
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({
      seriesId: 'A',
      origin: 'cut',
      length: 100,
      stride: 50,
      split: 'chronological',
      valFraction: 0.2,
      seed: 7,
      windowCount: 19,
    });
    expect(store.findWindowByExtId('A:100')!.id).toBe(ws[2].id);
    expect(store.findWindowByExtId('A:100', sets[0].id)!.id).toBe(ws[2].id);
    expect(store.findWindowByExtId('A:101')).toBeNull();
    expect(store.listWindows({ seriesId: 'A' })).toHaveLength(19);
    expect(store.listWindows({ seriesId: 'B' })).toHaveLength(0);
    const set2 = store.createWindowSet({ seriesId: 'A', origin: 'imported', length: 10, stride: null, split: 'random', valFraction: 0.5, seed: 1 }, [
      { extId: 'A:100', startIndex: 100, length: 10, role: 'val' },
    ]);
    expect(store.findWindowByExtId('A:100')!.setId).toBe(set2.id);
    store.setWindowRoles([{ windowId: ws[0].id, role: 'excluded' }]);
    expect(store.getWindow(ws[0].id)!.role).toBe('excluded');
    store.deleteWindowSet(set2.id);
    expect(store.listWindowSets()).toHaveLength(1);
    expectStoreError(() => store.deleteWindowSet(999), 'not-found');
  });

  it('rejects windows outside the series or with duplicate ids, atomically', () => {
    store.insertSeries('A', null, bars);
    const p = { seriesId: 'A', origin: 'cut' as const, length: 100, stride: 100, split: 'random' as const, valFraction: 0.2, seed: 1 };
    expectStoreError(() => store.createWindowSet(p, [{ extId: 'x', startIndex: 950, length: 100, role: 'train' }]), 'invalid', /does not fit/);
    expectStoreError(
      () =>
        store.createWindowSet(p, [
          { extId: 'x', startIndex: 0, length: 100, role: 'train' },
          { extId: 'x', startIndex: 100, length: 100, role: 'train' },
        ]),
      'exists',
    );
    expectStoreError(() => store.createWindowSet({ ...p, seriesId: 'Z' }, []), 'not-found');
    expect(store.listWindowSets()).toHaveLength(0);
  });
});

describe('label types', () => {
  it('refuses to remove a type in use', () => {
    const ws = setup();
    store.addLabel(ws[0].id, { startTime: T(10), endTime: T(20), type: 'down' });
    expectStoreError(() => store.setLabelTypes([{ name: 'up', color: '#0f0', sortOrder: 0 }]), 'type-in-use', /"down" is used by 1 label/);
    store.setLabelTypes([
      { name: 'down', color: '#f00', sortOrder: 0 },
      { name: 'flat', color: '#888', sortOrder: 1 },
    ]);
    expect(store.listLabelTypes().map((t) => t.name)).toEqual(['down', 'flat']);
    expectStoreError(
      () =>
        store.setLabelTypes([
          { name: 'a', color: '#f00', sortOrder: 0 },
          { name: 'a', color: '#f00', sortOrder: 1 },
        ]),
      'invalid',
    );
  });
});

describe('labels', () => {
  it('adds, updates, deletes, lists with validation', () => {
    const ws = setup();
    const w = ws[1]; // bars 50..149
    const l = store.addLabel(w.id, { startTime: T(60), endTime: T(70), type: 'up', note: 'n', author: 'ann' });
    expect(l).toMatchObject({ windowId: w.id, startTime: T(60), endTime: T(70), type: 'up', confidence: 1, note: 'n', author: 'ann' });
    expect(store.getLabel(l.id)).toEqual(l);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(70), endTime: T(60), type: 'up' }), 'invalid', /after its end/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(40), endTime: T(60), type: 'up' }), 'invalid', /not the time of a bar in window A:50/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(60), endTime: T(150), type: 'up' }), 'invalid', /end/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(60) + 1, endTime: T(70), type: 'up' }), 'invalid', /not the time of a bar/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(60), endTime: T(70), type: 'sideways' }), 'invalid', /Unknown label type "sideways"/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(60), endTime: T(70), type: 'up', confidence: 1.5 }), 'invalid', /Confidence/);
    expectStoreError(() => store.addLabel(w.id, { startTime: T(60), endTime: T(70), type: 'up', confidence: NaN }), 'invalid', /Confidence/);
    expectStoreError(() => store.addLabel(9999, { startTime: T(60), endTime: T(70), type: 'up' }), 'not-found');
    const first = store.addLabel(w.id, { startTime: T(50), endTime: T(149), type: 'down', confidence: 0 });
    expect(first.confidence).toBe(0);

    const u = store.updateLabel(l.id, { endTime: T(80), confidence: 0.5 });
    expect(u).toMatchObject({ id: l.id, startTime: T(60), endTime: T(80), confidence: 0.5, note: 'n', createdAt: l.createdAt });
    expect(store.getLabel(l.id)).toEqual(u);
    expectStoreError(() => store.updateLabel(l.id, { endTime: T(200) }), 'invalid');
    expectStoreError(() => store.updateLabel(12345, { note: 'x' }), 'not-found');

    store.addLabel(ws[2].id, { startTime: T(120), endTime: T(130), type: 'up' });
    expect(store.listLabels({ windowId: w.id }).map((x) => x.startTime)).toEqual([T(50), T(60)]);
    expect(store.listLabels({ seriesId: 'A' })).toHaveLength(3);
    expect(store.listLabels({ setId: w.setId })).toHaveLength(3);
    expect(store.listLabels({ seriesId: 'B' })).toHaveLength(0);
    expect(store.stats()).toMatchObject({ labels: 3, labelledWindows: 2, windows: 19 });

    store.deleteLabel(l.id);
    expect(store.getLabel(l.id)).toBeNull();
    expectStoreError(() => store.deleteLabel(l.id), 'not-found');
    expect(checkProject(file)).toEqual([]);
  });
});

describe('undo/redo history', () => {
  it('undoes and redoes add/update/delete, keeping label ids', () => {
    const ws = setup();
    const w = ws[0];
    const a = store.addLabel(w.id, { startTime: T(10), endTime: T(20), type: 'up' });
    const a2 = store.updateLabel(a.id, { type: 'down' });
    store.deleteLabel(a.id);
    expect(store.historyState()).toEqual({ canUndo: true, canRedo: false, undoDescription: 'Delete label' });

    expect(store.undo()).toEqual({ description: 'Delete label', windowIds: [w.id] });
    expect(store.getLabel(a.id)).toEqual(a2);
    expect(store.undo()!.description).toBe('Edit label');
    expect(store.getLabel(a.id)).toEqual(a);
    expect(store.undo()!.description).toBe('Add label');
    expect(store.getLabel(a.id)).toBeNull();
    expect(store.undo()).toBeNull();
    expect(store.historyState()).toEqual({ canUndo: false, canRedo: true, redoDescription: 'Add label' });

    expect(store.redo()!.description).toBe('Add label');
    expect(store.getLabel(a.id)).toEqual(a);
    expect(store.redo()!.description).toBe('Edit label');
    expect(store.getLabel(a.id)).toEqual(a2);
    expect(checkProject(file)).toEqual([]);

    // A new edit after undo discards the redo tail.
    const b = store.addLabel(w.id, { startTime: T(30), endTime: T(40), type: 'up' });
    expect(b.id).toBeGreaterThan(a.id);
    expect(store.historyState().canRedo).toBe(false);
    expect(store.redo()).toBeNull();
    expect(checkProject(file)).toEqual([]);
  });

  it('survives close and reopen (restart)', () => {
    const ws = setup();
    const a = store.addLabel(ws[0].id, { startTime: T(10), endTime: T(20), type: 'up' });
    store.updateLabel(a.id, { note: 'edited' });
    store.deleteLabel(a.id);
    reopen();
    expect(store.historyState()).toMatchObject({ canUndo: true, undoDescription: 'Delete label' });
    store.undo();
    store.undo();
    reopen();
    expect(store.getLabel(a.id)).toEqual(a);
    expect(store.historyState()).toEqual({ canUndo: true, canRedo: true, undoDescription: 'Add label', redoDescription: 'Edit label' });
    store.redo();
    reopen();
    expect(store.getLabel(a.id)!.note).toBe('edited');
    expect(checkProject(file)).toEqual([]);
  });

  it('groups several edits into one undo step, atomically', () => {
    const ws = setup();
    const a = store.addLabel(ws[0].id, { startTime: T(60), endTime: T(70), type: 'up' });
    const result = store.editGroup('Resolve conflict', () => {
      const copy = store.addLabel(ws[1].id, { startTime: T(60), endTime: T(70), type: 'up' });
      store.updateLabel(a.id, { confidence: 0.8 });
      store.editGroup('inner joins outer', () => store.addLabel(ws[1].id, { startTime: T(100), endTime: T(110), type: 'down' }));
      return copy.id;
    });
    expect(typeof result).toBe('number');
    expect(store.listLabels()).toHaveLength(3);
    expect(store.historyState().undoDescription).toBe('Resolve conflict');
    expect(store.undo()).toEqual({ description: 'Resolve conflict', windowIds: [ws[0].id, ws[1].id].sort((x, y) => x - y) });
    expect(store.listLabels()).toEqual([a]);

    // A failing group leaves neither labels nor history behind.
    expect(() =>
      store.editGroup('broken', () => {
        store.addLabel(ws[1].id, { startTime: T(60), endTime: T(70), type: 'up' });
        store.addLabel(ws[1].id, { startTime: T(60), endTime: T(70), type: 'nope' });
      }),
    ).toThrow(StoreError);
    expect(store.listLabels()).toEqual([a]);
    expect(store.historyState()).toMatchObject({ canUndo: true, undoDescription: 'Add label', canRedo: true, redoDescription: 'Resolve conflict' });
    expect(() => store.editGroup('x', () => store.undo())).toThrow(/inside an edit group/);
    // An empty group records nothing.
    store.editGroup('nothing', () => undefined);
    expect(store.historyState().canRedo).toBe(true);
    expect(checkProject(file)).toEqual([]);
  });

  it('drops history of deleted window sets', () => {
    const ws = setup();
    store.addLabel(ws[0].id, { startTime: T(10), endTime: T(20), type: 'up' });
    store.deleteWindowSet(ws[0].setId);
    expect(store.historyState()).toEqual({ canUndo: false, canRedo: false });
    expect(store.undo()).toBeNull();
    expect(checkProject(file)).toEqual([]);
  });

  it('reports a history conflict instead of corrupting', () => {
    const ws = setup();
    store.setLabelTypes([...store.listLabelTypes(), { name: 'flat', color: '#888', sortOrder: 2 }]);
    const a = store.addLabel(ws[0].id, { startTime: T(10), endTime: T(20), type: 'flat' });
    store.deleteLabel(a.id);
    store.setLabelTypes(store.listLabelTypes().filter((t) => t.name !== 'flat'));
    expectStoreError(() => store.undo(), 'history-conflict');
    expect(store.getLabel(a.id)).toBeNull();
    expect(store.historyState().canUndo).toBe(true);
  });
});

describe('findings', () => {
  it('keeps the status of findings that survive a recompute', () => {
    const ws = setup();
    const f = (a: number, b: number, s: number, e: number, kind: Finding['kind'] = 'type'): Finding => ({
      kind,
      windowA: ws[a].id,
      windowB: ws[b].id,
      seriesId: 'A',
      startIndex: s,
      endIndex: e,
      severity: (e - s) / 100,
      message: `w${a} vs w${b} on ${s}-${e}`,
    });
    store.replaceFindings('all', [f(0, 1, 60, 70), f(1, 2, 110, 120), f(2, 3, 160, 170, 'boundary')]);
    let list = store.listFindings();
    expect(list).toHaveLength(3);
    expect(list[0].key).toBe(findingKey(f(0, 1, 60, 70)));
    expect(store.stats().openFindings).toBe(3);
    const k01 = list.find((x) => x.windowA === ws[0].id)!;
    const k12 = list.find((x) => x.windowA === ws[1].id)!;
    store.setFindingStatus(k01.id, 'resolved');
    store.setFindingStatus(k12.id, 'ignored');
    expect(store.listFindings({ status: 'open' })).toHaveLength(1);
    expect([store.countFindings('open'), store.countFindings('resolved'), store.countFindings('ignored')]).toEqual([1, 1, 1]);
    expect(store.getFinding(k12.id)).toMatchObject({ id: k12.id, key: k12.key, windowB: ws[2].id, status: 'ignored' });
    expect(store.getFinding(99999)).toBeNull();
    expect(store.listFindings({ windowId: ws[1].id })).toHaveLength(2);

    // Recompute around window 1: 0-1 survives (status kept, message updated), 1-2 disappears, 2-3 is out of scope.
    store.replaceFindings({ windowIds: [ws[1].id] }, [{ ...f(0, 1, 60, 70), message: 'new text' }, f(1, 2, 130, 140)]);
    list = store.listFindings();
    expect(list).toHaveLength(3);
    const again = list.find((x) => x.key === k01.key)!;
    expect(again).toMatchObject({ id: k01.id, status: 'resolved', message: 'new text' });
    expect(list.find((x) => x.key === k12.key)).toBeUndefined();
    expect(list.find((x) => x.kind === 'boundary')!.status).toBe('open');
    // A scope given twice, or both sides of one finding, deletes each stale finding once.
    store.replaceFindings({ windowIds: [ws[2].id, ws[3].id, ws[2].id] }, []);
    expect(store.listFindings().map((x) => x.windowA)).toEqual([ws[0].id]);

    // Full recompute drops everything not reported; explicit keys are honoured.
    store.replaceFindings('all', [{ ...f(5, 6, 300, 310), key: 'custom' }]);
    expect(store.listFindings().map((x) => x.key)).toEqual(['custom']);
    expectStoreError(() => store.setFindingStatus(99999, 'open'), 'not-found');
    // Findings go away with their windows.
    store.deleteWindowSet(ws[0].setId);
    expect(store.listFindings()).toEqual([]);
  });
});

describe('training tables', () => {
  it('stores runs, epochs, models and predictions', () => {
    const ws = setup();
    const id = store.createRun({ model: 'soft-span', config: { epochs: 3 }, dataSnapshot: { labels: 5 }, backend: 'cpu', device: 'test' });
    expect(store.getRun(id)).toMatchObject({
      id,
      model: 'soft-span',
      config: { epochs: 3 },
      status: 'running',
      dataSnapshot: { labels: 5 },
      finishedAt: null,
      report: null,
      error: null,
    });
    store.appendEpoch(id, 0, { loss: 1 }, 0.5);
    store.appendEpoch(id, 1, { loss: 0.5 }, 0.4);
    expect(store.listEpochs(id)).toEqual([
      { runId: id, epoch: 0, metrics: { loss: 1 }, seconds: 0.5 },
      { runId: id, epoch: 1, metrics: { loss: 0.5 }, seconds: 0.4 },
    ]);
    const weights = new Uint8Array([1, 2, 3, 255]);
    store.saveModel(id, 0, weights, { features: ['ret'], threshold: 0.5 });
    store.saveModel(id, 1, new Uint8Array(new Float32Array([1.5, -2]).buffer), { threshold: 0.4 });
    const models = store.loadModels(id);
    expect(models.map((m) => m.member)).toEqual([0, 1]);
    expect(Array.from(models[0].weights)).toEqual([1, 2, 3, 255]);
    expect(Array.from(new Float32Array(models[1].weights.buffer))).toEqual([1.5, -2]);
    expect(models[0].spec).toEqual({ features: ['ret'], threshold: 0.5 });
    const probs = new Float32Array([0.1, 0.9, 0.25]);
    store.savePredictions(id, [
      { windowId: ws[0].id, probs, spans: [{ start: 1, end: 1 }] },
      { windowId: ws[1].id, probs: new Float32Array(2), spans: [] },
    ]);
    expect(store.listPredictions(id)).toHaveLength(2);
    const p = store.listPredictions(id, ws[0].id)[0];
    expect(Array.from(p.probs)).toEqual(Array.from(probs));
    expect(p.spans).toEqual([{ start: 1, end: 1 }]);
    store.finishRun(id, 'completed', { f1: 0.7 });
    expect(store.getRun(id)).toMatchObject({ status: 'completed', report: { f1: 0.7 } });
    expect(store.getRun(id)!.finishedAt).not.toBeNull();
    expectStoreError(() => store.appendEpoch(999, 0, {}, 1), 'not-found');
    expectStoreError(() => store.finishRun(999, 'failed'), 'not-found');
    const id2 = store.createRun({ model: 'crf', config: {}, dataSnapshot: {}, backend: 'cpu', device: 'test' });
    expect(store.listRuns().map((r) => r.id)).toEqual([id2, id]);
    store.deleteRun(id);
    expect(store.listEpochs(id)).toEqual([]);
    expect(store.loadModels(id)).toEqual([]);
  });

  it('marks runs of dead processes as interrupted on open, leaves live ones alone', () => {
    const live = store.createRun({ model: 'm', config: {}, dataSnapshot: {}, backend: 'cpu', device: 'x' });
    const dead = store.createRun({ model: 'm', config: {}, dataSnapshot: {}, backend: 'cpu', device: 'x' });
    store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(2 ** 22 + 12345, dead); // above pid_max: never alive
    store.appendEpoch(dead, 0, {}, 2.5);
    store.appendEpoch(dead, 1, {}, 1.25);
    reopen();
    expect(store.getRun(live)!.status).toBe('running');
    expect(store.getRun(dead)!.status).toBe('interrupted');
    // It ended when last heard of (start + its epochs' time), not when the project was reopened.
    expect(store.getRun(dead)!.finishedAt! - store.getRun(dead)!.startedAt).toBe(3750);
    expect(store.getRun(dead)!.error).toMatch(/stopped/);
    expect(store.markInterruptedRuns()).toBe(0);
    expect(store.markInterruptedRuns({ all: true })).toBe(1);
    expect(store.getRun(live)!.status).toBe('interrupted');
  });

  it.runIf(process.platform === 'linux')('treats a killed but unreaped owner (a zombie) as dead', async () => {
    // sh starts a short `sleep` in the background and exec's into `sleep 5`, which never reaps it: once
    // the short sleep ends, its pid answers kill(pid, 0) although the process is gone. The short sleep
    // must outlive sh itself (0.3 s, not 0): a child that ends before the exec can be reaped by sh.
    const child = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number((await new Promise<Buffer>((resolve) => child.stdout!.once('data', resolve))).toString().trim());
      let state = '';
      for (let i = 0; i < 150 && state !== 'Z'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      }
      expect(state).toBe('Z');
      expect(() => process.kill(pid, 0)).not.toThrow();
      const run = store.createRun({ model: 'm', config: {}, dataSnapshot: {}, backend: 'cpu', device: 'x' });
      store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(pid, run);
      expect(store.markInterruptedRuns()).toBe(1);
      expect(store.getRun(run)!.status).toBe('interrupted');
    } finally {
      child.kill();
    }
  });
});
