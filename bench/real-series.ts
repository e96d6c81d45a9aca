/**
 * Quality on real series labelled by the demo's expansion rule (bench/series-data.ts): for each
 * series, both heads, the kept (best-epoch) model's validation span F1 — soft at the threshold
 * chosen on train, CRF by Viterbi — beside the per-bar logistic-regression baseline scored the same
 * way. (The goal: ≥ 0.80 on the test block; this short version reports validation, seed 1.)
 *
 *   node --import tsx bench/real-series.ts [--epochs 50] [--seeds 1] [--heads soft,crf]
 *        [--data ../shared/data/spy_1d.csv,../shared/data/btcusd_1h.csv,../shared/data/eurusd_1h.csv]
 */
import { selectBackend } from '../core/ml/backend/index.ts';
import { evaluatePredictions } from '../core/ml/eval/report.ts';
import { fitLogistic, predictLogistic, scoreBaseline } from '../core/ml/eval/baselines.ts';
import { DEFAULT_DECODE } from '../core/ml/eval/decode.ts';
import { predictAll, trainModel } from '../core/ml/training/train.ts';
import { machine, parseArgs } from './yardstick/lib.ts';
import { loadSeriesData } from './series-data.ts';

const args = parseArgs(process.argv.slice(2));
const epochs = Number(args.epochs ?? 50);
const seeds = (args.seeds ?? '1').split(',').map(Number);
const heads = (args.heads ?? 'soft,crf').split(',') as ('soft' | 'crf')[];
const sources = (args.data ?? '../shared/data/spy_1d.csv,../shared/data/btcusd_1h.csv,../shared/data/eurusd_1h.csv').split(',');
const m = machine();
console.log(`real-series — ${m.date}; ${m.cpu} × ${m.cores}, Node ${m.node}; ${epochs} epochs, seeds ${seeds.join(',')}`);
console.log((await selectBackend('wasm')).device);
console.log('| series (train/val windows, val spans) | head | seed | val span F1 (kept model) | val bar F1 | logistic baseline span F1 | best epoch |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const src of sources) {
  const d = await loadSeriesData(src);
  const T = d.windowLength;
  const F = d.features.length;
  const lr = fitLogistic(d.trainX, d.trainTargets.map((t) => t.mask), T, F);
  const logistic = scoreBaseline(
    {
      train: { truth: d.trainTruth, probs: predictLogistic(lr, d.trainX, d.trainTargets.length, T, F) },
      val: { truth: d.valTruth, probs: predictLogistic(lr, d.valX, d.valTargets.length, T, F) },
    },
    DEFAULT_DECODE,
  );
  const spans = d.valTruth.reduce((s, t) => s + t.spans.length, 0);
  for (const head of heads) {
    for (const seed of seeds) {
      const r = await trainModel({
        spec: { head, encoder: 'conv', featureCount: F, windowLength: T, typeCount: 2, hidden: 32, seed },
        data: d,
        epochs,
        batchSize: 16,
        learningRate: 0.002,
        seed,
        skipUntrained: true,
      });
      const model = r.model!;
      const mt = evaluatePredictions(d.trainTruth, predictAll(model, d.trainX, d.trainTargets.length), d.valTruth, predictAll(model, d.valX, d.valTargets.length), { head });
      model.dispose();
      console.log(
        `| ${src.split('/').pop()} (${d.trainTargets.length}/${d.valTargets.length}, ${spans}) | ${head} | ${seed} | ${mt.headline.spanF1.toFixed(3)} | ${mt.headline.barF1.toFixed(3)} | ${logistic.validation.spanF1.toFixed(3)} | ${r.bestEpoch} |`,
      );
    }
  }
}
