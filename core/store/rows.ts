/**
 * SQL row shapes of the store's tables, their conversions to the domain and public types, the
 * column lists the per-table modules share, and small helpers for BLOB columns and bar times.
 */
import type { Finding, FindingStatus, Label, LabelOrigin, RunStatus, SeriesInfo, SplitKind, SplitRole, WindowInfo, WindowSetInfo } from '../domain/types.ts';
import { StoreError } from './errors.ts';
import { lowerBound } from '../shared/search.ts';
import type { RunRow, StoredFinding } from './types.ts';

export interface SeriesRow {
  sid: number;
  id: string;
  source: string | null;
  bar_count: number;
  first_time: number | null;
  last_time: number | null;
  has_volume: number;
  created_at: number;
}
export interface WindowSetRow {
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
export interface WindowRow {
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
export interface LabelRow {
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
export interface FindingRow {
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
export interface RunDbRow {
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
export interface HistoryEntryRow {
  entry_kind: 'label' | 'review';
  label_id: number;
  window_id: number;
  before_json: string | null;
  after_json: string | null;
}

export const toSeries = (r: SeriesRow): SeriesInfo => ({
  id: r.id,
  source: r.source,
  barCount: r.bar_count,
  firstTime: r.first_time,
  lastTime: r.last_time,
  hasVolume: r.has_volume === 1,
  createdAt: r.created_at,
});
export const toWindowSet = (r: WindowSetRow): WindowSetInfo => ({
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
export const toWindow = (r: WindowRow): WindowInfo => ({
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
export const toLabel = (r: LabelRow): Label => ({
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
export function historyLabel(json: string): Label {
  const l = JSON.parse(json) as Partial<Label> & Omit<Label, 'origin' | 'originRun'>;
  return { ...l, origin: l.origin ?? 'drawn', originRun: l.originRun ?? null };
}
export const toFinding = (r: FindingRow): StoredFinding => ({
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
export const asSettings = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const toRun = (r: RunDbRow): RunRow => ({
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

export const SERIES_COLUMNS = 'sid, id, source, bar_count, first_time, last_time, has_volume, created_at';
export const WINDOW_SELECT = `SELECT w.id, w.set_id, s.series_id, w.ext_id, w.start_index, w.length, w.start_time, w.end_time, w.role, w.reviewed
  FROM windows w JOIN window_sets s ON s.id = w.set_id`;
export const WINDOW_SET_SELECT = `SELECT s.*, (SELECT count(*) FROM windows w WHERE w.set_id = s.id) AS window_count FROM window_sets s`;
export const LABEL_COLUMNS =
  'l.id, l.window_id, l.start_time, l.end_time, l.type, l.confidence, l.note, l.author, l.origin, l.origin_run, l.created_at, l.updated_at';

/** Buffer view of a typed array's bytes, for BLOB columns. */
export const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** Copy a BLOB into a fresh (aligned) ArrayBuffer. */
export const copyBlob = (b: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
};

export function assertFiniteNumber(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StoreError('invalid', `${name} must be a finite number (got ${String(v)})`);
}

export { lowerBound };
export function indexOfTime(a: Float64Array, t: number): number {
  const i = lowerBound(a, t);
  return i < a.length && a[i] === t ? i : -1;
}
