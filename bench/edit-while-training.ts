/**
 * Bench: label-edit round trips through the service API while a run trains in the background
 * (train.start), against the same edits with nothing training. Each edit is one service call —
 * labels.delete / labels.add / labels.update (type change), each of which writes the label and
 * its history in one transaction and recomputes the findings of the windows it touched — timed
 * from the call to its resolved promise, as a host sees it. Goal: p99 < 50 ms while training.
 *
 * Edits are paced (a pause between calls, like a person working) so the measurement spans several
 * epochs, including the worker's epoch writes to the same project file.
 *
 * Run: npx tsx bench/edit-while-training.ts [edits=200] [bars=8192] [backend=auto] [pauseMs=25]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandlemarkService } from '../core/service/service.ts';
import type { CommandInput } from '../core/service/schemas.ts';

const EDITS = Number(process.argv[2] ?? 200);
const BARS = Number(process.argv[3] ?? 8192);
const BACKEND = (process.argv[4] ?? 'auto') as CommandInput<'train.start'>['backend'];
const PAUSE_MS = Number(process.argv[5] ?? 25);
const pause = () => new Promise((r) => setTimeout(r, PAUSE_MS));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
const fmt = (s: ReturnType<typeof summary>) =>
  `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms (n=${s.n})`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-editbench-'));
const service = CandlemarkService.open(path.join(dir, 'bench.candlemark'), { create: true, author: 'bench' });

/** `count` edits cycling delete → add back → change type, over the demo's labels. Returns ms per call. */
async function edits(count: number): Promise<{ all: number[]; byKind: Record<string, number[]> }> {
  const types = (await service.call('labelTypes.list', {})).map((t) => t.name);
  const labels = await service.call('labels.list', {});
  const all: number[] = [];
  const byKind: Record<string, number[]> = { delete: [], add: [], update: [] };
  const time = async <T>(kind: string, f: () => Promise<T>): Promise<T> => {
    if (PAUSE_MS > 0) await pause();
    const t0 = performance.now();
    const out = await f();
    const ms = performance.now() - t0;
    all.push(ms);
    byKind[kind].push(ms);
    return out;
  };
  for (let i = 0; all.length < count; i++) {
    const l = labels[i % labels.length];
    await time('delete', () => service.call('labels.delete', { id: l.id }));
    if (all.length >= count) break;
    const added = await time('add', () =>
      service.call('labels.add', { windowId: l.windowId, startTime: l.startTime, endTime: l.endTime, type: l.type, confidence: l.confidence }),
    );
    labels[i % labels.length] = added;
    if (all.length >= count) break;
    const other = types.find((t) => t !== added.type) ?? added.type;
    labels[i % labels.length] = await time('update', () => service.call('labels.update', { id: added.id, patch: { type: other } }));
  }
  return { all, byKind };
}

const t0 = performance.now();
const demo = await service.call('demo.create', { bars: BARS, seed: 7 });
console.log(
  `setup: demo project, ${demo.bars} bars, ${demo.windows} windows, ${demo.spans} spans, ${demo.openConflicts} open conflicts (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

// Warm up (JIT, statement caches), then the idle measurement.
await edits(30);
const idle = await edits(EDITS);

// Start a run long enough to outlast the measurement; measure once it is really training.
let epochs = 0;
let firstEpoch!: () => void;
const training = new Promise<void>((r) => (firstEpoch = r));
service.events.on('training.epoch', () => {
  epochs++;
  firstEpoch();
});
const tStart = performance.now();
const run = await service.call('train.start', { epochs: 1000, backend: BACKEND });
const startMs = performance.now() - tStart;
await training;
const epochsBefore = epochs;
const tBusy = performance.now();
const busy = await edits(EDITS);
const busySeconds = (performance.now() - tBusy) / 1000;
const epochsDuring = epochs - epochsBefore;
const finished = new Promise<string>((r) => service.events.on('training.finished', (e) => r(e.status)));
await service.call('train.cancel', { runId: run.runId });
const status = await finished;
const findings = await service.call('conflicts.list', {});
service.close();

const cpus = os.cpus();
console.log(
  `machine: ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`date: ${new Date().toISOString()}`);
console.log(`edits: ${EDITS} per phase, ${PAUSE_MS} ms pause between calls`);
console.log(
  `run ${run.runId}: train.start returned in ${startMs.toFixed(0)} ms on ${run.backend} (${run.device}); ${epochsDuring} epochs completed during the ${busySeconds.toFixed(1)} s of edits; then ${status}`,
);
console.log(`findings after the edits: ${findings.length}`);
console.log('');
console.log(`no training    : ${fmt(summary(idle.all))}`);
for (const [k, v] of Object.entries(idle.byKind)) console.log(`  ${k.padEnd(13)}: ${fmt(summary(v))}`);
console.log(`while training : ${fmt(summary(busy.all))}`);
for (const [k, v] of Object.entries(busy.byKind)) console.log(`  ${k.padEnd(13)}: ${fmt(summary(v))}`);
const p99 = summary(busy.all).p99;
console.log('');
console.log(`goal p99 < 50 ms while training: ${p99 < 50 ? 'PASS' : 'FAIL'} (${p99.toFixed(2)} ms)`);
const outDir = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
  path.join(outDir, 'edit-while-training.json'),
  JSON.stringify(
    {
      edits: EDITS,
      pauseMs: PAUSE_MS,
      date: new Date().toISOString(),
      cpu: cpus[0]?.model,
      cores: cpus.length,
      node: process.version,
      backend: run.backend,
      device: run.device,
      epochsDuring,
      idle: summary(idle.all),
      training: summary(busy.all),
    },
    null,
    2,
  ),
);
