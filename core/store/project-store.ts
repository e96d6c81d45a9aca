/**
 * The project store: one Candlemark project = one SQLite file (`*.candlemark`).
 *
 * Everything the app persists goes through the typed methods of `ProjectStore`; no module outside
 * core/store writes SQL. ProjectStore is the front: it owns the connection (open.ts opens and
 * migrates it, connection.ts holds it with its statement cache and transaction rule) and delegates
 * each method to the module of its tables: series.ts, windows.ts, label-types.ts, labels.ts,
 * history.ts (undo/redo), findings.ts, runs.ts (runs, epochs, models, predictions), review.ts,
 * summary.ts; manage.ts (deleting with impact, names) works through the store's public surface.
 *
 * Durability: WAL + synchronous=FULL, every public write runs in one transaction, so a crash at any
 * moment loses at most the change in flight and never leaves a half-imported series or a label
 * change without its history entry.
 *
 * Undo/redo (label edits only):
 * - History is a linear list of groups (`history_groups`), each holding the label changes
 *   (`label_history`: label id, before JSON, after JSON) of one user action. It lives in the file,
 *   so undo/redo survives a restart.
 * - Every label write runs inside an edit group; `addLabel`/`updateLabel`/`deleteLabel` called outside
 *   `editGroup` make a one-change group of their own. Nested `editGroup` calls join the outer group.
 * - The first recorded change of a new group discards all undone groups (no branches).
 * - `undo()` takes the newest not-undone group and applies each change's `before` in reverse order,
 *   in one transaction; `redo()` takes the oldest undone group and applies `after` in order.
 *   Labels keep their ids: undoing a delete re-inserts the label under the same id (labels use
 *   AUTOINCREMENT, so ids are never handed out twice).
 * - Deleting a window set deletes its labels and their history entries; a group left empty is
 *   skipped (and dropped) by undo/redo.
 */
import { listPredictionMeasures, savePredictionMeasures, type PredictionMeasures } from './prediction-measures.ts';
import type {
  BarColumns,
  FindingStatus,
  Label,
  LabelFields,
  LabelType,
  ProjectCounts,
  RunStatus,
  SeriesInfo,
  SplitRole,
  WindowInfo,
  WindowSetInfo,
} from '../domain/types.ts';
import type Database from 'better-sqlite3';
import { StoreConnection } from './connection.ts';
import { openProjectDatabase, type OpenOptions } from './open.ts';
import * as series from './series.ts';
import * as windows from './windows.ts';
import * as labelTypes from './label-types.ts';
import * as labels from './labels.ts';
import * as history from './history.ts';
import * as findings from './findings.ts';
import * as runs from './runs.ts';
import * as review from './review.ts';
import * as summary from './summary.ts';
import type {
  EpochRow,
  FindingInput,
  HistoryState,
  HistoryStep,
  InsertSeriesOptions,
  ModelRow,
  NewLabelFields,
  NewWindow,
  NewWindowSet,
  PredictionRow,
  ReviewDecisionRow,
  RunRow,
  StoreStats,
  StoredFinding,
} from './types.ts';

// The public shapes stay importable from here, as before the split.
export type * from './types.ts';
export type { OpenOptions } from './open.ts';
export { findingKey } from './findings.ts';
export { DEFAULT_BUSY_TIMEOUT_MS, isBusyError } from './connection.ts';

export class ProjectStore {
  readonly path: string;
  readonly readonly: boolean;
  /** The underlying connection; exposed for tests and diagnostics only: write through the methods. */
  readonly db: Database.Database;
  /** The connection with its statement cache, transaction rule and edit group, shared by the table modules. */
  private readonly conn: StoreConnection;
  /**
   * Who edits when a call names nobody: recorded on new labels and on edit groups (undo/redo are per
   * annotator). The service sets it from --annotator / CANDLEMARK_ANNOTATOR / the OS user.
   */
  annotator = '';
  /** Counts savePredictions calls on this connection, so readers can cache what they derived from predictions. */
  private predictionWrites = 0;
  get predictionsRevision(): number {
    return this.predictionWrites;
  }

  private constructor(
    path: string,
    db: Database.Database,
    readonly: boolean,
    busyTimeoutMs: number,
    /** True when this open made a new project (the file was missing or empty). */
    readonly created: boolean,
  ) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
    this.conn = new StoreConnection(db, readonly, busyTimeoutMs);
  }

  /**
   * Open (or with `create`, create) a project. Cheap regardless of project size: reads the header,
   * checks application_id/user_version, applies pending migrations, and marks runs whose process
   * died as interrupted. Bars are never loaded.
   */
  static open(path: string, opts: OpenOptions = {}): ProjectStore {
    const o = openProjectDatabase(path, opts);
    try {
      const store = new ProjectStore(path, o.db, o.readonly, o.busyTimeoutMs, o.created);
      if (!o.readonly) store.markInterruptedRuns();
      return store;
    } catch (e) {
      o.db.close();
      throw e;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Run fn in one transaction (BEGIN IMMEDIATE, so concurrent writers wait instead of failing; BEGIN
   * is retried while another process holds the lock, up to the busy timeout). Nested calls join the
   * outer transaction: an exception anywhere rolls back the whole outer one. See connection.ts.
   */
  transaction<T>(fn: () => T): T {
    return this.conn.transaction(fn);
  }

  // ---- series and bars (series.ts) -------------------------------------------------------------

  /**
   * Store a series and its bars in one transaction (all or nothing). Throws 'exists' when the id is
   * taken, unless opts.replace (see InsertSeriesOptions.replace).
   */
  insertSeries(id: string, source: string | null, bars: BarColumns, opts: InsertSeriesOptions = {}): SeriesInfo {
    return series.insertSeries(this.conn, id, source, bars, opts);
  }

  /** The import settings a series was read with (JSON text as stored, migration 005); null when none. */
  getImportSettings(id: string): string | null {
    return series.getImportSettings(this.conn, id);
  }

  /** Records the import settings of a series (JSON text; null clears them). */
  setImportSettings(id: string, json: string | null): void {
    series.setImportSettings(this.conn, id, json);
  }

  /** Delete a series with its bars, window sets, windows, labels (and their history) and findings. */
  deleteSeries(id: string): void {
    series.deleteSeries(this.conn, id);
  }

  listSeries(): SeriesInfo[] {
    return series.listSeries(this.conn);
  }

  getSeries(id: string): SeriesInfo | null {
    return series.getSeries(this.conn, id);
  }

  /** Bars [fromIndex, fromIndex + count) clipped to the series. */
  readBars(seriesId: string, fromIndex: number, count: number): BarColumns {
    return series.readBars(this.conn, seriesId, fromIndex, count);
  }

  /** All bar times of a series, for index<->time mapping (one blob read, not a scan of bars). */
  readTimes(seriesId: string): Float64Array {
    return series.readTimes(this.conn, seriesId);
  }

  // ---- windows (windows.ts) --------------------------------------------------------------------

  /** Create a window set and its windows in one transaction. Windows must lie inside the series. */
  createWindowSet(p: NewWindowSet, ws: NewWindow[]): WindowSetInfo {
    return windows.createWindowSet(this.conn, p, ws);
  }

  listWindowSets(): WindowSetInfo[] {
    return windows.listWindowSets(this.conn);
  }

  getWindowSet(id: number): WindowSetInfo | null {
    return windows.getWindowSet(this.conn, id);
  }

  /** Windows ordered by set, then start index. */
  listWindows(filter: { setId?: number; seriesId?: string } = {}): WindowInfo[] {
    return windows.listWindows(this.conn, filter);
  }

  /** Windows of a series (all its sets) sharing at least one bar with [fromIndex, toIndex], by set, then start (an index range scan). */
  listWindowsOverlapping(seriesId: string, fromIndex: number, toIndex: number): WindowInfo[] {
    return windows.listWindowsOverlapping(this.conn, seriesId, fromIndex, toIndex);
  }

  getWindow(id: number): WindowInfo | null {
    return windows.getWindow(this.conn, id);
  }

  /** Window by external id; without setId, the one in the newest set when several sets use the id. */
  findWindowByExtId(extId: string, setId?: number): WindowInfo | null {
    return windows.findWindowByExtId(this.conn, extId, setId);
  }

  /** Change windows' split roles (e.g. re-split). */
  setWindowRoles(roles: Array<{ windowId: number; role: SplitRole }>): void {
    windows.setWindowRoles(this.conn, roles);
  }

  /**
   * Marks a window as looked at (labelled, or confirmed to have no span) or not. Recorded in the
   * history like a label edit, so undoing a labels import also un-reviews its windows.
   */
  setWindowReviewed(windowId: number, reviewed: boolean, annotator: string = this.annotator): void {
    windows.setWindowReviewed(this.conn, windowId, reviewed, annotator);
  }

  /** Delete a window set with its windows, their labels (and label history), findings and predictions. */
  deleteWindowSet(id: number): void {
    windows.deleteWindowSet(this.conn, id);
  }

  // ---- label types (label-types.ts) ------------------------------------------------------------

  listLabelTypes(): LabelType[] {
    return labelTypes.listLabelTypes(this.conn);
  }

  /** Replace the set of label types. Refuses to remove a type that labels still use. */
  setLabelTypes(types: LabelType[]): void {
    labelTypes.setLabelTypes(this.conn, types);
  }

  // ---- labels (labels.ts) and their history (history.ts) ---------------------------------------

  /**
   * Group several label edits into one undo step of `annotator` (default: this.annotator), in one
   * transaction. Nested calls join the outer group (the outer description and annotator win).
   */
  editGroup<T>(description: string, fn: () => T, annotator: string = this.annotator): T {
    return history.editGroup(this.conn, description, fn, annotator);
  }

  /** Adds a label; its author (default this.annotator) is also whose undo step it is, unless an outer group says otherwise. */
  addLabel(windowId: number, fields: NewLabelFields): Label {
    return labels.addLabel(this.conn, windowId, fields, this.annotator);
  }

  /**
   * Edits a label as `annotator` (default this.annotator; it becomes the label's author). Changing the
   * span, type or confidence of a model-written span ('accepted' or 'confirmed') makes it
   * 'accepted-edited': the analyst has now put their own judgement into it.
   */
  updateLabel(id: number, patch: Partial<LabelFields>, annotator: string = this.annotator): Label {
    return labels.updateLabel(this.conn, id, patch, annotator);
  }

  deleteLabel(id: number, annotator: string = this.annotator): void {
    labels.deleteLabel(this.conn, id, annotator);
  }

  getLabel(id: number): Label | null {
    return labels.getLabel(this.conn, id);
  }

  /** Labels ordered by window, start time, id. Filters combine with AND. */
  listLabels(filter: { windowId?: number; seriesId?: string; setId?: number } = {}): Label[] {
    return labels.listLabels(this.conn, filter);
  }

  /**
   * Undo the newest edit group (of `annotator`, when given: per-annotator undo). Returns what was
   * undone, or null when there is nothing to undo.
   */
  undo(annotator?: string): HistoryStep | null {
    return history.step(this.conn, 'undo', annotator);
  }

  /** Redo the oldest undone edit group (of `annotator`, when given). */
  redo(annotator?: string): HistoryStep | null {
    return history.step(this.conn, 'redo', annotator);
  }

  historyState(annotator?: string): HistoryState {
    return history.historyState(this.conn, annotator);
  }

  /** Per window, the annotator pairs [A, B] where B edited or deleted A's spans (history.ts correctedPairs). */
  correctedPairs(windowIds?: readonly number[]): Map<number, Array<[string, string]>> {
    return history.correctedPairs(this.conn, windowIds);
  }

  /** Forget all undo/redo history (labels are untouched). */
  clearHistory(): void {
    history.clearHistory(this.conn);
  }

  // ---- findings (findings.ts) ------------------------------------------------------------------

  /**
   * Store recomputed findings. Findings whose key already exists are updated in place and keep their
   * status; findings within the scope (touching one of scope.windowIds, or all) whose key is not in
   * `findings` are deleted. Duplicate keys in the input: the most severe wins.
   */
  replaceFindings(scope: { windowIds: number[] } | 'all', list: FindingInput[]): void {
    findings.replaceFindings(this.conn, scope, list);
  }

  /** Findings, most severe first. */
  listFindings(filter: { status?: FindingStatus; windowId?: number } = {}): StoredFinding[] {
    return findings.listFindings(this.conn, filter);
  }

  /** One finding, or null. */
  getFinding(id: number): StoredFinding | null {
    return findings.getFinding(this.conn, id);
  }

  /** How many findings have the status (an indexed count; the UI asks after every edit). */
  countFindings(status: FindingStatus): number {
    return findings.countFindings(this.conn, status);
  }

  setFindingStatus(id: number, status: FindingStatus): void {
    findings.setFindingStatus(this.conn, id, status);
  }

  // ---- training runs (runs.ts) -----------------------------------------------------------------

  /** Start a run (status 'running', owned by this process). */
  createRun(p: { model: string; config: Record<string, unknown>; dataSnapshot: unknown; backend: string; device: string }): number {
    return runs.createRun(this.conn, p);
  }

  /** Record (or overwrite) one epoch's metrics. */
  appendEpoch(runId: number, epoch: number, metrics: unknown, seconds: number): void {
    runs.appendEpoch(this.conn, runId, epoch, metrics, seconds);
  }

  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, report?: unknown, error?: string): void {
    runs.finishRun(this.conn, runId, status, report, error);
  }

  /**
   * Mark runs left 'running' by a process that no longer exists as 'interrupted' (called by open()).
   * Runs owned by a live process (this one included, e.g. a training worker thread) are left alone
   * unless opts.all. Returns how many runs were marked.
   */
  markInterruptedRuns(opts: { all?: boolean } = {}): number {
    return runs.markInterruptedRuns(this.conn, opts);
  }

  /** Runs, newest first. */
  listRuns(): RunRow[] {
    return runs.listRuns(this.conn);
  }

  getRun(id: number): RunRow | null {
    return runs.getRun(this.conn, id);
  }

  /** Delete a run with its epochs, models and predictions. */
  deleteRun(id: number): void {
    runs.deleteRun(this.conn, id);
  }

  listEpochs(runId: number): EpochRow[] {
    return runs.listEpochs(this.conn, runId);
  }

  /** Store (or overwrite) one ensemble member's weights and spec (features, normalisation, threshold, topology). */
  saveModel(runId: number, member: number, weights: Uint8Array, spec: unknown): void {
    runs.saveModel(this.conn, runId, member, weights, spec);
  }

  /** Members of a run, by member index. */
  loadModels(runId: number): ModelRow[] {
    return runs.loadModels(this.conn, runId);
  }

  /** Store (or overwrite) per-window predictions of a run, in one transaction. */
  savePredictions(
    runId: number,
    rows: Array<{ windowId: number; probs: Float32Array; spans: unknown; viterbi?: Uint8Array | null; typeProbs?: Float32Array | null }>,
  ): void {
    this.predictionWrites++;
    runs.savePredictions(this.conn, runId, rows);
  }

  listPredictions(runId: number, windowId?: number): PredictionRow[] {
    return runs.listPredictions(this.conn, runId, windowId);
  }

  // ---- review decisions (review.ts) ------------------------------------------------------------

  /** Record (or replace) the decision on a run's prediction for a window; null removes it. */
  setReviewDecision(runId: number, windowId: number, decision: ReviewDecisionRow['decision'] | null, author = ''): void {
    review.setReviewDecision(this.conn, runId, windowId, decision, author);
  }

  /** The analyst confirms what accepting predictions on a window decided (issue #12). Returns how many decisions. */
  confirmReviewDecisions(windowId: number, at = Date.now()): number {
    return review.confirmReviewDecisions(this.conn, windowId, at);
  }

  /**
   * Windows whose "reviewed, no span" mark is only a model's verdict: reviewed, without labels, with an
   * accepted and unconfirmed prediction. With setId, only that set's windows.
   */
  listModelOnlyNegatives(setId?: number): number[] {
    return review.listModelOnlyNegatives(this.conn, setId);
  }

  listReviewDecisions(runId: number): ReviewDecisionRow[] {
    return review.listReviewDecisions(this.conn, runId);
  }

  // ---- summary (summary.ts) --------------------------------------------------------------------

  /** The home screen's counts, aggregated in SQL (reading every row for it took ~100 ms on a 1,000,000-bar project). */
  projectCounts(): ProjectCounts {
    return summary.projectCounts(this.conn);
  }

  stats(): StoreStats {
    return summary.stats(this.conn);
  }

  // ---- review queue measures (issue #12, the `queue` area: core/store/prediction-measures.ts) ---------

  /** The queue's per-window measures of a run's predictions (CRF P(path), member disagreement). */
  savePredictionMeasures(runId: number, rows: ReadonlyArray<{ windowId: number; pathLogProb?: number | null; memberSpread?: number | null }>): void {
    runs.requireRun(this.conn, runId);
    savePredictionMeasures(this.db, runId, rows);
  }

  listPredictionMeasures(runId: number, windowId?: number): Map<number, PredictionMeasures> {
    return listPredictionMeasures(this.db, runId, windowId);
  }
}
