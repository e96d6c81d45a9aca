/**
 * Labels (spans): validation against the window's bars and the label types, add/update/delete
 * (each recorded in the current edit group, see history.ts), reading labels.
 */
import type { Label, LabelFields } from '../domain/types.ts';
import { LABEL_ORIGINS } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { editGroup, record } from './history.ts';
import { LABEL_COLUMNS, assertFiniteNumber, toLabel, type LabelRow, type WindowRow } from './rows.ts';
import type { NewLabelFields } from './types.ts';

export function validateLabel(c: StoreConnection, windowId: number, f: LabelFields): void {
  const w = c.get1<WindowRow & { sid: number }>(
    `SELECT w.*, s.series_id, se.sid FROM windows w JOIN window_sets s ON s.id = w.set_id JOIN series se ON se.id = s.series_id WHERE w.id = ?`,
    windowId,
  );
  if (!w) throw new StoreError('not-found', `No window ${windowId}`);
  if (typeof f.type !== 'string' || !c.get1('SELECT 1 FROM label_types WHERE name = ?', f.type)) {
    throw new StoreError('invalid', `Unknown label type "${String(f.type)}"`);
  }
  assertFiniteNumber('startTime', f.startTime);
  assertFiniteNumber('endTime', f.endTime);
  if (f.startTime > f.endTime) throw new StoreError('invalid', `Label start (${f.startTime}) is after its end (${f.endTime})`);
  if (typeof f.confidence !== 'number' || !(f.confidence >= 0 && f.confidence <= 1)) {
    throw new StoreError('invalid', `Confidence must be between 0 and 1 (got ${String(f.confidence)})`);
  }
  if (typeof f.note !== 'string' || typeof f.author !== 'string') throw new StoreError('invalid', 'note and author must be strings');
  if (!LABEL_ORIGINS.includes(f.origin)) throw new StoreError('invalid', `Label origin must be one of ${LABEL_ORIGINS.join(', ')} (got ${String(f.origin)})`);
  if (f.originRun !== null && !(Number.isInteger(f.originRun) && f.originRun > 0)) {
    throw new StoreError('invalid', `Label originRun must be a run id or null (got ${String(f.originRun)})`);
  }
  const inWindow = c.stmt('SELECT 1 FROM bars WHERE sid = ? AND idx >= ? AND idx < ? AND time = ?').pluck(true);
  for (const [name, t] of [
    ['start', f.startTime],
    ['end', f.endTime],
  ] as const) {
    if (t < w.start_time || t > w.end_time || !inWindow.get(w.sid, w.start_index, w.start_index + w.length, t)) {
      throw new StoreError('invalid', `Label ${name} ${t} is not the time of a bar in window ${w.ext_id} (${w.start_time}..${w.end_time})`);
    }
  }
}

/** Adds a label; its author (default `annotator`) is also whose undo step it is, unless an outer group says otherwise. */
export function addLabel(c: StoreConnection, windowId: number, fields: NewLabelFields, annotator: string): Label {
  const author = fields.author ?? annotator;
  return editGroup(
    c,
    'Add label',
    () => {
      const f: LabelFields = {
        startTime: fields.startTime,
        endTime: fields.endTime,
        type: fields.type,
        confidence: fields.confidence ?? 1,
        note: fields.note ?? '',
        author,
        origin: fields.origin ?? 'drawn',
        originRun: fields.originRun ?? null,
      };
      validateLabel(c, windowId, f);
      if (fields.labelledAt !== undefined) assertFiniteNumber('labelledAt', fields.labelledAt);
      const now = fields.labelledAt ?? Date.now();
      const id = Number(
        c.run(
          'INSERT INTO labels (window_id, start_time, end_time, type, confidence, note, author, origin, origin_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          windowId,
          f.startTime,
          f.endTime,
          f.type,
          f.confidence,
          f.note,
          f.author,
          f.origin,
          f.originRun,
          now,
          now,
        ).lastInsertRowid,
      );
      const label: Label = { id, windowId, ...f, createdAt: now, updatedAt: now };
      record(c, id, windowId, null, label);
      return label;
    },
    author,
  );
}

/**
 * Edits a label as `annotator` (it becomes the label's author). Changing the span, type or
 * confidence of a model-written span ('accepted' or 'confirmed') makes it 'accepted-edited': the
 * analyst has now put their own judgement into it.
 */
export function updateLabel(c: StoreConnection, id: number, patch: Partial<LabelFields>, annotator: string): Label {
  return editGroup(
    c,
    'Edit label',
    () => {
      const before = getLabel(c, id);
      if (!before) throw new StoreError('not-found', `No label ${id}`);
      const f: LabelFields = {
        startTime: patch.startTime ?? before.startTime,
        endTime: patch.endTime ?? before.endTime,
        type: patch.type ?? before.type,
        confidence: patch.confidence ?? before.confidence,
        note: patch.note ?? before.note,
        author: patch.author ?? before.author,
        origin: patch.origin ?? before.origin,
        originRun: patch.originRun !== undefined ? patch.originRun : before.originRun,
      };
      const judged = f.startTime !== before.startTime || f.endTime !== before.endTime || f.type !== before.type || f.confidence !== before.confidence;
      if (judged && patch.origin === undefined && (before.origin === 'accepted' || before.origin === 'confirmed')) f.origin = 'accepted-edited';
      const unchanged = (Object.keys(f) as Array<keyof LabelFields>).every((k) => f[k] === before[k]);
      if (unchanged) return before;
      if (patch.author === undefined && annotator !== '') f.author = annotator;
      validateLabel(c, before.windowId, f);
      const after: Label = { ...before, ...f, updatedAt: Math.max(Date.now(), before.updatedAt) };
      c.run(
        'UPDATE labels SET start_time = ?, end_time = ?, type = ?, confidence = ?, note = ?, author = ?, origin = ?, origin_run = ?, updated_at = ? WHERE id = ?',
        after.startTime,
        after.endTime,
        after.type,
        after.confidence,
        after.note,
        after.author,
        after.origin,
        after.originRun,
        after.updatedAt,
        id,
      );
      record(c, id, before.windowId, before, after);
      return after;
    },
    annotator,
  );
}

export function deleteLabel(c: StoreConnection, id: number, annotator: string): void {
  editGroup(
    c,
    'Delete label',
    () => {
      const before = getLabel(c, id);
      if (!before) throw new StoreError('not-found', `No label ${id}`);
      c.run('DELETE FROM labels WHERE id = ?', id);
      record(c, id, before.windowId, before, null);
    },
    annotator,
  );
}

export function getLabel(c: StoreConnection, id: number): Label | null {
  const r = c.get1<LabelRow>(`SELECT ${LABEL_COLUMNS} FROM labels l WHERE l.id = ?`, id);
  return r ? toLabel(r) : null;
}

/** Labels ordered by window, start time, id. Filters combine with AND. */
export function listLabels(c: StoreConnection, filter: { windowId?: number; seriesId?: string; setId?: number } = {}): Label[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.windowId !== undefined) {
    where.push('l.window_id = ?');
    params.push(filter.windowId);
  }
  if (filter.setId !== undefined) {
    where.push('w.set_id = ?');
    params.push(filter.setId);
  }
  if (filter.seriesId !== undefined) {
    where.push('s.series_id = ?');
    params.push(filter.seriesId);
  }
  const join = filter.setId !== undefined || filter.seriesId !== undefined ? ' JOIN windows w ON w.id = l.window_id JOIN window_sets s ON s.id = w.set_id' : '';
  const sql = `SELECT ${LABEL_COLUMNS} FROM labels l${join}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY l.window_id, l.start_time, l.id`;
  return c.all<LabelRow>(sql, ...params).map(toLabel);
}
