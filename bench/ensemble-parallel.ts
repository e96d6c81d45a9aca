/**
 * Ensemble members in parallel worker threads (issue #11 point 8): wall-clock time of a 3-member
 * ensemble trained one member after another (memberThreads 1) against one thread per member
 * (memberThreads 2 and 3), on the demo project (soft head, wasm, hidden 32), and whether the runs
 * are identical (saved weights byte for byte). Also process CPU time, which shows how much of the
 * machine each took (on a shared machine wall time depends on the other tenants).
 * Run: npx tsx bench/ensemble-parallel.ts [--epochs N] [--members M] [--threads 1,2,3] [--head soft|crf]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandlemarkService } from '../core/service/service.ts';
import { ProjectStore } from '../core/store/index.ts';
import { runTraining } from '../core/ml/training/run.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const EPOCHS = Number(arg('epochs', '5'));
const MEMBERS = Number(arg('members', '3'));
const THREADS = arg('threads', '1,2,3').split(',').map(Number);
const HEAD = arg('head', 'soft') as 'soft' | 'crf';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-ens-'));
const file = path.join(dir, 'demo.candlemark');
const service = CandlemarkService.open(file, { create: true });
await service.call('demo.create', { seed: 7 });
service.close();

const store = ProjectStore.open(file);
const setId = store.listWindowSets()[0].id;
console.log(
  `machine: ${os.cpus()[0]?.model ?? '?'} × ${os.availableParallelism()} (availableParallelism), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load avg ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`${HEAD}, ${MEMBERS} members × ${EPOCHS} epochs, hidden 32, batch 16, wasm, demo set ${setId}`);
const rows: { threads: number; wall: number; cpu: number; runId: number }[] = [];
for (const threads of THREADS) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runTraining(store, {
    setId,
    head: HEAD,
    epochs: EPOCHS,
    ensemble: MEMBERS,
    seed: 1,
    hidden: 32,
    batchSize: 16,
    backend: 'wasm',
    memberThreads: threads,
  });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  if (r.status !== 'completed') throw new Error(`run ${r.runId}: ${r.status} ${r.error ?? ''}`);
  rows.push({ threads, wall, cpu: (c.user + c.system) / 1e6, runId: r.runId });
  console.log(`threads ${threads}: ${wall.toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU (run ${r.runId})`);
}
const base = rows.find((r) => r.threads === 1) ?? rows[0];
const weights = (runId: number) => store.loadModels(runId).map((m) => Buffer.from(m.weights));
const ref = weights(base.runId);
console.log('\n| member threads | wall s | speed-up | CPU s | weights identical to sequential |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const same = weights(r.runId).every((w, i) => w.equals(ref[i]));
  console.log(`| ${r.threads} | ${r.wall.toFixed(1)} | ${(base.wall / r.wall).toFixed(2)}× | ${r.cpu.toFixed(1)} | ${same ? 'yes' : 'NO'} |`);
}
store.close();
fs.rmSync(dir, { recursive: true, force: true });
