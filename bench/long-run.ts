/**
 * Long-run stability: 200-epoch runs (soft and CRF, seeds 1–3) on the generated demo set and on
 * real series labelled by the demo's rule. Per run: the best validation span F1 over all epochs
 * (per epoch: soft at threshold 0.5, CRF by Viterbi; default decoding) and the largest drop below
 * that running best over the last 50 epochs (goal: ≤ 0.03), plus the final task weights.
 *
 *   node --import tsx bench/long-run.ts [--epochs 200] [--seeds 1,2,3] [--heads soft,crf]
 *        [--data demo,../shared/data/btcusd_1h.csv] [--weighting ema-val] [--schedule constant|cosine]
 *        [--average 0.995|false] [--average-tail 0.5] [--weight-decay 0] [--lr 0.002] [--batch 16] [--label NAME]
 *        [--dropout 0] [--input-dropout 0] [--clip NORM] [--hidden 32] [--features default|expansion|all|name,name]
 *        [--out runs.json] [--svg docs/img/long-run.svg]
 *
 * --out records every run's per-epoch F1 (bench/long-run-plot.ts merges several files into one SVG);
 * --svg plots this invocation's runs directly.
 */
import fs from 'node:fs';
import { selectBackend } from '../core/ml/backend/index.ts';
import { decodeForReport, evaluatePredictions } from '../core/ml/eval/report.ts';
import { normaliseTruthSpans } from '../core/ml/eval/headline.ts';
import { spanPRF } from '../core/ml/eval/metrics.ts';
import { DEFAULT_DECODE } from '../core/ml/eval/decode.ts';
import { trainModel, type LrSchedule } from '../core/ml/training/train.ts';
import { TRAINING_DEFAULTS } from '../core/ml/training/defaults.ts';
import { DEFAULT_FEATURES, EXPANSION_FEATURES, FEATURE_NAMES } from '../core/ml/features/index.ts';
import type { TaskWeighting } from '../core/ml/training/task-weights.ts';
import { machine, parseArgs } from './yardstick/lib.ts';
import { loadSeriesData } from './series-data.ts';
import { lastDrop, longRunSvg, type LongRunRecord } from './long-run-plot.ts';

const args = parseArgs(process.argv.slice(2));
const epochs = Number(args.epochs ?? 200);
const seeds = (args.seeds ?? '1,2,3').split(',').map(Number);
const heads = (args.heads ?? 'soft,crf').split(',') as ('soft' | 'crf')[];
const sources = (args.data ?? 'demo,../shared/data/btcusd_1h.csv').split(',');
const weighting = (args.weighting ?? 'ema-val') as TaskWeighting;
// Absent flags = the engine's defaults (core/ml/training/defaults.ts).
const schedule = (args.schedule ?? TRAINING_DEFAULTS.lrSchedule) as LrSchedule;
const averageTailFrom = args['average-tail'] === undefined ? undefined : Number(args['average-tail']);
const average =
  args.average === undefined ? TRAINING_DEFAULTS.weightAverage : args.average === 'false' ? false : args.average === 'true' ? true : Number(args.average);
// Absent: each head's default (TRAINING_DEFAULTS.weightDecayByHead).
const weightDecayArg = args['weight-decay'] === undefined ? undefined : Number(args['weight-decay']);
const lr = Number(args.lr ?? TRAINING_DEFAULTS.learningRate);
const batchSize = Number(args.batch ?? 16);
// issue #11 point 2, third pass: regularisation and the feature set
const dropout = Number(args.dropout ?? 0);
const inputDropout = Number(args['input-dropout'] ?? 0);
const gradClip = Number(args.clip ?? 0);
const hidden = Number(args.hidden ?? 32);
const featureArg = args.features ?? 'default';
const features =
  featureArg === 'default'
    ? [...DEFAULT_FEATURES]
    : featureArg === 'all'
      ? [...FEATURE_NAMES]
      : featureArg === 'expansion'
        ? [...EXPANSION_FEATURES]
        : featureArg.split(',');
const regLabel = `${dropout ? ` drop${dropout}` : ''}${inputDropout ? ` indrop${inputDropout}` : ''}${gradClip ? ` clip${gradClip}` : ''}${hidden !== 32 ? ` h${hidden}` : ''}${lr !== 0.002 ? ` lr${lr}` : ''}${featureArg !== 'default' ? ` feat-${featureArg}` : ''}`;
const setting =
  args.label ??
  `${schedule}${average ? ` avg${average === true ? '' : average}` : ''}${averageTailFrom !== undefined ? ` tail${averageTailFrom}` : ''}${weightDecayArg !== undefined ? ` wd${weightDecayArg}` : ''}${regLabel}`;
const records: LongRunRecord[] = [];
const m = machine();
console.log(
  `long-run — ${m.date}; ${m.cpu} × ${m.cores}, Node ${m.node}; ${epochs} epochs, seeds ${seeds.join(',')}, weighting ${weighting}, lr ${lr} schedule ${schedule}, batch ${batchSize}, weight average ${average}, weight decay ${weightDecayArg ?? 'per head (soft 0, CRF 1)'}, dropout ${dropout}, input dropout ${inputDropout}, grad clip ${gradClip || 'off'}, hidden ${hidden}, features ${featureArg} (${features.length})`,
);
const sel = await selectBackend('wasm');
console.log(sel.device);
console.log(
  '| data | head | seed | best val span F1 (epoch) | max drop, last 50 | final span F1 | as a run reports it (soft: train-chosen threshold): best (epoch) | its drop, last 50 | final weights p/t/s/c | s/epoch |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const src of sources) {
  const d = await loadSeriesData(src, { features });
  const label =
    src === 'demo' ? `demo (${d.trainTargets.length}/${d.valTargets.length})` : `${src.split('/').pop()} (${d.trainTargets.length}/${d.valTargets.length})`;
  const truthSpans = d.valTruth.map((t) => normaliseTruthSpans(t.spans, t.mask.length, DEFAULT_DECODE));
  for (const head of heads) {
    for (const seed of seeds) {
      const f1: number[] = [];
      // The soft head as a run reports it: at the threshold chosen on train (this set has no test block).
      const f1Run: number[] = [];
      const r = await trainModel({
        spec: { head, encoder: 'conv', featureCount: d.features.length, windowLength: d.windowLength, typeCount: 2, hidden, seed, dropout, inputDropout },
        data: d,
        epochs,
        batchSize,
        learningRate: lr,
        weightAverage: average,
        averageTailFrom,
        weightDecay: weightDecayArg ?? TRAINING_DEFAULTS.weightDecayByHead[head],
        gradClip: gradClip || undefined,
        seed,
        skipUntrained: true,
        taskWeighting: weighting,
        lrSchedule: schedule,
        epochTrainPredictions: head === 'soft',
        onEpochPredictions: (_e, preds, trainPreds) => {
          f1.push(
            spanPRF(
              preds.map((p) => decodeForReport(p, head, 0.5)),
              truthSpans,
            ).f1,
          );
          f1Run.push(head === 'soft' ? evaluatePredictions(d.trainTruth, trainPreds!, d.valTruth, preds, { head }).headline.spanF1 : f1[f1.length - 1]);
        },
      });
      r.model?.dispose();
      const { best, bestAt, drop } = lastDrop(f1);
      const run = lastDrop(f1Run);
      records.push({ data: label, head, seed, setting, epochs, f1, best, bestAt, drop, f1Run, runBest: run.best, runBestAt: run.bestAt, runDrop: run.drop });
      if (args.out) fs.writeFileSync(args.out, JSON.stringify(records));
      const w = r.epochs[r.epochs.length - 1].taskWeights;
      const sec = r.epochs.reduce((s, e) => s + e.seconds, 0) / r.epochs.length;
      console.log(
        `| ${label} | ${head} | ${seed} | ${best.toFixed(3)} (${bestAt}) | ${drop.toFixed(3)}${drop > 0.03 ? ' ✗' : ''} | ${f1[f1.length - 1].toFixed(3)} | ${run.best.toFixed(3)} (${run.bestAt}) | ${run.drop.toFixed(3)}${run.drop > 0.03 ? ' ✗' : ''} | ${[w.pointer, w.type, w.span, w.countdown].map((x) => x.toFixed(2)).join('/')} | ${sec.toFixed(2)} |`,
      );
    }
  }
}
if (args.svg) {
  fs.writeFileSync(args.svg, longRunSvg(records));
  console.log(`wrote ${args.svg}`);
}
