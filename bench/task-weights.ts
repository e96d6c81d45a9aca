/**
 * Task-weighting bench: the same soft (or CRF) model trained for `--epochs` (default 100) with each
 * task-weighting mode (core/ml/training/task-weights.ts), seeds 1..k, on the generated demo set
 * (data seed 7, 210 windows). Per run it reports what the issue measured: the best validation bar
 * F1 (@0.5, per epoch), the largest drop from the running best over the last 50 epochs, the final
 * value, the final task weights, and the kept model's validation span F1 (threshold chosen on train).
 *
 *   node --import tsx bench/task-weights.ts [--epochs 100] [--seeds 1,2] [--modes ema-val,ema-train,learned,fixed] [--head soft]
 */
import { selectBackend } from '../core/ml/backend/index.ts';
import { evaluatePredictions } from '../core/ml/eval/report.ts';
import { predictAll, trainModel } from '../core/ml/training/train.ts';
import { isTaskWeighting, type TaskWeighting } from '../core/ml/training/task-weights.ts';
import { DEFAULT_BENCH, loadDemo, machine, parseArgs, specFor, type BenchConfig } from './yardstick/lib.ts';

const args = parseArgs(process.argv.slice(2));
const cfg: BenchConfig = { ...DEFAULT_BENCH, epochs: Number(args.epochs ?? 100), windows: Number(args.windows ?? 210) };
const seeds = (args.seeds ?? '1,2').split(',').map(Number);
const modes = (args.modes ?? 'ema-val,ema-train,learned,fixed').split(',');
const head = (args.head ?? 'soft') as 'soft' | 'crf';
for (const m of modes) if (!isTaskWeighting(m)) throw new Error(`unknown mode ${m}`);
const m = machine();
console.log(`task-weights — ${m.date}; ${m.cpu} × ${m.cores}, Node ${m.node}`);
const sel = await selectBackend(cfg.backend);
const d = loadDemo(cfg);
console.log(
  `${cfg.windows} windows (${d.trainTargets.length} train / ${d.valTargets.length} val), ${head}, ${cfg.epochs} epochs, seeds ${seeds.join(',')}; ${sel.device}`,
);
console.log('| mode | seed | best val bar F1 (epoch) | max drop, last 50 | final bar F1 | kept span F1 | final weights p/t/s/c | s/epoch |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const mode of modes as TaskWeighting[]) {
  for (const seed of seeds) {
    const r = await trainModel({
      spec: { ...specFor(d, head, cfg), seed },
      data: d,
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      seed,
      skipUntrained: true,
      taskWeighting: mode,
    });
    const f1 = r.epochs.map((e) => e.valBarF1);
    let best = -1;
    let bestAt = 0;
    let drop = 0;
    f1.forEach((v, i) => {
      if (v > best) {
        best = v;
        bestAt = i + 1;
      }
      if (i >= f1.length - 50) drop = Math.max(drop, best - v);
    });
    const model = r.model!;
    const metrics = evaluatePredictions(
      d.trainTruth,
      predictAll(model, d.trainX, d.trainTargets.length),
      d.valTruth,
      predictAll(model, d.valX, d.valTargets.length),
      { head },
    );
    model.dispose();
    const w = r.epochs[r.epochs.length - 1].taskWeights;
    const sec = r.epochs.reduce((s, e) => s + e.seconds, 0) / r.epochs.length;
    console.log(
      `| ${mode} | ${seed} | ${best.toFixed(3)} (${bestAt}) | ${drop.toFixed(3)} | ${f1[f1.length - 1].toFixed(3)} | ${metrics.headline.spanF1.toFixed(3)} | ${[w.pointer, w.type, w.span, w.countdown].map((x) => x.toFixed(2)).join('/')} | ${sec.toFixed(2)} |`,
    );
  }
}
