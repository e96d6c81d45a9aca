/** Shared helpers for the store tests (and the crash child): temp projects, synthetic bars, consistency checks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BarColumns, Label } from '../../core/domain/types.ts';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-store-'));
}

/** n one-minute bars starting at t0, deterministic; with or without volume. */
export function makeBars(n: number, opts: { t0?: number; step?: number; volume?: boolean; seed?: number } = {}): BarColumns {
  const t0 = opts.t0 ?? Date.UTC(2024, 0, 1);
  const step = opts.step ?? 60_000;
  let seed = opts.seed ?? 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = opts.volume === false ? null : new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    time[i] = t0 + i * step;
    open[i] = p;
    p += rnd() - 0.5;
    close[i] = p;
    high[i] = Math.max(open[i], close[i]) + rnd() * 0.1;
    low[i] = Math.min(open[i], close[i]) - rnd() * 0.1;
    if (volume) volume[i] = Math.floor(rnd() * 1000);
  }
  return { time, open, high, low, close, volume };
}

interface LabelRow {
  id: number;
  window_id: number;
  start_time: number;
  end_time: number;
  type: string;
  confidence: number;
  note: string;
  author: string;
  origin: Label['origin'];
  origin_run: number | null;
  created_at: number;
  updated_at: number;
}

const rowToLabel = (r: LabelRow): Label => ({
  id: r.id,
  windowId: r.window_id,
  startTime: r.start_time,
  endTime: r.end_time,
  type: r.type,
  confidence: r.confidence,
  note: r.note,
  author: r.author,
  origin: r.origin,
  originRun: r.origin_run,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Label as JSON with a fixed key order, for comparisons. */
const canon = (l: Label | null): string =>
  l === null ? 'null' : JSON.stringify([l.id, l.windowId, l.startTime, l.endTime, l.type, l.confidence, l.note, l.author, l.createdAt, l.updatedAt]);

/**
 * Check a project file from the outside (plain better-sqlite3): integrity, foreign keys, every series
 * complete, and the labels table equal to what replaying the (not undone) history says.
 * Returns a list of problems (empty = consistent).
 */
export function checkProject(file: string): string[] {
  const problems: string[] = [];
  const db = new Database(file, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);

    const series = db.prepare('SELECT sid, id, bar_count, first_time, last_time, times FROM series').all() as Array<{
      sid: number;
      id: string;
      bar_count: number;
      first_time: number | null;
      last_time: number | null;
      times: Buffer | null;
    }>;
    for (const s of series) {
      const r = db.prepare('SELECT count(*) AS n, min(idx) AS lo, max(idx) AS hi, min(time) AS t0, max(time) AS t1 FROM bars WHERE sid = ?').get(s.sid) as {
        n: number;
        lo: number | null;
        hi: number | null;
        t0: number | null;
        t1: number | null;
      };
      if (r.n !== s.bar_count) problems.push(`series ${s.id}: bar_count ${s.bar_count} but ${r.n} bar rows`);
      if (r.n > 0 && (r.lo !== 0 || r.hi !== r.n - 1)) problems.push(`series ${s.id}: bar indices not 0..n-1`);
      if (r.t0 !== s.first_time || r.t1 !== s.last_time) problems.push(`series ${s.id}: first/last time mismatch`);
      if (!s.times || s.times.byteLength !== s.bar_count * 8) problems.push(`series ${s.id}: times blob has the wrong length`);
      else if (s.bar_count > 0) {
        // The times blob agrees with the bars at ~1000 sampled indices.
        const times = new Float64Array(s.times.buffer.slice(s.times.byteOffset, s.times.byteOffset + s.times.byteLength));
        const at = db.prepare('SELECT time FROM bars WHERE sid = ? AND idx = ?').pluck();
        const step = Math.max(1, Math.floor(s.bar_count / 1000));
        for (let i = 0; i < s.bar_count; i += step) {
          if (at.get(s.sid, i) !== times[i]) {
            problems.push(`series ${s.id}: times blob disagrees with bar ${i}`);
            break;
          }
        }
      }
    }
    const orphans = db.prepare('SELECT count(*) FROM bars WHERE sid NOT IN (SELECT sid FROM series)').pluck().get() as number;
    if (orphans) problems.push(`${orphans} bars without a series`);

    // Linear history: all undone groups come after all done groups.
    const maxDone = db.prepare('SELECT max(id) FROM history_groups WHERE undone = 0').pluck().get() as number | null;
    const minUndone = db.prepare('SELECT min(id) FROM history_groups WHERE undone = 1').pluck().get() as number | null;
    if (maxDone !== null && minUndone !== null && minUndone < maxDone) problems.push('history is not linear (an undone group precedes a done one)');

    const replayed = new Map<number, Label | null>();
    const entries = db
      .prepare(
        "SELECT h.label_id, h.before_json, h.after_json FROM label_history h JOIN history_groups g ON g.id = h.group_id WHERE g.undone = 0 AND h.entry_kind = 'label' ORDER BY h.seq",
      )
      .all() as Array<{ label_id: number; before_json: string | null; after_json: string | null }>;
    for (const e of entries) {
      const prev = replayed.get(e.label_id) ?? null;
      const before = e.before_json ? (JSON.parse(e.before_json) as Label) : null;
      if (canon(prev) !== canon(before)) problems.push(`label ${e.label_id}: history entry's before does not follow the previous after`);
      replayed.set(e.label_id, e.after_json ? (JSON.parse(e.after_json) as Label) : null);
    }
    const actual = new Map((db.prepare('SELECT * FROM labels').all() as LabelRow[]).map((r) => [r.id, rowToLabel(r)]));
    for (const [id, l] of actual) {
      const h = replayed.get(id);
      if (!h) problems.push(`label ${id} exists but the history says it does not`);
      else if (canon(h) !== canon(l)) problems.push(`label ${id} differs from its history: ${JSON.stringify(l)} vs ${JSON.stringify(h)}`);
    }
    for (const [id, l] of replayed) if (l && !actual.has(id)) problems.push(`label ${id} is missing but the history says it exists`);
  } finally {
    db.close();
  }
  return problems;
}
