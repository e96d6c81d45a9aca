/**
 * Yardstick driver: the TS trainer (tfjs) and the PyTorch re-implementation side by side on the same
 * data, initial weights, batch order, optimiser and losses. Prints seconds per epoch of both, their
 * ratio, and validation span F1 of both (computed here with core/ml/eval for both), for soft and CRF.
 *
 * With several seeds (default 1,2,3 for ≤ 210 windows, 1 above) each seed is a separate pair of runs
 * (seed = model init + shuffle seed, the same on both sides); F1 and s/epoch are averaged over seeds —
 * single runs differ by ±0.03 F1 (one or two of the 44 validation spans), so one seed cannot settle a
 * 0.03 comparison.
 *
 * --encoders conv,conv-attn runs each encoder in turn (default conv). A non-default encoder's
 * folders, labels and summary file carry its name (w210-e50-s1-conv-attn/, summary-w210-e50-conv-attn.json),
 * so they never overwrite the conv results that train-quality.ts reads.
 *
 * After each pair the per-task losses of epoch 0 (same initial weights) and epoch 1 are compared:
 * the max |tfjs − torch| is printed, --losses prints them side by side, and both go into the summary.
 *
 *   node --import tsx bench/yardstick/run.ts [--epochs 50] [--windows 210[,2100]] [--heads soft,crf]
 *        [--seeds 1,2,3] [--encoders conv[,conv-attn]] [--losses] [--backend wasm] [--threads 2]
 *        [--criterion span-loss|span-f1] [--weight-average true|false|DECAY] [--schedule constant|cosine] [--weight-decay WD]   (which epoch both sides keep; default span-loss, what a run without a test block does)
 *        [--dropout 0] [--input-dropout 0]   (training-mode dropout on both sides; masks differ, 3-seed means compare)
 *        [--out bench/results/yardstick]
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_BENCH,
  encoderSuffix,
  exportForPython,
  formatLossPoints,
  loadDemo,
  lossPoints,
  machine,
  maxLossDiff,
  parseArgs,
  runPytorch,
  runTfjs,
  type BenchConfig,
  weightDecayFor,
  type LossPoint,
  type SideResult,
} from './lib.ts';
import type { BackendPreference } from '../../core/ml/backend/index.ts';
import type { EncoderKind } from '../../core/ml/model/types.ts';

const args = parseArgs(process.argv.slice(2));
const windowsList = (args.windows ?? '210').split(',').map(Number);
const heads = (args.heads ?? 'soft,crf').split(',') as ('soft' | 'crf')[];
const encoders = (args.encoders ?? 'conv').split(',') as EncoderKind[];
for (const e of encoders) if (e !== 'conv' && e !== 'conv-attn') throw new Error(`--encoders: unknown encoder "${e}" (conv, conv-attn)`);
const outRoot = args.out ?? 'bench/results/yardstick';
const base = {
  ...DEFAULT_BENCH,
  epochs: Number(args.epochs ?? DEFAULT_BENCH.epochs),
  backend: (args.backend ?? DEFAULT_BENCH.backend) as BackendPreference,
  threads: Number(args.threads ?? DEFAULT_BENCH.threads),
  learningRate: Number(args.lr ?? DEFAULT_BENCH.learningRate),
  batchSize: Number(args.batch ?? DEFAULT_BENCH.batchSize),
  hidden: Number(args.hidden ?? DEFAULT_BENCH.hidden),
  dropout: Number(args.dropout ?? 0),
  epochCriterion: (args.criterion ?? DEFAULT_BENCH.epochCriterion) as BenchConfig['epochCriterion'],
  weightAverage:
    args['weight-average'] === undefined
      ? DEFAULT_BENCH.weightAverage
      : args['weight-average'] === 'true'
        ? true
        : args['weight-average'] === 'false'
          ? false
          : Number(args['weight-average']),
  lrSchedule: (args.schedule ?? DEFAULT_BENCH.lrSchedule) as BenchConfig['lrSchedule'],
  ...(args['weight-decay'] !== undefined ? { weightDecay: Number(args['weight-decay']) } : {}),
  inputDropout: Number(args['input-dropout'] ?? 0),
};
const log = (s: string) => console.log(s);
const m = machine();
log(`yardstick — ${m.date}\nmachine: ${m.cpu} × ${m.cores} cores, ${m.platform}, Node ${m.node}, torch ${m.torch}`);
log(
  `config: epochs ${base.epochs}, batch ${base.batchSize}, lr ${base.learningRate}, hidden ${base.hidden}, backend ${base.backend}, torch threads ${base.threads}, encoders ${encoders.join(',')}, dropout ${base.dropout}, input dropout ${base.inputDropout}, epoch kept by ${base.epochCriterion}, weight average ${base.weightAverage}, schedule ${base.lrSchedule}, weight decay ${base.weightDecay ?? `per head (soft ${weightDecayFor(base, 'soft')}, crf ${weightDecayFor(base, 'crf')})`}`,
);

interface Agg {
  secondsPerEpoch: number;
  spanF1: number;
  spanF1Sd: number;
  perSeed: { seed: number; spanF1: number; secondsPerEpoch: number; bestEpoch: number; threshold: number }[];
  device: string;
}
/** Head label: plain for conv (as before), "soft + conv-attn" for other encoders. */
const label = (head: string, encoder: EncoderKind): string => (encoder === 'conv' ? head : `${head} + ${encoder}`);
const agg = (rs: SideResult[], seeds: number[]): Agg => {
  const f = rs.map((r) => r.spanF1);
  const mean = f.reduce((a, b) => a + b, 0) / f.length;
  return {
    secondsPerEpoch: rs.reduce((a, r) => a + r.secondsPerEpoch, 0) / rs.length,
    spanF1: mean,
    spanF1Sd: Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, f.length - 1)),
    perSeed: rs.map((r, i) => ({
      seed: seeds[i],
      spanF1: r.spanF1,
      secondsPerEpoch: r.secondsPerEpoch,
      bestEpoch: r.bestEpoch,
      threshold: r.metrics.threshold.span,
    })),
    device: rs[0].device,
  };
};
/** Per seed: the epoch 0–1 losses of both sides and their largest difference. */
interface LossCheck {
  seed: number;
  maxDiff: number;
  points: LossPoint[];
}
// head stays 'soft'/'crf' (train-quality.ts matches rows on it); encoder is a separate field.
const rows: { windows: number; head: string; encoder: EncoderKind; seeds: number[]; tfjs: Agg; pytorch: Agg; lossCheck: LossCheck[] }[] = [];
for (const encoder of encoders) {
  for (const windows of windowsList) {
    const d = loadDemo({ ...base, windows });
    const seeds = (args.seeds ?? (windows <= 210 ? '1,2,3' : '1')).split(',').map(Number);
    log(`\n${windows} windows (${d.trainTargets.length} train / ${d.valTargets.length} val), seeds ${seeds.join(',')}, encoder ${encoder}`);
    for (const head of heads) {
      const name = label(head, encoder);
      const tf: SideResult[] = [];
      const py: SideResult[] = [];
      const checks: LossCheck[] = [];
      for (const seed of seeds) {
        const cfg = { ...base, windows, seed, encoder };
        const dir = path.join(outRoot, `w${windows}-e${cfg.epochs}-s${seed}${encoderSuffix(encoder)}`);
        // Always re-exported (it takes well under a second): a reused export would hand python the
        // learning rate, batch size and hidden width of an earlier run with other flags.
        exportForPython(d, cfg, path.join(dir, 'export'));
        const a = await runTfjs(d, head, cfg, log);
        log(`  tfjs ${name} seed ${seed}: ${a.secondsPerEpoch.toFixed(3)} s/epoch, span F1 ${a.spanF1.toFixed(3)} (${a.device})`);
        const b = runPytorch(d, head, cfg, path.join(dir, 'export'), path.join(dir, `py-${head}`));
        log(`  torch ${name} seed ${seed}: ${b.secondsPerEpoch.toFixed(3)} s/epoch, span F1 ${b.spanF1.toFixed(3)} (${b.device})`);
        const points = lossPoints(a, b);
        const maxDiff = maxLossDiff(points);
        checks.push({ seed, maxDiff, points });
        log(`  losses ${name} seed ${seed}: max |tfjs − torch| over tasks, epochs 0–1: ${maxDiff.toExponential(1)}`);
        if (args.losses) for (const line of formatLossPoints(points)) log(`    ${line}`);
        tf.push(a);
        py.push(b);
      }
      rows.push({ windows, head, encoder, seeds, tfjs: agg(tf, seeds), pytorch: agg(py, seeds), lossCheck: checks });
    }
  }
}

const tableOf = (rs: typeof rows): string =>
  [
    '| windows | head | seeds | tfjs s/epoch | torch s/epoch | ratio tfjs/torch | tfjs span F1 (mean ± sd) | torch span F1 (mean ± sd) | Δ F1 (means) | tfjs per seed | torch per seed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rs.map(
      (r) =>
        `| ${r.windows} | ${label(r.head, r.encoder)} | ${r.seeds.join(',')} | ${r.tfjs.secondsPerEpoch.toFixed(3)} | ${r.pytorch.secondsPerEpoch.toFixed(3)} | ${(r.tfjs.secondsPerEpoch / r.pytorch.secondsPerEpoch).toFixed(2)} | ${r.tfjs.spanF1.toFixed(3)} ± ${r.tfjs.spanF1Sd.toFixed(3)} | ${r.pytorch.spanF1.toFixed(3)} ± ${r.pytorch.spanF1Sd.toFixed(3)} | ${(r.tfjs.spanF1 - r.pytorch.spanF1).toFixed(3)} | ${r.tfjs.perSeed.map((x) => x.spanF1.toFixed(3)).join(' ')} | ${r.pytorch.perSeed.map((x) => x.spanF1.toFixed(3)).join(' ')} |`,
    ),
  ].join('\n');
log(`\n${tableOf(rows)}\n`);
// Both sides are scored by the same core/ml/eval code with the rule a run uses: the demo set has no
// test block (train/validation only), so the soft threshold is chosen on train, as a run without a
// test block does (report.ts); a run with one chooses it on validation and reports the test block.
log(
  'span F1: validation, IoU ≥ 0.5; soft at the threshold chosen on train (a run without a test block chooses there), CRF by Viterbi. Seconds per epoch include the validation pass.',
);
fs.mkdirSync(outRoot, { recursive: true });
const loadAverage = (await import('node:os')).loadavg();
// One summary per encoder: conv keeps its old file name (train-quality.ts reads it), others get a suffix.
for (const encoder of encoders) {
  const rs = rows.filter((r) => r.encoder === encoder);
  const summary = {
    machine: m,
    config: { ...base, encoder },
    loadAverage,
    rows: rs.map((r) => ({ ...r, ratio: r.tfjs.secondsPerEpoch / r.pytorch.secondsPerEpoch })),
  };
  const stamp = `w${windowsList.join('_')}-e${base.epochs}${encoderSuffix(encoder)}`;
  fs.writeFileSync(path.join(outRoot, `summary-${stamp}.json`), JSON.stringify(summary, null, 2));
  fs.writeFileSync(
    path.join(outRoot, `summary-${stamp}.md`),
    `# Yardstick ${m.date}\n\n${m.cpu} × ${m.cores}, Node ${m.node}, torch ${m.torch}\n\n${tableOf(rs)}\n`,
  );
  log(`wrote ${path.join(outRoot, `summary-${stamp}.json`)}`);
}
