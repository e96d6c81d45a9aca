/**
 * The "label next" queue: windows nobody has labelled or decided on, the ones the model is least
 * sure about first (uncertainty sampling). Node-free: the CLI and the renderer share it.
 */
import type { ReviewWindowRow } from './types.ts';

export function leastSureQueue(rows: readonly ReviewWindowRow[], limit: number): ReviewWindowRow[] {
  return rows
    .filter((r) => r.status === 'unlabelled' && r.decision === null)
    .sort((a, b) => b.uncertainty - a.uncertainty || a.index - b.index)
    .slice(0, Math.max(0, limit));
}

/** Disagreements the analyst has not decided on yet, in window order: the "next disagreement" key walks these. */
export function isOpenDisagreement(row: ReviewWindowRow): boolean {
  return row.decision === null && (row.status === 'missed' || row.status === 'extra' || row.status === 'boundary' || row.status === 'type');
}
