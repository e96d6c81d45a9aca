// Run in a child process with a non-UTC TZ by timestamps.test.ts: prints what the importer makes of
// zone-less times, so the test can check it does not depend on the machine's local zone.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOhlcvCsvFile, parseIsoTime } from '../../core/import/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const parsed = await readOhlcvCsvFile(path.join(here, 'fixtures/valid/iso-no-zone.csv'));
console.log(
  JSON.stringify({
    tz: process.env.TZ,
    offsetMinutes: new Date(2020, 0, 31).getTimezoneOffset(),
    fileTimes: Array.from(parsed.bars.time),
    single: parseIsoTime('2020-07-01T12:00:00')?.ms ?? null,
  }),
);
