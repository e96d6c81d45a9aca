/**
 * Schema v1. Frozen: once shipped, never edit a migration; add 002-*.ts instead.
 *
 * Notes on choices:
 * - series has an integer key `sid` so the 1,000,000-row bars table stores a small integer per row
 *   instead of the series' text id; bars are keyed by (sid, idx) WITHOUT ROWID, so reading a window
 *   by bar index is a primary-key range scan. Times are strictly increasing within a series
 *   (checked on insert), so idx order is time order.
 * - series.times duplicates the bar times as one blob for fast index<->time mapping; bars stay the
 *   source of truth for everything else (both are written in the same transaction).
 * - Times are epoch ms (INTEGER affinity: integral values are stored compactly, fractional ones as REAL).
 * - labels use AUTOINCREMENT so a deleted label's id is never reused: undo of a delete re-inserts the
 *   label under its old id.
 * - label_history rows cascade away with their window, so deleting a window set also drops its history.
 */
export const sql = /* sql */ `
CREATE TABLE series (
  sid         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  source      TEXT,
  bar_count   INTEGER NOT NULL DEFAULT 0,
  first_time  INTEGER,
  last_time   INTEGER,
  has_volume  INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  -- All bar times as a Float64Array blob (little-endian), written with the bars in the same
  -- transaction: readTimes() is one small read instead of a scan of the bars table. Keep it last:
  -- queries that don't name it never touch its overflow pages.
  times       BLOB
);

CREATE TABLE bars (
  sid     INTEGER NOT NULL REFERENCES series(sid) ON DELETE CASCADE,
  idx     INTEGER NOT NULL,
  time    INTEGER NOT NULL,
  open    REAL    NOT NULL,
  high    REAL    NOT NULL,
  low     REAL    NOT NULL,
  close   REAL    NOT NULL,
  volume  REAL,
  PRIMARY KEY (sid, idx)
) WITHOUT ROWID;

CREATE TABLE window_sets (
  id            INTEGER PRIMARY KEY,
  series_id     TEXT    NOT NULL REFERENCES series(id) ON DELETE CASCADE ON UPDATE CASCADE,
  origin        TEXT    NOT NULL CHECK (origin IN ('cut', 'imported')),
  length        INTEGER NOT NULL,
  stride        INTEGER,
  split         TEXT    NOT NULL CHECK (split IN ('chronological', 'random')),
  val_fraction  REAL    NOT NULL,
  seed          INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX window_sets_series ON window_sets(series_id);

CREATE TABLE windows (
  id           INTEGER PRIMARY KEY,
  set_id       INTEGER NOT NULL REFERENCES window_sets(id) ON DELETE CASCADE,
  ext_id       TEXT    NOT NULL,
  start_index  INTEGER NOT NULL CHECK (start_index >= 0),
  length       INTEGER NOT NULL CHECK (length >= 1),
  start_time   INTEGER NOT NULL,
  end_time     INTEGER NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('train', 'val', 'excluded')),
  -- 1 once the analyst has looked at the window (labelled it, or confirmed it has no span):
  -- an unreviewed window without labels is "not labelled yet", not "no span here".
  reviewed     INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
  UNIQUE (set_id, ext_id)
);
CREATE INDEX windows_ext_id ON windows(ext_id);

CREATE TABLE label_types (
  name        TEXT    PRIMARY KEY,
  color       TEXT    NOT NULL,
  sort_order  INTEGER NOT NULL
);

CREATE TABLE labels (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  window_id   INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  start_time  INTEGER NOT NULL,
  end_time    INTEGER NOT NULL,
  type        TEXT    NOT NULL REFERENCES label_types(name) ON UPDATE CASCADE,
  confidence  REAL    NOT NULL DEFAULT 1 CHECK (confidence >= 0 AND confidence <= 1),
  note        TEXT    NOT NULL DEFAULT '',
  author      TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK (start_time <= end_time)
);
CREATE INDEX labels_window ON labels(window_id);
CREATE INDEX labels_type ON labels(type);

-- One undo step. Linear history: every group with undone = 1 has a larger id than every group with
-- undone = 0 (a new edit deletes the undone groups first).
CREATE TABLE history_groups (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  description  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  undone       INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);

-- One label change: before/after are the full Label as JSON (NULL before = created, NULL after = deleted).
CREATE TABLE label_history (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id     INTEGER NOT NULL REFERENCES history_groups(id) ON DELETE CASCADE,
  -- 'label': a label's before/after state; 'review': a window's reviewed flag ({"reviewed": 0|1}, label_id 0).
  entry_kind   TEXT    NOT NULL DEFAULT 'label' CHECK (entry_kind IN ('label', 'review')),
  label_id     INTEGER NOT NULL,
  window_id    INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  before_json  TEXT,
  after_json   TEXT,
  at           INTEGER NOT NULL,
  CHECK (before_json IS NOT NULL OR after_json IS NOT NULL)
);
CREATE INDEX label_history_group ON label_history(group_id);
CREATE INDEX label_history_window ON label_history(window_id);
CREATE INDEX label_history_label ON label_history(label_id);

CREATE TABLE findings (
  id           INTEGER PRIMARY KEY,
  key          TEXT    NOT NULL UNIQUE,
  kind         TEXT    NOT NULL CHECK (kind IN ('span-vs-none', 'type', 'boundary')),
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
CREATE INDEX findings_window_a ON findings(window_a);
CREATE INDEX findings_window_b ON findings(window_b);
CREATE INDEX findings_status ON findings(status);

CREATE TABLE runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  model               TEXT    NOT NULL,
  config_json         TEXT    NOT NULL,
  status              TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted', 'failed')),
  backend             TEXT    NOT NULL,
  device              TEXT    NOT NULL,
  data_snapshot_json  TEXT    NOT NULL,
  started_at          INTEGER NOT NULL,
  finished_at         INTEGER,
  report_json         TEXT,
  error               TEXT,
  owner_pid           INTEGER
);

CREATE TABLE epochs (
  run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch         INTEGER NOT NULL,
  metrics_json  TEXT    NOT NULL,
  seconds       REAL    NOT NULL,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;

CREATE TABLE models (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  member     INTEGER NOT NULL,
  weights    BLOB    NOT NULL,
  spec_json  TEXT    NOT NULL,
  PRIMARY KEY (run_id, member)
);

CREATE TABLE predictions (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  window_id   INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  probs       BLOB    NOT NULL,
  spans_json  TEXT    NOT NULL,
  PRIMARY KEY (run_id, window_id)
);
CREATE INDEX predictions_window ON predictions(window_id);

INSERT INTO label_types (name, color, sort_order) VALUES ('up', '#26a69a', 0), ('down', '#ef5350', 1);
`;
