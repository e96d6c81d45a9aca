/**
 * Which queue score finds the windows a model gets wrong? A cheaper question than the learning
 * curves of bench/active-learning.ts (whose one-repeat F1 moves ±0.1): train on n random pool
 * windows, predict every other pool window, and count each window's span errors against the truth
 * (missed + extra + boundary + type, core/review/compare-window.ts). A score is good for the queue
 * when the batch it picks (leastSureQueue, so neighbours are deferred as in the app) holds many
 * errors and many of the rarer windows with spans. Printed per labelled size and seed: mean errors
 * per window of each score's batch, the share of its windows holding a truth span, and Spearman's
 * rank correlation of the score with the errors over all unlabelled pool windows.
 *
 *   npx tsx bench/active-learning-diag.ts [--source real] [--bars 0] [--test-fraction 0.3] [--val-share 0.33]
 *        [--features expansion] [--epochs 100] [--hidden 32] [--lr 0.005] [--train-batch 16] [--head soft|crf]
 *        [--sizes 16,48,96] [--seeds 0,1] [--batch 16]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { predictWindows } from '../core/ml/training/run.ts';
import { compareWindow } from '../core/review/compare-window.ts';
import { leastSureQueue } from '../core/review/queue.ts';
import type { ReviewWindowRow } from '../core/review/types.ts';
import { candidateSpans, closenessToThreshold, pathUncertainty, spanUncertainty, windowQueueScore, windowUncertainty } from '../core/review/uncertainty.ts';
import { mulberry32 } from '../core/shared/random.ts';
import { configFromFlags, loadSource, setup, trainF1, truthIn, type AlConfig } from './active-learning-lib.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'real' },
    bars: { type: 'string', default: '0' },
    'test-fraction': { type: 'string', default: '0.3' },
    'val-share': { type: 'string', default: '0.33' },
    features: { type: 'string', default: 'expansion' },
    head: { type: 'string', default: 'soft' },
    hidden: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '100' },
    lr: { type: 'string', default: '0.005' },
    'train-batch': { type: 'string', default: '16' },
    sizes: { type: 'string', default: '16,48,96' },
    seeds: { type: 'string', default: '0,1' },
    batch: { type: 'string', default: '16' },
  },
});
const CFG: AlConfig = configFromFlags(values, 1);
const BATCH = Number(values.batch);

/**
 * Variant of spanDoubt (same sum, same order) whose candidates start at τ/4 instead of τ/2, so more
 * of a weak model's hints count as candidates (missed-span risk); measured worse, kept to rerun.
 */
function sumFromQuarter(probs: ArrayLike<number>, threshold: number): number {
  const cands = candidateSpans(probs, threshold / 2);
  let outside = 0;
  for (let i = 0; i < probs.length; i++) if (!cands.some((c) => c.start <= i && i <= c.end)) outside = Math.max(outside, probs[i]);
  return cands.reduce((a, c) => a + closenessToThreshold(c.evidence, threshold), 0) + closenessToThreshold(outside, threshold);
}

/** Average ranks (ties share their mean rank). */
function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}
function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - m) * (rb[i] - m);
    da += (ra[i] - m) ** 2;
    db += (rb[i] - m) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

const data = await loadSource(CFG);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-al-diag-'));
console.log(
  `machine: ${os.cpus()[0].model} x ${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`source ${CFG.source}, features ${values.features}, head ${CFG.head}, epochs ${CFG.epochs}, hidden ${CFG.hidden}, lr ${CFG.lr}; batch of ${BATCH}`);
console.log('| labelled | seed | score | batch: errors / window | batch: windows with a span | Spearman(score, errors) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const seed of values.seeds.split(',').map(Number)) {
  for (const n of values.sizes.split(',').map(Number)) {
    const s = setup(dir, `diag-${seed}-${n}`, data, CFG);
    const rnd = mulberry32(1000 + seed);
    const shuffled = [...s.pool].sort(() => rnd() - 0.5);
    const labelled = new Set(shuffled.slice(0, n).map((w) => w.id));
    for (const w of shuffled.slice(0, n)) s.label(w);
    const { f1, runId, threshold } = await trainF1(s, CFG, 1 + seed);
    const open = s.pool.filter((w) => !labelled.has(w.id));
    const preds = await predictWindows(
      s.store,
      runId,
      open.map((w) => w.id),
      { save: false },
    );
    const byId = new Map(preds.map((p) => [p.windowId, p]));
    const errors: number[] = [];
    const hasSpan: boolean[] = [];
    for (const w of open) {
      const truth = truthIn(data.truth, w.startIndex, w.length).map((t, id) => ({
        id,
        start: t.start - w.startIndex,
        end: t.end - w.startIndex,
        type: t.type,
      }));
      const p = byId.get(w.id)!;
      const c = compareWindow(truth, p.spans, true);
      errors.push(c.matches.filter((m) => m.kind !== 'agree').length);
      hasSpan.push(truth.length > 0);
    }
    const probs = open.map((w) => byId.get(w.id)!.spanProb);
    const scores: Record<string, number[]> = {
      'max: spanUncertainty (the queue before)': probs.map((p) => spanUncertainty({ probs: p, head: CFG.head, threshold })),
      'queue (windowQueueScore: spanDoubt for soft)': open.map((w) => {
        const p = byId.get(w.id)!;
        return windowQueueScore({ probs: p.spanProb, head: CFG.head, threshold, memberSpread: p.memberSpread });
      }),
      'sum, candidates from τ/4': probs.map((p) => sumFromQuarter(p, CFG.head === 'crf' ? 0.5 : threshold)),
      'max p': probs.map((p) => p.reduce((a, b) => Math.max(a, b), 0)),
      'per-bar mean 1−|2p−1|': probs.map((p) => windowUncertainty(p)),
      'Σ p (positives)': probs.map((p) => p.reduce((a, b) => a + b, 0)),
      ...(CFG.head === 'crf' ? { '1 − P(path)^(1/T)': open.map((w) => pathUncertainty(byId.get(w.id)!.pathLogProb ?? 0, w.length)) } : {}),
      random: open.map(() => rnd()),
      'oracle (errors)': errors,
    };
    const meanErr = errors.reduce((a, b) => a + b, 0) / errors.length;
    const spanShare = hasSpan.filter(Boolean).length / hasSpan.length;
    console.log(`| ${n} | ${seed} | (all ${open.length} unlabelled; test span F1 ${f1.toFixed(3)}) | ${meanErr.toFixed(2)} | ${spanShare.toFixed(2)} | — |`);
    for (const [name, sc] of Object.entries(scores)) {
      const rows: ReviewWindowRow[] = open.map((w, index) => ({
        windowId: w.id,
        seriesId: w.seriesId,
        index,
        startTime: w.startTime,
        endTime: w.endTime,
        status: 'unlabelled',
        uncertainty: sc[index],
        predicted: [],
        labelCount: 0,
        decision: null,
        role: 'train',
        unconfirmed: 0,
      }));
      const picked = leastSureQueue(rows, BATCH).map((r) => r.index);
      const e = picked.reduce((a, i) => a + errors[i], 0) / picked.length;
      const sp = picked.filter((i) => hasSpan[i]).length / picked.length;
      console.log(`| ${n} | ${seed} | ${name} | ${e.toFixed(2)} | ${sp.toFixed(2)} | ${spearman(sc, errors).toFixed(2)} |`);
    }
    s.store.close();
  }
}
fs.rmSync(dir, { recursive: true, force: true });
