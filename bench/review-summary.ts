/**
 * Bench: reviewing a run's predictions on a large window set. The first `review.summary` predicts
 * every window the run has not seen (batches of 512, stored in the project); later calls only
 * re-read predictions and labels and recompute the statuses, which is what the review pane pays
 * after every accept or edit. Also times `review.window` (one window's detail for the chart).
 *
 * Run: npx tsx bench/review-summary.ts [bars=200000] [stride=16] [backend=auto]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandlemarkService } from '../core/service/service.ts';
import type { CommandInput } from '../core/service/schemas.ts';

const BARS = Number(process.argv[2] ?? 200_000);
const STRIDE = Number(process.argv[3] ?? 16);
const BACKEND = (process.argv[4] ?? 'auto') as CommandInput<'train.run'>['backend'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const ms = (t0: number) => performance.now() - t0;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-reviewbench-'));
const service = CandlemarkService.open(path.join(dir, 'bench.candlemark'), { create: true, author: 'bench' });
try {
  const demo = await service.call('demo.create', { bars: BARS, seed: 7 });
  const run = await service.call('train.run', { model: 'soft', epochs: 2, hidden: 16, backend: BACKEND });
  if (run.status !== 'completed') throw new Error(`training ${run.status}: ${run.error}`);
  const fresh = await service.call('windows.create', { length: 128, stride: STRIDE });
  console.log(
    `demo: ${BARS} bars, ${JSON.stringify(demo).slice(0, 120)}…; run ${run.runId} on ${run.backend} (${run.device}); new set ${fresh.id}: ${fresh.windowCount} windows (stride ${STRIDE})`,
  );

  let t0 = performance.now();
  const first = await service.call('review.summary', { runId: run.runId, setId: fresh.id });
  const firstMs = ms(t0);
  const cached: number[] = [];
  for (let i = 0; i < 10; i++) {
    t0 = performance.now();
    await service.call('review.summary', { runId: run.runId, setId: fresh.id });
    cached.push(ms(t0));
  }
  const detail: number[] = [];
  for (const w of first.windows.filter((_, i) => i % Math.max(1, Math.floor(first.windows.length / 100)) === 0).slice(0, 100)) {
    t0 = performance.now();
    await service.call('review.window', { runId: run.runId, windowId: w.windowId });
    detail.push(ms(t0));
  }
  const labelledSet = await service.call('review.summary', { runId: run.runId });
  t0 = performance.now();
  await service.call('review.summary', { runId: run.runId });
  const labelledMs = ms(t0);

  console.log(
    `first review.summary (predicts ${first.windows.length} windows): ${(firstMs / 1000).toFixed(2)} s = ${(firstMs / first.windows.length).toFixed(2)} ms/window`,
  );
  console.log(`cached review.summary, ${first.windows.length} windows: p50 ${pct(cached, 50).toFixed(1)} ms, max ${Math.max(...cached).toFixed(1)} ms (n=10)`);
  console.log(`cached review.summary, labelled set of ${labelledSet.windows.length} windows: ${labelledMs.toFixed(1)} ms`);
  console.log(`review.window: p50 ${pct(detail, 50).toFixed(2)} ms, p99 ${pct(detail, 99).toFixed(2)} ms (n=${detail.length})`);
  console.log(`machine: ${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
} finally {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
