/**
 * Schema v5: the import settings a series was read with (`--columns`, `--time-format`, `--tz`, …,
 * core/import/settings.ts) as JSON, so re-importing the file reads it the same way without the
 * analyst repeating them. NULL for series imported before v5 or without settings.
 * Frozen once shipped, like every migration.
 */
export const sql = /* sql */ `
ALTER TABLE series ADD COLUMN import_settings TEXT;
`;
