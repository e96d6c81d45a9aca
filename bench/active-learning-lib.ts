/**
 * What bench/active-learning.ts and bench/active-learning-diag.ts share: the source series and its
 * truth, the project a simulated annotator labels (pool windows before the held-out block; the
 * held-out windows labelled from the start), and one training scored on the fixed test block.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BarColumns, IndexSpan, WindowInfo } from '../core/domain/types.ts';
import { generateSeries } from '../core/demo/generate.ts';
import { findExpansionSpans } from '../core/demo/heuristic-truth.ts';
import { readOhlcvCsvFile } from '../core/import/index.ts';
import { DEFAULT_FEATURES, EXPANSION_FEATURES, FEATURE_NAMES } from '../core/ml/features/index.ts';
import { runTraining } from '../core/ml/training/run.ts';
import type { RunReport } from '../core/ml/eval/report.ts';
import { ProjectStore } from '../core/store/index.ts';

export const T = 128;
export const STRIDE = 64;

/** The settings both scripts read from their command lines (same names, see bench/active-learning.ts). */
export interface AlConfig {
  source: 'generated' | 'real';
  /** Bars of the series (real: the first N; 0 = all). */
  bars: number;
  /** Share of the series held out at its end (validation, then the test block). */
  testFraction: number;
  /** Share of the held-out windows that are validation (0 = the first pass's protocol). */
  valShare: number;
  features: string[];
  head: 'soft' | 'crf';
  hidden: number;
  epochs: number;
  lr: number;
  trainBatch: number;
  ensemble: number;
}

/** --features: default (14), expansion (EXPANSION_FEATURES, 6), all (22), or a comma list. */
export function parseFeatures(arg: string): string[] {
  if (arg === 'default') return [...DEFAULT_FEATURES];
  if (arg === 'expansion') return [...EXPANSION_FEATURES];
  if (arg === 'all') return [...FEATURE_NAMES];
  return arg.split(',').map((x) => x.trim());
}

/** The training/source settings from the benches' shared flags (active-learning.ts, active-learning-diag.ts). */
export function configFromFlags(v: Record<string, string | boolean | undefined>, ensemble: number): AlConfig {
  const num = (k: string) => Number(v[k]);
  return {
    source: v.source as 'generated' | 'real',
    bars: num('bars'),
    testFraction: num('test-fraction'),
    valShare: num('val-share'),
    features: parseFeatures(String(v.features)),
    head: v.head as 'soft' | 'crf',
    hidden: num('hidden'),
    epochs: num('epochs'),
    lr: num('lr'),
    trainBatch: num('train-batch'),
    ensemble,
  };
}

export interface AlSource {
  id: string;
  bars: BarColumns;
  truth: IndexSpan[];
}

export async function loadSource(cfg: AlConfig): Promise<AlSource> {
  if (cfg.source === 'real') {
    const file = path.resolve(import.meta.dirname, '../../shared/data/btcusd_1h.csv');
    const { bars } = await readOhlcvCsvFile(fs.existsSync(file) ? file : path.resolve('../shared/data/btcusd_1h.csv'));
    // bars 0: the whole series.
    const n = cfg.bars > 0 ? Math.min(bars.time.length, cfg.bars) : bars.time.length;
    const cut = (a: Float64Array) => a.subarray(0, n);
    const sub: BarColumns = {
      time: cut(bars.time),
      open: cut(bars.open),
      high: cut(bars.high),
      low: cut(bars.low),
      close: cut(bars.close),
      volume: bars.volume ? cut(bars.volume) : null,
    };
    return { id: 'btcusd_1h', bars: sub, truth: findExpansionSpans(sub) };
  }
  const g = generateSeries({ seed: 1201, bars: cfg.bars });
  return { id: 'generated', bars: g.bars, truth: g.truth };
}

/** The truth spans inside a window, clipped (pieces under 3 bars dropped, as the demo's labeller does). */
export function truthIn(truth: IndexSpan[], start: number, length: number): IndexSpan[] {
  const out: IndexSpan[] = [];
  for (const s of truth) {
    const a = Math.max(s.start, start);
    const b = Math.min(s.end, start + length - 1);
    if (b - a + 1 >= 3) out.push({ ...s, start: a, end: b });
  }
  return out;
}

export interface Setup {
  store: ProjectStore;
  setId: number;
  pool: WindowInfo[];
  label(w: WindowInfo): void;
  /** Labelled windows so far (held-out ones included). */
  labelled(): number;
  /** Test-block windows (the last held-out ones; 0 with --val-share 0). */
  nTest: number;
}

export function setup(dir: string, name: string, data: AlSource, cfg: AlConfig): Setup {
  const store = ProjectStore.open(path.join(dir, `${name}.candlemark`), { create: true });
  store.annotator = 'simulated';
  const n = data.bars.time.length;
  const testFrom = Math.floor(n * (1 - cfg.testFraction));
  store.insertSeries(data.id, 'bench', data.bars);
  const windows: Array<{ extId: string; startIndex: number; length: number; role: 'train' | 'val' }> = [];
  // Pool: overlapping windows wholly before the test block. Test block: non-overlapping windows after it.
  for (let s = 0; s + T <= testFrom; s += STRIDE) windows.push({ extId: `p${s}`, startIndex: s, length: T, role: 'train' });
  for (let s = testFrom; s + T <= n; s += T) windows.push({ extId: `t${s}`, startIndex: s, length: T, role: 'val' });
  const set = store.createWindowSet(
    { seriesId: data.id, origin: 'cut', length: T, stride: STRIDE, split: 'chronological', valFraction: 0.2, seed: 1 },
    windows,
  );
  const all = store.listWindows({ setId: set.id });
  let count = 0;
  const label = (w: WindowInfo) => {
    count++;
    store.editGroup('simulated annotator', () => {
      for (const s of truthIn(data.truth, w.startIndex, w.length)) {
        store.addLabel(w.id, { startTime: data.bars.time[s.start], endTime: data.bars.time[s.end], type: s.type, origin: 'drawn' });
      }
      store.setWindowReviewed(w.id, true);
    });
  };
  const heldOut = all.filter((x) => x.role === 'val');
  for (const w of heldOut) label(w);
  const nTest = cfg.valShare > 0 ? heldOut.length - Math.max(1, Math.round(heldOut.length * cfg.valShare)) : 0;
  if (cfg.valShare > 0 && nTest < 1) throw new Error(`--val-share ${cfg.valShare} leaves no test window of ${heldOut.length} held out`);
  return { store, setId: set.id, pool: all.filter((x) => x.role === 'train'), label, labelled: () => count, nTest };
}

export async function trainF1(s: Setup, cfg: AlConfig, seed: number): Promise<{ f1: number; runId: number; threshold: number }> {
  const r = await runTraining(s.store, {
    setId: s.setId,
    head: cfg.head,
    hidden: cfg.hidden,
    epochs: cfg.epochs,
    learningRate: cfg.lr,
    seed,
    backend: 'wasm',
    ensemble: cfg.ensemble,
    features: cfg.features,
    batchSize: cfg.trainBatch,
    // The run's test block is exactly the last nTest held-out windows (they sort last: the pool lies
    // before them), whatever the number of labelled pool windows; the held-out windows before it are
    // validation (best epoch). With --val-share 0, the run's default (see the option).
    ...(s.nTest > 0 ? { testFraction: s.nTest / s.labelled() } : {}),
  });
  if (r.status !== 'completed' || !r.report) throw new Error(`training failed: ${r.error}`);
  const report = r.report as RunReport;
  if (s.nTest === 0) return { f1: report.metrics.headline.spanF1, runId: r.runId, threshold: report.metrics.threshold.span };
  const test = report.headline?.test;
  if (!test || test.windows !== s.nTest) throw new Error(`expected a test block of ${s.nTest} windows, the run scored ${test?.windows ?? 'none'}`);
  return { f1: test.spanF1, runId: r.runId, threshold: report.metrics.threshold.span };
}
