/**
 * Numbered schema migrations. `PRAGMA user_version` holds the number of the last one applied;
 * the runner applies each pending migration in its own transaction, in order, so a crash leaves the
 * file at a whole version. To change the schema add the next `NNN-name.ts` exporting `sql` and list it here (never edit a shipped one).
 */
import type Database from 'better-sqlite3';
import { sql as initial } from './001-initial.ts';
import { sql as review } from './002-review.ts';
import { sql as windowRanges } from './003-window-ranges.ts';
import { sql as provenance } from './004-provenance.ts';
import { sql as importSettings } from './005-import-settings.ts';
import { sql as names } from './006-names.ts';
import { sql as annotators } from './007-annotators.ts';
import { sql as predictionMeasures } from './008-prediction-measures.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'review', sql: review },
  { version: 3, name: 'window-ranges', sql: windowRanges },
  { version: 4, name: 'provenance', sql: provenance },
  { version: 5, name: 'import-settings', sql: importSettings },
  { version: 6, name: 'names', sql: names },
  { version: 7, name: 'annotators', sql: annotators },
  { version: 8, name: 'prediction-measures', sql: predictionMeasures },
];

/** The newest schema this app reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** `PRAGMA application_id` of every Candlemark project: ASCII "CDMK". */
export const APPLICATION_ID = 0x43444d4b;

/** Apply every migration newer than the file's user_version. Returns how many were applied. */
export function migrate(db: Database.Database): number {
  let applied = 0;
  for (const m of MIGRATIONS) {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied++;
  }
  return applied;
}
