import { readFileSync } from 'node:fs';
import { parseOhlcvBuffer } from '../core/import/index.ts';
const buf = readFileSync('/tmp/imp/1m.csv');
const t0 = performance.now();
const r = parseOhlcvBuffer(buf, 'x');
console.log('full', r.rowCount, ((performance.now() - t0) / 1000).toFixed(2));
