/**
 * The "label next" queue: windows nobody has labelled or decided on, the ones the model is least
 * sure about first (uncertainty sampling). Node-free: the CLI and the renderer share it.
 *
 * Issue #12: it draws only from windows training uses (role 'train'): labelling a validation window
 * because the model was unsure there would choose evaluation data by the model's own output. And a
 * batch is diverse: a window that shares bars with one already in the batch (overlapping windows of
 * the same move) goes after every window that does not.
 */
import type { ReviewWindowRow } from './types.ts';

const sharesBars = (a: ReviewWindowRow, b: ReviewWindowRow) => a.seriesId === b.seriesId && a.startTime <= b.endTime && b.startTime <= a.endTime;

export function leastSureQueue(rows: readonly ReviewWindowRow[], limit: number): ReviewWindowRow[] {
  const n = Math.max(0, limit);
  const ranked = rows
    .filter((r) => r.status === 'unlabelled' && r.decision === null && r.role === 'train')
    .sort((a, b) => b.uncertainty - a.uncertainty || a.index - b.index);
  const picked: ReviewWindowRow[] = [];
  const deferred: ReviewWindowRow[] = [];
  for (const r of ranked) {
    if (picked.length >= n) break;
    if (picked.some((p) => sharesBars(p, r))) deferred.push(r);
    else picked.push(r);
  }
  // Not enough separate windows: fill up with the overlapping ones, still most uncertain first.
  for (const r of deferred) {
    if (picked.length >= n) break;
    picked.push(r);
  }
  return picked;
}

/** Disagreements the analyst has not decided on yet, in window order: the "next disagreement" key walks these. */
export function isOpenDisagreement(row: ReviewWindowRow): boolean {
  return row.decision === null && (row.status === 'missed' || row.status === 'extra' || row.status === 'boundary' || row.status === 'type');
}
