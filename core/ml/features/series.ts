/**
 * Per-bar features from OHLCV columns. Features are computed once over a whole series (bars before
 * a window give context to rolling statistics), then windows are sliced out. `closeRel` is the only
 * per-window feature (log close relative to the window's first bar); it is filled when slicing.
 *
 * All rolling statistics use only bars at or before t (no look-ahead) and shrink their window at the
 * start of the series, so the first bars are defined (never NaN): with too little history they are 0.
 */
import type { BarColumns } from '../../domain/types.ts';
import { EXPANSION_RULE } from '../../domain/expansion-rule.ts';
import { expansionRunState, windowRunSummary, windowRunVerdict, type ExpansionRunState } from './expansion-run.ts';

export const FEATURE_NAMES = [
  'logReturn',
  'body',
  'range',
  'upperWick',
  'lowerWick',
  'logVolumeZ',
  'volatility',
  'momentum5',
  'momentum10',
  'momentum20',
  'trendSlope',
  'rangeExpansion',
  'moveExpansion',
  'closeRel',
  'expansionFlag',
  'runLength',
  'runMove',
  'runDirection',
  'runGap',
  'runSpanLength',
  'runSpanMove',
  'runSpanDirection',
  'runVerdict',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The run-state features (expansion-run.ts), computed together. */
export const RUN_FEATURES: readonly FeatureName[] = ['expansionFlag', 'runLength', 'runMove', 'runDirection', 'runGap'];
/**
 * Per-window run summaries (expansion-run.ts windowRunSummary): the run's length / net move /
 * direction share at its last bar inside the window, at every bar of the run, and `runVerdict`, the
 * expansion rule's tests on those three (1 when the run as the window shows it passes them, else 0;
 * expansion-run.ts runVerdict). Filled when slicing.
 */
export const WINDOW_RUN_FEATURES: readonly FeatureName[] = ['runSpanLength', 'runSpanMove', 'runSpanDirection', 'runVerdict'];

/**
 * The expansion preset: only what the demo's expansion rule weighs (a bar's range against the
 * 50-bar median, the expansion flag, the run's gap, and the per-window run summaries). With it and
 * 100 epochs at learning rate 0.005 the model reaches the issue's ≥ 0.80 on rule-labelled real
 * series where the 14 default features do not (docs/BENCHMARKS.md "Quality on real series").
 */
export const EXPANSION_FEATURES: readonly FeatureName[] = ['expansionFlag', 'runSpanLength', 'runSpanMove', 'runSpanDirection', 'rangeExpansion', 'runGap'];

/** The generic per-bar set without the expansion-run features (14; the default before 2026-12-05). */
export const BASE_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter((n) => !RUN_FEATURES.includes(n) && !WINDOW_RUN_FEATURES.includes(n));

/**
 * The default feature set: all 22 (since 2026-12-05; before, BASE_FEATURES). The run-state and
 * run-summary features are causal, series-level descriptors of range expansion — what the product's
 * spans are — with constants that match the demo's rule (FEATURE_PARAMS). On rule-labelled real
 * series they lift test-block span F1 by about +0.2 over the 14, and on the generated demo set, whose
 * labels do not come from the rule, they cost nothing beyond the seed spread (docs/ml.md,
 * docs/BENCHMARKS.md "Quality on real series, second pass"). Another set: the run's `features`.
 */
export const DEFAULT_FEATURES: readonly FeatureName[] = [...FEATURE_NAMES];

/**
 * Named feature sets a run can ask for instead of a list (`train.run {features: 'generic'}`, CLI
 * `--features generic`, the Retrain panel's "Features"): the analyst's "richer features" step is a
 * choice between these, recorded with the run as the resolved list.
 */
export const FEATURE_PRESETS = { default: DEFAULT_FEATURES, generic: BASE_FEATURES, expansion: EXPANSION_FEATURES } as const;
export type FeaturePreset = keyof typeof FEATURE_PRESETS;
export const FEATURE_PRESET_NAMES = Object.keys(FEATURE_PRESETS) as [FeaturePreset, ...FeaturePreset[]];

/** A run's `features` setting as a list: a preset name, an explicit list, or absent (the default). */
export function resolveFeatures(features: FeaturePreset | readonly FeatureName[] | undefined): FeatureName[] | undefined {
  if (features === undefined) return undefined;
  return typeof features === 'string' ? [...FEATURE_PRESETS[features]] : [...features];
}

/** Rolling-window lengths (bars); the expansion constants are the demo rule's (core/domain/expansion-rule.ts). */
export const FEATURE_PARAMS = {
  atr: 14,
  volumeZ: 50,
  volatility: 20,
  trendSlope: 20,
  /** Bars of the median true range that `rangeExpansion` and `moveExpansion` measure against. */
  expansionBaseline: EXPANSION_RULE.baseline,
  /** Bars of the net move in `moveExpansion`. */
  expansionMove: 5,
  /** A bar expands at true range ≥ this × the baseline median (`expansionFlag`, the run features). */
  expansionFactor: EXPANSION_RULE.rangeFactor,
  /** Quiet bars a run may contain between expanding bars (the run features). */
  runMaxGap: EXPANSION_RULE.maxGap,
} as const;

export function isFeatureName(s: string): s is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(s);
}

function assertNames(names: readonly string[]): asserts names is readonly FeatureName[] {
  for (const n of names) if (!isFeatureName(n)) throw new Error(`Unknown feature "${n}" (known: ${FEATURE_NAMES.join(', ')})`);
  if (new Set(names).size !== names.length) throw new Error('Duplicate feature names');
}

const finite = (v: number): number => (Number.isFinite(v) ? v : 0);
const safeLog = (v: number): number => Math.log(Math.max(v, 1e-300));

/** Average true range over the last `n` bars (fewer at the start); simple mean of true ranges. */
export function averageTrueRange(bars: BarColumns, n: number): Float64Array {
  const N = bars.close.length;
  const tr = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    const h = bars.high[t];
    const l = bars.low[t];
    let r = h - l;
    if (t > 0) {
      const pc = bars.close[t - 1];
      r = Math.max(r, Math.abs(h - pc), Math.abs(l - pc));
    }
    tr[t] = finite(r);
  }
  const atr = new Float64Array(N);
  let sum = 0;
  for (let t = 0; t < N; t++) {
    sum += tr[t];
    if (t >= n) sum -= tr[t - n];
    atr[t] = sum / Math.min(t + 1, n);
  }
  return atr;
}

/** Population std of x[t-n+1 .. t] (fewer at the start); 0 with fewer than 2 values. */
function rollingStd(x: Float64Array, n: number, valid?: (t: number) => boolean): Float64Array {
  const N = x.length;
  const out = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    const a = Math.max(0, t - n + 1);
    let cnt = 0;
    let mean = 0;
    for (let i = a; i <= t; i++) {
      if (valid && !valid(i)) continue;
      cnt++;
      mean += x[i];
    }
    if (cnt < 2) continue;
    mean /= cnt;
    let v = 0;
    for (let i = a; i <= t; i++) {
      if (valid && !valid(i)) continue;
      const d = x[i] - mean;
      v += d * d;
    }
    out[t] = Math.sqrt(v / cnt);
  }
  return out;
}

/**
 * Median true range of the `n` bars before t (fewer at the series start; 0 with fewer than 5), the
 * baseline an expansion is measured against. Sorted window kept incrementally: O(N·n).
 */
export function baselineMedianTrueRange(bars: BarColumns, n: number): Float64Array {
  const N = bars.close.length;
  const tr = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    const pc = t > 0 ? bars.close[t - 1] : bars.open[t];
    tr[t] = finite(Math.max(bars.high[t], pc) - Math.min(bars.low[t], pc));
  }
  const out = new Float64Array(N);
  const sorted: number[] = [];
  const insert = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 0, v);
  };
  const remove = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 1);
  };
  for (let t = 0; t < N; t++) {
    // sorted holds tr[t-n .. t-1]
    const m = sorted.length;
    if (m >= 5) out[t] = m % 2 ? sorted[m >> 1] : (sorted[(m >> 1) - 1] + sorted[m >> 1]) / 2;
    insert(tr[t]);
    if (t - n >= 0) remove(tr[t - n]);
  }
  return out;
}

/** The causal expansion-run state of a whole series with this module's parameters. */
export function seriesRunState(bars: BarColumns, base = baselineMedianTrueRange(bars, FEATURE_PARAMS.expansionBaseline)): ExpansionRunState {
  return expansionRunState(bars, base, {
    baseline: FEATURE_PARAMS.expansionBaseline,
    rangeFactor: FEATURE_PARAMS.expansionFactor,
    maxGap: FEATURE_PARAMS.runMaxGap,
  });
}

/**
 * Compute the named features over a whole series. Returns [N × F] float32, row-major, F = names.length.
 * The `closeRel` column is left at 0 here; `sliceWindow` / `windowMatrix` fill it per window.
 */
export function computeSeriesFeatures(bars: BarColumns, names: readonly string[] = DEFAULT_FEATURES): Float32Array {
  assertNames(names);
  const N = bars.close.length;
  const F = names.length;
  const data = new Float32Array(N * F);
  const logClose = new Float64Array(N);
  for (let t = 0; t < N; t++) logClose[t] = safeLog(bars.close[t]);
  const ret = new Float64Array(N);
  for (let t = 1; t < N; t++) ret[t] = finite(logClose[t] - logClose[t - 1]);

  let atrCache: Float64Array | null = null;
  const atrScale = (): Float64Array => {
    if (!atrCache) {
      const atr = averageTrueRange(bars, FEATURE_PARAMS.atr);
      // Guard flat markets: never divide by ~0.
      for (let t = 0; t < N; t++) atr[t] = Math.max(atr[t], 1e-9 * Math.abs(bars.close[t]), 1e-12);
      atrCache = atr;
    }
    return atrCache;
  };

  let baseCache: Float64Array | null = null;
  const baseline = (): Float64Array => (baseCache ??= baselineMedianTrueRange(bars, FEATURE_PARAMS.expansionBaseline));
  let runCache: ExpansionRunState | null = null;
  const runState = (): ExpansionRunState => (runCache ??= seriesRunState(bars, baseline()));

  const column = (name: FeatureName): Float64Array => {
    const col = new Float64Array(N);
    switch (name) {
      case 'expansionFlag':
        return runState().flag;
      case 'runLength':
        return runState().length;
      case 'runMove':
        return runState().move;
      case 'runDirection':
        return runState().direction;
      case 'runGap':
        return runState().gap;
      case 'logReturn':
        col.set(ret);
        break;
      case 'body': {
        const atr = atrScale();
        for (let t = 0; t < N; t++) col[t] = (bars.close[t] - bars.open[t]) / atr[t];
        break;
      }
      case 'range': {
        const atr = atrScale();
        for (let t = 0; t < N; t++) col[t] = (bars.high[t] - bars.low[t]) / atr[t];
        break;
      }
      case 'upperWick': {
        const atr = atrScale();
        for (let t = 0; t < N; t++) col[t] = (bars.high[t] - Math.max(bars.open[t], bars.close[t])) / atr[t];
        break;
      }
      case 'lowerWick': {
        const atr = atrScale();
        for (let t = 0; t < N; t++) col[t] = (Math.min(bars.open[t], bars.close[t]) - bars.low[t]) / atr[t];
        break;
      }
      case 'logVolumeZ': {
        const vol = bars.volume;
        if (!vol) break; // no volume column: 0
        const lv = new Float64Array(N);
        for (let t = 0; t < N; t++) lv[t] = Math.log1p(Math.max(0, finite(vol[t])));
        const n = FEATURE_PARAMS.volumeZ;
        for (let t = 0; t < N; t++) {
          const a = Math.max(0, t - n + 1);
          const cnt = t - a + 1;
          if (cnt < 2) continue;
          let mean = 0;
          for (let i = a; i <= t; i++) mean += lv[i];
          mean /= cnt;
          let v = 0;
          for (let i = a; i <= t; i++) v += (lv[i] - mean) ** 2;
          const sd = Math.sqrt(v / cnt);
          col[t] = sd > 1e-9 ? (lv[t] - mean) / sd : 0;
        }
        break;
      }
      case 'volatility':
        // Log returns from bar 1 on (bar 0 has no return).
        col.set(rollingStd(ret, FEATURE_PARAMS.volatility, (i) => i > 0));
        break;
      case 'momentum5':
      case 'momentum10':
      case 'momentum20': {
        const h = name === 'momentum5' ? 5 : name === 'momentum10' ? 10 : 20;
        const atr = atrScale();
        // Close change over h bars (fewer at the series start), in ATR units.
        for (let t = 0; t < N; t++) col[t] = (bars.close[t] - bars.close[Math.max(0, t - h)]) / atr[t];
        break;
      }
      case 'rangeExpansion':
      case 'moveExpansion': {
        // How an expansion is judged by eye (and by the demo's rule, core/demo/heuristic-truth.ts):
        // against the median true range of the bars before. A 50-bar baseline reaches far past the
        // encoder's receptive field, and for a window's first bars before the window: computed on the
        // whole series, it carries that context in. rangeExpansion: log(TR / baseline median);
        // moveExpansion: the net move of the last few bars in baseline units. 0 without history.
        const base = baseline();
        const k = FEATURE_PARAMS.expansionMove;
        for (let t = 0; t < N; t++) {
          if (!(base[t] > 0)) continue;
          if (name === 'rangeExpansion') {
            const pc = t > 0 ? bars.close[t - 1] : bars.open[t];
            const tr = Math.max(bars.high[t], pc) - Math.min(bars.low[t], pc);
            col[t] = Math.max(-4, Math.min(4, Math.log(Math.max(tr, 1e-12 * base[t]) / base[t])));
          } else {
            col[t] = Math.max(-20, Math.min(20, (bars.close[t] - bars.open[Math.max(0, t - k + 1)]) / base[t]));
          }
        }
        break;
      }
      case 'trendSlope': {
        // OLS slope of log close vs bar index over the last n bars (per bar, in log units).
        const n = FEATURE_PARAMS.trendSlope;
        for (let t = 0; t < N; t++) {
          const a = Math.max(0, t - n + 1);
          const m = t - a + 1;
          if (m < 2) continue;
          const xm = (m - 1) / 2;
          let ym = 0;
          for (let i = a; i <= t; i++) ym += logClose[i];
          ym /= m;
          let sxy = 0;
          let sxx = 0;
          for (let i = a; i <= t; i++) {
            const dx = i - a - xm;
            sxy += dx * (logClose[i] - ym);
            sxx += dx * dx;
          }
          col[t] = sxy / sxx;
        }
        break;
      }
      case 'closeRel':
      case 'runSpanLength':
      case 'runSpanMove':
      case 'runSpanDirection':
      case 'runVerdict':
        break; // per window
    }
    return col;
  };

  for (let f = 0; f < F; f++) {
    const col = column(names[f]);
    for (let t = 0; t < N; t++) data[t * F + f] = finite(col[t]);
  }
  return data;
}

/**
 * Features of one window [length × F] (a copy of the series rows), with the per-window closeRel
 * (log close relative to the window's first bar) filled in when `names` includes it.
 */
export function sliceWindow(series: Float32Array, bars: BarColumns, names: readonly string[], startIndex: number, length: number): Float32Array {
  const out = new Float32Array(length * names.length);
  writeWindow(series, bars, names, startIndex, length, out, 0, windowRunState(bars, names));
  return out;
}

function writeWindow(
  series: Float32Array,
  bars: BarColumns,
  names: readonly string[],
  startIndex: number,
  length: number,
  out: Float32Array,
  offset: number,
  run: ExpansionRunState | null,
): void {
  const F = names.length;
  const rows = series.length / F;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex + length > rows) {
    throw new Error(`Window [${startIndex}, ${startIndex + length}) is outside the series (0..${rows})`);
  }
  out.set(series.subarray(startIndex * F, (startIndex + length) * F), offset);
  const rel = names.indexOf('closeRel');
  if (rel >= 0) {
    const base = safeLog(bars.close[startIndex]);
    for (let t = 0; t < length; t++) out[offset + t * F + rel] = finite(safeLog(bars.close[startIndex + t]) - base);
  }
  if (run) {
    const sum = windowRunSummary(run, startIndex, startIndex + length - 1);
    (['runSpanLength', 'runSpanMove', 'runSpanDirection'] as const).forEach((name, k) => {
      const f = names.indexOf(name);
      if (f >= 0) for (let t = 0; t < length; t++) out[offset + t * F + f] = finite(sum[t * 3 + k]);
    });
    const v = names.indexOf('runVerdict');
    if (v >= 0) {
      const verdict = windowRunVerdict(run, startIndex, startIndex + length - 1, EXPANSION_RULE);
      for (let t = 0; t < length; t++) out[offset + t * F + v] = verdict[t];
    }
  }
}

/** The run state the per-window run summaries need (null when `names` has none of them). */
function windowRunState(bars: BarColumns, names: readonly string[]): ExpansionRunState | null {
  return WINDOW_RUN_FEATURES.some((n) => names.includes(n)) ? seriesRunState(bars) : null;
}

/** Many windows of the same length stacked: [W × length × F], row-major (the model's input layout). */
export function windowMatrix(series: Float32Array, bars: BarColumns, names: readonly string[], startIndices: readonly number[], length: number): Float32Array {
  const F = names.length;
  const out = new Float32Array(startIndices.length * length * F);
  const run = windowRunState(bars, names);
  startIndices.forEach((s, w) => writeWindow(series, bars, names, s, length, out, w * length * F, run));
  return out;
}

/** Convenience: compute the series features and stack the given windows in one call. */
export function computeWindowFeatures(bars: BarColumns, names: readonly string[], startIndices: readonly number[], length: number): Float32Array {
  return windowMatrix(computeSeriesFeatures(bars, names), bars, names, startIndices, length);
}
