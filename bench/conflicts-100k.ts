/**
 * Bench: detectConflicts on 100,000 windows (length 128, stride 64, 4 series) with realistic labels:
 * about one span per window taken from a per-series "truth", edges jittered within tolerance, and
 * ~5% of windows given a planted contradiction (dropped span, flipped type, shifted edge, extra span).
 * Run: npx tsx bench/conflicts-100k.ts
 */
import os from 'node:os';
import { detectConflicts, type ConflictWindow } from '../core/conflicts/detect.ts';
import type { IndexSpan } from '../core/domain/types.ts';
import { cutWindows } from '../core/windows/cut.ts';
import { mulberry32, randomInt } from '../core/shared/random.ts';

const WINDOWS = 100_000;
const SERIES = 4;
const LENGTH = 128;
const STRIDE = 64;
const RUNS = 5;

function build(): { windows: ConflictWindow[]; planted: number } {
  const rand = mulberry32(20240601);
  const perSeries = WINDOWS / SERIES;
  const barCount = (perSeries - 1) * STRIDE + LENGTH;
  const windows: ConflictWindow[] = [];
  let planted = 0;
  let id = 1;
  for (let s = 0; s < SERIES; s++) {
    const seriesId = `SER${s}`;
    // Truth: a move of 8-40 bars roughly every 128 bars.
    const truth: IndexSpan[] = [];
    for (let t = randomInt(rand, 0, 60); t < barCount;) {
      const len = randomInt(rand, 8, 40);
      truth.push({ start: t, end: t + len - 1, type: rand() < 0.5 ? 'up' : 'down', confidence: 1 });
      t += len + randomInt(rand, 40, 140);
    }
    let k = 0;
    for (const cut of cutWindows(barCount, LENGTH, STRIDE)) {
      const ws = cut.startIndex;
      const we = ws + LENGTH - 1;
      while (k < truth.length && truth[k].end < ws) k++;
      const spans: IndexSpan[] = [];
      for (let j = k; j < truth.length && truth[j].start <= we; j++) {
        const tr = truth[j];
        // Analyst noise within tolerance (edges inside the window only; clipped edges stay clipped).
        const jitter = (): number => (rand() < 0.2 ? randomInt(rand, -1, 1) : 0);
        const a = tr.start >= ws ? Math.max(ws, Math.min(tr.end, we, tr.start + jitter())) : ws;
        const b = tr.end <= we ? Math.min(we, Math.max(a, tr.end + jitter())) : we;
        spans.push({ start: a, end: b, type: tr.type, confidence: 0.6 + 0.4 * rand() });
      }
      if (rand() < 0.05) {
        planted++;
        const what = randomInt(rand, 0, 3);
        if (what === 0 && spans.length > 0) spans.splice(randomInt(rand, 0, spans.length - 1), 1);
        else if (what === 1 && spans.length > 0) {
          const sp = spans[randomInt(rand, 0, spans.length - 1)];
          sp.type = sp.type === 'up' ? 'down' : 'up';
        } else if (what === 2 && spans.length > 0) {
          const sp = spans[randomInt(rand, 0, spans.length - 1)];
          sp.end = Math.min(we, Math.max(sp.start, sp.end + (rand() < 0.5 ? -1 : 1) * randomInt(rand, 4, 10)));
        } else {
          const a = randomInt(rand, ws, we - 10);
          spans.push({ start: a, end: a + randomInt(rand, 3, 9), type: 'up', confidence: 0.8 });
        }
      }
      windows.push({ id: id++, seriesId, startIndex: ws, length: LENGTH, spans });
    }
  }
  return { windows, planted };
}

const { windows, planted } = build();
const spanCount = windows.reduce((n, w) => n + w.spans.length, 0);
const times: number[] = [];
let findings = detectConflicts(windows); // warm-up
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  findings = detectConflicts(windows);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const byKind: Record<string, number> = {};
for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
const cpus = os.cpus();

console.log(`conflicts-100k  ${new Date().toISOString()}`);
console.log(`machine: ${cpus[0]?.model ?? 'unknown'} x ${cpus.length}, node ${process.version}, ${os.platform()} ${os.arch()}`);
console.log(`windows: ${windows.length} (${SERIES} series, length ${LENGTH}, stride ${STRIDE}), spans: ${spanCount}, planted contradictions: ${planted}`);
console.log(`findings: ${findings.length} ${JSON.stringify(byKind)}`);
console.log(`detectConflicts: median ${times[Math.floor(RUNS / 2)].toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(1)).join(', ')} ms)`);
