/**
 * Review decisions on a run's predictions. Not part of the label history on purpose: a decision
 * says what the analyst thought of a prediction; the labels it produced are undoable like any edit.
 */
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { requireRun } from './runs.ts';
import type { ReviewDecisionRow } from './types.ts';

/** Record (or replace) the decision on a run's prediction for a window; null removes it. */
export function setReviewDecision(c: StoreConnection, runId: number, windowId: number, decision: ReviewDecisionRow['decision'] | null, author = ''): void {
  c.transaction(() => {
    requireRun(c, runId);
    if (!c.get1('SELECT 1 AS x FROM windows WHERE id = ?', windowId)) throw new StoreError('not-found', `No window ${windowId}`);
    if (decision === null) {
      c.run('DELETE FROM review_decisions WHERE run_id = ? AND window_id = ?', runId, windowId);
      return;
    }
    c.run(
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
export function confirmReviewDecisions(c: StoreConnection, windowId: number, at = Date.now()): number {
  return c.transaction(
    () => c.run("UPDATE review_decisions SET confirmed_at = ? WHERE window_id = ? AND decision = 'accepted' AND confirmed_at IS NULL", at, windowId).changes,
  );
}

/**
 * Windows whose "reviewed, no span" mark is only a model's verdict: reviewed, without labels, with an
 * accepted and unconfirmed prediction. With setId, only that set's windows.
 */
export function listModelOnlyNegatives(c: StoreConnection, setId?: number): number[] {
  return c
    .all<{ id: number }>(
      `SELECT w.id FROM windows w WHERE w.reviewed = 1${setId === undefined ? '' : ' AND w.set_id = ?'}
       AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.window_id = w.id)
       AND EXISTS (SELECT 1 FROM review_decisions d WHERE d.window_id = w.id AND d.decision = 'accepted' AND d.confirmed_at IS NULL)
     ORDER BY w.id`,
      ...(setId === undefined ? [] : [setId]),
    )
    .map((r) => r.id);
}

export function listReviewDecisions(c: StoreConnection, runId: number): ReviewDecisionRow[] {
  return c
    .all<{ window_id: number; decision: ReviewDecisionRow['decision']; author: string; decided_at: number }>(
      'SELECT window_id, decision, author, decided_at FROM review_decisions WHERE run_id = ? ORDER BY window_id',
      runId,
    )
    .map((r) => ({ windowId: r.window_id, decision: r.decision, author: r.author, decidedAt: r.decided_at }));
}
