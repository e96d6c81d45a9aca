/**
 * The project store: one Candlemark project = one SQLite file (`*.candlemark`).
 *
 * Everything the app persists goes through the typed methods of `ProjectStore`; no other module
 * writes SQL. Durability: WAL + synchronous=FULL, every public write runs in one transaction, so a
 * crash at any moment loses at most the change in flight and never leaves a half-imported series or
 * a label change without its history entry.
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
import fs from 'node:fs';
import { listPredictionMeasures, savePredictionMeasures, type PredictionMeasures } from './prediction-measures.ts';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import type {
  BarColumns,
  Finding,
  FindingStatus,
  Label,
  LabelFields,
  LabelOrigin,
  LabelType,
  ProjectCounts,
  RunStatus,
  SeriesInfo,
  SplitKind,
  SplitRole,
  WindowInfo,
  WindowSetInfo,
} from '../domain/types.ts';
import { LABEL_ORIGINS } from '../domain/types.ts';
import { ProjectFormatError, ProjectNotFoundError, ProjectOpenError, StoreError } from './errors.ts';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './migrations/index.ts';

export interface OpenOptions {
  /** Create the file (and its schema) when missing. */
  create?: boolean;
  /** Open read-only: no migrations, no writes, runs are not marked interrupted. */
  readonly?: boolean;
  /** Milliseconds a write waits for another connection's write lock (default DEFAULT_BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

export interface InsertSeriesOptions {
  /** Called with 0..1 while bars are written. */
  onProgress?: (fraction: number) => void;
  /**
   * Replace an existing series of the same id. Windows and labels are kept: windows are re-anchored
   * by their start time, labels are stored by bar time. Fails with 'replace-conflict' when the new
   * bars no longer contain bars that windows or labels refer to.
   */
  replace?: boolean;
  /** The import settings (JSON) to store with the series in the same transaction (migration 005); undefined leaves them. */
  importSettings?: string | null;
}

export interface NewWindowSet {
  seriesId: string;
  origin: 'cut' | 'imported';
  length: number;
  stride: number | null;
  split: SplitKind;
  valFraction: number;
  seed: number;
}

export interface NewWindow {
  extId: string;
  startIndex: number;
  length: number;
  role: SplitRole;
}

export type NewLabelFields = Partial<LabelFields> &
  Pick<LabelFields, 'startTime' | 'endTime' | 'type'> & {
    /** When the span was labelled, if not now (imports keep a file's labelledAt: provenance survives a round trip). */
    labelledAt?: number;
  };

export interface HistoryStep {
  description: string;
  /** Windows whose labels changed (to refresh views). */
  windowIds: number[];
}

export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  undoDescription?: string;
  redoDescription?: string;
}

/** A finding as given to replaceFindings: `key` defaults to findingKey(f). */
export type FindingInput = Finding & { key?: string };
export type StoredFinding = Finding & { id: number; status: FindingStatus; key: string };

export interface RunRow {
  id: number;
  model: string;
  /** The training settings as given to createRun (always an object; {} if none were stored). */
  config: Record<string, unknown>;
  status: RunStatus;
  backend: string;
  device: string;
  dataSnapshot: unknown;
  startedAt: number;
  finishedAt: number | null;
  report: unknown | null;
  error: string | null;
}

export interface EpochRow {
  runId: number;
  epoch: number;
  metrics: unknown;
  seconds: number;
}

export interface ModelRow {
  runId: number;
  member: number;
  weights: Uint8Array;
  spec: unknown;
}

export interface PredictionRow {
  runId: number;
  windowId: number;
  probs: Float32Array;
  spans: unknown;
  /** CRF runs: the Viterbi path (1 = in span); null for soft runs and predictions saved before schema v2. */
  viterbi: Uint8Array | null;
  /** Type-head probabilities (order of the run's type names); null before schema v2. */
  typeProbs: Float32Array | null;
}

export interface ReviewDecisionRow {
  windowId: number;
  decision: 'accepted' | 'rejected';
  author: string;
  decidedAt: number;
}

export interface StoreStats {
  series: number;
  bars: number;
  windows: number;
  labels: number;
  labelledWindows: number;
  openFindings: number;
}

/**
 * Stable identity of a finding across recomputations: same kind, same window pair, same bars.
 * A finding recomputed with the same key keeps its status (resolved/ignored).
 */
export function findingKey(f: Finding): string {
  return `${f.kind}|${f.windowA}|${f.windowB}|${f.startIndex}|${f.endIndex}`;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

// ---- row shapes -------------------------------------------------------------------------------

interface SeriesRow {
  sid: number;
  id: string;
  source: string | null;
  bar_count: number;
  first_time: number | null;
  last_time: number | null;
  has_volume: number;
  created_at: number;
}
interface WindowSetRow {
  id: number;
  series_id: string;
  origin: 'cut' | 'imported';
  length: number;
  stride: number | null;
  split: SplitKind;
  val_fraction: number;
  seed: number;
  created_at: number;
  window_count: number;
}
interface WindowRow {
  id: number;
  set_id: number;
  series_id: string;
  ext_id: string;
  start_index: number;
  length: number;
  start_time: number;
  end_time: number;
  role: SplitRole;
  reviewed: number;
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
  origin: LabelOrigin;
  origin_run: number | null;
  created_at: number;
  updated_at: number;
}
interface FindingRow {
  id: number;
  key: string;
  kind: Finding['kind'];
  window_a: number;
  window_b: number;
  series_id: string;
  start_index: number;
  end_index: number;
  severity: number;
  message: string;
  status: FindingStatus;
}
interface RunDbRow {
  id: number;
  model: string;
  config_json: string;
  status: RunStatus;
  backend: string;
  device: string;
  data_snapshot_json: string;
  started_at: number;
  finished_at: number | null;
  report_json: string | null;
  error: string | null;
}
interface HistoryEntryRow {
  entry_kind: 'label' | 'review';
  label_id: number;
  window_id: number;
  before_json: string | null;
  after_json: string | null;
}

const toSeries = (r: SeriesRow): SeriesInfo => ({
  id: r.id,
  source: r.source,
  barCount: r.bar_count,
  firstTime: r.first_time,
  lastTime: r.last_time,
  hasVolume: r.has_volume === 1,
  createdAt: r.created_at,
});
const toWindowSet = (r: WindowSetRow): WindowSetInfo => ({
  id: r.id,
  seriesId: r.series_id,
  origin: r.origin,
  length: r.length,
  stride: r.stride,
  split: r.split,
  valFraction: r.val_fraction,
  seed: r.seed,
  windowCount: r.window_count,
  createdAt: r.created_at,
});
const toWindow = (r: WindowRow): WindowInfo => ({
  id: r.id,
  setId: r.set_id,
  seriesId: r.series_id,
  extId: r.ext_id,
  startIndex: r.start_index,
  length: r.length,
  startTime: r.start_time,
  endTime: r.end_time,
  role: r.role,
  reviewed: r.reviewed === 1,
});
const toLabel = (r: LabelRow): Label => ({
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
/** A label state from label_history; states written before schema v4 have no provenance: they were drawn by hand. */
function historyLabel(json: string): Label {
  const l = JSON.parse(json) as Partial<Label> & Omit<Label, 'origin' | 'originRun'>;
  return { ...l, origin: l.origin ?? 'drawn', originRun: l.originRun ?? null };
}
const toFinding = (r: FindingRow): StoredFinding => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  windowA: r.window_a,
  windowB: r.window_b,
  seriesId: r.series_id,
  startIndex: r.start_index,
  endIndex: r.end_index,
  severity: r.severity,
  message: r.message,
  status: r.status,
});
const asSettings = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const toRun = (r: RunDbRow): RunRow => ({
  id: r.id,
  model: r.model,
  config: asSettings(JSON.parse(r.config_json)),
  status: r.status,
  backend: r.backend,
  device: r.device,
  dataSnapshot: JSON.parse(r.data_snapshot_json),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  report: r.report_json === null ? null : JSON.parse(r.report_json),
  error: r.error,
});

const SERIES_COLUMNS = 'sid, id, source, bar_count, first_time, last_time, has_volume, created_at';
const WINDOW_SELECT = `SELECT w.id, w.set_id, s.series_id, w.ext_id, w.start_index, w.length, w.start_time, w.end_time, w.role, w.reviewed
  FROM windows w JOIN window_sets s ON s.id = w.set_id`;
const WINDOW_SET_SELECT = `SELECT s.*, (SELECT count(*) FROM windows w WHERE w.set_id = s.id) AS window_count FROM window_sets s`;
const LABEL_COLUMNS = 'l.id, l.window_id, l.start_time, l.end_time, l.type, l.confidence, l.note, l.author, l.origin, l.origin_run, l.created_at, l.updated_at';

/** Buffer view of a typed array's bytes, for BLOB columns. */
/** Bars per INSERT statement: 32 × 8 parameters; measured ~12 % less CPU than 8 per statement on 1M bars (docs/BENCHMARKS.md). */
const BATCH = 32;
const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** Copy a BLOB into a fresh (aligned) ArrayBuffer. */
const copyBlob = (b: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
};

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still answers kill(pid, 0), but
  // will never write again: on Linux, /proc tells (state Z). Elsewhere, trust kill.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** How long a write waits for another process's write lock by default (its CLI import, say). */
export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;

/** SQLITE_BUSY and its extended codes: another connection holds the lock. */
export function isBusyError(e: unknown): boolean {
  return e instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(e.code);
}

/** Blocks this thread for `ms` (the store is synchronous; a busy wait would burn a core). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
}

const canWrite = (p: string): boolean => {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks what a project path is before SQLite touches it, so each problem gets its own message
 * naming the path, and nothing is created unless asked: returns the file's size, or -1 when it is
 * missing and may be created.
 */
function checkProjectPath(path: string, opts: { create: boolean; readonly: boolean }): number {
  const dir = nodePath.dirname(nodePath.resolve(path));
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new ProjectOpenError('missing-directory', path, `${path}: a part of the path before the file name is a file, not a folder`);
    if (code === 'EACCES') throw new ProjectOpenError('not-readable', path, `${path}: permission denied (a folder on the path can't be read)`);
    if (code !== 'ENOENT') throw e;
    let dirStat: fs.Stats | null = null;
    try {
      dirStat = fs.statSync(dir);
    } catch {
      dirStat = null;
    }
    if (!dirStat?.isDirectory()) {
      const why = `the folder ${dir} does not exist (create it first; Candlemark creates project files, not folders)`;
      throw new ProjectOpenError('missing-directory', path, `${path}: ${why}`);
    }
    if (!opts.create) throw new ProjectNotFoundError(path);
    if (!canWrite(dir)) throw new ProjectOpenError('read-only-directory', path, `cannot create ${path}: the folder ${dir} is read-only`);
    return -1;
  }
  if (stat.isDirectory()) throw new ProjectOpenError('is-directory', path, `${path} is a folder, not a Candlemark project file`);
  // A FIFO or a device would block or never end when read: only a plain file can be a project.
  if (!stat.isFile()) throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (not a regular file)`);
  try {
    fs.accessSync(path, fs.constants.R_OK);
  } catch {
    throw new ProjectOpenError('not-readable', path, `${path} can't be read (permission denied)`);
  }
  if (!opts.readonly) {
    if (!canWrite(path)) {
      throw new ProjectOpenError('read-only-file', path, `${path} is read-only (no permission to write it): make it writable to edit the project`);
    }
    // WAL mode keeps <file>-wal and <file>-shm beside the project: SQLite must be able to create them.
    if (!canWrite(dir)) {
      throw new ProjectOpenError(
        'read-only-directory',
        path,
        `${path} is in a read-only folder (${dir}): Candlemark needs to create ${nodePath.basename(path)}-wal and -shm beside it; ` +
          'move the project to a writable folder',
      );
    }
  }
  return stat.size;
}

function assertFiniteNumber(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StoreError('invalid', `${name} must be a finite number (got ${String(v)})`);
}

function lowerBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function indexOfTime(a: Float64Array, t: number): number {
  const i = lowerBound(a, t);
  return i < a.length && a[i] === t ? i : -1;
}

export class ProjectStore {
  readonly path: string;
  readonly readonly: boolean;
  /** The underlying connection; exposed for tests and diagnostics only: write through the methods. */
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** The edit group in progress (editGroup), with its history_groups id once a change was recorded. */
  private group: { description: string; id: number | null; annotator: string } | null = null;
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
    private readonly busyTimeoutMs: number,
    /** True when this open made a new project (the file was missing or empty). */
    readonly created: boolean,
  ) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /**
   * Open (or with `create`, create) a project. Cheap regardless of project size: reads the header,
   * checks application_id/user_version, applies pending migrations, and marks runs whose process
   * died as interrupted. Bars are never loaded.
   */
  static open(path: string, opts: OpenOptions = {}): ProjectStore {
    const readonly = opts.readonly === true;
    // An empty file (e.g. left by a crash during creation) holds nothing to lose: it becomes a new
    // project only when the caller asked to create one, and is refused otherwise.
    const blankOk = opts.create === true && !readonly;
    const size = checkProjectPath(path, { create: blankOk, readonly });
    if (size === 0 && !blankOk) {
      const why = 'the file is empty; open it with create to make it a new project';
      throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${why})`);
    }
    if (size > 0) {
      const head = Buffer.alloc(16);
      const fd = fs.openSync(path, 'r');
      let n: number;
      try {
        n = fs.readSync(fd, head, 0, 16, 0);
      } finally {
        fs.closeSync(fd);
      }
      if (n < 16 || !head.equals(SQLITE_MAGIC)) {
        throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (not an SQLite database)`);
      }
    }

    const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: size >= 0 });
    } catch (e) {
      throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${(e as Error).message})`);
    }
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      let appId: number;
      let version: number;
      try {
        appId = db.pragma('application_id', { simple: true }) as number;
        version = db.pragma('user_version', { simple: true }) as number;
      } catch (e) {
        throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${(e as Error).message})`);
      }
      if (appId !== APPLICATION_ID) {
        const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get() as number;
        const blank = appId === 0 && version === 0 && tables === 0;
        if (!(blank && blankOk)) {
          const why = blank
            ? 'an empty SQLite database'
            : appId === 0
              ? `an SQLite database of another application (${tables} tables)`
              : `an SQLite database with application_id 0x${(appId >>> 0).toString(16)}`;
          throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${why})`);
        }
      }
      if (version > SCHEMA_VERSION) {
        throw new ProjectFormatError(
          'newer-than-app',
          path,
          `${path} was written by a newer Candlemark (schema v${version}; this app reads up to v${SCHEMA_VERSION})`,
        );
      }
      if (readonly) {
        if (version < SCHEMA_VERSION) {
          throw new ProjectFormatError(
            'needs-upgrade',
            path,
            `${path} uses an older project format (schema v${version}); open it for writing once to upgrade it to v${SCHEMA_VERSION}`,
          );
        }
      } else {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
      db.pragma('foreign_keys = ON');
      if (!readonly) migrate(db);
      const store = new ProjectStore(path, db, readonly, busyTimeoutMs, size <= 0);
      if (!readonly) store.markInterruptedRuns();
      return store;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** Prepared statement cache: every query is prepared once per connection. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
  private get1<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }
  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }
  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  /**
   * Run fn in one transaction (BEGIN IMMEDIATE, so concurrent writers wait instead of failing).
   * Nested calls join the outer transaction: an exception anywhere rolls back the whole outer one.
   *
   * Another process's write (the CLI on the same file) makes BEGIN wait: SQLite's busy_timeout
   * sleeps and retries for up to `busyTimeoutMs`. SQLite can also report BUSY without waiting (e.g.
   * while another connection recovers the WAL), so BEGIN is retried here too, with backoff, until the
   * same deadline. Only BEGIN is retried: once fn has run, its effects are rolled back and the
   * error is thrown (re-running fn could repeat what it did outside the database).
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let began = false;
      try {
        return this.db
          .transaction(() => {
            began = true;
            return fn();
          })
          .immediate();
      } catch (e) {
        const left = deadline - Date.now();
        if (began || !isBusyError(e) || left <= 0) throw e;
        sleepSync(Math.min(25 * 2 ** Math.min(attempt, 6), left));
      }
    }
  }

  private sidOf(seriesId: string): SeriesRow {
    const row = this.get1<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series WHERE id = ?`, seriesId);
    if (!row) throw new StoreError('not-found', `No series "${seriesId}" in this project`);
    return row;
  }

  // ---- series and bars ------------------------------------------------------------------------

  /**
   * Store a series and its bars in one transaction (all or nothing). Throws 'exists' when the id is
   * taken, unless opts.replace (see InsertSeriesOptions.replace).
   */
  insertSeries(id: string, source: string | null, bars: BarColumns, opts: InsertSeriesOptions = {}): SeriesInfo {
    if (typeof id !== 'string' || id.length === 0) throw new StoreError('invalid', 'Series id must be a non-empty string');
    const n = bars.time.length;
    for (const [name, col] of [
      ['open', bars.open],
      ['high', bars.high],
      ['low', bars.low],
      ['close', bars.close],
      ['volume', bars.volume],
    ] as const) {
      if (col !== null && col.length !== n) throw new StoreError('invalid', `Series "${id}": column ${name} has ${col.length} rows, time has ${n}`);
    }
    const { time, open, high, low, close, volume } = bars;
    for (let i = 0; i < n; i++) {
      const t = time[i];
      if (!Number.isFinite(t)) throw new StoreError('invalid', `Series "${id}": bar ${i} has no valid time`);
      if (i > 0 && !(t > time[i - 1])) {
        throw new StoreError('invalid', `Series "${id}": bar times must be strictly increasing (bar ${i} at ${t} follows ${time[i - 1]})`);
      }
      if (!(Number.isFinite(open[i]) && Number.isFinite(high[i]) && Number.isFinite(low[i]) && Number.isFinite(close[i]))) {
        throw new StoreError('invalid', `Series "${id}": bar ${i} has a missing or non-finite price`);
      }
      if (volume !== null && !Number.isFinite(volume[i])) throw new StoreError('invalid', `Series "${id}": bar ${i} has a non-finite volume`);
    }

    return this.transaction(() => {
      const now = Date.now();
      const existing = this.get1<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series WHERE id = ?`, id);
      let sid: number;
      if (existing) {
        if (!opts.replace) throw new StoreError('exists', `Series "${id}" already exists (re-import it with replace)`);
        sid = existing.sid;
        this.reanchorWindows(id, time);
        this.run('DELETE FROM bars WHERE sid = ?', sid);
        this.run(
          'UPDATE series SET source = ?, bar_count = ?, first_time = ?, last_time = ?, has_volume = ?, updated_at = ?, times = ? WHERE sid = ?',
          source,
          n,
          n ? time[0] : null,
          n ? time[n - 1] : null,
          volume ? 1 : 0,
          now,
          bytesOf(time),
          sid,
        );
      } else {
        sid = Number(
          this.run(
            'INSERT INTO series (id, source, bar_count, first_time, last_time, has_volume, created_at, updated_at, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            id,
            source,
            n,
            n ? time[0] : null,
            n ? time[n - 1] : null,
            volume ? 1 : 0,
            now,
            now,
            bytesOf(time),
          ).lastInsertRowid,
        );
      }
      // BATCH rows per statement cuts the per-call overhead; the tail goes row by row.
      const one = this.stmt('INSERT INTO bars (sid, idx, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const eight = this.stmt(
        'INSERT INTO bars (sid, idx, time, open, high, low, close, volume) VALUES ' + Array(BATCH).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
      );
      const params: unknown[] = new Array(BATCH * 8);
      const progressEvery = 1 << 16;
      let i = 0;
      for (; i + BATCH <= n; i += BATCH) {
        for (let k = 0; k < BATCH; k++) {
          const j = i + k;
          const o = k * 8;
          params[o] = sid;
          params[o + 1] = j;
          params[o + 2] = time[j];
          params[o + 3] = open[j];
          params[o + 4] = high[j];
          params[o + 5] = low[j];
          params[o + 6] = close[j];
          params[o + 7] = volume ? volume[j] : null;
        }
        eight.run(params);
        if (opts.onProgress && (i & (progressEvery - 1)) === 0 && i > 0) opts.onProgress(i / n);
      }
      for (; i < n; i++) one.run(sid, i, time[i], open[i], high[i], low[i], close[i], volume ? volume[i] : null);
      opts.onProgress?.(1);
      if (opts.importSettings !== undefined) this.run('UPDATE series SET import_settings = ? WHERE sid = ?', opts.importSettings, sid);
      return toSeries(this.get1<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series WHERE sid = ?`, sid)!);
    });
  }

  /** On replace: move every window of the series to the index of its start time in the new bars. */
  private reanchorWindows(seriesId: string, time: Float64Array): void {
    const windows = this.all<WindowRow>(`${WINDOW_SELECT} WHERE s.series_id = ?`, seriesId);
    const upd = this.stmt('UPDATE windows SET start_index = ?, end_time = ? WHERE id = ?');
    let broken = 0;
    let example = '';
    for (const w of windows) {
      const i = indexOfTime(time, w.start_time);
      if (i < 0 || i + w.length > time.length) {
        if (broken++ === 0) example = w.ext_id;
        continue;
      }
      upd.run(i, time[i + w.length - 1], w.id);
    }
    if (broken > 0) {
      throw new StoreError(
        'replace-conflict',
        `Re-importing "${seriesId}" would drop bars used by ${broken} window(s) (e.g. ${example}); import it under another id instead`,
      );
    }
    const labels = this.all<LabelRow & { w_start: number; w_end: number }>(
      `SELECT ${LABEL_COLUMNS}, w.start_time AS w_start, w.end_time AS w_end
         FROM labels l JOIN windows w ON w.id = l.window_id JOIN window_sets s ON s.id = w.set_id WHERE s.series_id = ?`,
      seriesId,
    );
    const lost = labels.filter(
      (l) => indexOfTime(time, l.start_time) < 0 || indexOfTime(time, l.end_time) < 0 || l.start_time < l.w_start || l.end_time > l.w_end,
    );
    if (lost.length > 0) {
      throw new StoreError(
        'replace-conflict',
        `Re-importing "${seriesId}" would drop bars that ${lost.length} label(s) start or end on (e.g. label ${lost[0].id}); import it under another id instead`,
      );
    }
  }

  /** The import settings a series was read with (JSON text as stored, migration 005); null when none. */
  getImportSettings(id: string): string | null {
    const r = this.get1<{ import_settings: string | null }>('SELECT import_settings FROM series WHERE id = ?', id);
    if (!r) throw new StoreError('not-found', `No series "${id}" in this project`);
    return r.import_settings;
  }

  /** Records the import settings of a series (JSON text; null clears them). */
  setImportSettings(id: string, json: string | null): void {
    const sid = this.sidOf(id).sid;
    this.run('UPDATE series SET import_settings = ? WHERE sid = ?', json, sid);
  }

  /** Delete a series with its bars, window sets, windows, labels (and their history) and findings. */
  deleteSeries(id: string): void {
    this.transaction(() => {
      const row = this.sidOf(id);
      this.run('DELETE FROM series WHERE sid = ?', row.sid);
      this.dropEmptyHistoryGroups();
    });
  }

  listSeries(): SeriesInfo[] {
    return this.all<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series ORDER BY id`).map(toSeries);
  }

  getSeries(id: string): SeriesInfo | null {
    const r = this.get1<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series WHERE id = ?`, id);
    return r ? toSeries(r) : null;
  }

  /** Bars [fromIndex, fromIndex + count) clipped to the series. */
  readBars(seriesId: string, fromIndex: number, count: number): BarColumns {
    const s = this.sidOf(seriesId);
    const from = Math.max(0, Math.floor(fromIndex));
    const to = Math.min(s.bar_count, Math.floor(fromIndex + count));
    const m = Math.max(0, to - from);
    const out: BarColumns = {
      time: new Float64Array(m),
      open: new Float64Array(m),
      high: new Float64Array(m),
      low: new Float64Array(m),
      close: new Float64Array(m),
      volume: s.has_volume ? new Float64Array(m) : null,
    };
    if (m === 0) return out;
    const rows = this.stmt('SELECT idx, time, open, high, low, close, volume FROM bars WHERE sid = ? AND idx >= ? AND idx < ? ORDER BY idx')
      .raw(true)
      .iterate(s.sid, from, to) as IterableIterator<[number, number, number, number, number, number, number | null]>;
    for (const r of rows) {
      const k = r[0] - from;
      out.time[k] = r[1];
      out.open[k] = r[2];
      out.high[k] = r[3];
      out.low[k] = r[4];
      out.close[k] = r[5];
      if (out.volume) out.volume[k] = r[6] ?? NaN;
    }
    return out;
  }

  /** All bar times of a series, for index<->time mapping (one blob read, not a scan of bars). */
  readTimes(seriesId: string): Float64Array {
    const r = this.get1<{ bar_count: number; times: Buffer | null }>('SELECT bar_count, times FROM series WHERE id = ?', seriesId);
    if (!r) throw new StoreError('not-found', `No series "${seriesId}" in this project`);
    if (r.times && r.times.byteLength === r.bar_count * 8) return new Float64Array(copyBlob(r.times));
    // Fallback (never expected): rebuild from the bars table.
    const out = new Float64Array(r.bar_count);
    const sid = this.sidOf(seriesId).sid;
    const rows = this.stmt('SELECT time FROM bars WHERE sid = ? ORDER BY idx').pluck(true).iterate(sid) as IterableIterator<number>;
    let k = 0;
    for (const t of rows) out[k++] = t;
    return out;
  }

  // ---- windows --------------------------------------------------------------------------------

  /** Create a window set and its windows in one transaction. Windows must lie inside the series. */
  createWindowSet(p: NewWindowSet, windows: NewWindow[]): WindowSetInfo {
    return this.transaction(() => {
      const s = this.sidOf(p.seriesId);
      if (p.origin !== 'cut' && p.origin !== 'imported') throw new StoreError('invalid', `Unknown window set origin "${String(p.origin)}"`);
      if (p.split !== 'chronological' && p.split !== 'random') throw new StoreError('invalid', `Unknown split "${String(p.split)}"`);
      const setId = Number(
        this.run(
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
      const timeAt = this.stmt('SELECT time FROM bars WHERE sid = ? AND idx = ?').pluck(true);
      const ins = this.stmt('INSERT INTO windows (set_id, ext_id, start_index, length, start_time, end_time, role) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const seen = new Set<string>();
      for (const w of windows) {
        if (!Number.isInteger(w.startIndex) || !Number.isInteger(w.length) || w.startIndex < 0 || w.length < 1 || w.startIndex + w.length > s.bar_count) {
          throw new StoreError(
            'invalid',
            `Window ${w.extId} (bars ${w.startIndex}..${w.startIndex + w.length - 1}) does not fit series "${p.seriesId}" (${s.bar_count} bars)`,
          );
        }
        if (w.role !== 'train' && w.role !== 'val' && w.role !== 'excluded') throw new StoreError('invalid', `Window ${w.extId}: unknown role "${String(w.role)}"`);
        if (seen.has(w.extId)) throw new StoreError('exists', `Window id ${w.extId} appears twice in the set`);
        seen.add(w.extId);
        const t0 = timeAt.get(s.sid, w.startIndex) as number;
        const t1 = timeAt.get(s.sid, w.startIndex + w.length - 1) as number;
        ins.run(setId, w.extId, w.startIndex, w.length, t0, t1, w.role);
      }
      return toWindowSet(this.get1<WindowSetRow>(`${WINDOW_SET_SELECT} WHERE s.id = ?`, setId)!);
    });
  }

  listWindowSets(): WindowSetInfo[] {
    return this.all<WindowSetRow>(`${WINDOW_SET_SELECT} ORDER BY s.id`).map(toWindowSet);
  }

  getWindowSet(id: number): WindowSetInfo | null {
    const r = this.get1<WindowSetRow>(`${WINDOW_SET_SELECT} WHERE s.id = ?`, id);
    return r ? toWindowSet(r) : null;
  }

  /** Windows ordered by set, then start index. */
  listWindows(filter: { setId?: number; seriesId?: string } = {}): WindowInfo[] {
    if (filter.setId !== undefined && filter.seriesId !== undefined) {
      return this.all<WindowRow>(`${WINDOW_SELECT} WHERE w.set_id = ? AND s.series_id = ? ORDER BY w.set_id, w.start_index, w.id`, filter.setId, filter.seriesId).map(toWindow);
    }
    if (filter.setId !== undefined) return this.all<WindowRow>(`${WINDOW_SELECT} WHERE w.set_id = ? ORDER BY w.start_index, w.id`, filter.setId).map(toWindow);
    if (filter.seriesId !== undefined) {
      return this.all<WindowRow>(`${WINDOW_SELECT} WHERE s.series_id = ? ORDER BY w.set_id, w.start_index, w.id`, filter.seriesId).map(toWindow);
    }
    return this.all<WindowRow>(`${WINDOW_SELECT} ORDER BY w.set_id, w.start_index, w.id`).map(toWindow);
  }

  /**
   * Windows of a series (all its sets) that share at least one bar with [fromIndex, toIndex],
   * ordered by set, then start index. Reads only those windows: a range scan per set on
   * (set_id, start_index), bounded below by the set's longest window (migration 003), so the
   * per-edit conflict check costs the same on a 1,000,000-bar series as on a small one.
   */
  listWindowsOverlapping(seriesId: string, fromIndex: number, toIndex: number): WindowInfo[] {
    if (!Number.isInteger(fromIndex) || !Number.isInteger(toIndex)) throw new StoreError('invalid', `bar range must be integers (got ${fromIndex}..${toIndex})`);
    if (toIndex < fromIndex) return [];
    // `w.start_index >= from - L + 1` is implied by the overlap test; it is spelt out because it is
    // what lets SQLite seek instead of scanning the set (L = the set's longest window).
    return this.all<WindowRow>(
      `${WINDOW_SELECT}
       WHERE s.series_id = ? AND w.start_index <= ?
         AND w.start_index >= ? - (SELECT max(m.length) FROM windows m WHERE m.set_id = s.id) + 1
         AND w.start_index + w.length - 1 >= ?
       ORDER BY w.set_id, w.start_index, w.id`,
      seriesId,
      toIndex,
      fromIndex,
      fromIndex,
    ).map(toWindow);
  }

  getWindow(id: number): WindowInfo | null {
    const r = this.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.id = ?`, id);
    return r ? toWindow(r) : null;
  }

  /** Window by external id; without setId, the one in the newest set when several sets use the id. */
  findWindowByExtId(extId: string, setId?: number): WindowInfo | null {
    const r =
      setId === undefined
        ? this.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.ext_id = ? ORDER BY w.set_id DESC LIMIT 1`, extId)
        : this.get1<WindowRow>(`${WINDOW_SELECT} WHERE w.ext_id = ? AND w.set_id = ?`, extId, setId);
    return r ? toWindow(r) : null;
  }

  /** Change windows' split roles (e.g. re-split). */
  setWindowRoles(roles: Array<{ windowId: number; role: SplitRole }>): void {
    this.transaction(() => {
      for (const r of roles) {
        if (r.role !== 'train' && r.role !== 'val' && r.role !== 'excluded') throw new StoreError('invalid', `Unknown role "${String(r.role)}"`);
        if (this.run('UPDATE windows SET role = ? WHERE id = ?', r.role, r.windowId).changes !== 1) throw new StoreError('not-found', `No window ${r.windowId}`);
      }
    });
  }

  /** Delete a window set with its windows, their labels (and label history), findings and predictions. */
  /**
   * Marks a window as looked at (labelled, or confirmed to have no span) or not. Recorded in the
   * history like a label edit, so undoing a labels import also un-reviews its windows.
   */
  setWindowReviewed(windowId: number, reviewed: boolean, annotator: string = this.annotator): void {
    this.editGroup(reviewed ? 'Mark window reviewed' : 'Mark window not reviewed', () => {
      const row = this.get1<{ reviewed: number }>('SELECT reviewed FROM windows WHERE id = ?', windowId);
      if (!row) throw new StoreError('not-found', `No window ${windowId}`);
      const next = reviewed ? 1 : 0;
      if (row.reviewed === next) return;
      this.run('UPDATE windows SET reviewed = ? WHERE id = ?', next, windowId);
      this.record(0, windowId, { reviewed: row.reviewed } as unknown as Label, { reviewed: next } as unknown as Label, 'review');
    }, annotator);
  }

  deleteWindowSet(id: number): void {
    this.transaction(() => {
      if (this.run('DELETE FROM window_sets WHERE id = ?', id).changes === 0) throw new StoreError('not-found', `No window set ${id}`);
      this.dropEmptyHistoryGroups();
    });
  }

  private dropEmptyHistoryGroups(): void {
    this.run('DELETE FROM history_groups WHERE NOT EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = history_groups.id)');
  }

  // ---- label types ----------------------------------------------------------------------------

  listLabelTypes(): LabelType[] {
    return this.all<{ name: string; color: string; sort_order: number }>('SELECT name, color, sort_order FROM label_types ORDER BY sort_order, name').map((r) => ({
      name: r.name,
      color: r.color,
      sortOrder: r.sort_order,
    }));
  }

  /** Replace the set of label types. Refuses to remove a type that labels still use. */
  setLabelTypes(types: LabelType[]): void {
    const names = new Set<string>();
    for (const t of types) {
      if (typeof t.name !== 'string' || t.name.trim() === '') throw new StoreError('invalid', 'Label type names must be non-empty');
      if (names.has(t.name)) throw new StoreError('invalid', `Label type "${t.name}" is listed twice`);
      if (typeof t.color !== 'string' || t.color === '') throw new StoreError('invalid', `Label type "${t.name}" needs a colour`);
      assertFiniteNumber(`Label type "${t.name}" sortOrder`, t.sortOrder);
      names.add(t.name);
    }
    this.transaction(() => {
      for (const old of this.listLabelTypes()) {
        if (names.has(old.name)) continue;
        const used = this.get1<{ n: number }>('SELECT count(*) AS n FROM labels WHERE type = ?', old.name)!;
        if (used.n > 0) {
          throw new StoreError('type-in-use', `Label type "${old.name}" is used by ${used.n} label(s); change or delete them before removing the type`);
        }
        this.run('DELETE FROM label_types WHERE name = ?', old.name);
      }
      for (const t of types) {
        this.run(
          'INSERT INTO label_types (name, color, sort_order) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET color = excluded.color, sort_order = excluded.sort_order',
          t.name,
          t.color,
          t.sortOrder,
        );
      }
    });
  }

  // ---- labels ---------------------------------------------------------------------------------

  private validateLabel(windowId: number, f: LabelFields): void {
    const w = this.get1<WindowRow & { sid: number }>(
      `SELECT w.*, s.series_id, se.sid FROM windows w JOIN window_sets s ON s.id = w.set_id JOIN series se ON se.id = s.series_id WHERE w.id = ?`,
      windowId,
    );
    if (!w) throw new StoreError('not-found', `No window ${windowId}`);
    if (typeof f.type !== 'string' || !this.get1('SELECT 1 FROM label_types WHERE name = ?', f.type)) {
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
    const inWindow = this.stmt('SELECT 1 FROM bars WHERE sid = ? AND idx >= ? AND idx < ? AND time = ?').pluck(true);
    for (const [name, t] of [
      ['start', f.startTime],
      ['end', f.endTime],
    ] as const) {
      if (t < w.start_time || t > w.end_time || !inWindow.get(w.sid, w.start_index, w.start_index + w.length, t)) {
        throw new StoreError('invalid', `Label ${name} ${t} is not the time of a bar in window ${w.ext_id} (${w.start_time}..${w.end_time})`);
      }
    }
  }

  /** Record one label change in the current edit group (creating the group row on first change). */
  private record(labelId: number, windowId: number, before: Label | null, after: Label | null, kind: 'label' | 'review' = 'label'): void {
    const g = this.group;
    if (!g) throw new StoreError('state', 'Label changes must run inside an edit group');
    const now = Date.now();
    if (g.id === null) {
      // A new edit after undo discards the undone groups: history stays linear.
      // Per annotator: only this annotator's undone groups go; another client's redo stack is theirs.
      this.run('DELETE FROM history_groups WHERE undone = 1 AND annotator = ?', g.annotator);
      g.id = Number(this.run('INSERT INTO history_groups (description, created_at, annotator) VALUES (?, ?, ?)', g.description, now, g.annotator).lastInsertRowid);
    }
    this.run(
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
   * Group several label edits into one undo step of `annotator` (default: this.annotator), in one
   * transaction. Nested calls join the outer group (the outer description and annotator win).
   */
  editGroup<T>(description: string, fn: () => T, annotator: string = this.annotator): T {
    if (this.group) return fn();
    return this.transaction(() => {
      this.group = { description, id: null, annotator };
      try {
        return fn();
      } finally {
        this.group = null;
      }
    });
  }

  /** Adds a label; its author (default this.annotator) is also whose undo step it is, unless an outer group says otherwise. */
  addLabel(windowId: number, fields: NewLabelFields): Label {
    const author = fields.author ?? this.annotator;
    return this.editGroup('Add label', () => {
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
      this.validateLabel(windowId, f);
      if (fields.labelledAt !== undefined) assertFiniteNumber('labelledAt', fields.labelledAt);
      const now = fields.labelledAt ?? Date.now();
      const id = Number(
        this.run(
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
      this.record(id, windowId, null, label);
      return label;
    }, author);
  }

  /**
   * Edits a label as `annotator` (default this.annotator; it becomes the label's author). Changing the
   * span, type or confidence of a model-written span ('accepted' or 'confirmed') makes it
   * 'accepted-edited': the analyst has now put their own judgement into it.
   */
  updateLabel(id: number, patch: Partial<LabelFields>, annotator: string = this.annotator): Label {
    return this.editGroup('Edit label', () => {
      const before = this.getLabel(id);
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
      this.validateLabel(before.windowId, f);
      const after: Label = { ...before, ...f, updatedAt: Math.max(Date.now(), before.updatedAt) };
      this.run(
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
      this.record(id, before.windowId, before, after);
      return after;
    }, annotator);
  }

  deleteLabel(id: number, annotator: string = this.annotator): void {
    this.editGroup('Delete label', () => {
      const before = this.getLabel(id);
      if (!before) throw new StoreError('not-found', `No label ${id}`);
      this.run('DELETE FROM labels WHERE id = ?', id);
      this.record(id, before.windowId, before, null);
    }, annotator);
  }

  getLabel(id: number): Label | null {
    const r = this.get1<LabelRow>(`SELECT ${LABEL_COLUMNS} FROM labels l WHERE l.id = ?`, id);
    return r ? toLabel(r) : null;
  }

  /** Labels ordered by window, start time, id. Filters combine with AND. */
  listLabels(filter: { windowId?: number; seriesId?: string; setId?: number } = {}): Label[] {
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
    return this.all<LabelRow>(sql, ...params).map(toLabel);
  }

  /** Put a label into the given state (null = absent), keeping its id. Used by undo/redo. */
  private applyLabelState(labelId: number, json: string | null): void {
    if (json === null) {
      this.run('DELETE FROM labels WHERE id = ?', labelId);
      return;
    }
    const l = historyLabel(json);
    this.run(
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
  private historyMismatch(e: HistoryEntryRow, expectedJson: string | null): string | null {
    if (e.entry_kind === 'review') {
      const now = this.get1<{ reviewed: number }>('SELECT reviewed FROM windows WHERE id = ?', e.window_id);
      const want = (JSON.parse(expectedJson!) as { reviewed: number }).reviewed;
      return now && now.reviewed !== want ? `window ${e.window_id}'s "reviewed" mark was changed since` : null;
    }
    const current = this.getLabel(e.label_id);
    if (expectedJson === null) return current ? `label ${e.label_id} was added again since (by ${current.author || 'someone'})` : null;
    const want = historyLabel(expectedJson);
    if (!current) return `label ${e.label_id} was deleted since`;
    const same = (['windowId', 'startTime', 'endTime', 'type', 'confidence', 'note', 'author', 'origin', 'originRun'] as const).every((k) => current[k] === want[k]);
    return same ? null : `label ${e.label_id} was changed since by ${current.author || 'someone'}`;
  }

  private step(direction: 'undo' | 'redo', annotator?: string): HistoryStep | null {
    if (this.group) throw new StoreError('state', `Cannot ${direction} inside an edit group`);
    if (this.readonly) throw new StoreError('state', `Cannot ${direction}: the project is open read-only`);
    try {
      return this.transaction(() => {
        for (;;) {
          // Without an annotator: the project's whole history (one user, or tools); with one: only theirs.
          const who = annotator === undefined ? '' : ' AND annotator = ?';
          const params = annotator === undefined ? [] : [annotator];
          const g =
            direction === 'undo'
              ? this.get1<{ id: number; description: string; annotator: string }>(`SELECT id, description, annotator FROM history_groups WHERE undone = 0${who} ORDER BY id DESC LIMIT 1`, ...params)
              : this.get1<{ id: number; description: string; annotator: string }>(`SELECT id, description, annotator FROM history_groups WHERE undone = 1${who} ORDER BY id ASC LIMIT 1`, ...params);
          if (!g) return null;
          const entries = this.all<HistoryEntryRow>(
            direction === 'undo'
              ? 'SELECT entry_kind, label_id, window_id, before_json, after_json FROM label_history WHERE group_id = ? ORDER BY seq DESC'
              : 'SELECT entry_kind, label_id, window_id, before_json, after_json FROM label_history WHERE group_id = ? ORDER BY seq ASC',
            g.id,
          );
          if (entries.length === 0) {
            this.run('DELETE FROM history_groups WHERE id = ?', g.id);
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
            const mismatch = this.historyMismatch(e, direction === 'undo' ? e.after_json : e.before_json);
            if (mismatch) throw new StoreError('history-conflict', `Cannot ${direction} "${g.description}": ${mismatch}`);
          }
          const windowIds = new Set<number>();
          for (const e of entries) {
            const state = direction === 'undo' ? e.before_json : e.after_json;
            if (e.entry_kind === 'review') this.run('UPDATE windows SET reviewed = ? WHERE id = ?', (JSON.parse(state!) as { reviewed: number }).reviewed, e.window_id);
            else this.applyLabelState(e.label_id, state);
            windowIds.add(e.window_id);
          }
          this.run('UPDATE history_groups SET undone = ? WHERE id = ?', direction === 'undo' ? 1 : 0, g.id);
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

  /**
   * Undo the newest edit group (of `annotator`, when given: per-annotator undo). Returns what was
   * undone, or null when there is nothing to undo.
   */
  undo(annotator?: string): HistoryStep | null {
    return this.step('undo', annotator);
  }

  /** Redo the oldest undone edit group (of `annotator`, when given). */
  redo(annotator?: string): HistoryStep | null {
    return this.step('redo', annotator);
  }

  historyState(annotator?: string): HistoryState {
    const who = annotator === undefined ? '' : ' AND annotator = ?';
    const params = annotator === undefined ? [] : [annotator];
    const u = this.get1<{ description: string }>(
      `SELECT description FROM history_groups g WHERE undone = 0${who} AND EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = g.id) ORDER BY id DESC LIMIT 1`,
      ...params,
    );
    const r = this.get1<{ description: string }>(
      `SELECT description FROM history_groups g WHERE undone = 1${who} AND EXISTS (SELECT 1 FROM label_history h WHERE h.group_id = g.id) ORDER BY id ASC LIMIT 1`,
      ...params,
    );
    const s: HistoryState = { canUndo: !!u, canRedo: !!r };
    if (u) s.undoDescription = u.description;
    if (r) s.redoDescription = r.description;
    return s;
  }

  /** Forget all undo/redo history (labels are untouched). */
  clearHistory(): void {
    this.transaction(() => this.run('DELETE FROM history_groups'));
  }

  // ---- findings -------------------------------------------------------------------------------

  /**
   * Store recomputed findings. Findings whose key already exists are updated in place and keep their
   * status; findings within the scope (touching one of scope.windowIds, or all) whose key is not in
   * `findings` are deleted. Duplicate keys in the input: the most severe wins.
   */
  replaceFindings(scope: { windowIds: number[] } | 'all', findings: FindingInput[]): void {
    const byKey = new Map<string, FindingInput>();
    for (const f of findings) {
      const key = f.key ?? findingKey(f);
      const prev = byKey.get(key);
      if (!prev || f.severity > prev.severity) byKey.set(key, f);
    }
    this.transaction(() => {
      const now = Date.now();
      let existing: Array<{ id: number; key: string }>;
      if (scope === 'all') existing = this.all('SELECT id, key FROM findings');
      else {
        // Through the window_a / window_b indexes: an edit reads the findings of the windows it
        // touched, not every finding in the project.
        const byId = new Map<number, { id: number; key: string }>();
        const stmt = this.stmt('SELECT id, key FROM findings WHERE window_a = ? UNION SELECT id, key FROM findings WHERE window_b = ?');
        for (const w of new Set(scope.windowIds)) for (const r of stmt.all(w, w) as { id: number; key: string }[]) byId.set(r.id, r);
        existing = [...byId.values()];
      }
      for (const r of existing) if (!byKey.has(r.key)) this.run('DELETE FROM findings WHERE id = ?', r.id);
      for (const [key, f] of byKey) {
        this.run(
          `INSERT INTO findings (key, kind, window_a, window_b, series_id, start_index, end_index, severity, message, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
           ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, window_a = excluded.window_a, window_b = excluded.window_b, series_id = excluded.series_id,
             start_index = excluded.start_index, end_index = excluded.end_index, severity = excluded.severity, message = excluded.message, updated_at = excluded.updated_at`,
          key,
          f.kind,
          f.windowA,
          f.windowB,
          f.seriesId,
          f.startIndex,
          f.endIndex,
          f.severity,
          f.message,
          now,
          now,
        );
      }
    });
  }

  /** Findings, most severe first. */
  listFindings(filter: { status?: FindingStatus; windowId?: number } = {}): StoredFinding[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.windowId !== undefined) {
      where.push('(window_a = ? OR window_b = ?)');
      params.push(filter.windowId, filter.windowId);
    }
    return this.all<FindingRow>(`SELECT * FROM findings${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY severity DESC, id`, ...params).map(toFinding);
  }

  /** One finding, or null. */
  getFinding(id: number): StoredFinding | null {
    const row = this.get1<FindingRow>('SELECT * FROM findings WHERE id = ?', id);
    return row ? toFinding(row) : null;
  }

  /** How many findings have the status (an indexed count; the UI asks after every edit). */
  countFindings(status: FindingStatus): number {
    return this.get1<{ n: number }>('SELECT COUNT(*) AS n FROM findings WHERE status = ?', status)!.n;
  }

  setFindingStatus(id: number, status: FindingStatus): void {
    if (status !== 'open' && status !== 'resolved' && status !== 'ignored') throw new StoreError('invalid', `Unknown finding status "${String(status)}"`);
    if (this.run('UPDATE findings SET status = ?, updated_at = ? WHERE id = ?', status, Date.now(), id).changes !== 1) {
      throw new StoreError('not-found', `No finding ${id}`);
    }
  }

  // ---- training runs --------------------------------------------------------------------------

  /** Start a run (status 'running', owned by this process). */
  createRun(p: { model: string; config: Record<string, unknown>; dataSnapshot: unknown; backend: string; device: string }): number {
    return Number(
      this.run(
        "INSERT INTO runs (model, config_json, status, backend, device, data_snapshot_json, started_at, owner_pid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
        p.model,
        JSON.stringify(p.config ?? null),
        p.backend,
        p.device,
        JSON.stringify(p.dataSnapshot ?? null),
        Date.now(),
        process.pid,
      ).lastInsertRowid,
    );
  }

  /** Record (or overwrite) one epoch's metrics. */
  appendEpoch(runId: number, epoch: number, metrics: unknown, seconds: number): void {
    this.requireRun(runId);
    this.run(
      'INSERT INTO epochs (run_id, epoch, metrics_json, seconds) VALUES (?, ?, ?, ?) ON CONFLICT(run_id, epoch) DO UPDATE SET metrics_json = excluded.metrics_json, seconds = excluded.seconds',
      runId,
      epoch,
      JSON.stringify(metrics ?? null),
      seconds,
    );
  }

  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, report?: unknown, error?: string): void {
    if (!['completed', 'cancelled', 'interrupted', 'failed'].includes(status)) throw new StoreError('invalid', `Unknown run status "${String(status)}"`);
    const r = this.run(
      'UPDATE runs SET status = ?, finished_at = ?, report_json = ?, error = ? WHERE id = ?',
      status,
      Date.now(),
      report === undefined ? null : JSON.stringify(report),
      error ?? null,
      runId,
    );
    if (r.changes !== 1) throw new StoreError('not-found', `No run ${runId}`);
  }

  /**
   * Mark runs left 'running' by a process that no longer exists as 'interrupted' (called by open()).
   * Runs owned by a live process (this one included, e.g. a training worker thread) are left alone
   * unless opts.all. Returns how many runs were marked.
   */
  markInterruptedRuns(opts: { all?: boolean } = {}): number {
    const running = this.all<{ id: number; owner_pid: number | null }>("SELECT id, owner_pid FROM runs WHERE status = 'running'");
    const dead = running.filter((r) => opts.all || r.owner_pid === null || (r.owner_pid !== process.pid && !isPidAlive(r.owner_pid)));
    if (dead.length === 0) return 0;
    this.transaction(() => {
      for (const r of dead) {
        // Ended when it was last heard of, not now: start + the stored epochs' durations (a lower
        // bound; setup time is not stored), so its duration doesn't include the time the app was closed.
        this.run(
          `UPDATE runs SET status = 'interrupted',
             finished_at = started_at + CAST(round(1000 * coalesce((SELECT sum(seconds) FROM epochs e WHERE e.run_id = runs.id), 0)) AS INTEGER),
             error = coalesce(error, 'the app stopped while training')
           WHERE id = ? AND status = 'running'`,
          r.id,
        );
      }
    });
    return dead.length;
  }

  private requireRun(runId: number): void {
    if (!this.get1('SELECT 1 FROM runs WHERE id = ?', runId)) throw new StoreError('not-found', `No run ${runId}`);
  }

  /** Runs, newest first. */
  listRuns(): RunRow[] {
    return this.all<RunDbRow>('SELECT * FROM runs ORDER BY id DESC').map(toRun);
  }

  getRun(id: number): RunRow | null {
    const r = this.get1<RunDbRow>('SELECT * FROM runs WHERE id = ?', id);
    return r ? toRun(r) : null;
  }

  /** Delete a run with its epochs, models and predictions. */
  deleteRun(id: number): void {
    if (this.run('DELETE FROM runs WHERE id = ?', id).changes !== 1) throw new StoreError('not-found', `No run ${id}`);
  }

  listEpochs(runId: number): EpochRow[] {
    return this.all<{ run_id: number; epoch: number; metrics_json: string; seconds: number }>('SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch', runId).map((r) => ({
      runId: r.run_id,
      epoch: r.epoch,
      metrics: JSON.parse(r.metrics_json),
      seconds: r.seconds,
    }));
  }

  /** Store (or overwrite) one ensemble member's weights and spec (features, normalisation, threshold, topology). */
  saveModel(runId: number, member: number, weights: Uint8Array, spec: unknown): void {
    this.requireRun(runId);
    this.run(
      'INSERT INTO models (run_id, member, weights, spec_json) VALUES (?, ?, ?, ?) ON CONFLICT(run_id, member) DO UPDATE SET weights = excluded.weights, spec_json = excluded.spec_json',
      runId,
      member,
      bytesOf(weights),
      JSON.stringify(spec ?? null),
    );
  }

  /** Members of a run, by member index. */
  loadModels(runId: number): ModelRow[] {
    return this.all<{ run_id: number; member: number; weights: Buffer; spec_json: string }>('SELECT * FROM models WHERE run_id = ? ORDER BY member', runId).map((r) => ({
      runId: r.run_id,
      member: r.member,
      weights: new Uint8Array(copyBlob(r.weights)),
      spec: JSON.parse(r.spec_json),
    }));
  }

  /** Store (or overwrite) per-window predictions of a run, in one transaction. */
  savePredictions(runId: number, rows: Array<{ windowId: number; probs: Float32Array; spans: unknown; viterbi?: Uint8Array | null; typeProbs?: Float32Array | null }>): void {
    this.predictionWrites++;
    this.transaction(() => {
      this.requireRun(runId);
      for (const r of rows) {
        this.run(
          `INSERT INTO predictions (run_id, window_id, probs, spans_json, viterbi, type_probs) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(run_id, window_id) DO UPDATE SET probs = excluded.probs, spans_json = excluded.spans_json,
             viterbi = excluded.viterbi, type_probs = excluded.type_probs`,
          runId,
          r.windowId,
          bytesOf(r.probs),
          JSON.stringify(r.spans ?? null),
          r.viterbi ? bytesOf(r.viterbi) : null,
          r.typeProbs ? bytesOf(r.typeProbs) : null,
        );
      }
    });
  }

  listPredictions(runId: number, windowId?: number): PredictionRow[] {
    type Row = { run_id: number; window_id: number; probs: Buffer; spans_json: string; viterbi: Buffer | null; type_probs: Buffer | null };
    const rows =
      windowId === undefined
        ? this.all<Row>('SELECT * FROM predictions WHERE run_id = ? ORDER BY window_id', runId)
        : this.all<Row>('SELECT * FROM predictions WHERE run_id = ? AND window_id = ?', runId, windowId);
    return rows.map((r) => ({
      runId: r.run_id,
      windowId: r.window_id,
      probs: new Float32Array(copyBlob(r.probs)),
      spans: JSON.parse(r.spans_json),
      viterbi: r.viterbi ? new Uint8Array(copyBlob(r.viterbi)) : null,
      typeProbs: r.type_probs ? new Float32Array(copyBlob(r.type_probs)) : null,
    }));
  }

  // ---- review decisions -----------------------------------------------------------------------
  // Not part of the label history on purpose: a decision says what the analyst thought of a
  // prediction; the labels it produced are undoable like any edit.

  /** Record (or replace) the decision on a run's prediction for a window; null removes it. */
  setReviewDecision(runId: number, windowId: number, decision: ReviewDecisionRow['decision'] | null, author = ''): void {
    this.transaction(() => {
      this.requireRun(runId);
      if (!this.get1('SELECT 1 AS x FROM windows WHERE id = ?', windowId)) throw new StoreError('not-found', `No window ${windowId}`);
      if (decision === null) {
        this.run('DELETE FROM review_decisions WHERE run_id = ? AND window_id = ?', runId, windowId);
        return;
      }
      this.run(
        `INSERT INTO review_decisions (run_id, window_id, decision, author, decided_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(run_id, window_id) DO UPDATE SET decision = excluded.decision, author = excluded.author, decided_at = excluded.decided_at, confirmed_at = NULL`,
        runId,
        windowId,
        decision,
        author,
        Date.now(),
      );
    });
  }

  /** The analyst confirms what accepting predictions on a window decided (issue #12). Returns how many decisions. */
  confirmReviewDecisions(windowId: number, at = Date.now()): number {
    return this.transaction(
      () => this.run("UPDATE review_decisions SET confirmed_at = ? WHERE window_id = ? AND decision = 'accepted' AND confirmed_at IS NULL", at, windowId).changes,
    );
  }

  /**
   * Windows whose "reviewed, no span" mark is only a model's verdict: reviewed, without labels, with an
   * accepted and unconfirmed prediction. With setId, only that set's windows.
   */
  listModelOnlyNegatives(setId?: number): number[] {
    return this.all<{ id: number }>(
      `SELECT w.id FROM windows w WHERE w.reviewed = 1${setId === undefined ? '' : ' AND w.set_id = ?'}
         AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.window_id = w.id)
         AND EXISTS (SELECT 1 FROM review_decisions d WHERE d.window_id = w.id AND d.decision = 'accepted' AND d.confirmed_at IS NULL)
       ORDER BY w.id`,
      ...(setId === undefined ? [] : [setId]),
    ).map((r) => r.id);
  }

  listReviewDecisions(runId: number): ReviewDecisionRow[] {
    return this.all<{ window_id: number; decision: ReviewDecisionRow['decision']; author: string; decided_at: number }>(
      'SELECT window_id, decision, author, decided_at FROM review_decisions WHERE run_id = ? ORDER BY window_id',
      runId,
    ).map((r) => ({ windowId: r.window_id, decision: r.decision, author: r.author, decidedAt: r.decided_at }));
  }

  // ---- summary --------------------------------------------------------------------------------

  /**
   * The home screen's counts, aggregated in SQL: the renderer asks after every burst of edits, and
   * reading every window, label and finding row for it took ~100 ms on a 1,000,000-bar project.
   */
  projectCounts(): ProjectCounts {
    const r = this.get1<{
      windows: number;
      labelledWindows: number;
      labels: number;
      windowsInConflict: number;
      open: number;
      resolved: number;
      ignored: number;
      runs: number;
    }>(
      `SELECT (SELECT count(*) FROM windows) AS windows,
              (SELECT count(*) FROM windows w WHERE w.reviewed = 1 OR EXISTS (SELECT 1 FROM labels l WHERE l.window_id = w.id)) AS labelledWindows,
              (SELECT count(*) FROM labels) AS labels,
              (SELECT count(*) FROM (SELECT window_a AS w FROM findings WHERE status = 'open'
                                     UNION SELECT window_b FROM findings WHERE status = 'open')) AS windowsInConflict,
              (SELECT count(*) FROM findings WHERE status = 'open') AS open,
              (SELECT count(*) FROM findings WHERE status = 'resolved') AS resolved,
              (SELECT count(*) FROM findings WHERE status = 'ignored') AS ignored,
              (SELECT count(*) FROM runs) AS runs`,
    )!;
    return {
      windows: r.windows,
      labelledWindows: r.labelledWindows,
      unlabelledWindows: r.windows - r.labelledWindows,
      windowsInConflict: r.windowsInConflict,
      labels: r.labels,
      findings: { open: r.open, resolved: r.resolved, ignored: r.ignored },
      runs: r.runs,
    };
  }

  stats(): StoreStats {
    return this.get1<StoreStats>(
      `SELECT (SELECT count(*) FROM series) AS series,
              (SELECT coalesce(sum(bar_count), 0) FROM series) AS bars,
              (SELECT count(*) FROM windows) AS windows,
              (SELECT count(*) FROM labels) AS labels,
              (SELECT count(DISTINCT window_id) FROM labels) AS labelledWindows,
              (SELECT count(*) FROM findings WHERE status = 'open') AS openFindings`,
    )!;
  }

  // ---- review queue measures (issue #12, the `queue` area: core/store/prediction-measures.ts) ---------

  /** The queue's per-window measures of a run's predictions (CRF P(path), member disagreement). */
  savePredictionMeasures(runId: number, rows: ReadonlyArray<{ windowId: number; pathLogProb?: number | null; memberSpread?: number | null }>): void {
    this.requireRun(runId);
    savePredictionMeasures(this.db, runId, rows);
  }

  listPredictionMeasures(runId: number, windowId?: number): Map<number, PredictionMeasures> {
    return listPredictionMeasures(this.db, runId, windowId);
  }
}
