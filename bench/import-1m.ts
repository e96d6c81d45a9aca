/**
 * Import benchmark: 1,000,000-row OHLCV CSV (deterministic random walk, ISO-8601 UTC minute bars,
 * the slowest supported time format) written to a temp dir, then `readOhlcvCsvFile` timed 3 times.
 * Run: npx tsx bench/import-1m.ts
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOhlcvCsvFile } from '../core/import/index.ts';
import { mulberry32 } from '../core/shared/random.ts';

const ROWS = 1_000_000;
const RUNS = 3;

/** The project's seeded PRNG, so every run benchmarks the same bytes. */
const rng = mulberry32;

/** Written in blocks so the benchmark's heap is not left holding 60 MB of row strings (that would tax GC in the timed runs). */
function generate(path: string): void {
  const rand = rng(42);
  const fd = openSync(path, 'w');
  let block: string[] = ['time,open,high,low,close,volume\n'];
  let logPrice = Math.log(100);
  let t = Date.UTC(2015, 0, 1);
  for (let i = 0; i < ROWS; i++) {
    const open = Math.exp(logPrice);
    // Mean-reverting log walk so prices stay in a realistic band over a million steps.
    logPrice += (rand() - 0.5) * 0.004 - (logPrice - Math.log(100)) * 0.0005;
    const close = Math.exp(logPrice);
    const high = Math.max(open, close) * (1 + rand() * 0.002);
    const low = Math.min(open, close) * (1 - rand() * 0.002);
    const volume = Math.floor(rand() * 10_000);
    block.push(`${new Date(t).toISOString().slice(0, 19)}Z,${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${volume}\n`);
    t += 60_000;
    if (block.length === 10_000) {
      writeSync(fd, block.join(''));
      block = [];
    }
  }
  writeSync(fd, block.join(''));
  closeSync(fd);
}

const dir = mkdtempSync(join(tmpdir(), 'candlemark-import-bench-'));
try {
  const file = join(dir, 'bench-1m.csv');
  generate(file);
  const mb = statSync(file).size / 1e6;
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const parsed = await readOhlcvCsvFile(file);
    seconds.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpuSeconds.push((c.user + c.system) / 1e6);
    if (parsed.rowCount !== ROWS) throw new Error(`expected ${ROWS} rows, got ${parsed.rowCount}`);
  }
  const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const median = medianOf(seconds);
  const cpu = cpus();
  console.log(`import-1m: ${ROWS.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB, iso-datetime times`);
  console.log(`runs (s): ${seconds.map((s) => s.toFixed(2)).join(', ')}`);
  console.log(`median: ${median.toFixed(2)} s, ${Math.round(ROWS / median).toLocaleString('en-US')} rows/s`);
  // CPU time of this process (all threads, GC included): less disturbed than wall time on a shared machine.
  console.log(
    `cpu (s): ${cpuSeconds.map((s) => s.toFixed(2)).join(', ')}; median ${medianOf(cpuSeconds).toFixed(2)}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`machine: ${cpu[0]?.model ?? 'unknown'} x ${cpu.length}, node ${process.version}, ${process.platform}`);
  console.log(`date: ${new Date().toISOString()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
