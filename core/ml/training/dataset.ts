/**
 * Build a training dataset from a project: the windows of one window set (train/val by role), a
 * held-out TEST block (the chronologically last labelled windows of each series, purged by one
 * window length: no choice — epoch, threshold, weights — ever sees it), their labels as
 * window-relative spans, targets, and normalised features (normaliser fitted on the training
 * windows only). Windows left out (other length, excluded, unlabelled, purged) are counted and
 * described in `notes`, never dropped silently.
 */
import type { BarColumns, IndexSpan, Label, WindowInfo } from '../../domain/types.ts';
import { computeTargets, type SpanEdges, type WindowTargets } from '../../labels/targets.ts';
import { DEFAULT_FEATURES, applyNormalizer, computeSeriesFeatures, fitNormalizer, windowMatrix, type Normalizer } from '../features/index.ts';
import type { EvalTruth } from '../eval/types.ts';
import type { ProjectStore } from '../../store/index.ts';
import { lowerBound } from '../../shared/search.ts';
import { describeLabelSource, labelsForWindow, windowInSource, type LabelSourceOptions } from './label-source.ts';

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
  /** Bar weight of reviewed "no span" windows (default 1; labels/targets.ts). */
  noSpanWeight?: number;
  /**
   * Share of each series' labelled windows (the chronologically last) held out as the test block
   * (default DEFAULT_TEST_FRACTION; 0 = none). Windows within one window length before the block
   * are purged (used nowhere).
   */
  testFraction?: number;
  /**
   * Refuse a set without labelled windows in both the training and the validation part (default
   * true). Walk-forward runs pass false: they do not use the roles, and check their folds themselves.
   */
  requireBothParts?: boolean;
  /** Labels to use at all (default: every label). Plug-in point for label provenance. */
  labelFilter?: (l: Label) => boolean;
  /**
   * Labels that may be scored against (default: every label). A validation or test window holding
   * a label that fails this (e.g. accepted from a model, not confirmed) is left out of scoring and
   * of epoch selection (it is counted in `skipped.unscored`); training windows keep it.
   */
  scoreFilter?: (l: Label) => boolean;
  /**
   * What training does with the bars of open contradiction findings (core/conflicts, as stored):
   * 'train-both' (default: both sides are trained on, as before), 'mask' (the disputed bars of both
   * windows weigh 0 in the per-bar losses) or 'down-weight' (their weight × (1 − severity)). Only
   * training windows are changed; validation/test scoring always uses the labels as they are.
   */
  contradictions?: ContradictionMode;
  /** Issue #12, point 4: whose labels (all, consensus, one annotator) and per-annotator weights (label-source.ts). */
  labelSource?: LabelSourceOptions['labelSource'];
  annotatorWeights?: LabelSourceOptions['annotatorWeights'];
  seniority?: LabelSourceOptions['seniority'];
}

export type ContradictionMode = 'train-both' | 'mask' | 'down-weight';
export const CONTRADICTION_MODES: readonly ContradictionMode[] = ['train-both', 'mask', 'down-weight'];

/** What a run saw of the open findings and did with them. */
export interface ContradictionSummary {
  mode: ContradictionMode;
  /** Open findings touching at least one training window. */
  openFindings: number;
  /** Training windows whose bar weights were changed. */
  windowsAffected: number;
  /** Training window-bars whose weight was changed. */
  barsAffected: number;
}

export const DEFAULT_TEST_FRACTION = 0.1;

/** What was left out, and why (reported with the run). */
export interface DatasetSkipped {
  /** Windows of the set whose length differs from the set's (the model needs one length). */
  otherLength: number;
  /** Windows with role 'excluded' (e.g. the split's gap, or a random split). */
  excluded: number;
  /** Windows nobody labelled (not used with windows: 'labelled'). */
  unlabelled: number;
  /** Windows purged between train/val and the test block. */
  purged: number;
  /** Validation/test windows holding a label that may not be scored (scoreFilter). */
  unscored: number;
}

/** How many windows held unconfirmed model-written spans, and what was done with them. */
export interface UnconfirmedCounts {
  /** Validation and test windows left out of scoring because they hold unconfirmed model-written spans. */
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
  /** The held-out test block (empty when there is none; see notes). */
  test: WindowRecord[];
  trainX: Float32Array;
  valX: Float32Array;
  unconfirmed: UnconfirmedCounts;
  testX: Float32Array;
  skipped: DatasetSkipped;
  contradictions: ContradictionSummary;
  /** Human-readable remarks about the split (what was left out, why there is no test block). */
  notes: string[];
}

/** Window-relative spans of the labels (by bar time); labels outside the window are clipped, empty ones dropped. */
export function labelsToSpans(labels: readonly Label[], win: WindowInfo, times: Float64Array): IndexSpan[] {
  return labelsToSpansWithEdges(labels, win, times).spans;
}

/** The same, with whether each span continues before / after the window (it was clipped there). */
export function labelsToSpansWithEdges(labels: readonly Label[], win: WindowInfo, times: Float64Array): { spans: IndexSpan[]; edges: SpanEdges[] } {
  const from = win.startIndex;
  const to = win.startIndex + win.length;
  const spans: IndexSpan[] = [];
  const edges: SpanEdges[] = [];
  for (const l of labels) {
    const s = lowerBound(times, l.startTime, from, to);
    let e = lowerBound(times, l.endTime, from, to);
    if (e >= to || times[e] > l.endTime) e--;
    if (s >= to || e < s) continue;
    spans.push({ start: s - from, end: e - from, type: l.type, confidence: l.confidence });
    edges.push({ before: l.startTime < times[from], after: l.endTime > times[to - 1] });
  }
  return { spans, edges };
}

/**
 * Split the chosen windows into the test block and the rest, per series: the last
 * round(n · fraction) windows by startIndex are 'test'; a non-test window whose last bar comes
 * within one window length of the block's first bar is purged. Returns role per window id.
 */
export function assignTestBlock(
  windows: readonly WindowInfo[],
  fraction: number,
  T: number,
  unscorable: readonly WindowInfo[] = [],
): Map<number, 'test' | 'purged'> {
  const out = new Map<number, 'test' | 'purged'>();
  if (!(fraction > 0)) return out;
  const firstTestOf = new Map<string, number>();
  const bySeries = new Map<string, WindowInfo[]>();
  for (const w of windows) {
    const a = bySeries.get(w.seriesId);
    if (a) a.push(w);
    else bySeries.set(w.seriesId, [w]);
  }
  for (const ws of bySeries.values()) {
    const sorted = ws.slice().sort((a, b) => a.startIndex - b.startIndex || a.id - b.id);
    const nTest = Math.min(sorted.length, Math.round(sorted.length * fraction));
    if (nTest === 0) continue;
    const firstTest = sorted[sorted.length - nTest].startIndex;
    firstTestOf.set(sorted[0].seriesId, firstTest);
    sorted.forEach((w, i) => {
      if (i >= sorted.length - nTest) out.set(w.id, 'test');
      else if (w.startIndex + w.length - 1 >= firstTest - T) out.set(w.id, 'purged');
    });
  }
  // Windows that may not be scored (unconfirmed model-written labels) never shape the block, so
  // accepting a prediction can't move it; one that reaches into the block's time is used nowhere.
  for (const w of unscorable) {
    const firstTest = firstTestOf.get(w.seriesId);
    if (firstTest !== undefined && w.startIndex + w.length - 1 >= firstTest - T) out.set(w.id, 'purged');
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
  // One windowMatrix call per series: per-window features (the run summaries) need a pass over the
  // series, done once per call.
  const bySeries = new Map<string, number[]>();
  windows.forEach((w, i) => {
    const a = bySeries.get(w.seriesId);
    if (a) a.push(i);
    else bySeries.set(w.seriesId, [i]);
  });
  for (const [id, idx] of bySeries) {
    const c = cache.get(id)!;
    const m = windowMatrix(
      c.features,
      c.bars,
      names,
      idx.map((i) => windows[i].startIndex),
      T,
    );
    idx.forEach((i, k) => out.set(m.subarray(k * T * F, (k + 1) * T * F), i * T * F));
  }
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
  const all = store.listWindows({ setId: opts.setId });
  const skipped: DatasetSkipped = { otherLength: 0, excluded: 0, unlabelled: 0, purged: 0, unscored: 0 };
  skipped.otherLength = all.filter((w) => w.length !== T).length;
  skipped.excluded = all.filter((w) => w.length === T && w.role === 'excluded').length;
  const windows = all.filter((w) => w.role !== 'excluded' && w.length === T);
  const labels = store.listLabels({ setId: opts.setId }).filter((l) => opts.labelFilter?.(l) ?? true);
  const byWindow = new Map<number, Label[]>();
  for (const l of labels) {
    const a = byWindow.get(l.windowId);
    if (a) a.push(l);
    else byWindow.set(l.windowId, [l]);
  }
  // 'labelled' = the analyst has looked at it: it has spans, or was reviewed and has none (a real
  // negative example). An untouched window is unlabelled, not "no span", and must not teach "no span".
  let chosen = (opts.windows ?? 'labelled') === 'all' ? windows : windows.filter((w) => byWindow.has(w.id) || w.reviewed);
  skipped.unlabelled = windows.length - chosen.length;
  const notes: string[] = [];
  // Issue #12, point 4: one annotator's source leaves out the windows only others labelled.
  const othersOnly = chosen.filter((w) => !windowInSource(byWindow.get(w.id) ?? [], opts.labelSource)).length;
  if (othersOnly > 0) chosen = chosen.filter((w) => windowInSource(byWindow.get(w.id) ?? [], opts.labelSource));
  if (opts.labelSource !== undefined && opts.labelSource !== 'all')
    notes.push(
      `labels: ${describeLabelSource(opts.labelSource)} (training, validation and test alike)${othersOnly ? `; ${othersOnly} window(s) labelled only by others were left out` : ''}${opts.annotatorWeights && Object.keys(opts.annotatorWeights).length ? "; annotator weights ignored (they apply to all annotators' labels)" : ''}`,
    );
  else if (opts.annotatorWeights && Object.keys(opts.annotatorWeights).length)
    notes.push(
      `labels: all annotators, weighted ${Object.entries(opts.annotatorWeights)
        .map(([a, v]) => `${a} ×${v}`)
        .join(', ')}`,
    );
  if (skipped.otherLength > 0)
    notes.push(`${skipped.otherLength} window(s) of another length than ${T} bars were left out (one model needs one window length)`);
  if (skipped.excluded > 0) notes.push(`${skipped.excluded} window(s) have role 'excluded' (split gap) and were left out`);
  if (skipped.unlabelled > 0) notes.push(`${skipped.unlabelled} unlabelled window(s) were left out`);

  // Issue #12 at the dataset boundary: a window holding spans a model wrote that nobody confirmed or
  // edited (origin 'accepted'), or an accepted "no span" verdict not confirmed, is never scored
  // against (validation, test), and trains only when unconfirmedInTraining is 'use' (the default).
  const modelNegatives = new Set(store.listModelOnlyNegatives(opts.setId));
  const isUnconfirmed = (w: WindowInfo): boolean => modelNegatives.has(w.id) || (byWindow.get(w.id) ?? []).some((l) => l.origin === 'accepted');

  const scoreOk = (w: WindowInfo): boolean => !isUnconfirmed(w) && (!opts.scoreFilter || (byWindow.get(w.id) ?? []).every(opts.scoreFilter));

  const testFraction = opts.testFraction ?? DEFAULT_TEST_FRACTION;
  let block = assignTestBlock(
    chosen.filter(scoreOk),
    testFraction,
    T,
    chosen.filter((w) => !scoreOk(w)),
  );
  const roleOf = (w: WindowInfo): 'train' | 'val' | 'test' | 'purged' => block.get(w.id) ?? (w.role === 'val' ? 'val' : 'train');
  if (block.size > 0 && !chosen.some((w) => roleOf(w) === 'val' && scoreOk(w))) {
    notes.push(`no test block: holding out the last ${Math.round(testFraction * 100)} % would leave no validation window (label more windows)`);
    block = new Map();
  } else if (testFraction > 0 && block.size === 0) {
    notes.push('no test block: too few labelled windows');
  }
  const trainOk = (w: WindowInfo): boolean => opts.unconfirmedInTraining !== 'exclude' || !isUnconfirmed(w);
  const unconfirmed: UnconfirmedCounts = { valWindowsExcluded: 0, trainWindowsUsed: 0, trainWindowsExcluded: 0 };
  for (const w of chosen) {
    if (!isUnconfirmed(w)) continue;
    const role = roleOf(w);
    if (role === 'val' || role === 'test' || w.role === 'val') unconfirmed.valWindowsExcluded++;
    else if (role === 'train') {
      if (trainOk(w)) unconfirmed.trainWindowsUsed++;
      else unconfirmed.trainWindowsExcluded++;
    }
  }
  const cache = seriesFeatures(store, new Set(chosen.map((w) => w.seriesId)), names);
  const records = (role: 'train' | 'val' | 'test'): WindowRecord[] =>
    chosen
      .filter((w) => roleOf(w) === role && (role === 'train' ? trainOk(w) : scoreOk(w)))
      .map((w) => {
        const times = cache.get(w.seriesId)!.bars.time;
        const sourced = labelsForWindow(byWindow.get(w.id) ?? [], w, times, opts) ?? [];
        const { spans, edges } = labelsToSpansWithEdges(sourced, w, times);
        return { window: w, spans, targets: computeTargets(T, spans, typeNames, { ramp: opts.ramp, edges, noSpanWeight: opts.noSpanWeight }) };
      });
  skipped.purged = chosen.filter((w) => roleOf(w) === 'purged').length;
  skipped.unscored = chosen.filter((w) => (roleOf(w) === 'val' || roleOf(w) === 'test') && !scoreOk(w)).length;
  const train = records('train');
  const val = records('val');
  const test = records('test');
  if (test.length > 0) {
    notes.push(
      `test block: the last ${test.length} labelled window(s) of each series' timeline (${Math.round(testFraction * 100)} %), ${skipped.purged} purged before it; no choice sees it`,
    );
  }
  if (skipped.unscored > 0) notes.push(`${skipped.unscored} validation/test window(s) hold labels that may not be scored and were left out of scoring`);
  const totalWindows = all.length;
  const used = train.length + val.length + test.length;
  if (totalWindows > 0 && used < totalWindows / 2) notes.push(`only ${used} of the set's ${totalWindows} windows are used (see the counts above)`);
  // Whose labels are missing, when the run reads one annotator's (the service's pre-flight says the same first).
  const by = typeof opts.labelSource === 'object' ? ` labelled by annotator ${opts.labelSource.annotator}` : '';
  if (opts.requireBothParts !== false && train.length === 0)
    throw new Error(`Window set ${opts.setId} has no ${by ? `training windows${by}` : 'labelled training windows'}`);
  if (opts.requireBothParts !== false && val.length === 0)
    throw new Error(`Window set ${opts.setId} has no ${by ? `validation windows${by}` : 'labelled validation windows'}`);
  const contradictions = applyContradictions(store, train, opts.contradictions ?? 'train-both');
  if (contradictions.openFindings > 0) {
    notes.push(
      contradictions.mode === 'train-both'
        ? `${contradictions.openFindings} open contradiction finding(s) touch training windows; both sides were trained on`
        : `${contradictions.openFindings} open contradiction finding(s): ${contradictions.mode === 'mask' ? 'masked' : 'down-weighted by severity'} ${contradictions.barsAffected} bar(s) in ${contradictions.windowsAffected} training window(s)`,
    );
  }
  const rawTrain = windowFeatures(
    cache,
    train.map((r) => r.window),
    names,
    T,
  );
  const rawVal = windowFeatures(
    cache,
    val.map((r) => r.window),
    names,
    T,
  );
  const rawTest = windowFeatures(
    cache,
    test.map((r) => r.window),
    names,
    T,
  );
  const normalizer = fitNormalizer(rawTrain, names.length);
  return {
    setId: opts.setId,
    windowLength: T,
    features: names,
    typeNames,
    normalizer,
    train,
    val,
    test,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(rawVal, normalizer),
    unconfirmed,
    testX: applyNormalizer(rawTest, normalizer),
    skipped,
    contradictions,
    notes,
  };
}

/** Change the per-bar weights of training windows under open findings (see DatasetOptions.contradictions). */
function applyContradictions(store: ProjectStore, train: WindowRecord[], mode: ContradictionMode): ContradictionSummary {
  const byId = new Map(train.map((r) => [r.window.id, r]));
  const findings = store.listFindings({ status: 'open' }).filter((f) => byId.has(f.windowA) || byId.has(f.windowB));
  const summary: ContradictionSummary = { mode, openFindings: findings.length, windowsAffected: 0, barsAffected: 0 };
  if (mode === 'train-both') return summary;
  const touched = new Set<number>();
  for (const f of findings) {
    const factor = mode === 'mask' ? 0 : Math.max(0, Math.min(1, 1 - f.severity));
    for (const id of new Set([f.windowA, f.windowB])) {
      const r = byId.get(id);
      if (!r || r.window.seriesId !== f.seriesId) continue;
      const from = Math.max(0, f.startIndex - r.window.startIndex);
      const to = Math.min(r.window.length - 1, f.endIndex - r.window.startIndex);
      for (let t = from; t <= to; t++) {
        r.targets.barWeight[t] *= factor;
        if (factor === 0) r.targets.countdownMask[t] = 0;
        summary.barsAffected++;
      }
      if (to >= from) touched.add(id);
    }
  }
  summary.windowsAffected = touched.size;
  return summary;
}
