/**
 * Build a training dataset from a project: the windows of one window set (train/val by role),
 * their labels as window-relative spans, targets, and normalised features (normaliser fitted on the
 * training windows only).
 */
import type { BarColumns, IndexSpan, Label, WindowInfo } from '../../domain/types.ts';
import { computeTargets, type WindowTargets } from '../../labels/targets.ts';
import { DEFAULT_FEATURES, applyNormalizer, computeSeriesFeatures, fitNormalizer, windowMatrix, type Normalizer } from '../features/index.ts';
import type { EvalTruth } from '../eval/types.ts';
import type { ProjectStore } from '../../store/index.ts';

export interface DatasetOptions {
  setId: number;
  /** Feature names (default DEFAULT_FEATURES). */
  features?: readonly string[];
  /** softMask edge ramp (default 3). */
  ramp?: number;
  /** 'labelled' (default): only windows with at least one label; 'all': unlabelled windows count as "no span". */
  windows?: 'labelled' | 'all';
  /**
   * Training windows holding spans a model wrote that nobody confirmed or edited (origin 'accepted'):
   * 'use' them (default) or 'exclude' them. Validation windows holding such spans are always left out
   * of scoring: a model's answers must never become the truth it is graded on (issue #12).
   */
  unconfirmedInTraining?: 'use' | 'exclude';
}

/** How many windows held unconfirmed model-written spans, and what was done with them. */
export interface UnconfirmedCounts {
  /** Validation windows left out of scoring because they hold unconfirmed model-written spans. */
  valWindowsExcluded: number;
  /** Training windows holding such spans that were used (unconfirmedInTraining 'use'). */
  trainWindowsUsed: number;
  /** Training windows holding such spans that were left out (unconfirmedInTraining 'exclude'). */
  trainWindowsExcluded: number;
}

export interface WindowRecord {
  window: WindowInfo;
  spans: IndexSpan[];
  targets: WindowTargets;
}

export interface Dataset {
  setId: number;
  windowLength: number;
  features: string[];
  typeNames: string[];
  normalizer: Normalizer;
  train: WindowRecord[];
  val: WindowRecord[];
  trainX: Float32Array;
  valX: Float32Array;
  unconfirmed: UnconfirmedCounts;
}

/** First index i in [lo, hi) with times[i] >= t. */
function lowerBound(times: Float64Array, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Window-relative spans of the labels (by bar time); labels outside the window are clipped, empty ones dropped. */
export function labelsToSpans(labels: readonly Label[], win: WindowInfo, times: Float64Array): IndexSpan[] {
  const from = win.startIndex;
  const to = win.startIndex + win.length;
  const out: IndexSpan[] = [];
  for (const l of labels) {
    const s = lowerBound(times, l.startTime, from, to);
    let e = lowerBound(times, l.endTime, from, to);
    if (e >= to || times[e] > l.endTime) e--;
    if (s >= to || e < s) continue;
    out.push({ start: s - from, end: e - from, type: l.type, confidence: l.confidence });
  }
  return out;
}

export function truthOf(r: { spans: IndexSpan[]; targets: WindowTargets }): EvalTruth {
  return {
    mask: r.targets.mask,
    spans: r.spans.map((s) => ({ start: s.start, end: s.end })),
    hasSpan: r.targets.hasSpan,
    start: r.targets.start,
    end: r.targets.end,
    typeIndex: r.targets.typeIndex,
    countdown: r.targets.countdown,
  };
}

interface SeriesCache {
  bars: BarColumns;
  features: Float32Array;
}

/** Read each series once and compute its features. */
export function seriesFeatures(store: ProjectStore, seriesIds: Iterable<string>, names: readonly string[]): Map<string, SeriesCache> {
  const cache = new Map<string, SeriesCache>();
  for (const id of seriesIds) {
    if (cache.has(id)) continue;
    const info = store.getSeries(id);
    if (!info) throw new Error(`Series "${id}" not found`);
    const bars = store.readBars(id, 0, info.barCount);
    cache.set(id, { bars, features: computeSeriesFeatures(bars, names) });
  }
  return cache;
}

/** Raw (not normalised) features of windows, stacked [W × T × F]. */
export function windowFeatures(cache: Map<string, SeriesCache>, windows: readonly WindowInfo[], names: readonly string[], T: number): Float32Array {
  const F = names.length;
  const out = new Float32Array(windows.length * T * F);
  windows.forEach((w, i) => {
    const c = cache.get(w.seriesId)!;
    out.set(windowMatrix(c.features, c.bars, names, [w.startIndex], T), i * T * F);
  });
  return out;
}

export function buildDataset(store: ProjectStore, opts: DatasetOptions): Dataset {
  const set = store.getWindowSet(opts.setId);
  if (!set) throw new Error(`Window set ${opts.setId} not found`);
  const names = [...(opts.features ?? DEFAULT_FEATURES)];
  const T = set.length;
  const typeNames = store
    .listLabelTypes()
    .slice()
    .sort((a, b) => a.sortOrder - b.sortOrder)
    .map((t) => t.name);
  const windows = store.listWindows({ setId: opts.setId }).filter((w) => w.role !== 'excluded' && w.length === T);
  const labels = store.listLabels({ setId: opts.setId });
  const byWindow = new Map<number, Label[]>();
  for (const l of labels) {
    const a = byWindow.get(l.windowId);
    if (a) a.push(l);
    else byWindow.set(l.windowId, [l]);
  }
  // 'labelled' = the analyst has looked at it: it has spans, or was reviewed and has none (a real
  // negative example). An untouched window is unlabelled, not "no span", and must not teach "no span".
  const looked = (opts.windows ?? 'labelled') === 'all' ? windows : windows.filter((w) => byWindow.has(w.id) || w.reviewed);
  // The label filter of issue #12, at the dataset boundary: windows with unconfirmed model-written spans.
  // A "no span" verdict accepted from a model and not confirmed counts like an unconfirmed span.
  const unconfirmed: UnconfirmedCounts = { valWindowsExcluded: 0, trainWindowsUsed: 0, trainWindowsExcluded: 0 };
  const modelNegatives = new Set(store.listModelOnlyNegatives(opts.setId));
  const chosen = looked.filter((w) => {
    if (!modelNegatives.has(w.id) && !(byWindow.get(w.id) ?? []).some((l) => l.origin === 'accepted')) return true;
    if (w.role === 'val') {
      unconfirmed.valWindowsExcluded++;
      return false;
    }
    if (opts.unconfirmedInTraining === 'exclude') {
      unconfirmed.trainWindowsExcluded++;
      return false;
    }
    unconfirmed.trainWindowsUsed++;
    return true;
  });
  const cache = seriesFeatures(store, new Set(chosen.map((w) => w.seriesId)), names);
  const records = (role: 'train' | 'val'): WindowRecord[] =>
    chosen
      .filter((w) => w.role === role)
      .map((w) => {
        const spans = labelsToSpans(byWindow.get(w.id) ?? [], w, cache.get(w.seriesId)!.bars.time);
        return { window: w, spans, targets: computeTargets(T, spans, typeNames, { ramp: opts.ramp }) };
      });
  const train = records('train');
  const val = records('val');
  if (train.length === 0) throw new Error(`Window set ${opts.setId} has no labelled training windows`);
  if (val.length === 0) throw new Error(`Window set ${opts.setId} has no labelled validation windows`);
  const rawTrain = windowFeatures(cache, train.map((r) => r.window), names, T);
  const rawVal = windowFeatures(cache, val.map((r) => r.window), names, T);
  const normalizer = fitNormalizer(rawTrain, names.length);
  return {
    setId: opts.setId,
    windowLength: T,
    features: names,
    typeNames,
    normalizer,
    train,
    val,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(rawVal, normalizer),
    unconfirmed,
  };
}
