/**
 * Schema v7: several annotators on one project (issue #12, point 4). Frozen once shipped, like every
 * migration.
 *
 * - annotator_seniority: the project's order of annotators, most senior first (rank 0). Consensus
 *   labels break a tie that confidence leaves open by it (core/review/consensus.ts).
 * - findings gains the kind 'annotators': two annotators who labelled the same window disagree on
 *   some of its bars (window_a = window_b = that window; the pair of annotators is part of the key,
 *   core/conflicts/annotators.ts). SQLite cannot change a CHECK constraint in place, so the table is
 *   rebuilt with the same columns, rows and indexes; nothing references findings, so foreign keys
 *   need no special handling.
 */
export const sql = /* sql */ `
CREATE TABLE annotator_seniority (
  annotator  TEXT    PRIMARY KEY CHECK (length(annotator) BETWEEN 1 AND 100),
  rank       INTEGER NOT NULL UNIQUE CHECK (rank >= 0)
);

CREATE TABLE findings_v7 (
  id           INTEGER PRIMARY KEY,
  key          TEXT    NOT NULL UNIQUE,
  kind         TEXT    NOT NULL CHECK (kind IN ('span-vs-none', 'type', 'boundary', 'annotators')),
  window_a     INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  window_b     INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  series_id    TEXT    NOT NULL,
  start_index  INTEGER NOT NULL,
  end_index    INTEGER NOT NULL,
  severity     REAL    NOT NULL,
  message      TEXT    NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'ignored')),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
INSERT INTO findings_v7 SELECT id, key, kind, window_a, window_b, series_id, start_index, end_index, severity, message, status, created_at, updated_at FROM findings;
DROP TABLE findings;
ALTER TABLE findings_v7 RENAME TO findings;
CREATE INDEX findings_window_a ON findings(window_a);
CREATE INDEX findings_window_b ON findings(window_b);
CREATE INDEX findings_status ON findings(status);
`;
