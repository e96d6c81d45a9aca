/**
 * ProjectStore.listWindowsOverlapping: the windows of a series sharing bars with a range, read
 * through migration 003's indexes. Compared with a brute-force filter of listWindows over random
 * ranges, on sets whose windows differ in length (so the "longest window of the set" bound matters),
 * in two series; and the query plan must seek the index rather than scan the series' windows.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32, randomInt } from '../../core/shared/random.ts';
import { APPLICATION_ID, MIGRATIONS, ProjectStore, SCHEMA_VERSION } from '../../core/store/index.ts';
import type { WindowInfo } from '../../core/domain/types.ts';
import { makeBars, tempDir } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const overlaps = (w: WindowInfo, from: number, to: number) => w.startIndex <= to && w.startIndex + w.length - 1 >= from;

/** Series A (3,000 bars, 3 sets: cut 128/64, random lengths 1..600, one window of all bars) and B (500 bars, cut 20/7). */
function fill(s: ProjectStore, seed: number): void {
  const rand = mulberry32(seed);
  s.insertSeries('A', null, makeBars(3000));
  s.insertSeries('B', null, makeBars(500, { t0: Date.UTC(2020, 0, 1) }));
  const cut = (n: number, len: number, stride: number, prefix: string) => {
    const out = [];
    for (let i = 0; i + len <= n; i += stride) out.push({ extId: `${prefix}${i}`, startIndex: i, length: len, role: 'train' as const });
    return out;
  };
  const base = { origin: 'cut' as const, split: 'chronological' as const, valFraction: 0.2, seed: 1 };
  s.createWindowSet({ ...base, seriesId: 'A', length: 128, stride: 64 }, cut(3000, 128, 64, 'a'));
  const odd = Array.from({ length: 200 }, (_, i) => {
    const length = randomInt(rand, 1, 600);
    return { extId: `o${i}`, startIndex: randomInt(rand, 0, 3000 - length), length, role: 'val' as const };
  });
  s.createWindowSet({ ...base, seriesId: 'A', origin: 'imported', length: 128, stride: null }, odd);
  s.createWindowSet({ ...base, seriesId: 'A', origin: 'imported', length: 3000, stride: null }, [
    { extId: 'whole', startIndex: 0, length: 3000, role: 'train' },
  ]);
  s.createWindowSet({ ...base, seriesId: 'B', length: 20, stride: 7 }, cut(500, 20, 7, 'b'));
}

describe('listWindowsOverlapping', () => {
  it('returns exactly the windows of the series that share a bar with the range, in listWindows order', () => {
    const s = ProjectStore.open(path.join(dir, 'p.candlemark'), { create: true });
    try {
      fill(s, 5);
      const rand = mulberry32(77);
      for (const seriesId of ['A', 'B']) {
        const all = s.listWindows({ seriesId });
        const bars = s.getSeries(seriesId)!.barCount;
        const ranges: Array<[number, number]> = [
          [0, 0],
          [bars - 1, bars - 1],
          [0, bars - 1],
          [-50, -1],
          [bars, bars + 100],
          [-10, 3],
        ];
        for (let i = 0; i < 300; i++) {
          const from = randomInt(rand, -20, bars + 20);
          ranges.push([from, from + randomInt(rand, 0, rand() < 0.8 ? 130 : 1000)]);
        }
        for (const [from, to] of ranges) {
          const expected = all.filter((w) => overlaps(w, from, to));
          expect(s.listWindowsOverlapping(seriesId, from, to), `${seriesId} ${from}..${to}`).toEqual(expected);
        }
      }
      // The whole-series window of A overlaps every bar, however far it starts from the range.
      expect(s.listWindowsOverlapping('A', 2999, 2999).some((w) => w.extId === 'whole')).toBe(true);
      expect(s.listWindowsOverlapping('A', 10, 9)).toEqual([]);
      expect(s.listWindowsOverlapping('nope', 0, 100)).toEqual([]);
      expect(() => s.listWindowsOverlapping('A', 0.5, 3)).toThrow(/integers/);
    } finally {
      s.close();
    }
  });

  it('seeks the (set_id, start_index) index instead of scanning the series', () => {
    const s = ProjectStore.open(path.join(dir, 'p.candlemark'), { create: true });
    try {
      fill(s, 6);
      s.listWindowsOverlapping('A', 900, 1000);
      // The statement the method really ran, from the prepared-statement cache of the store's connection.
      const cache = (s as unknown as { conn: { statements: Map<string, unknown> } }).conn.statements;
      const sql = [...cache.keys()].find((k) => k.includes('max(m.length)'));
      expect(sql).toBeDefined();
      const plan = (s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('A', 1000, 900, 900) as Array<{ detail: string }>).map((r) => r.detail);
      expect(plan.join('\n')).toMatch(/SEARCH w USING INDEX windows_set_start \(set_id=\? AND start_index>\? AND start_index<\?\)/);
      expect(plan.join('\n')).toMatch(/USING COVERING INDEX windows_set_length/);
      expect(plan.join('\n')).not.toMatch(/SCAN w\b/);
    } finally {
      s.close();
    }
  });

  it('migration 003 adds the indexes to a v2 project, whose windows it then finds', () => {
    const file = path.join(dir, 'v2.candlemark');
    const db = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) db.exec(m.sql);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 2');
    db.close();
    const s = ProjectStore.open(file);
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
      expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'windows'").pluck().all();
      expect(indexes).toEqual(expect.arrayContaining(['windows_set_start', 'windows_set_length']));
      fill(s, 7);
      const all = s.listWindows({ seriesId: 'A' });
      expect(s.listWindowsOverlapping('A', 1500, 1510)).toEqual(all.filter((w) => overlaps(w, 1500, 1510)));
    } finally {
      s.close();
    }
  });
});
