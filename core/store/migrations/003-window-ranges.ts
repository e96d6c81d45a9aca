/**
 * Schema v3: find the windows of a series that overlap a bar range without scanning the series.
 * Frozen once shipped, like every migration.
 *
 * After every label edit the service re-checks the edited windows against the windows that share
 * bars with them (`ProjectStore.listWindowsOverlapping`). A window [start, start + length - 1]
 * overlaps [from, to] when start <= to and start + length - 1 >= from; with L the longest window of
 * its set, that also means start >= from - L + 1, so the lookup is a range scan on
 * (set_id, start_index) bounded by L, and L itself is one seek on (set_id, length). Windows of one
 * set can differ in length (imported sets), hence L per set rather than the set's nominal length.
 */
export const sql = /* sql */ `
CREATE INDEX windows_set_start ON windows(set_id, start_index);
CREATE INDEX windows_set_length ON windows(set_id, length);
`;
