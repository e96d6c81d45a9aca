/**
 * Schema v7 (issue #12, point 4) on a real file written at v6: the findings table is rebuilt to admit
 * the kind 'annotators' and keeps every row (with its status) and its indexes; the seniority table
 * starts empty and keeps its order; a name twice is refused.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { APPLICATION_ID, MIGRATIONS, ProjectStore, SCHEMA_VERSION } from '../../core/store/index.ts';
import { getSeniority, setSeniority } from '../../core/store/annotators.ts';
import { tempDir } from '../helpers/paths.ts';

let store: ProjectStore | null = null;
afterEach(() => store?.close());

it('upgrades a v6 project: findings kept with their status, the new kind admitted, seniority stored', () => {
  const file = path.join(tempDir(), 'v6.candlemark');
  const db = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 6)) db.exec(m.sql);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 6');
  const now = Date.now();
  db.prepare(
    "INSERT INTO series (sid, id, source, bar_count, first_time, last_time, has_volume, created_at, updated_at, times) VALUES (1, 'A', NULL, 0, NULL, NULL, 0, ?, ?, ?)",
  ).run(now, now, Buffer.alloc(0));
  db.prepare(
    "INSERT INTO window_sets (id, series_id, origin, length, stride, split, val_fraction, seed, created_at) VALUES (1, 'A', 'cut', 10, 10, 'chronological', 0, 1, ?)",
  ).run(now);
  db.prepare(
    "INSERT INTO windows (id, set_id, ext_id, start_index, length, start_time, end_time, role) VALUES (1, 1, 'A:0', 0, 10, 0, 9, 'train'), (2, 1, 'A:5', 5, 10, 5, 14, 'train')",
  ).run();
  db.prepare(
    "INSERT INTO findings (id, key, kind, window_a, window_b, series_id, start_index, end_index, severity, message, status, created_at, updated_at) VALUES (7, 'type|1|2|5|9', 'type', 1, 2, 'A', 5, 9, 0.5, 'old one', 'ignored', ?, ?)",
  ).run(now, now);
  expect(() =>
    db
      .prepare(
        "INSERT INTO findings (key, kind, window_a, window_b, series_id, start_index, end_index, severity, message, created_at, updated_at) VALUES ('x', 'annotators', 1, 1, 'A', 0, 1, 0.1, 'm', 0, 0)",
      )
      .run(),
  ).toThrow(/CHECK constraint/);
  db.close();

  store = ProjectStore.open(file);
  expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(store.getFinding(7)).toMatchObject({ kind: 'type', windowA: 1, windowB: 2, status: 'ignored', message: 'old one', key: 'type|1|2|5|9' });
  const indexes = (
    store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string }>
  ).map((r) => r.name);
  expect(indexes).toEqual(['findings_status', 'findings_window_a', 'findings_window_b']);
  store.replaceFindings({ windowIds: [1] }, [
    { kind: 'type', windowA: 1, windowB: 2, seriesId: 'A', startIndex: 5, endIndex: 9, severity: 0.5, message: 'old one' },
    {
      kind: 'annotators',
      windowA: 1,
      windowB: 1,
      seriesId: 'A',
      startIndex: 0,
      endIndex: 3,
      severity: 0.2,
      message: 'ann and bob disagree',
      key: 'annotators|[1,"ann","bob",0,3]',
    },
  ]);
  expect(
    store
      .listFindings()
      .map((f) => [f.kind, f.status])
      .sort(),
  ).toEqual([
    ['annotators', 'open'],
    ['type', 'ignored'],
  ]);
  // A deleted window takes its findings with it (ON DELETE CASCADE survived the rebuild).
  expect(store.db.pragma('foreign_key_check')).toEqual([]);
  store.db.prepare('DELETE FROM windows WHERE id = 1').run();
  expect(store.listFindings()).toEqual([]);

  expect(getSeniority(store)).toEqual([]);
  expect(setSeniority(store, ['bob', 'ann'])).toEqual(['bob', 'ann']);
  expect(() => setSeniority(store!, ['ann', 'ann'])).toThrow(/"ann" is listed twice/);
  expect(getSeniority(store)).toEqual(['bob', 'ann']);
  store.close();
  store = ProjectStore.open(file);
  expect(getSeniority(store)).toEqual(['bob', 'ann']);
});
