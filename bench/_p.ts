import { readFileSync } from 'node:fs';
import { parseOhlcvBuffer } from '../core/import/index.ts';
import { readRecords } from '../core/import/records.ts';
import { parse } from 'csv-parse/sync';
const buf = readFileSync('/tmp/imp/1m.csv');
for (let k = 0; k < 2; k++) {
let t0 = performance.now(); let n = 0;
n = parse(buf, { relax_column_count: true, record_delimiter: '\n' }).length;
console.log('csv-parse whole', n, ((performance.now() - t0) / 1000).toFixed(2));
t0 = performance.now(); n = 0;
readRecords(buf, ',', () => { n++; return true; });
console.log('records only', n, ((performance.now() - t0) / 1000).toFixed(2));
t0 = performance.now();
try { parseOhlcvBuffer(buf, 'x'); } catch { /* */ }
console.log('full', ((performance.now() - t0) / 1000).toFixed(2));
}
