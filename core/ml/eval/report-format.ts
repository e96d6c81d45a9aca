/**
 * Shared by the report renderers: the run's stored row (ReportMeta), the format-neutral Table the
 * content is built as, colours, and how numbers, dates and settings are written.
 */
import type { RunReport } from './report-types.ts';
import type { TaskName } from './types.ts';

/** What the report doesn't carry itself: the stored run's row. */
export interface ReportMeta {
  runId: number;
  status?: string;
  startedAt?: number | null;
  finishedAt?: number | null;
  /** The project file's name (shown in the header). */
  project?: string | null;
  /** When the file was written (default: now). */
  generatedAt?: number;
}

export interface Table {
  title: string;
  note?: string;
  head: string[];
  rows: string[][];
  /** Columns (index) holding numbers: right-aligned in HTML. */
  numeric?: number[];
  /** Cells [row, col] to emphasise (the winner of a decision-matrix row). */
  strong?: [number, number][];
}

export const COLORS = { train: '#2563eb', val: '#ea580c', inside: '#0d9488', outside: '#94a3b8' };
/** One colour per task, in exported reports and in the app's live plots. */
export const TASK_COLORS: Record<TaskName, string> = { pointer: '#7c3aed', type: '#0891b2', span: '#dc2626', countdown: '#d97706' };
export const RUN_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#475569'];

export const fin = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
export const f3 = (x: unknown) => (fin(x) ? (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(3)) : '—');
export const f2 = (x: unknown) => (fin(x) ? x.toFixed(2) : '—');
export const pct = (x: unknown) => (fin(x) ? `${(x * 100).toFixed(1)} %` : '—');
export const int = (x: unknown) => (fin(x) ? Math.round(x).toLocaleString('en') : '—');
/** The epoch a report's model was kept at (older reports: the span loss's minimum, which it was then). */
export const keptEpochOf = (r: RunReport): number => r.loss.keptEpoch ?? r.loss.valCriterion.bestEpoch;
/** How that epoch was chosen, in words. */
export const keptByLabel = (r: RunReport): string =>
  r.loss.keptBy === 'span-f1'
    ? 'highest validation span F1 (soft at 0.5, CRF by Viterbi), ties by the lower span loss'
    : `lowest unweighted validation ${critLabel(r)} loss`;
export const critLabel = (r: RunReport) => (r.loss.criterion === 'span+countdown' ? 'span + countdown' : 'span');
export const yesNo = (b: unknown) => (b ? 'yes' : 'no');
export const date = (t: number | null | undefined) =>
  fin(t)
    ? new Date(t)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace('T', ' ')
    : '—';
export function duration(s: unknown): string {
  if (!fin(s)) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
export const prf = (p: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }) => [
  f3(p.f1),
  f3(p.precision),
  f3(p.recall),
  `${int(p.tp)} / ${int(p.fp)} / ${int(p.fn)}`,
];

export function flatten(obj: unknown, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, obj]);
  return out;
}
export const value = (v: unknown) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : f3(v)) : v === undefined || v === null ? '—' : Array.isArray(v) ? v.join(', ') : String(v);
