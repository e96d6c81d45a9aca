/**
 * One soft run on btcusd_1h (bench/real-series-data.ts: same data, split and scoring as
 * bench/real-series.ts) printing the per-task losses every 5 epochs and the train / validation /
 * test-block span F1 of the kept model: tells underfitting (low train F1) from overfitting. The
 * "diag" rows of docs/BENCHMARKS.md "Quality on real series".
 *
 *   node --import tsx bench/real-series-diag.ts all|few EPOCHS LR
 *   (all = every feature, few = EXPANSION_FEATURES in the order used then)
 */
import { selectBackend } from '../core/ml/backend/index.ts';
import { FEATURE_NAMES } from '../core/ml/features/index.ts';
import { evaluatePredictions } from '../core/ml/eval/report.ts';
import { predictAll, trainModel } from '../core/ml/training/train.ts';
import { loadRealSeries, ruleLabelledSplit } from './real-series-data.ts';
await selectBackend('wasm');
const feats =
  process.argv[2] === 'few' ? ['expansionFlag', 'runSpanLength', 'runSpanMove', 'runSpanDirection', 'rangeExpansion', 'runGap'] : [...FEATURE_NAMES];
const epochs = Number(process.argv[3] ?? 50);
const lr = Number(process.argv[4] ?? 0.002);
const bars = await loadRealSeries('../shared/data/btcusd_1h.csv');
const d = ruleLabelledSplit(bars, { features: feats });
const r = await trainModel({
  spec: { head: 'soft', encoder: 'conv', featureCount: feats.length, windowLength: 128, typeCount: 2, hidden: 32, seed: 1 },
  data: d,
  epochs,
  batchSize: 16,
  learningRate: lr,
  seed: 1,
  skipUntrained: true,
  onEpoch: (e) => {
    if (e.epoch % 5 === 0)
      console.log(
        e.epoch,
        'trainSpan',
        e.trainTask.span.toFixed(4),
        'valSpan',
        e.valTask.span.toFixed(4),
        'valBarF1',
        e.valBarF1.toFixed(3),
        'w',
        Object.values(e.taskWeights)
          .map((x) => x.toFixed(2))
          .join('/'),
      );
  },
});
const m = r.model!;
const tp = predictAll(m, d.trainX, d.trainTargets.length);
const vp = predictAll(m, d.valX, d.valTargets.length);
const sp = predictAll(m, d.testX, d.testTargets.length);
const tr = evaluatePredictions(d.trainTruth, tp, d.trainTruth, tp, { head: 'soft' });
const te = evaluatePredictions(d.trainTruth, tp, d.testTruth, sp, { head: 'soft' });
const va = evaluatePredictions(d.trainTruth, tp, d.valTruth, vp, { head: 'soft' });
console.log(
  process.argv.slice(2).join(' '),
  'best',
  r.bestEpoch,
  'train span F1',
  tr.headline.spanF1.toFixed(3),
  'bar',
  tr.headline.barF1.toFixed(3),
  'val',
  va.headline.spanF1.toFixed(3),
  'test',
  te.headline.spanF1.toFixed(3),
  'bar',
  te.headline.barF1.toFixed(3),
);
