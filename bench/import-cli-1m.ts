/**
 * End to end: `candlemark import` of a 1,000,000-row CSV into a new project (parse, validate,
 * store in one transaction), as a user runs it. Prints wall time of the whole process.
 *   npx tsx bench/import-cli-1m.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSeries } from '../core/demo/generate.ts';
import { writeBarsCsv } from '../core/demo/bars-csv.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-import-'));
const csv = path.join(dir, 'big.csv');
const { bars } = generateSeries({ seed: 1, bars: 1_000_000 });
await writeBarsCsv(bars, csv);
console.log(
  `machine: ${os.cpus()[0].model} x ${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`csv: ${(fs.statSync(csv).size / 1e6).toFixed(1)} MB, 1,000,000 rows`);
const times: number[] = [];
for (let i = 0; i < 3; i++) {
  const project = path.join(dir, `p${i}.candlemark`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/candlemark.js'), 'import', csv, '--project', project], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
console.log(`candlemark import (whole process): ${times.map((t) => t.toFixed(2)).join(', ')} s; median ${times[1].toFixed(2)} s`);
fs.rmSync(dir, { recursive: true, force: true });
