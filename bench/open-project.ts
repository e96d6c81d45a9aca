/**
 * Bench: how long does it take to import a 1,000,000-bar series, and to open a project holding it?
 * "Open" = ProjectStore.open + listSeries + stats + readBars of one 128-bar window (what the app does
 * before first paint). Median of 5. Run: npx tsx bench/open-project.ts [bars]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BarColumns } from '../core/domain/types.ts';
import { ProjectStore } from '../core/store/index.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const WINDOW = 128;
const STRIDE = 64;

function makeBars(n: number): BarColumns {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let p = 100;
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    time[i] = t0 + i * 60_000;
    open[i] = p;
    p *= 1 + (rnd() - 0.5) * 0.002;
    close[i] = p;
    high[i] = Math.max(open[i], close[i]) * (1 + rnd() * 0.001);
    low[i] = Math.min(open[i], close[i]) * (1 - rnd() * 0.001);
    volume[i] = Math.round(rnd() * 1000);
  }
  return { time, open, high, low, close, volume };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-bench-'));
const file = path.join(dir, 'bench.candlemark');
try {
  const bars = makeBars(N);
  const store = ProjectStore.open(file, { create: true });
  let t = performance.now();
  store.insertSeries('BENCH', 'synthetic', bars);
  const insertMs = performance.now() - t;

  const windows = [];
  for (let s = 0; s + WINDOW <= N; s += STRIDE) windows.push({ extId: `BENCH:${s}`, startIndex: s, length: WINDOW, role: 'train' as const });
  t = performance.now();
  const set = store.createWindowSet(
    { seriesId: 'BENCH', origin: 'cut', length: WINDOW, stride: STRIDE, split: 'chronological', valFraction: 0.2, seed: 1 },
    windows,
  );
  const windowsMs = performance.now() - t;

  const ws = store.listWindows({ setId: set.id });
  t = performance.now();
  let labels = 0;
  store.editGroup('bench labels', () => {
    for (let k = 0; k < ws.length; k += 50) {
      const w = ws[k];
      store.addLabel(w.id, { startTime: bars.time[w.startIndex + 10], endTime: bars.time[w.startIndex + 40], type: k % 100 === 0 ? 'up' : 'down' });
      labels++;
    }
  });
  const labelsMs = performance.now() - t;
  t = performance.now();
  store.readTimes('BENCH');
  const readTimesMs = performance.now() - t;
  store.close();
  const fileMb = fs.statSync(file).size / 2 ** 20;

  const opens: number[] = [];
  const mid = ws[Math.floor(ws.length / 2)];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const s = ProjectStore.open(file);
    s.listSeries();
    s.stats();
    const b = s.readBars('BENCH', mid.startIndex, WINDOW);
    if (b.time.length !== WINDOW) throw new Error('short read');
    opens.push(performance.now() - t);
    s.close();
  }

  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown'} x${cpus.length}, ${os.platform()} ${os.arch()}, node ${process.version}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`bars: ${N.toLocaleString('en')}, windows: ${ws.length} (${WINDOW}/${STRIDE}), labels: ${labels}, file: ${fileMb.toFixed(1)} MiB`);
  console.log(`insert series: ${insertMs.toFixed(0)} ms (${((N / insertMs) * 1000).toFixed(0)} bars/s)`);
  console.log(`create window set: ${windowsMs.toFixed(0)} ms; add labels: ${labelsMs.toFixed(0)} ms; readTimes: ${readTimesMs.toFixed(0)} ms`);
  console.log(`open (open+listSeries+stats+readBars ${WINDOW}): median ${median(opens).toFixed(2)} ms of 5 [${opens.map((x) => x.toFixed(2)).join(', ')}]`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
