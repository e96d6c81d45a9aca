/**
 * Per-window queue measures of a run's predictions (issue #12; schema v7, prediction_measures):
 * the CRF's P(Viterbi path) and the ensemble members' disagreement, written with the predictions
 * and read by the review summary to rank the "label next" queue. Plain functions on the
 * better-sqlite3 handle; ProjectStore delegates to them.
 */
import type Database from 'better-sqlite3';

export interface PredictionMeasures {
  windowId: number;
  /** CRF: P(Viterbi path | window); null for the soft head. */
  pathProb: number | null;
  /** ≥ 2 members: their disagreement in [0, 1]; null for a single model. */
  memberSpread: number | null;
}

const finiteOrNull = (v: number | null | undefined, what: string, windowId: number): number | null => {
  if (v === null || v === undefined) return null;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`prediction measures of window ${windowId}: ${what} must be in [0, 1], got ${v}`);
  return v;
};

/** Store (or overwrite) measures; rows with neither measure are not stored (nothing to rank by). */
export function savePredictionMeasures(db: Database.Database, runId: number, rows: ReadonlyArray<{ windowId: number; pathProb?: number | null; memberSpread?: number | null }>): void {
  const put = db.prepare(
    `INSERT INTO prediction_measures (run_id, window_id, path_prob, member_spread) VALUES (?, ?, ?, ?)
     ON CONFLICT(run_id, window_id) DO UPDATE SET path_prob = excluded.path_prob, member_spread = excluded.member_spread`,
  );
  db.transaction(() => {
    for (const r of rows) {
      const path = finiteOrNull(r.pathProb, 'pathProb', r.windowId);
      const spread = finiteOrNull(r.memberSpread, 'memberSpread', r.windowId);
      if (path === null && spread === null) continue;
      put.run(runId, r.windowId, path, spread);
    }
  })();
}

/** A run's measures (of one window, with windowId) by window id; windows without a row are absent. */
export function listPredictionMeasures(db: Database.Database, runId: number, windowId?: number): Map<number, PredictionMeasures> {
  type Row = { window_id: number; path_prob: number | null; member_spread: number | null };
  const cols = 'SELECT window_id, path_prob, member_spread FROM prediction_measures WHERE run_id = ?';
  const rows = (windowId === undefined ? db.prepare(cols).all(runId) : db.prepare(`${cols} AND window_id = ?`).all(runId, windowId)) as Row[];
  return new Map(rows.map((r) => [r.window_id, { windowId: r.window_id, pathProb: r.path_prob, memberSpread: r.member_spread }]));
}
