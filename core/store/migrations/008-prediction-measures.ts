/**
 * Schema v8 (issue #12): the measures the "label next" queue ranks by, per run and window, taken at
 * prediction time from the ensemble members' own outputs (core/ml/training/queue-measures.ts):
 * the CRF's log P(Viterbi path) and the members' disagreement. Neither can be recovered from the stored
 * (member-averaged) probabilities. A table of its own so predictions and their readers stay as they
 * are; a row goes with its run or window (ON DELETE CASCADE). Predictions made before v8 have no row:
 * the queue then falls back to the span-level measure of the stored probabilities.
 */
export const sql = /* sql */ `
CREATE TABLE prediction_measures (
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  window_id      INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  path_log_prob  REAL CHECK (path_log_prob IS NULL OR path_log_prob <= 0),
  member_spread  REAL CHECK (member_spread IS NULL OR (member_spread >= 0 AND member_spread <= 1)),
  PRIMARY KEY (run_id, window_id)
);
`;
