/**
 * Per-window queue measures of a run's predictions (issue #12; schema v8, prediction_measures):
 * the CRF's log P(Viterbi path) and the ensemble members' disagreement, written with the predictions
 * and read by the review summary to rank the "label next" queue. Plain functions on the
 * better-sqlite3 handle; ProjectStore delegates to them.
 */
import type Database from 'better-sqlite3';

export interface PredictionMeasures {
  windowId: number;
  /** CRF: log P(Viterbi path | window) (≤ 0); null for the soft head. */
  pathLogProb: number | null;
  /** ≥ 2 members: their disagreement in [0, 1]; null for a single model. */
  memberSpread: number | null;
}

const checked = (v: number | null | undefined, what: string, windowId: number, lo: number, hi: number): number | null => {
  if (v === null || v === undefined) return null;
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new RangeError(`prediction measures of window ${windowId}: ${what} must be a number in [${lo}, ${hi}], got ${v}`);
  return v;
};

/** Store (or overwrite) measures; rows with neither measure are not stored (nothing to rank by). */
export function savePredictionMeasures(
  db: Database.Database,
  runId: number,
  rows: ReadonlyArray<{ windowId: number; pathLogProb?: number | null; memberSpread?: number | null }>,
): void {
  const put = db.prepare(
    `INSERT INTO prediction_measures (run_id, window_id, path_log_prob, member_spread) VALUES (?, ?, ?, ?)
     ON CONFLICT(run_id, window_id) DO UPDATE SET path_log_prob = excluded.path_log_prob, member_spread = excluded.member_spread`,
  );
  db.transaction(() => {
    for (const r of rows) {
      // A path probability that underflowed (log = −Infinity) is stored as the smallest log a double holds.
      const log = r.pathLogProb === -Infinity ? -Number.MAX_VALUE : r.pathLogProb;
      const path = checked(log, 'pathLogProb', r.windowId, -Number.MAX_VALUE, 0);
      const spread = checked(r.memberSpread, 'memberSpread', r.windowId, 0, 1);
      if (path === null && spread === null) continue;
      put.run(runId, r.windowId, path, spread);
    }
  })();
}

/** A run's measures (of one window, with windowId) by window id; windows without a row are absent. */
export function listPredictionMeasures(db: Database.Database, runId: number, windowId?: number): Map<number, PredictionMeasures> {
  type Row = { window_id: number; path_log_prob: number | null; member_spread: number | null };
  const cols = 'SELECT window_id, path_log_prob, member_spread FROM prediction_measures WHERE run_id = ?';
  const rows = (windowId === undefined ? db.prepare(cols).all(runId) : db.prepare(`${cols} AND window_id = ?`).all(runId, windowId)) as Row[];
  return new Map(rows.map((r) => [r.window_id, { windowId: r.window_id, pathLogProb: r.path_log_prob, memberSpread: r.member_spread }]));
}
