/**
 * Schema v4: provenance on every label, and undo/redo per annotator (issue #12).
 * Frozen once shipped, like every migration.
 *
 * - labels.author (v1) is the annotator (who). labels.origin says how the span got there:
 *   'drawn' by hand, 'imported' from a labels file, 'accepted' from a model's prediction (run
 *   origin_run) and not yet looked at, 'accepted-edited' (accepted, then changed by the analyst),
 *   'confirmed' (accepted, then confirmed unchanged). created_at/updated_at (v1) say when.
 *   Rows written before v4 were drawn or imported by hand; they become 'drawn'.
 * - origin_run has no foreign key on purpose: deleting a run must not erase where a label came from.
 * - review_decisions.confirmed_at: accepting a prediction with no span marks the window "reviewed,
 *   no span" without writing a label, so there is no label to carry origin 'accepted'. Until the
 *   analyst confirms it (review.confirm sets confirmed_at), such a window is the model's verdict,
 *   not the analyst's, and stays out of validation scoring like an unconfirmed span.
 * - history_groups.annotator: whose edit a group is. Undo/redo walk one annotator's groups only,
 *   so one client's undo never removes another's label. Groups from before v4 have ''.
 */
export const sql = /* sql */ `
ALTER TABLE labels ADD COLUMN origin TEXT NOT NULL DEFAULT 'drawn'
  CHECK (origin IN ('drawn', 'imported', 'accepted', 'accepted-edited', 'confirmed'));
ALTER TABLE labels ADD COLUMN origin_run INTEGER;
CREATE INDEX labels_origin ON labels(origin);

ALTER TABLE review_decisions ADD COLUMN confirmed_at INTEGER;

ALTER TABLE history_groups ADD COLUMN annotator TEXT NOT NULL DEFAULT '';
CREATE INDEX history_groups_annotator ON history_groups(annotator, undone, id);
`;
