/**
 * Schema v6: names an analyst gives window sets and runs ("spy daily 128", "baseline lr 0.003").
 * Frozen once shipped, like every migration. Kept in tables of their own (a set or run without a
 * name has no row), so the sets and runs tables and their readers stay as they are; a name goes
 * with its set or run (ON DELETE CASCADE).
 */
export const sql = /* sql */ `
CREATE TABLE set_names (
  set_id  INTEGER PRIMARY KEY REFERENCES window_sets(id) ON DELETE CASCADE,
  name    TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80)
);
CREATE TABLE run_names (
  run_id  INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  name    TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80)
);
`;
