/**
 * Undo/redo of label edits (see the rules at the top of project-store.ts): edit groups, recording a
 * change, replaying a group backwards or forwards after checking nobody changed its labels since,
 * the history state the UI shows, and dropping groups left empty by deletions.
 */
import Database from 'better-sqlite3';
import type { Label } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { getLabel } from './labels.ts';
import { historyLabel, type HistoryEntryRow } from './rows.ts';
import type { HistoryState, HistoryStep } from './types.ts';

/** Deleting a series or window set cascades to its labels' history entries: groups left with none go too. */
export function dropEmptyHistoryGroups(c: StoreConnection): void {
  c.run('DELETE FROM history_groups WHERE NOT EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = history_groups.id)');
}

/** Record one label change in the current edit group (creating the group row on first change). */
export function record(
  c: StoreConnection,
  labelId: number,
  windowId: number,
  before: Label | null,
  after: Label | null,
  kind: 'label' | 'review' = 'label',
): void {
  const g = c.group;
  if (!g) throw new StoreError('state', 'Label changes must run inside an edit group');
  const now = Date.now();
  if (g.id === null) {
    // A new edit after undo discards the undone groups: history stays linear.
    // Per annotator: only this annotator's undone groups go; another client's redo stack is theirs.
    c.run('DELETE FROM history_groups WHERE undone = 1 AND annotator = ?', g.annotator);
    g.id = Number(c.run('INSERT INTO history_groups (description, created_at, annotator) VALUES (?, ?, ?)', g.description, now, g.annotator).lastInsertRowid);
  }
  c.run(
    'INSERT INTO label_history (group_id, entry_kind, label_id, window_id, before_json, after_json, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    g.id,
    kind,
    labelId,
    windowId,
    before ? JSON.stringify(before) : null,
    after ? JSON.stringify(after) : null,
    now,
  );
}

/**
 * Group several label edits into one undo step of `annotator`, in one transaction. Nested calls
 * join the outer group (the outer description and annotator win).
 */
export function editGroup<T>(c: StoreConnection, description: string, fn: () => T, annotator: string): T {
  if (c.group) return fn();
  return c.transaction(() => {
    c.group = { description, id: null, annotator };
    try {
      return fn();
    } finally {
      c.group = null;
    }
  });
}

/** Put a label into the given state (null = absent), keeping its id. Used by undo/redo. */
export function applyLabelState(c: StoreConnection, labelId: number, json: string | null): void {
  if (json === null) {
    c.run('DELETE FROM labels WHERE id = ?', labelId);
    return;
  }
  const l = historyLabel(json);
  c.run(
    `INSERT INTO labels (id, window_id, start_time, end_time, type, confidence, note, author, origin, origin_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET window_id = excluded.window_id, start_time = excluded.start_time, end_time = excluded.end_time, type = excluded.type,
       confidence = excluded.confidence, note = excluded.note, author = excluded.author, origin = excluded.origin, origin_run = excluded.origin_run,
       created_at = excluded.created_at, updated_at = excluded.updated_at`,
    labelId,
    l.windowId,
    l.startTime,
    l.endTime,
    l.type,
    l.confidence,
    l.note,
    l.author,
    l.origin,
    l.originRun,
    l.createdAt,
    l.updatedAt,
  );
}

/**
 * Before undoing (redoing) a group of one annotator, every label and reviewed flag it touched must
 * still be as that group left it (as it was before it): otherwise another annotator changed it since,
 * and replaying the step would silently overwrite their edit. Returns a description of the first
 * mismatch, or null.
 */
export function historyMismatch(c: StoreConnection, e: HistoryEntryRow, expectedJson: string | null): string | null {
  if (e.entry_kind === 'review') {
    const now = c.get1<{ reviewed: number }>('SELECT reviewed FROM windows WHERE id = ?', e.window_id);
    const want = (JSON.parse(expectedJson!) as { reviewed: number }).reviewed;
    return now && now.reviewed !== want ? `window ${e.window_id}'s "reviewed" mark was changed since` : null;
  }
  const current = getLabel(c, e.label_id);
  if (expectedJson === null) return current ? `label ${e.label_id} was added again since (by ${current.author || 'someone'})` : null;
  const want = historyLabel(expectedJson);
  if (!current) return `label ${e.label_id} was deleted since`;
  const same = (['windowId', 'startTime', 'endTime', 'type', 'confidence', 'note', 'author', 'origin', 'originRun'] as const).every(
    (k) => current[k] === want[k],
  );
  return same ? null : `label ${e.label_id} was changed since by ${current.author || 'someone'}`;
}

export function step(c: StoreConnection, direction: 'undo' | 'redo', annotator?: string): HistoryStep | null {
  if (c.group) throw new StoreError('state', `Cannot ${direction} inside an edit group`);
  if (c.readonly) throw new StoreError('state', `Cannot ${direction}: the project is open read-only`);
  try {
    return c.transaction(() => {
      for (;;) {
        // Without an annotator: the project's whole history (one user, or tools); with one: only theirs.
        const who = annotator === undefined ? '' : ' AND annotator = ?';
        const params = annotator === undefined ? [] : [annotator];
        const g =
          direction === 'undo'
            ? c.get1<{ id: number; description: string; annotator: string }>(
                `SELECT id, description, annotator FROM history_groups WHERE undone = 0${who} ORDER BY id DESC LIMIT 1`,
                ...params,
              )
            : c.get1<{ id: number; description: string; annotator: string }>(
                `SELECT id, description, annotator FROM history_groups WHERE undone = 1${who} ORDER BY id ASC LIMIT 1`,
                ...params,
              );
        if (!g) return null;
        const entries = c.all<HistoryEntryRow>(
          direction === 'undo'
            ? 'SELECT entry_kind, label_id, window_id, before_json, after_json FROM label_history WHERE group_id = ? ORDER BY seq DESC'
            : 'SELECT entry_kind, label_id, window_id, before_json, after_json FROM label_history WHERE group_id = ? ORDER BY seq ASC',
          g.id,
        );
        if (entries.length === 0) {
          c.run('DELETE FROM history_groups WHERE id = ?', g.id);
          continue;
        }
        // Entries come newest first for undo, oldest first for redo: the first entry of each label (or
        // window flag) is the state the group left it in (undo) or found it in (redo); later entries of
        // the same label inside the group are intermediate states.
        const checked = new Set<string>();
        for (const e of entries) {
          const key = e.entry_kind === 'review' ? `w${e.window_id}` : `l${e.label_id}`;
          if (checked.has(key)) continue;
          checked.add(key);
          const mismatch = historyMismatch(c, e, direction === 'undo' ? e.after_json : e.before_json);
          if (mismatch) throw new StoreError('history-conflict', `Cannot ${direction} "${g.description}": ${mismatch}`);
        }
        const windowIds = new Set<number>();
        for (const e of entries) {
          const state = direction === 'undo' ? e.before_json : e.after_json;
          if (e.entry_kind === 'review')
            c.run('UPDATE windows SET reviewed = ? WHERE id = ?', (JSON.parse(state!) as { reviewed: number }).reviewed, e.window_id);
          else applyLabelState(c, e.label_id, state);
          windowIds.add(e.window_id);
        }
        c.run('UPDATE history_groups SET undone = ? WHERE id = ?', direction === 'undo' ? 1 : 0, g.id);
        return { description: g.description, windowIds: [...windowIds].sort((a, b) => a - b) };
      }
    });
  } catch (e) {
    if (e instanceof Database.SqliteError) {
      throw new StoreError('history-conflict', `Cannot ${direction}: ${e.message} (e.g. a label type used by that step was removed)`);
    }
    throw e;
  }
}

export function historyState(c: StoreConnection, annotator?: string): HistoryState {
  const who = annotator === undefined ? '' : ' AND annotator = ?';
  const params = annotator === undefined ? [] : [annotator];
  const u = c.get1<{ description: string }>(
    `SELECT description FROM history_groups g WHERE undone = 0${who} AND EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = g.id) ORDER BY id DESC LIMIT 1`,
    ...params,
  );
  const r = c.get1<{ description: string }>(
    `SELECT description FROM history_groups g WHERE undone = 1${who} AND EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = g.id) ORDER BY id ASC LIMIT 1`,
    ...params,
  );
  const s: HistoryState = { canUndo: !!u, canRedo: !!r };
  if (u) s.undoDescription = u.description;
  if (r) s.redoDescription = r.description;
  return s;
}

/** Forget all undo/redo history (labels are untouched). */
export function clearHistory(c: StoreConnection): void {
  c.transaction(() => c.run('DELETE FROM history_groups'));
}

/**
 * Corrections, read from the history (steps not undone): per window, the pairs [A, B] of annotators
 * where B took over A's labelling there — B edited a span of A's (the edit made it B's), or B deleted
 * a span of A's (not when the same step wrote A's spans there again: a labels import replacing A's
 * spans) — oldest first. conflicts/annotators.ts reads such a window as A's labelling reviewed
 * by B, not as two independent labellings. `windowIds` limits the read to those windows (all windows
 * when absent); with several windows the order holds within each window.
 */
export function correctedPairs(c: StoreConnection, windowIds?: readonly number[]): Map<number, Array<[string, string]>> {
  const out = new Map<number, Array<[string, string]>>();
  if (windowIds && windowIds.length === 0) return out;
  // Every label entry of steps not undone (added spans too: see the import rule below), oldest first.
  const sql =
    'SELECT h.group_id, h.window_id, h.before_json, h.after_json, g.annotator FROM label_history h JOIN history_groups g ON g.id = h.group_id ' +
    "WHERE g.undone = 0 AND h.entry_kind = 'label'";
  const order = ' ORDER BY h.seq';
  type Row = { group_id: number; window_id: number; before_json: string | null; after_json: string | null; annotator: string };
  const rows: Row[] = [];
  if (!windowIds) rows.push(...c.all<Row>(sql + order));
  else {
    // In pieces: SQLite caps the number of bound parameters.
    for (let i = 0; i < windowIds.length; i += 500) {
      const part = windowIds.slice(i, i + 500);
      rows.push(...c.all<Row>(`${sql} AND h.window_id IN (${part.map(() => '?').join(', ')})${order}`, ...part));
    }
  }
  const authorOf = (json: string) => historyLabel(json).author || '(unknown)';
  // Whose spans each step wrote in each window: a step that deletes A's spans and writes A's again
  // (a labels import replacing A's spans with the file's) replaced them; it corrected nobody.
  const wrote = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.after_json) continue;
    const k = `${r.group_id}:${r.window_id}`;
    wrote.set(k, (wrote.get(k) ?? new Set()).add(authorOf(r.after_json)));
  }
  for (const r of rows) {
    if (!r.before_json) continue;
    const before = authorOf(r.before_json);
    // An edit names its new author; a deletion was made by the step's annotator.
    const by = r.after_json ? authorOf(r.after_json) : r.annotator;
    if (!by || by === before) continue;
    if (!r.after_json && wrote.get(`${r.group_id}:${r.window_id}`)?.has(before)) continue;
    const pairs = out.get(r.window_id);
    if (pairs) pairs.push([before, by]);
    else out.set(r.window_id, [[before, by]]);
  }
  return out;
}
