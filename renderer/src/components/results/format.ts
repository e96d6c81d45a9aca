/** Number, duration and table-cell formats of the training view (runs list, report, comparison). */

export const fmtNum = (v: number | null | undefined, digits = 3) => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** A share (0..1) as a percentage; tick labels use fewer digits than read-outs. */
export const fmtPct = (v: number | null | undefined, digits = 1) => (v == null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)} %`);

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The cells of one decision-matrix row. Values arrive as JSON, where NaN and undefined (a run
 * without the figure) have become null: those show as a dash, not as "null". A row of counts
 * (epochs to converge) prints whole numbers; every other row prints three decimals, so an F1 of
 * exactly 0 reads "0.000" next to "0.300". The matrix doesn't say which rows count things: a row
 * of whole numbers that are all 0 or 1 is taken for fractions (F1, shares), which is what those are.
 */
export function fmtMatrixRow(values: unknown[]): string[] {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  const whole = numbers.every((v) => Number.isInteger(v)) && numbers.some((v) => v !== 0 && v !== 1);
  return values.map((v) => {
    if (typeof v === 'number') return whole ? String(v) : fmtNum(v);
    if (v === undefined || v === null) return '—';
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/**
 * A config-diff cell: numbers at full precision, because the row exists only since the values
 * differ, and rounding (learning rate 0.003 vs 0.0025) could print two different values alike.
 */
export function fmtSetting(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ');
  return typeof v === 'string' ? v : JSON.stringify(v);
}
