/**
 * Migration 002 (review): a project written by schema v1, with a run and its predictions, opens in
 * this version with its predictions intact (no Viterbi path or type probabilities: null) and
 * takes review decisions.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { APPLICATION_ID, MIGRATIONS, ProjectStore, SCHEMA_VERSION } from '../../core/store/index.ts';
import { makeBars, tempDir } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('upgrades a v1 project with predictions to v2 without losing them', () => {
  const file = path.join(dir, 'v1.candlemark');
  // Build the v1 file the way v1 did: migration 1 only.
  const db = new Database(file);
  db.exec(MIGRATIONS[0].sql);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.close();

  // Fill it with v1 data through raw SQL, as the v1 app would have.
  const raw = new Database(file);
  const bars = makeBars(8);
  raw
    .prepare(
      "INSERT INTO runs (model, config_json, status, backend, device, data_snapshot_json, started_at, owner_pid) VALUES ('soft', '{}', 'completed', 'wasm', 'cpu', '{}', 1, 1)",
    )
    .run();
  raw.close();
  let s = ProjectStore.open(file);
  expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  s.insertSeries('s', 'test', bars);
  const set = s.createWindowSet({ seriesId: 's', origin: 'cut', length: 8, stride: 8, split: 'chronological', valFraction: 0, seed: 1 }, [
    { extId: 's:0', startIndex: 0, length: 8, role: 'train' },
  ]);
  const [w] = s.listWindows({ setId: set.id });
  s.close();

  // A v1-shaped prediction row (no viterbi / type_probs columns written).
  const raw2 = new Database(file);
  raw2
    .prepare('INSERT INTO predictions (run_id, window_id, probs, spans_json) VALUES (1, ?, ?, ?)')
    .run(w.id, Buffer.from(new Float32Array(8).fill(0.25).buffer), '[]');
  raw2.close();

  s = ProjectStore.open(file);
  const [p] = s.listPredictions(1);
  expect(Array.from(p.probs)).toEqual(new Array(8).fill(0.25));
  expect(p.viterbi).toBeNull();
  expect(p.typeProbs).toBeNull();
  s.setReviewDecision(1, w.id, 'rejected', 'me');
  expect(s.listReviewDecisions(1)).toEqual([{ windowId: w.id, decision: 'rejected', author: 'me', decidedAt: expect.any(Number) }]);
  // Decisions go with their run.
  s.deleteRun(1);
  expect(s.listReviewDecisions(1)).toEqual([]);
  s.close();
});
