/**
 * Deleting what an analyst made (issue 14, point 3): window sets and runs, each with what depends
 * on it counted first, so the app can name it in the confirmation. Kept apart from
 * project-store.ts (one job: removing things, through the schema's ON DELETE CASCADE), using the
 * store's public database handle and transaction.
 */
import type { ProjectStore } from './project-store.ts';
import { StoreError } from './errors.ts';

/** What deleting a window set takes with it. */
export interface SetDeletionImpact {
  setId: number;
  seriesId: string;
  windows: number;
  /** Windows with a span or marked reviewed. */
  labelledWindows: number;
  spans: number;
  /** Open findings that involve one of its windows. */
  openFindings: number;
  /** Runs trained on it: kept (their reports stand), but their review on this set goes. */
  runs: number[];
}

export interface RunDeletionImpact {
  runId: number;
  status: string;
  epochs: number;
  predictions: number;
  reviewDecisions: number;
}

const count = (store: ProjectStore, sql: string, ...params: unknown[]) => (store.db.prepare(sql).get(...params) as { n: number }).n;

export function setDeletionImpact(store: ProjectStore, setId: number): SetDeletionImpact {
  const set = store.getWindowSet(setId);
  if (!set) throw new StoreError('not-found', `No window set ${setId}`);
  const runs = store
    .listRuns()
    .filter((r) => (r.dataSnapshot as { setId?: unknown } | null)?.setId === setId)
    .map((r) => r.id)
    .sort((a, b) => a - b);
  return {
    setId,
    seriesId: set.seriesId,
    windows: count(store, 'SELECT count(*) AS n FROM windows WHERE set_id = ?', setId),
    labelledWindows: count(
      store,
      'SELECT count(*) AS n FROM windows w WHERE w.set_id = ? AND (w.reviewed = 1 OR EXISTS (SELECT 1 FROM labels l WHERE l.window_id = w.id))',
      setId,
    ),
    spans: count(store, 'SELECT count(*) AS n FROM labels l JOIN windows w ON w.id = l.window_id WHERE w.set_id = ?', setId),
    openFindings: count(
      store,
      "SELECT count(*) AS n FROM findings f WHERE f.status = 'open' AND (f.window_a IN (SELECT id FROM windows WHERE set_id = ?) OR f.window_b IN (SELECT id FROM windows WHERE set_id = ?))",
      setId,
      setId,
    ),
    runs,
  };
}

/** Deletes the set, its windows, their labels, label history, findings, predictions and review decisions (cascade). */
export function deleteWindowSet(store: ProjectStore, setId: number): SetDeletionImpact {
  if (store.readonly) throw new StoreError('state', 'Cannot delete: the project is open read-only');
  return store.transaction(() => {
    const impact = setDeletionImpact(store, setId);
    store.db.prepare('DELETE FROM window_sets WHERE id = ?').run(setId);
    // Undo steps that only touched this set's windows are empty now; undo skips and drops them.
    return impact;
  });
}

export function runDeletionImpact(store: ProjectStore, runId: number): RunDeletionImpact {
  const run = store.getRun(runId);
  if (!run) throw new StoreError('not-found', `No run ${runId}`);
  return {
    runId,
    status: run.status,
    epochs: count(store, 'SELECT count(*) AS n FROM epochs WHERE run_id = ?', runId),
    predictions: count(store, 'SELECT count(*) AS n FROM predictions WHERE run_id = ?', runId),
    reviewDecisions: count(store, 'SELECT count(*) AS n FROM review_decisions WHERE run_id = ?', runId),
  };
}

/** Deletes a finished run with its epochs, model, predictions and review decisions; a running one is refused. */
export function deleteFinishedRun(store: ProjectStore, runId: number): RunDeletionImpact {
  if (store.readonly) throw new StoreError('state', 'Cannot delete: the project is open read-only');
  return store.transaction(() => {
    const impact = runDeletionImpact(store, runId);
    if (impact.status === 'running') throw new StoreError('state', `Run ${runId} is training: cancel it before deleting it`);
    store.deleteRun(runId);
    return impact;
  });
}

/** What deleting a series takes with it: its bars, and every window set cut from it (with theirs). */
export interface SeriesDeletionImpact {
  seriesId: string;
  bars: number;
  sets: SetDeletionImpact[];
}

export function seriesDeletionImpact(store: ProjectStore, seriesId: string): SeriesDeletionImpact {
  const series = store.getSeries(seriesId);
  if (!series) throw new StoreError('not-found', `No series "${seriesId}"`);
  const sets = store.listWindowSets().filter((s) => s.seriesId === seriesId);
  return { seriesId, bars: series.barCount, sets: sets.map((s) => setDeletionImpact(store, s.id)) };
}

/** Deletes a series with its bars and window sets (store.deleteSeries: one transaction, cascade). */
export function deleteSeriesWithSets(store: ProjectStore, seriesId: string): SeriesDeletionImpact {
  if (store.readonly) throw new StoreError('state', 'Cannot delete: the project is open read-only');
  return store.transaction(() => {
    const impact = seriesDeletionImpact(store, seriesId);
    store.deleteSeries(seriesId);
    return impact;
  });
}

// --- names --------------------------------------------------------------------------------------

/** The names given to window sets and runs (ids without a name are absent). */
export interface Names {
  sets: Record<number, string>;
  runs: Record<number, string>;
}

export function listNames(store: ProjectStore): Names {
  const sets: Record<number, string> = {};
  const runs: Record<number, string> = {};
  for (const r of store.db.prepare('SELECT set_id AS id, name FROM set_names').all() as Array<{ id: number; name: string }>) sets[r.id] = r.name;
  for (const r of store.db.prepare('SELECT run_id AS id, name FROM run_names').all() as Array<{ id: number; name: string }>) runs[r.id] = r.name;
  return { sets, runs };
}

/** Names a window set (trimmed; empty = remove the name). */
export function renameWindowSet(store: ProjectStore, setId: number, name: string): string | null {
  if (store.readonly) throw new StoreError('state', 'Cannot rename: the project is open read-only');
  if (!store.getWindowSet(setId)) throw new StoreError('not-found', `No window set ${setId}`);
  return setName(store, 'set_names', 'set_id', setId, name);
}

/** Names a run (trimmed; empty = remove the name). */
export function renameRun(store: ProjectStore, runId: number, name: string): string | null {
  if (store.readonly) throw new StoreError('state', 'Cannot rename: the project is open read-only');
  if (!store.getRun(runId)) throw new StoreError('not-found', `No run ${runId}`);
  return setName(store, 'run_names', 'run_id', runId, name);
}

function setName(store: ProjectStore, table: 'set_names' | 'run_names', key: 'set_id' | 'run_id', id: number, raw: string): string | null {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length > 80) throw new StoreError('invalid', `A name is at most 80 characters (got ${name.length})`);
  return store.transaction(() => {
    if (!name) {
      store.db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`).run(id);
      return null;
    }
    store.db.prepare(`INSERT INTO ${table} (${key}, name) VALUES (?, ?) ON CONFLICT(${key}) DO UPDATE SET name = excluded.name`).run(id, name);
    return name;
  });
}

// --- issue 14: renaming a series -------------------------------------------------------------------

export interface SeriesRename {
  from: string;
  to: string;
  /** Window sets cut from it (they follow the new id). */
  setIds: number[];
}

/**
 * Gives a series a new id, refusing one that is taken. Its window sets follow through the schema's
 * ON UPDATE CASCADE (window_sets.series_id); findings keep a copy of the id and are updated in the
 * same transaction. Window ext ids ("<series>:<start>", as exported in labels files) and the data
 * snapshot recorded with past runs keep the id they were made with.
 */
export function renameSeries(store: ProjectStore, from: string, to: string): SeriesRename {
  if (store.readonly) throw new StoreError('state', 'Cannot rename: the project is open read-only');
  return store.transaction(() => {
    if (!store.getSeries(from)) throw new StoreError('not-found', `No series "${from}"`);
    const setIds = (store.db.prepare('SELECT id FROM window_sets WHERE series_id = ? ORDER BY id').all(from) as Array<{ id: number }>).map((r) => r.id);
    if (to === from) return { from, to, setIds };
    if (store.getSeries(to)) throw new StoreError('exists', `A series "${to}" already exists in this project: choose another name`);
    store.db.prepare('UPDATE series SET id = ?, updated_at = ? WHERE id = ?').run(to, Date.now(), from);
    store.db.prepare('UPDATE findings SET series_id = ? WHERE series_id = ?').run(to, from);
    return { from, to, setIds };
  });
}
