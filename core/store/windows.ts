/**
 * Window sets and windows: creating a set (windows checked against the series), listing and
 * finding windows (the overlap query the per-edit conflict check uses), split roles, the
 * "reviewed" mark (recorded in the label history), deleting a set.
 */
import type { Label, SplitRole, WindowInfo, WindowSetInfo } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { dropEmptyHistoryGroups, editGroup, record } from './history.ts';
import { WINDOW_SELECT, WINDOW_SET_SELECT, toWindow, toWindowSet, type WindowRow, type WindowSetRow } from './rows.ts';
import { sidOf } from './series.ts';
import type { NewWindow, NewWindowSet } from './types.ts';

/** Create a window set and its windows in one transaction. Windows must lie inside the series. */
export function createWindowSet(c: StoreConnection, p: NewWindowSet, windows: NewWindow[]): WindowSetInfo {
  return c.transaction(() => {
    const s = sidOf(c, p.seriesId);
    if (p.origin !== 'cut' && p.origin !== 'imported') throw new StoreError('invalid', `Unknown window set origin "${String(p.origin)}"`);
    if (p.split !== 'chronological' && p.split !== 'random') throw new StoreError('invalid', `Unknown split "${String(p.split)}"`);
    const setId = Number(
      c.run(
        'INSERT INTO window_sets (series_id, origin, length, stride, split, val_fraction, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        p.seriesId,
        p.origin,
        p.length,
        p.stride,
        p.split,
        p.valFraction,
        p.seed,
        Date.now(),
      ).lastInsertRowid,
    );
    const timeAt = c.stmt('SELECT time FROM bars WHERE sid = ? AND idx = ?').pluck(true);
    const ins = c.stmt('INSERT INTO windows (set_id, ext_id, start_index, length, start_time, end_time, role) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const seen = new Set<string>();
    for (const w of windows) {
      if (!Number.isInteger(w.startIndex) || !Number.isInteger(w.length) || w.startIndex < 0 || w.length < 1 || w.startIndex + w.length > s.bar_count) {
        throw new StoreError(
          'invalid',
          `Window ${w.extId} (bars ${w.startIndex}..${w.startIndex + w.length - 1}) does not fit series "${p.seriesId}" (${s.bar_count} bars)`,
        );
      }
      if (w.role !== 'train' && w.role !== 'val' && w.role !== 'excluded')
        throw new StoreError('invalid', `Window ${w.extId}: unknown role "${String(w.role)}"`);
      if (seen.has(w.extId)) throw new StoreError('exists', `Window id ${w.extId} appears twice in the set`);
      seen.add(w.extId);
      const t0 = timeAt.get(s.sid, w.startIndex) as number;
      const t1 = timeAt.get(s.sid, w.startIndex + w.length - 1) as number;
      ins.run(setId, w.extId, w.startIndex, w.length, t0, t1, w.role);
    }
    return toWindowSet(c.get1<WindowSetRow>(`${WINDOW_SET_SELECT} WHERE s.id = ?`, setId)!);
  });
}

export function listWindowSets(c: StoreConnection): WindowSetInfo[] {
  return c.all<WindowSetRow>(`${WINDOW_SET_SELECT} ORDER BY s.id`).map(toWindowSet);
}

export function getWindowSet(c: StoreConnection, id: number): WindowSetInfo | null {
  const r = c.get1<WindowSetRow>(`${WINDOW_SET_SELECT} WHERE s.id = ?`, id);
  return r ? toWindowSet(r) : null;
}

/** Windows ordered by set, then start index. */
export function listWindows(c: StoreConnection, filter: { setId?: number; seriesId?: string } = {}): WindowInfo[] {
  if (filter.setId !== undefined && filter.seriesId !== undefined) {
    return c
      .all<WindowRow>(`${WINDOW_SELECT} WHERE w.set_id = ? AND s.series_id = ? ORDER BY w.set_id, w.start_index, w.id`, filter.setId, filter.seriesId)
      .map(toWindow);
  }
  if (filter.setId !== undefined) return c.all<WindowRow>(`${WINDOW_SELECT} WHERE w.set_id = ? ORDER BY w.start_index, w.id`, filter.setId).map(toWindow);
  if (filter.seriesId !== undefined) {
    return c.all<WindowRow>(`${WINDOW_SELECT} WHERE s.series_id = ? ORDER BY w.set_id, w.start_index, w.id`, filter.seriesId).map(toWindow);
  }
  return c.all<WindowRow>(`${WINDOW_SELECT} ORDER BY w.set_id, w.start_index, w.id`).map(toWindow);
}

/**
 * Windows of a series (all its sets) that share at least one bar with [fromIndex, toIndex],
 * ordered by set, then start index. Reads only those windows: a range scan per set on
 * (set_id, start_index), bounded below by the set's longest window (migration 003), so the
 * per-edit conflict check costs the same on a 1,000,000-bar series as on a small one.
 */
export function listWindowsOverlapping(c: StoreConnection, seriesId: string, fromIndex: number, toIndex: number): WindowInfo[] {
  if (!Number.isInteger(fromIndex) || !Number.isInteger(toIndex)) throw new StoreError('invalid', `bar range must be integers (got ${fromIndex}..${toIndex})`);
  if (toIndex < fromIndex) return [];
  // `w.start_index >= from - L + 1` is implied by the overlap test; it is spelt out because it is
  // what lets SQLite seek instead of scanning the set (L = the set's longest window).
  return c
    .all<WindowRow>(
      `${WINDOW_SELECT}
     WHERE s.series_id = ? AND w.start_index <= ?
       AND w.start_index >= ? - (SELECT max(m.length) FROM windows m WHERE m.set_id = s.id) + 1
       AND w.start_index + w.length - 1 >= ?
     ORDER BY w.set_id, w.start_index, w.id`,
      seriesId,
      toIndex,
      fromIndex,
      fromIndex,
    )
    .map(toWindow);
}

export function getWindow(c: StoreConnection, id: number): WindowInfo | null {
  const r = c.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.id = ?`, id);
  return r ? toWindow(r) : null;
}

/** Window by external id; without setId, the one in the newest set when several sets use the id. */
export function findWindowByExtId(c: StoreConnection, extId: string, setId?: number): WindowInfo | null {
  const r =
    setId === undefined
      ? c.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.ext_id = ? ORDER BY w.set_id DESC LIMIT 1`, extId)
      : c.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.ext_id = ? AND w.set_id = ?`, extId, setId);
  return r ? toWindow(r) : null;
}

/** Change windows' split roles (e.g. re-split). */
export function setWindowRoles(c: StoreConnection, roles: Array<{ windowId: number; role: SplitRole }>): void {
  c.transaction(() => {
    for (const r of roles) {
      if (r.role !== 'train' && r.role !== 'val' && r.role !== 'excluded') throw new StoreError('invalid', `Unknown role "${String(r.role)}"`);
      if (c.run('UPDATE windows SET role = ? WHERE id = ?', r.role, r.windowId).changes !== 1) throw new StoreError('not-found', `No window ${r.windowId}`);
    }
  });
}

/**
 * Marks a window as looked at (labelled, or confirmed to have no span) or not. Recorded in the
 * history like a label edit, so undoing a labels import also un-reviews its windows.
 */
export function setWindowReviewed(c: StoreConnection, windowId: number, reviewed: boolean, annotator: string): void {
  editGroup(
    c,
    reviewed ? 'Mark window reviewed' : 'Mark window not reviewed',
    () => {
      const row = c.get1<{ reviewed: number }>('SELECT reviewed FROM windows WHERE id = ?', windowId);
      if (!row) throw new StoreError('not-found', `No window ${windowId}`);
      const next = reviewed ? 1 : 0;
      if (row.reviewed === next) return;
      c.run('UPDATE windows SET reviewed = ? WHERE id = ?', next, windowId);
      record(c, 0, windowId, { reviewed: row.reviewed } as unknown as Label, { reviewed: next } as unknown as Label, 'review');
    },
    annotator,
  );
}

/** Delete a window set with its windows, their labels (and label history), findings and predictions. */
export function deleteWindowSet(c: StoreConnection, id: number): void {
  c.transaction(() => {
    if (c.run('DELETE FROM window_sets WHERE id = ?', id).changes === 0) throw new StoreError('not-found', `No window set ${id}`);
    dropEmptyHistoryGroups(c);
  });
}
