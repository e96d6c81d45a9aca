/**
 * Yardstick driver: the TS trainer (tfjs) and the PyTorch re-implementation side by side on the same
 * data, initial weights, batch order, optimiser and losses. Prints seconds per epoch of both, their
 * ratio, and validation span F1 of both (computed here with core/ml/eval for both), for soft and CRF.
 *
 *   node --import tsx bench/yardstick/run.ts [--epochs 50] [--windows 210[,2100]] [--heads soft,crf]
 *        [--backend wasm] [--threads 2] [--out bench/results/yardstick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_BENCH, exportForPython, loadDemo, machine, parseArgs, runPytorch, runTfjs, type BenchConfig, type SideResult } from './lib.ts';
import type { BackendPreference } from '../../core/ml/backend/index.ts';

const args = parseArgs(process.argv.slice(2));
const windowsList = (args.windows ?? '210').split(',').map(Number);
const heads = (args.heads ?? 'soft,crf').split(',') as ('soft' | 'crf')[];
const outRoot = args.out ?? 'bench/results/yardstick';
const base: BenchConfig = {
  ...DEFAULT_BENCH,
  epochs: Number(args.epochs ?? DEFAULT_BENCH.epochs),
  backend: (args.backend ?? DEFAULT_BENCH.backend) as BackendPreference,
  threads: Number(args.threads ?? DEFAULT_BENCH.threads),
  learningRate: Number(args.lr ?? DEFAULT_BENCH.learningRate),
  batchSize: Number(args.batch ?? DEFAULT_BENCH.batchSize),
  hidden: Number(args.hidden ?? DEFAULT_BENCH.hidden),
};
const log = (s: string) => console.log(s);
const m = machine();
log(`yardstick — ${m.date}\nmachine: ${m.cpu} × ${m.cores} cores, ${m.platform}, Node ${m.node}, torch ${m.torch}`);
log(`config: epochs ${base.epochs}, batch ${base.batchSize}, lr ${base.learningRate}, hidden ${base.hidden}, backend ${base.backend}, torch threads ${base.threads}`);

const rows: { windows: number; head: string; tfjs: SideResult; pytorch: SideResult }[] = [];
for (const windows of windowsList) {
  const cfg = { ...base, windows };
  const d = loadDemo(cfg);
  const dir = path.join(outRoot, `w${windows}-e${cfg.epochs}`);
  exportForPython(d, cfg, path.join(dir, 'export'));
  log(`\n${windows} windows (${d.trainTargets.length} train / ${d.valTargets.length} val), exported to ${dir}/export`);
  for (const head of heads) {
    const tfjs = await runTfjs(d, head, cfg, log);
    log(`  tfjs ${head}: ${tfjs.secondsPerEpoch.toFixed(3)} s/epoch, span F1 ${tfjs.spanF1.toFixed(3)} (${tfjs.device})`);
    const pytorch = runPytorch(d, head, cfg, path.join(dir, 'export'), path.join(dir, `py-${head}`));
    log(`  torch ${head}: ${pytorch.secondsPerEpoch.toFixed(3)} s/epoch, span F1 ${pytorch.spanF1.toFixed(3)} (${pytorch.device})`);
    rows.push({ windows, head, tfjs, pytorch });
  }
}

const table = [
  '| windows | head | tfjs s/epoch | torch s/epoch | ratio tfjs/torch | tfjs span F1 | torch span F1 | Δ F1 | tfjs best ep. | torch best ep. |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.windows} | ${r.head} | ${r.tfjs.secondsPerEpoch.toFixed(3)} | ${r.pytorch.secondsPerEpoch.toFixed(3)} | ${(r.tfjs.secondsPerEpoch / r.pytorch.secondsPerEpoch).toFixed(2)} | ${r.tfjs.spanF1.toFixed(3)} | ${r.pytorch.spanF1.toFixed(3)} | ${(r.tfjs.spanF1 - r.pytorch.spanF1).toFixed(3)} | ${r.tfjs.bestEpoch} | ${r.pytorch.bestEpoch} |`,
  ),
].join('\n');
log(`\n${table}\n`);
log('span F1: validation, IoU ≥ 0.5; soft at the threshold chosen on train, CRF by Viterbi. Seconds per epoch include the validation pass.');
fs.mkdirSync(outRoot, { recursive: true });
const summary = {
  machine: m,
  config: base,
  rows: rows.map((r) => ({
    windows: r.windows,
    head: r.head,
    tfjs: { ...r.tfjs, metrics: undefined, headline: r.tfjs.metrics.headline, threshold: r.tfjs.metrics.threshold, valSpanF1Threshold: r.tfjs.metrics.val.span.f1 },
    pytorch: { ...r.pytorch, metrics: undefined, headline: r.pytorch.metrics.headline, threshold: r.pytorch.metrics.threshold, valSpanF1Threshold: r.pytorch.metrics.val.span.f1 },
    ratio: r.tfjs.secondsPerEpoch / r.pytorch.secondsPerEpoch,
  })),
};
const stamp = `w${windowsList.join('_')}-e${base.epochs}`;
fs.writeFileSync(path.join(outRoot, `summary-${stamp}.json`), JSON.stringify(summary, null, 2));
fs.writeFileSync(path.join(outRoot, `summary-${stamp}.md`), `# Yardstick ${m.date}\n\n${m.cpu} × ${m.cores}, Node ${m.node}, torch ${m.torch}\n\n${table}\n`);
log(`wrote ${path.join(outRoot, `summary-${stamp}.json`)}`);
