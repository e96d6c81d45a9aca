/**
 * Does the least-sure queue pay off? (issue #12, point 3.) A simulated annotator labels windows in
 * batches, in queue order vs random order vs chronological order, and a model is retrained after
 * each batch; span F1 is measured on a fixed test block (the last 20 % of the series, labelled from
 * the start, never drawn by any strategy; with --val-share S its first S are validation, which picks
 * the best epoch, and only the rest is scored). "Labels needed" = the first number of labelled windows at
 * which a strategy's F1 reaches 95 % of the F1 of training on every pool window.
 *
 *   npx tsx bench/active-learning.ts [--source generated|real] [--bars N] [--batch 8] [--rounds 6]
 *        [--epochs 12] [--hidden 8] [--lr 0.005] [--repeats 1] [--repeat-offset 0] [--explore 0]
 *        [--test-fraction 0.2] [--strategies queue,random,chronological] [--cold 24] [--head soft|crf]
 *        [--ensemble 1] [--features default|expansion|all|LIST] [--train-batch 8] [--val-share 0] [--json]
 *
 * Sources: a generated series (its planted spans are the truth), or a real series
 * (../shared/data/btcusd_1h.csv) labelled by the demo's rule (findExpansionSpans). The pool is cut
 * into 128-bar windows with stride 64 (overlapping: a naive queue would spend a batch on one move).
 * The 'queue' order ranks like the app (windowQueueScore of each pool window under the latest model:
 * member disagreement for ensembles, else span-level uncertainty; then leastSureQueue's diversity).
 * Every order of one invocation uses the same test block, the same first batch (random, except
 * chronological) and the same training seeds per repeat. --json prints one line: { order → labels
 * needed on the repeat-averaged curve (null = not within the budget) }, plus `spread` (labels needed
 * per repeat, mean F1 over the curve ± sd) and the curves; bench/active-learning-plot.ts draws them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BarColumns, WindowInfo } from '../core/domain/types.ts';
import { predictWindows, type WindowPredictionResult } from '../core/ml/training/run.ts';
import { leastSureQueue } from '../core/review/queue.ts';
import type { ReviewWindowRow } from '../core/review/types.ts';
import { candidateSpans, pathUncertainty, spanUncertainty, windowQueueScore } from '../core/review/uncertainty.ts';
import { mulberry32 } from '../core/shared/random.ts';
import { configFromFlags, loadSource, setup, trainF1, type AlConfig, type AlSource } from './active-learning-lib.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'generated' },
    bars: { type: 'string', default: '6400' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '6' },
    epochs: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '8' },
    lr: { type: 'string', default: '0.005' },
    repeats: { type: 'string', default: '1' },
    /** First repeat's number (seeds follow it), so a later invocation can add repeats to an earlier one. */
    'repeat-offset': { type: 'string', default: '0' },
    /** Share of each queue batch drawn at random instead (exploration; 0 = the app's pure queue). */
    explore: { type: 'string', default: '0' },
    /** Which orders to run, comma-separated (see STRATEGIES below). */
    strategies: { type: 'string', default: 'queue,random,chronological' },
    /** 'cold': labelled windows drawn at random before the uncertainty ranking takes over. */
    cold: { type: 'string', default: '24' },
    head: { type: 'string', default: 'soft' },
    /** Ensemble members per run (the 'disagreement' order needs ≥ 2). */
    ensemble: { type: 'string', default: '1' },
    /** Share of the series held out as the fixed test block (its end). */
    'test-fraction': { type: 'string', default: '0.2' },
    /**
     * Share of the held-out windows (the first ones) that are validation: they pick the best epoch
     * and are never scored; the rest are the test block the curves are scored on. 0 = the first
     * pass's protocol (the run's own test block: the last 10 % of the labelled windows, which moves as
     * the pool is labelled; headline on validation, the windows that also picked the epoch).
     */
    'val-share': { type: 'string', default: '0' },
    /** Feature preset: default (14), expansion (EXPANSION_FEATURES, 6), all (22), or a comma list. */
    features: { type: 'string', default: 'default' },
    /** Training minibatch size. */
    'train-batch': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const REPEATS = Number(values.repeats);
const REP0 = Number(values['repeat-offset']);
const COLD = Number(values.cold);
const CFG: AlConfig = configFromFlags(values, Number(values.ensemble));
const HEAD = CFG.head;
const ENSEMBLE = CFG.ensemble;
const log = (s: string) => (values.json ? process.stderr.write(s + '\n') : console.log(s));

/**
 * Representativeness of each pool window (the 'density' order): a window's descriptor is its
 * standardised [log-return volatility, |net move| / range, mean bar range / close, share of bars
 * moving > 1 volatility]; its density is the mean Gaussian similarity to every pool window
 * (bandwidth = the mean squared distance). Windows like many others count more than outliers.
 */
function windowDensity(bars: BarColumns, pool: WindowInfo[]): Map<number, number> {
  const desc = pool.map((w) => {
    const a = w.startIndex;
    const b = a + w.length - 1;
    const rets: number[] = [];
    for (let i = a + 1; i <= b; i++) rets.push(Math.log(bars.close[i] / bars.close[i - 1]));
    const mean = rets.reduce((x, y) => x + y, 0) / rets.length;
    const vol = Math.sqrt(rets.reduce((x, y) => x + (y - mean) ** 2, 0) / rets.length) || 1e-9;
    let hi = -Infinity;
    let lo = Infinity;
    let range = 0;
    for (let i = a; i <= b; i++) {
      hi = Math.max(hi, bars.high[i]);
      lo = Math.min(lo, bars.low[i]);
      range += (bars.high[i] - bars.low[i]) / bars.close[i];
    }
    return [
      vol,
      Math.abs(bars.close[b] - bars.close[a]) / (hi - lo || 1e-9),
      range / w.length,
      rets.filter((r) => Math.abs(r - mean) > vol).length / rets.length,
    ];
  });
  const D = desc[0].length;
  for (let d = 0; d < D; d++) {
    const xs = desc.map((v) => v[d]);
    const m = xs.reduce((x, y) => x + y, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((x, y) => x + (y - m) ** 2, 0) / xs.length) || 1;
    for (const v of desc) v[d] = (v[d] - m) / sd;
  }
  const dist = (u: number[], v: number[]) => u.reduce((x, ui, d) => x + (ui - v[d]) ** 2, 0);
  let h = 0;
  for (const u of desc) for (const v of desc) h += dist(u, v);
  h = h / desc.length ** 2 || 1;
  return new Map(pool.map((w, i) => [w.id, desc.reduce((x, v) => x + Math.exp(-dist(desc[i], v) / h), 0) / desc.length]));
}

/**
 * The orders compared. 'queue' is the app's rule (windowQueueScore, then leastSureQueue's diversity,
 * as review.summary + the review pane do); the others are variants measured against it.
 *  - uncertainty: spanUncertainty (the max over candidates) + leastSureQueue: the app's rule for
 *    single soft models before the second pass (now spanDoubt, the sum), still the CRF's.
 *  - density: uncertainty × representativeness (windowDensity: similar to many pool windows).
 *  - cold: random until --cold windows are labelled, then uncertainty (a cold start; measured, not adopted).
 *  - candidates: only candidate spans count (no "how close the outside comes"): windows where the
 *    model predicts nothing score 0 and come last.
 *  - positives: expected span bars (Σ p): windows the model thinks hold the most span.
 *  - disagreement: ensemble member spread (--ensemble ≥ 2).
 *  - path: 1 − P(Viterbi path)^(1/T) (--head crf; pathUncertainty).
 */
const STRATEGIES = ['queue', 'uncertainty', 'density', 'cold', 'candidates', 'positives', 'disagreement', 'path', 'random', 'chronological'] as const;
type Strategy = (typeof STRATEGIES)[number];

function rowOf(w: WindowInfo, index: number, uncertainty: number, labelled: boolean): ReviewWindowRow {
  return {
    windowId: w.id,
    seriesId: w.seriesId,
    index,
    startTime: w.startTime,
    endTime: w.endTime,
    status: labelled ? 'agree' : 'unlabelled',
    uncertainty,
    predicted: [],
    labelCount: 0,
    decision: null,
    role: 'train',
    unconfirmed: 0,
  };
}

function scoreOf(strategy: Strategy, p: WindowPredictionResult, threshold: number, density: number): number {
  switch (strategy) {
    case 'density':
      return spanUncertainty({ probs: p.spanProb, head: HEAD, threshold }) * density;
    case 'candidates':
      return candidateSpans(p.spanProb, threshold).reduce((m, c) => Math.max(m, c.uncertainty), 0);
    case 'positives':
      return p.spanProb.reduce((a, b) => a + b, 0);
    case 'disagreement':
      if (p.memberSpread === null) throw new Error('disagreement needs --ensemble 2 or more');
      return p.memberSpread;
    case 'path':
      if (p.pathLogProb === null) throw new Error('path needs --head crf');
      return pathUncertainty(p.pathLogProb, p.spanProb.length);
    case 'queue':
      return windowQueueScore({ probs: p.spanProb, head: HEAD, threshold, memberSpread: p.memberSpread });
    default:
      return spanUncertainty({ probs: p.spanProb, head: HEAD, threshold });
  }
}

async function curve(strategy: Strategy, data: AlSource, dir: string, rep: number): Promise<Array<{ labelled: number; f1: number }>> {
  const s = setup(dir, `${strategy}-${rep}`, data, CFG);
  const density = strategy === 'density' ? windowDensity(data.bars, s.pool) : null;
  const rnd = mulberry32(1000 + rep);
  const shuffled = [...s.pool].sort(() => rnd() - 0.5);
  const labelled = new Set<number>();
  // The first batch is the same random one for every order but chronological (a queue needs a model to start).
  const first = strategy === 'chronological' ? s.pool.slice(0, BATCH) : shuffled.slice(0, BATCH);
  for (const w of first) {
    s.label(w);
    labelled.add(w.id);
  }
  const points: Array<{ labelled: number; f1: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { f1, runId, threshold } = await trainF1(s, CFG, 1 + rep * ENSEMBLE);
    points.push({ labelled: labelled.size, f1 });
    log(`  ${strategy} rep ${rep}: ${labelled.size} labelled windows → span F1 ${f1.toFixed(3)}`);
    if (round === ROUNDS - 1) break;
    const open = s.pool.filter((w) => !labelled.has(w.id));
    let next: WindowInfo[];
    if (strategy === 'chronological') next = open.slice(0, BATCH);
    else if (strategy === 'random' || (strategy === 'cold' && labelled.size < COLD)) next = shuffled.filter((w) => !labelled.has(w.id)).slice(0, BATCH);
    else {
      const preds = await predictWindows(
        s.store,
        runId,
        open.map((w) => w.id),
        { save: false },
      );
      const byId = new Map(preds.map((p) => [p.windowId, p]));
      // Rows for the whole pool (labelled ones are marked so and never drawn), in pool order.
      const rows = s.pool.map((w, index) =>
        rowOf(w, index, byId.has(w.id) ? scoreOf(strategy, byId.get(w.id)!, threshold, density?.get(w.id) ?? 1) : 0, labelled.has(w.id)),
      );
      const explore = Math.round(BATCH * Number(values.explore));
      const ids = new Set(leastSureQueue(rows, BATCH - explore).map((r) => r.windowId));
      for (const w of shuffled) if (ids.size < BATCH && !labelled.has(w.id) && !ids.has(w.id)) ids.add(w.id);
      next = open.filter((w) => ids.has(w.id));
    }
    for (const w of next) {
      s.label(w);
      labelled.add(w.id);
    }
  }
  s.store.close();
  return points;
}

const started = Date.now();
const data = await loadSource(CFG);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-al-'));
log(`machine: ${os.cpus()[0].model} x ${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
log(
  `orders: ${values.strategies}; cold ${COLD}; head ${HEAD}; ensemble ${ENSEMBLE}; explore ${values.explore}, test fraction ${values['test-fraction']}, val share ${CFG.valShare}; features ${values.features} (${CFG.features.length}), train batch ${CFG.trainBatch}`,
);
log(
  `source ${CFG.source}: ${data.bars.time.length} bars, ${data.truth.length} truth spans; batch ${BATCH}, rounds ${ROUNDS}, epochs ${CFG.epochs}, hidden ${CFG.hidden}, lr ${CFG.lr}, repeats ${REPEATS}`,
);

// Reference: every pool window labelled.
const ref = setup(dir, 'all', data, CFG);
for (const w of ref.pool) ref.label(w);
const refF1s: number[] = [];
for (let rep = REP0; rep < REP0 + REPEATS; rep++) refF1s.push((await trainF1(ref, CFG, 1 + rep * ENSEMBLE)).f1);
ref.store.close();
const allF1 = refF1s.reduce((a, b) => a + b, 0) / refF1s.length;
const target = 0.95 * allF1;
log(`all ${ref.pool.length} pool windows labelled: span F1 ${allF1.toFixed(3)}; target (95 %) ${target.toFixed(3)}`);

const chosen = values.strategies.split(',').map((x) => x.trim()) as Strategy[];
for (const c of chosen) if (!STRATEGIES.includes(c)) throw new Error(`--strategies: unknown order '${c}' (expected some of ${STRATEGIES.join(', ')})`);
const curves = {} as Record<Strategy, Array<{ labelled: number; f1: number }>>;
const repCurves = {} as Record<Strategy, Array<Array<{ labelled: number; f1: number }>>>;
for (const strategy of chosen) {
  const reps: Array<Array<{ labelled: number; f1: number }>> = [];
  for (let rep = REP0; rep < REP0 + REPEATS; rep++) reps.push(await curve(strategy, data, dir, rep));
  repCurves[strategy] = reps;
  curves[strategy] = reps[0].map((p, i) => ({ labelled: p.labelled, f1: reps.reduce((s, r) => s + r[i].f1, 0) / reps.length }));
}
// A model that learns nothing from all the labels gives no comparison (every strategy "reaches" 95 % of 0).
const MIN_REFERENCE_F1 = 0.2;
const comparable = allF1 >= MIN_REFERENCE_F1;
if (!comparable)
  log(
    `all-labels span F1 ${allF1.toFixed(3)} < ${MIN_REFERENCE_F1}: the model does not learn this source at this budget; no strategy comparison (labels needed: null)`,
  );
const needed = Object.fromEntries(
  (Object.keys(curves) as Strategy[]).map((k) => [k, comparable ? (curves[k].find((p) => p.f1 >= target)?.labelled ?? null) : null]),
) as Record<Strategy, number | null>;
fs.rmSync(dir, { recursive: true, force: true });
/**
 * How far apart repeats are, so a difference between orders can be told from noise: per repeat, the
 * labels needed (same target) and the mean span F1 over the whole curve (area under the learning
 * curve / budget, less sensitive to one lucky round than "labels needed"); mean ± sd over repeats.
 */
const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, sd: xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0 };
};
const spread = Object.fromEntries(
  chosen.map((k) => {
    const reps = repCurves[k];
    const area = meanSd(reps.map((r) => r.reduce((a, p) => a + p.f1, 0) / r.length));
    return [
      k,
      { neededPerRepeat: reps.map((r) => (comparable ? (r.find((p) => p.f1 >= target)?.labelled ?? null) : null)), meanF1: area.mean, meanF1Sd: area.sd },
    ];
  }),
) as Record<Strategy, { neededPerRepeat: Array<number | null>; meanF1: number; meanF1Sd: number }>;

const budget = BATCH * ROUNDS;
log('\nlabelled windows | ' + (Object.keys(curves) as Strategy[]).join(' | '));
for (let i = 0; i < ROUNDS; i++)
  log(`${curves[chosen[0]][i].labelled} | ${(Object.keys(curves) as Strategy[]).map((k) => curves[k][i].f1.toFixed(3)).join(' | ')}`);
log(`labels needed to reach ${target.toFixed(3)} (95 % of ${allF1.toFixed(3)}), budget ${budget} of ${ref.pool.length}: ${JSON.stringify(needed)}`);
for (const k of chosen)
  if (k !== 'random' && needed[k] != null && needed.random != null) log(`${k} / random = ${(needed[k]! / needed.random!).toFixed(2)} (goal ≤ 0.60)`);
for (const k of chosen)
  log(
    `${k}: labels needed per repeat ${JSON.stringify(spread[k].neededPerRepeat)}; mean span F1 over the curve ${spread[k].meanF1.toFixed(3)} ± ${spread[k].meanF1Sd.toFixed(3)} (sd over ${REPEATS} repeats)`,
  );
log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (values.json) {
  console.log(
    JSON.stringify({
      ...needed,
      comparable,
      allLabelsF1: allF1,
      allLabelsF1PerRepeat: refF1s,
      target,
      poolWindows: ref.pool.length,
      budget,
      source: CFG.source,
      features: values.features,
      valShare: CFG.valShare,
      testWindows: ref.nTest,
      spread,
      curves,
      /** Per repeat (repeat-offset first), so invocations can be joined per repeat later. */
      repeatCurves: repCurves,
    }),
  );
}
