/**
 * Quality bench: the generated 210-window set (168 train / 42 val), 50 epochs, soft and CRF.
 * Checks validation span F1 (IoU ≥ 0.5; soft at the threshold chosen on TRAIN, CRF by Viterbi)
 * against the target (≥ 0.85), the baselines (untrained model, all-span), and the PyTorch
 * yardstick (|Δ| ≤ 0.03). Figures are means over seeds (default 1,2,3): one run varies by about
 * ±0.03 (one or two of the 44 validation spans). The yardstick side is read from the matching
 * summary written by bench/yardstick/run.ts (run it first), else reported as missing.
 *
 *   node --import tsx bench/train-quality.ts [--epochs 50] [--windows 210] [--seeds 1,2,3] [--out bench/results]
 *        [--features default|base|base+run|all|expansion|LIST] [--lr 0.002] [--dropout 0] [--criterion span-loss|span-f1]  (bench/real-series-data.ts featureSet)
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../core/ml/backend/index.ts';
import { buildReport, type RunReport } from '../core/ml/eval/report.ts';
import { predictAll, trainModel } from '../core/ml/training/train.ts';
import { DEFAULT_BENCH, loadDemo, machine, parseArgs, specFor, type BenchConfig } from './yardstick/lib.ts';
import { demoTrainData } from '../test/helpers/demo-data.ts';
import { featureSet } from './real-series-data.ts';

const args = parseArgs(process.argv.slice(2));
const cfg: BenchConfig = {
  ...DEFAULT_BENCH,
  epochs: Number(args.epochs ?? 50),
  windows: Number(args.windows ?? 210),
  learningRate: Number(args.lr ?? DEFAULT_BENCH.learningRate),
  dropout: Number(args.dropout ?? 0),
  epochCriterion: (args.criterion ?? DEFAULT_BENCH.epochCriterion) as BenchConfig['epochCriterion'],
};
const seeds = (args.seeds ?? '1,2,3').split(',').map(Number);
const outRoot = args.out ?? 'bench/results';
const TARGET = 0.85;
const TOLERANCE = 0.03;
const m = machine();
console.log(`train-quality — ${m.date}; ${m.cpu} × ${m.cores}, Node ${m.node}`);
const sel = await selectBackend(cfg.backend);
const d = args.features ? demoTrainData({ seed: cfg.dataSeed, windows: cfg.windows, features: featureSet(args.features) }) : loadDemo(cfg);
console.log(
  `${cfg.windows} windows: ${d.trainTargets.length} train / ${d.valTargets.length} val; ${d.features.length} features; dropout ${cfg.dropout}; ${cfg.epochs} epochs, batch ${cfg.batchSize}, lr ${cfg.learningRate}, seeds ${seeds.join(',')}; ${sel.device}`,
);

type YsRow = { head: string; windows: number; seeds?: number[]; pytorch: { spanF1: number } };
const ysSummary = path.join(outRoot, 'yardstick', `summary-w${cfg.windows}-e${cfg.epochs}.json`);
let ysRows: YsRow[] | null = null;
if (fs.existsSync(ysSummary)) {
  const s = JSON.parse(fs.readFileSync(ysSummary, 'utf8')) as { config: BenchConfig; rows: YsRow[] };
  if (s.config.batchSize === cfg.batchSize && s.config.learningRate === cfg.learningRate && s.config.hidden === cfg.hidden) ysRows = s.rows;
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const reports: Record<string, RunReport[]> = { soft: [], crf: [] };
const lines: string[] = [];
let ok = true;
for (const head of ['soft', 'crf'] as const) {
  for (const seed of seeds) {
    const c = { ...cfg, seed };
    const spec = specFor(d, head, c);
    const r = await trainModel({
      spec,
      data: d,
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      seed,
      epochCriterion: c.epochCriterion,
      weightAverage: c.weightAverage,
      lrSchedule: c.lrSchedule,
    });
    const model = r.model!;
    const report = buildReport({
      model: {
        head,
        encoder: spec.encoder,
        hidden: spec.hidden,
        featureCount: spec.featureCount,
        windowLength: spec.windowLength,
        typeCount: spec.typeCount,
        features: d.features,
      },
      config: { ...c },
      backend: sel.backend,
      device: sel.device,
      typeNames: d.typeNames,
      members: [{ seed, initial: r.initial, epochs: r.epochs, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly }],
      train: { truth: d.trainTruth, pred: predictAll(model, d.trainX, d.trainTargets.length), untrained: r.untrained!.train },
      val: { truth: d.valTruth, pred: predictAll(model, d.valX, d.valTargets.length), untrained: r.untrained!.val },
      seconds: r.seconds,
    });
    model.dispose();
    reports[head].push(report);
    console.log(
      `  ${head} seed ${seed}: val span F1 ${report.metrics.headline.spanF1.toFixed(3)} (best epoch ${report.loss.valCriterion.bestEpoch}, ${report.timing.secondsPerEpoch.toFixed(2)} s/epoch)`,
    );
  }
  const rs = reports[head];
  const f1 = mean(rs.map((r) => r.metrics.headline.spanF1));
  const ys = ysRows?.find((x) => x.head === head && x.windows === cfg.windows)?.pytorch.spanF1 ?? null;
  const pass = f1 >= TARGET && ys !== null && Math.abs(f1 - ys) <= TOLERANCE;
  ok &&= pass;
  const avg = (f: (r: RunReport) => number) => mean(rs.map(f)).toFixed(3);
  lines.push(
    `| ${head} | ${f1.toFixed(3)} (${rs.map((r) => r.metrics.headline.spanF1.toFixed(3)).join(' ')}) | ${rs[0].metrics.headline.decoder} | ${avg((r) => r.metrics.val.span.f1)} | ${avg((r) => r.metrics.valTunedOptimistic.spanF1)} | ${avg((r) => r.metrics.headline.barF1)} | ${avg((r) => r.baselines.untrained.headline.spanF1)} / ${avg((r) => r.baselines.untrained.headline.barF1)} | ${rs[0].baselines.allSpan.spanF1.toFixed(3)} / ${rs[0].baselines.allSpan.barF1.toFixed(3)} | ${ys === null ? 'missing' : ys.toFixed(3)} | ${avg((r) => r.loss.valCriterion.normalisedReduction)} | ${avg((r) => r.metrics.calibration.separation)} | ${avg((r) => r.timing.secondsPerEpoch)} | ${pass ? 'PASS' : 'FAIL'} |`,
  );
}

const table = [
  `| head | val span F1, mean (per seed) | decoder | span F1 at train-chosen threshold | val-tuned span F1 (optimistic) | val bar F1 | untrained span / bar F1 | all-span span / bar F1 | yardstick span F1 (mean) | normalised reduction | calib. separation | s/epoch | ≥ ${TARGET} and |Δ yardstick| ≤ ${TOLERANCE} |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...lines,
].join('\n');
console.log(`\n${table}\n`);
fs.mkdirSync(path.join(outRoot, 'train-quality'), { recursive: true });
fs.writeFileSync(path.join(outRoot, 'train-quality', 'reports.json'), JSON.stringify({ machine: m, config: cfg, seeds, reports }, null, 2));
fs.writeFileSync(path.join(outRoot, 'train-quality', 'summary.md'), `# train-quality ${m.date}\n\n${table}\n`);
console.log(ok ? 'PASS' : 'FAIL');
process.exitCode = ok ? 0 : 1;
