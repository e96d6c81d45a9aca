import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LABEL_TYPES } from '../../core/domain/types.ts';
import { APPLICATION_ID, MIGRATIONS, ProjectFormatError, ProjectNotFoundError, ProjectStore, SCHEMA_VERSION } from '../../core/store/index.ts';
import { makeBars, tempDir } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectFormatError(fn: () => unknown, code: string, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ProjectFormatError);
  expect((err as ProjectFormatError).code).toBe(code);
  expect((err as Error).message).toMatch(re);
}

describe('opening and creating projects', () => {
  it('creates a missing file with create, refuses it without', () => {
    const file = path.join(dir, 'a.candlemark');
    expect(() => ProjectStore.open(file)).toThrow(ProjectNotFoundError);
    expect(fs.existsSync(file)).toBe(false);
    const s = ProjectStore.open(file, { create: true });
    expect(s.path).toBe(file);
    s.close();
    expect(fs.existsSync(file)).toBe(true);
    // and open again without create
    ProjectStore.open(file).close();
  });

  it('sets application_id, user_version, WAL, foreign keys and synchronous=FULL', () => {
    const file = path.join(dir, 'a.candlemark');
    const s = ProjectStore.open(file, { create: true });
    expect(s.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2);
    const tables = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'series',
        'bars',
        'window_sets',
        'windows',
        'label_types',
        'labels',
        'label_history',
        'findings',
        'runs',
        'epochs',
        'models',
        'predictions',
      ]),
    );
    expect(s.listLabelTypes()).toEqual(DEFAULT_LABEL_TYPES);
    s.close();
  });

  it('reopening does not re-run migrations or duplicate default label types', () => {
    const file = path.join(dir, 'a.candlemark');
    const s = ProjectStore.open(file, { create: true });
    s.setLabelTypes([{ name: 'up', color: '#000', sortOrder: 0 }]);
    s.close();
    const t = ProjectStore.open(file);
    expect(t.listLabelTypes()).toEqual([{ name: 'up', color: '#000', sortOrder: 0 }]);
    t.close();
  });

  it('rejects a text file', () => {
    const file = path.join(dir, 'notes.candlemark');
    fs.writeFileSync(file, 'time,open,high,low,close\n1,2,3,4,5\n'.repeat(20));
    expectFormatError(() => ProjectStore.open(file), 'not-a-project', /notes\.candlemark is not a Candlemark project \(not an SQLite database\)/);
    expectFormatError(() => ProjectStore.open(file, { create: true }), 'not-a-project', /not an SQLite database/);
    // untouched
    expect(fs.readFileSync(file, 'utf8').startsWith('time,open')).toBe(true);
  });

  it('rejects an empty or tiny file', () => {
    const empty = path.join(dir, 'empty.candlemark');
    fs.writeFileSync(empty, '');
    expectFormatError(
      () => ProjectStore.open(empty),
      'not-a-project',
      /is not a Candlemark project \(the file is empty; open it with create to make it a new project\)/,
    );
    const tiny = path.join(dir, 'tiny.candlemark');
    fs.writeFileSync(tiny, 'SQLite');
    expectFormatError(() => ProjectStore.open(tiny), 'not-a-project', /not an SQLite database/);
    // A zero-length file (e.g. left by a crash during creation) is initialised when asked to create.
    ProjectStore.open(empty, { create: true }).close();
    ProjectStore.open(empty).close();
  });

  it('rejects a corrupt file that starts like SQLite', () => {
    const file = path.join(dir, 'corrupt.candlemark');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0xab)]));
    expectFormatError(() => ProjectStore.open(file), 'not-a-project', /corrupt\.candlemark is not a Candlemark project/);
  });

  it("rejects another app's SQLite database without modifying it", () => {
    const file = path.join(dir, 'other.sqlite');
    const other = new Database(file);
    other.exec("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO things (name) VALUES ('x')");
    other.close();
    const before = fs.readFileSync(file);
    expectFormatError(
      () => ProjectStore.open(file),
      'not-a-project',
      /other\.sqlite is not a Candlemark project \(an SQLite database of another application \(1 tables\)\)/,
    );
    expectFormatError(() => ProjectStore.open(file, { create: true }), 'not-a-project', /another application/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);

    const withId = path.join(dir, 'other2.sqlite');
    const o2 = new Database(withId);
    o2.pragma('application_id = 1234');
    o2.exec('CREATE TABLE t (x)');
    o2.close();
    expectFormatError(() => ProjectStore.open(withId), 'not-a-project', /application_id 0x4d2/);

    const blank = path.join(dir, 'blank.sqlite');
    const b = new Database(blank);
    b.pragma('user_version = 0');
    b.exec('CREATE TABLE t (x); DROP TABLE t;');
    b.close();
    expectFormatError(() => ProjectStore.open(blank), 'not-a-project', /an empty SQLite database/);
  });

  it('rejects a project written by a newer Candlemark', () => {
    const file = path.join(dir, 'new.candlemark');
    ProjectStore.open(file, { create: true }).close();
    const db = new Database(file);
    const newer = SCHEMA_VERSION + 1;
    db.pragma(`user_version = ${newer}`);
    db.close();
    expectFormatError(
      () => ProjectStore.open(file),
      'newer-than-app',
      new RegExp(`new\\.candlemark was written by a newer Candlemark \\(schema v${newer}; this app reads up to v${SCHEMA_VERSION}\\)`),
    );
    expectFormatError(() => ProjectStore.open(file, { readonly: true }), 'newer-than-app', new RegExp(`schema v${newer}`));
  });

  it('opens read-only: reads work, writes fail', () => {
    const file = path.join(dir, 'ro.candlemark');
    const s = ProjectStore.open(file, { create: true });
    s.insertSeries('A', null, makeBars(10));
    s.close();
    expect(() => ProjectStore.open(path.join(dir, 'missing.candlemark'), { readonly: true, create: true })).toThrow(ProjectNotFoundError);
    const r = ProjectStore.open(file, { readonly: true });
    expect(r.listSeries().map((x) => x.id)).toEqual(['A']);
    expect(() => r.insertSeries('B', null, makeBars(3))).toThrow(/readonly/i);
    r.close();
  });

  // How fast this is (1,000,000 bars) is measured in bench/open-project.ts, not asserted here.
  it('reopens and reads one window of a long series, bar for bar', () => {
    const file = path.join(dir, 'f.candlemark');
    const bars = makeBars(50_000);
    const s = ProjectStore.open(file, { create: true });
    s.insertSeries('A', null, bars);
    s.close();
    const t = ProjectStore.open(file);
    expect(t.listSeries().map((x) => [x.id, x.barCount])).toEqual([['A', 50_000]]);
    const w = t.readBars('A', 40_000, 128);
    t.close();
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(w[k]!)).toEqual(Array.from(bars[k]!.subarray(40_000, 40_128)));
    }
  });
});
