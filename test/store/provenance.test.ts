/**
 * Issue #12, point 1 in the store: every label carries who/how/when, kept through edit, undo and
 * redo (and a reopen); undo/redo walk one annotator's steps and never replay over another
 * annotator's later change; a v3 project upgrades with its labels marked 'drawn'.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowInfo } from '../../core/domain/types.ts';
import { APPLICATION_ID, MIGRATIONS, ProjectStore, SCHEMA_VERSION, StoreError } from '../../core/store/index.ts';
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

const bars = makeBars(400);
const T = (i: number) => bars.time[i];

function setup(s: ProjectStore = store): WindowInfo[] {
  s.insertSeries('A', 'a.csv', bars);
  const set = s.createWindowSet({ seriesId: 'A', origin: 'cut', length: 100, stride: 100, split: 'chronological', valFraction: 0.25, seed: 1 }, [
    { extId: 'A:0', startIndex: 0, length: 100, role: 'train' },
    { extId: 'A:100', startIndex: 100, length: 100, role: 'train' },
    { extId: 'A:200', startIndex: 200, length: 100, role: 'val' },
  ]);
  return s.listWindows({ setId: set.id });
}

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected a StoreError');
}

describe('label provenance', () => {
  it('records who, how and when, and keeps them through edit, undo, redo and a reopen', () => {
    const [w] = setup();
    store.annotator = 'ann';
    const before = Date.now();
    const drawn = store.addLabel(w.id, { startTime: T(10), endTime: T(20), type: 'up' });
    expect(drawn).toMatchObject({ author: 'ann', origin: 'drawn', originRun: null });
    expect(drawn.createdAt).toBeGreaterThanOrEqual(before);

    const accepted = store.addLabel(w.id, { startTime: T(40), endTime: T(50), type: 'down', author: 'bob', origin: 'accepted', originRun: 3 });
    expect(accepted).toMatchObject({ author: 'bob', origin: 'accepted', originRun: 3 });
    // Bob confirms it: still run 3's span, now vouched for.
    const confirmed = store.updateLabel(accepted.id, { origin: 'confirmed' }, 'bob');
    expect(confirmed).toMatchObject({ origin: 'confirmed', originRun: 3, author: 'bob' });
    // Ann moves its edge: the analyst's judgement is in it now, and Ann is who made it so.
    const edited = store.updateLabel(accepted.id, { endTime: T(52) }, 'ann');
    expect(edited).toMatchObject({ origin: 'accepted-edited', originRun: 3, author: 'ann', endTime: T(52) });
    // A note alone is not a judgement on the span: an 'accepted' span stays 'accepted'.
    const other = store.addLabel(w.id, { startTime: T(70), endTime: T(75), type: 'up', origin: 'accepted', originRun: 3 });
    expect(store.updateLabel(other.id, { note: 'look again' })).toMatchObject({ origin: 'accepted', note: 'look again' });

    // Ann's undo takes back Ann's steps only (the note, the third label, her edge move): Bob's confirmation stays.
    for (let i = 0; i < 3; i++) store.undo('ann');
    expect(store.getLabel(accepted.id)).toMatchObject({ origin: 'confirmed', author: 'bob', endTime: T(50) });
    expect(store.getLabel(other.id)).toBeNull();
    for (let i = 0; i < 3; i++) store.redo('ann');
    expect(store.getLabel(other.id)).toMatchObject({ origin: 'accepted', originRun: 3, note: 'look again' });
    expect(store.getLabel(accepted.id)).toMatchObject({ origin: 'accepted-edited', author: 'ann', endTime: T(52) });

    store.close();
    store = ProjectStore.open(file);
    expect(store.getLabel(drawn.id)).toMatchObject({ author: 'ann', origin: 'drawn', originRun: null, createdAt: drawn.createdAt });
    expect(store.getLabel(accepted.id)).toMatchObject({ origin: 'accepted-edited', originRun: 3, author: 'ann' });
    expect(checkProject(file).filter((p) => !p.includes('linear'))).toEqual([]);
  });

  it('refuses an unknown origin or a bad run id', () => {
    const [w] = setup();
    expect(storeError(() => store.addLabel(w.id, { startTime: T(1), endTime: T(2), type: 'up', origin: 'guessed' as never })).message).toMatch(
      /origin must be one of drawn, imported/,
    );
    expect(storeError(() => store.addLabel(w.id, { startTime: T(1), endTime: T(2), type: 'up', origin: 'accepted', originRun: 0 })).message).toMatch(
      /originRun/,
    );
    // The CHECK constraint backs the store's own check.
    expect(() => store.db.prepare("UPDATE labels SET origin = 'guessed'").run()).not.toThrow(); // no labels yet: nothing to violate
    store.addLabel(w.id, { startTime: T(1), endTime: T(2), type: 'up' });
    expect(() => store.db.prepare("UPDATE labels SET origin = 'guessed'").run()).toThrow(/CHECK/);
  });
});

describe('undo and redo per annotator', () => {
  it("one annotator's undo never removes another's label, and each redo stack is its own", () => {
    const [w1, w2] = setup();
    const a = store.addLabel(w1.id, { startTime: T(10), endTime: T(20), type: 'up', author: 'ann' });
    const b = store.addLabel(w2.id, { startTime: T(110), endTime: T(120), type: 'down', author: 'bob' });
    expect(store.historyState('ann')).toMatchObject({ canUndo: true, undoDescription: 'Add label' });

    // Bob's undo removes Bob's label (the newest step of all, but the point is it is his); then Bob has nothing left.
    expect(store.undo('bob')).toEqual({ description: 'Add label', windowIds: [w2.id] });
    expect(store.listLabels().map((l) => l.id)).toEqual([a.id]);
    expect(store.undo('bob')).toBeNull();
    expect(store.historyState('bob')).toMatchObject({ canUndo: false, canRedo: true });

    // Ann edits meanwhile: that clears Ann's redo stack only; Bob can still redo.
    store.addLabel(w1.id, { startTime: T(30), endTime: T(35), type: 'up', author: 'ann' });
    expect(store.redo('bob')).toEqual({ description: 'Add label', windowIds: [w2.id] });
    expect(store.getLabel(b.id)).toMatchObject({ author: 'bob', origin: 'drawn' });
    expect(store.listLabels()).toHaveLength(3);

    // Ann undoes twice: her two labels go, Bob's stays.
    store.undo('ann');
    store.undo('ann');
    expect(store.listLabels().map((l) => l.id)).toEqual([b.id]);
  });

  it("refuses to replay a step over another annotator's later change, and changes nothing", () => {
    const [w] = setup();
    const a = store.addLabel(w.id, { startTime: T(10), endTime: T(20), type: 'up', author: 'ann' });
    store.updateLabel(a.id, { type: 'down' }, 'bob');
    const before = store.listLabels();
    const err = storeError(() => store.undo('ann'));
    expect(err.code).toBe('history-conflict');
    expect(err.message).toMatch(/Cannot undo "Add label": label \d+ was changed since by bob/);
    expect(store.listLabels()).toEqual(before);
    // Bob's own undo works; then Ann's is possible again.
    store.undo('bob');
    expect(store.undo('ann')).toEqual({ description: 'Add label', windowIds: [w.id] });
    expect(store.listLabels()).toEqual([]);
  });

  it('without an annotator, undo walks the whole project history as before', () => {
    const [w] = setup();
    store.addLabel(w.id, { startTime: T(10), endTime: T(20), type: 'up', author: 'ann' });
    store.addLabel(w.id, { startTime: T(30), endTime: T(40), type: 'up', author: 'bob' });
    store.undo();
    store.undo();
    expect(store.listLabels()).toEqual([]);
  });
});

it('upgrades a v3 project: its labels become drawn, its history stays undoable', () => {
  store.close();
  const v3 = path.join(dir, 'v3.candlemark');
  const db = new Database(v3);
  for (const m of MIGRATIONS.filter((x) => x.version <= 3)) db.exec(m.sql);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 3');
  db.close();
  // Windows and one label with its history entry, written the v3 way (no origin in the JSON).
  const s3 = new Database(v3);
  const now = Date.now();
  const timesBlob = Buffer.from(new Float64Array(bars.time).buffer);
  s3.prepare(
    'INSERT INTO series (sid, id, source, bar_count, first_time, last_time, has_volume, created_at, updated_at, times) VALUES (1, ?, NULL, ?, ?, ?, 0, ?, ?, ?)',
  ).run('A', bars.time.length, T(0), T(bars.time.length - 1), now, now, timesBlob);
  const insBar = s3.prepare('INSERT INTO bars (sid, idx, time, open, high, low, close) VALUES (1, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < bars.time.length; i++) insBar.run(i, T(i), bars.open[i], bars.high[i], bars.low[i], bars.close[i]);
  s3.prepare(
    "INSERT INTO window_sets (id, series_id, origin, length, stride, split, val_fraction, seed, created_at) VALUES (1, 'A', 'cut', 100, 100, 'chronological', 0, 1, ?)",
  ).run(now);
  s3.prepare("INSERT INTO windows (id, set_id, ext_id, start_index, length, start_time, end_time, role) VALUES (1, 1, 'A:0', 0, 100, ?, ?, 'train')").run(
    T(0),
    T(99),
  );
  s3.prepare(
    "INSERT INTO labels (id, window_id, start_time, end_time, type, confidence, note, author, created_at, updated_at) VALUES (1, 1, ?, ?, 'up', 1, '', 'old', ?, ?)",
  ).run(T(5), T(9), now, now);
  s3.prepare("INSERT INTO history_groups (id, description, created_at) VALUES (1, 'Add label', ?)").run(now);
  const v3Label = { id: 1, windowId: 1, startTime: T(5), endTime: T(9), type: 'up', confidence: 1, note: '', author: 'old', createdAt: now, updatedAt: now };
  s3.prepare("INSERT INTO label_history (group_id, entry_kind, label_id, window_id, before_json, after_json, at) VALUES (1, 'label', 1, 1, NULL, ?, ?)").run(
    JSON.stringify(v3Label),
    now,
  );
  s3.close();

  store = ProjectStore.open(v3);
  expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(store.getLabel(1)).toMatchObject({ author: 'old', origin: 'drawn', originRun: null });
  // Pre-v4 history belongs to no annotator (''): the project-wide undo still takes it back.
  expect(store.undo('someone')).toBeNull();
  expect(store.undo()).toEqual({ description: 'Add label', windowIds: [1] });
  expect(store.listLabels()).toEqual([]);
  expect(store.redo()).toEqual({ description: 'Add label', windowIds: [1] });
  expect(store.getLabel(1)).toMatchObject({ origin: 'drawn', author: 'old' });
});

it('a group that edits one label several times undoes and redoes as one step', () => {
  const [w] = setup();
  const l = store.editGroup(
    'Burst',
    () => {
      const a = store.addLabel(w.id, { startTime: T(10), endTime: T(20), type: 'up', author: 'ann' });
      store.updateLabel(a.id, { type: 'down' }, 'ann');
      store.updateLabel(a.id, { endTime: T(25) }, 'ann');
      return a;
    },
    'ann',
  );
  expect(store.undo('ann')).toEqual({ description: 'Burst', windowIds: [w.id] });
  expect(store.getLabel(l.id)).toBeNull();
  expect(store.redo('ann')).toEqual({ description: 'Burst', windowIds: [w.id] });
  expect(store.getLabel(l.id)).toMatchObject({ type: 'down', endTime: T(25) });
});
