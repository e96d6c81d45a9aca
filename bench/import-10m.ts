/**
 * Size: `candlemark import` of a 10,000,000-row CSV (~580 MB) as a user runs it, with the peak
 * resident memory of that process. Files above 64 MB are streamed (core/import/records.ts
 * readRecordsStream), so the peak is the parsed columns and SQLite's cache, not the file.
 *   npx tsx bench/import-10m.ts [--rows 10000000]
 * Peak RSS comes from /usr/bin/time (GNU time); without it only wall time is printed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rowsArg = process.argv.indexOf('--rows');
const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 10_000_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-import10m-'));
const csv = path.join(dir, 'big.csv');

// A plain random walk, written in 1 MB blocks: the bench's own memory stays small.
const fd = fs.openSync(csv, 'w');
fs.writeSync(fd, 'time,open,high,low,close,volume\n');
let price = 100;
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
let block: string[] = [];
const t0 = Date.UTC(2000, 0, 1) / 1000;
for (let i = 0; i < rows; i++) {
  const open = price;
  const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.01));
  const high = Math.max(open, close) * (1 + rand() * 0.003);
  const low = Math.min(open, close) * (1 - rand() * 0.003);
  price = close;
  block.push(`${t0 + i * 60},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${Math.floor(rand() * 1000)}`);
  if (block.length === 20_000) {
    fs.writeSync(fd, block.join('\n') + '\n');
    block = [];
  }
}
if (block.length > 0) fs.writeSync(fd, block.join('\n') + '\n');
fs.closeSync(fd);

console.log(
  `machine: ${os.cpus()[0].model} x ${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`csv: ${(fs.statSync(csv).size / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en')} rows`);
const project = path.join(dir, 'p.candlemark');
const gnuTime = fs.existsSync('/usr/bin/time');
const cmd = [path.join(root, 'bin/candlemark.js'), 'import', csv, '--project', project];
const start = performance.now();
const r = gnuTime
  ? spawnSync('/usr/bin/time', ['-f', 'peak RSS %M KB, user %U s, sys %S s', process.execPath, ...cmd], { encoding: 'utf8' })
  : spawnSync(process.execPath, cmd, { encoding: 'utf8' });
const wall = (performance.now() - start) / 1000;
if (r.status !== 0) throw new Error(r.stderr);
console.log(r.stdout.split('\n')[0]);
console.log(
  `candlemark import (whole process): ${wall.toFixed(1)} s wall; ${gnuTime ? r.stderr.trim().split('\n').pop() : 'peak RSS not measured (no /usr/bin/time)'}`,
);
fs.rmSync(dir, { recursive: true, force: true });
