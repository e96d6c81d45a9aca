/**
 * Quality bench: the generated 210-window set (168 train / 42 val), 50 epochs, soft and CRF.
 * Checks validation span F1 (IoU ≥ 0.5; soft at the threshold chosen on TRAIN, CRF by Viterbi)
 * against the target (≥ 0.85), the baselines (untrained model, all-span), and the PyTorch
 * yardstick (|Δ| ≤ 0.03). The yardstick side is read from a matching summary written by
 * bench/yardstick/run.ts when present, otherwise run here.
 *
 *   node --import tsx bench/train-quality.ts [--epochs 50] [--windows 210] [--no-yardstick] [--out bench/results]
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../core/ml/backend/index.ts';
import { buildReport, type RunReport } from '../core/ml/eval/report.ts';
import { averagePredictions, predictAll, trainModel } from '../core/ml/training/train.ts';
import { DEFAULT_BENCH, exportForPython, loadDemo, machine, parseArgs, runPytorch, specFor, type BenchConfig } from './yardstick/lib.ts';

const args = parseArgs(process.argv.slice(2));
const cfg: BenchConfig = { ...DEFAULT_BENCH, epochs: Number(args.epochs ?? 50), windows: Number(args.windows ?? 210) };
const outRoot = args.out ?? 'bench/results';
const TARGET = 0.85;
const TOLERANCE = 0.03;
const m = machine();
console.log(`train-quality — ${m.date}; ${m.cpu} × ${m.cores}, Node ${m.node}`);
const sel = await selectBackend(cfg.backend);
const d = loadDemo(cfg);
console.log(`${cfg.windows} windows: ${d.trainTargets.length} train / ${d.valTargets.length} val; ${cfg.epochs} epochs, batch ${cfg.batchSize}, lr ${cfg.learningRate}; ${sel.device}`);

const ysSummary = path.join(outRoot, 'yardstick', `summary-w${cfg.windows}-e${cfg.epochs}.json`);
type YsRow = { head: string; windows: number; pytorch: { spanF1: number } };
let ysRows: YsRow[] | null = null;
if (args['no-yardstick'] !== 'true' && fs.existsSync(ysSummary)) {
  const s = JSON.parse(fs.readFileSync(ysSummary, 'utf8')) as { config: BenchConfig; rows: YsRow[] };
  if (s.config.batchSize === cfg.batchSize && s.config.learningRate === cfg.learningRate && s.config.hidden === cfg.hidden && s.config.seed === cfg.seed) ysRows = s.rows;
}

const reports: Record<string, RunReport> = {};
const lines: string[] = [];
let ok = true;
for (const head of ['soft', 'crf'] as const) {
  const spec = specFor(d, head, cfg);
  const r = await trainModel({
    spec,
    data: d,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: cfg.seed,
    onEpoch: (e) => {
      if (e.epoch % 10 === 0) console.log(`  ${head} epoch ${e.epoch}: valCriterion ${e.valCriterion.toFixed(4)}, val bar F1@0.5 ${e.valBarF1.toFixed(3)}, ${e.seconds.toFixed(2)} s`);
    },
  });
  const model = r.model!;
  const report = buildReport({
    model: { head, encoder: spec.encoder, hidden: spec.hidden, featureCount: spec.featureCount, windowLength: spec.windowLength, typeCount: spec.typeCount, features: d.features },
    config: { ...cfg },
    backend: sel.backend,
    device: sel.device,
    typeNames: d.typeNames,
    members: [{ seed: cfg.seed, initial: r.initial, epochs: r.epochs, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly }],
    train: { truth: d.trainTruth, pred: averagePredictions([predictAll(model, d.trainX, d.trainTargets.length)]), untrained: r.untrained!.train },
    val: { truth: d.valTruth, pred: predictAll(model, d.valX, d.valTargets.length), untrained: r.untrained!.val },
    seconds: r.seconds,
  });
  model.dispose();
  reports[head] = report;

  let ys: number | null = ysRows?.find((x) => x.head === head && x.windows === cfg.windows)?.pytorch.spanF1 ?? null;
  if (ys === null && args['no-yardstick'] !== 'true') {
    const dir = path.join(outRoot, 'train-quality', 'export');
    if (!fs.existsSync(path.join(dir, 'data.json'))) exportForPython(d, cfg, dir);
    ys = runPytorch(d, head, cfg, dir, path.join(outRoot, 'train-quality', `py-${head}`)).spanF1;
  }
  const f1 = report.metrics.headline.spanF1;
  const pass = f1 >= TARGET && (ys === null || Math.abs(f1 - ys) <= TOLERANCE);
  ok &&= pass;
  lines.push(
    `| ${head} | ${f1.toFixed(3)} (${report.metrics.headline.decoder}) | ${report.metrics.val.span.f1.toFixed(3)} @ ${report.metrics.threshold.span} | ${report.metrics.valTunedOptimistic.spanF1.toFixed(3)} | ${report.metrics.headline.barF1.toFixed(3)} | ${report.baselines.untrained.headline.spanF1.toFixed(3)} / ${report.baselines.untrained.headline.barF1.toFixed(3)} | ${report.baselines.allSpan.spanF1.toFixed(3)} / ${report.baselines.allSpan.barF1.toFixed(3)} | ${ys === null ? '—' : ys.toFixed(3)} | ${report.loss.valCriterion.bestEpoch} | ${report.metrics.calibration.separation.toFixed(3)} | ${report.timing.secondsPerEpoch.toFixed(2)} | ${pass ? 'PASS' : 'FAIL'} |`,
  );
}

const table = [
  `| head | val span F1 (headline) | val span F1, threshold (train-chosen) | val-tuned span F1 (optimistic) | val bar F1 | untrained span/bar F1 | all-span span/bar F1 | yardstick span F1 | best epoch | calib. sep. | s/epoch | target ≥ ${TARGET}, |Δ yardstick| ≤ ${TOLERANCE} |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...lines,
].join('\n');
console.log(`\n${table}\n`);
fs.mkdirSync(path.join(outRoot, 'train-quality'), { recursive: true });
fs.writeFileSync(path.join(outRoot, 'train-quality', 'reports.json'), JSON.stringify({ machine: m, config: cfg, reports }, null, 2));
fs.writeFileSync(path.join(outRoot, 'train-quality', 'summary.md'), `# train-quality ${m.date}\n\n${table}\n`);
console.log(ok ? 'PASS' : 'FAIL');
process.exitCode = ok ? 0 : 1;
