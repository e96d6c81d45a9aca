/**
 * Review of predictions (issue #5): the CRF's Viterbi path and the type-head probabilities are kept
 * with each prediction, so the review pane never has to re-run a model, and the analyst's decisions
 * on predictions are stored per run and window.
 */
export const sql = /* sql */ `
ALTER TABLE predictions ADD COLUMN viterbi BLOB;
ALTER TABLE predictions ADD COLUMN type_probs BLOB;

CREATE TABLE review_decisions (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  window_id  INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  decision   TEXT    NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  author     TEXT    NOT NULL DEFAULT '',
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, window_id)
) WITHOUT ROWID;
CREATE INDEX review_decisions_window ON review_decisions(window_id);
`;
