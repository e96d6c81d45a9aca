/**
 * Do the features carry what the rule decides by? The `runVerdict` feature alone (the demo's
 * expansion rule's tests on the per-window run summaries: length 5..48, |move| ≥ 4, direction ≥ 0.6,
 * on the run's bars up to its last expanding bar; core/ml/features/expansion-run.ts) scored on the
 * test block of bench/real-series-data.ts like a model (threshold 0.5, the report's decoding). What it misses is what no window can show: runs that
 * go on past the window's last bar (the rule reads those bars) and runs longer than 48 bars whose
 * start lies before the window. An upper bound for a model fed these features, not a model.
 *
 *   node --import tsx bench/rule-oracle.ts [--data ../shared/data/spy_1d.csv,...]
 */
import { computeSeriesFeatures, windowMatrix } from '../core/ml/features/index.ts';
import { evaluatePredictions } from '../core/ml/eval/report.ts';
import type { PredLike } from '../core/ml/eval/types.ts';
import { parseArgs } from './yardstick/lib.ts';
import { loadRealSeries, ruleLabelledSplit } from './real-series-data.ts';

const args = parseArgs(process.argv.slice(2));
const sources = (args.data ?? '../shared/data/spy_1d.csv,../shared/data/btcusd_1h.csv,../shared/data/eurusd_1h.csv').split(',');
// The rule's verdict as the model's feature gives it (expansion-run.ts windowRunVerdict).
const names = ['runVerdict'];
console.log('| series | test windows (spans) | runVerdict alone: test span F1 | test bar F1 | bars agreeing with the labels |');
console.log('| --- | --- | --- | --- | --- |');
for (const src of sources) {
  const bars = await loadRealSeries(src);
  const d = ruleLabelledSplit(bars, { features: names });
  const T = d.windowLength;
  const raw = windowMatrix(computeSeriesFeatures(bars, names), bars, names, d.starts.test, T);
  let agree = 0;
  const preds: PredLike[] = d.starts.test.map((_, w) => {
    const p = new Float32Array(T);
    for (let t = 0; t < T; t++) {
      p[t] = raw[w * T + t];
      if (p[t] === (d.testTruth[w].mask[t] > 0.5 ? 1 : 0)) agree++;
    }
    return { spanProb: p, viterbi: null, startProb: p, endProb: p, typeProb: new Float32Array(2), countdown: p };
  });
  const mt = evaluatePredictions(d.testTruth, preds, d.testTruth, preds, { head: 'soft', thresholds: [0.5] });
  console.log(
    `| ${src.split('/').pop()} | ${d.info.test} (${d.info.testSpans}) | ${mt.headline.spanF1.toFixed(3)} | ${mt.headline.barF1.toFixed(3)} | ${(agree / (d.info.test * T)).toFixed(4)} |`,
  );
}
