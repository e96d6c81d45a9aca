/**
 * The generated demo training set as in-memory TrainData (no project store): the same data the
 * quality bench, the yardstick and tests use. Features are computed over the whole series,
 * normalised with statistics of the training windows only.
 *
 * Test and bench code only (issue #10): it lived in core/ml/training, but nothing the app runs uses it.
 */
import { makeTrainingSet, type TrainingSet } from '../../core/demo/index.ts';
import { computeTargets, type WindowTargets } from '../../core/labels/targets.ts';
import { DEFAULT_FEATURES, applyNormalizer, computeSeriesFeatures, fitNormalizer, windowMatrix, type Normalizer } from '../../core/ml/features/index.ts';
import type { EvalTruth } from '../../core/ml/eval/types.ts';
import type { TrainData } from '../../core/ml/training/train.ts';
import type { ProjectStore } from '../../core/store/index.ts';

export const DEMO_TYPES = ['up', 'down'];

export interface DemoData extends TrainData {
  set: TrainingSet;
  features: string[];
  typeNames: string[];
  windowLength: number;
  normalizer: Normalizer;
  trainTruth: EvalTruth[];
  valTruth: EvalTruth[];
}

export function demoTrainData(opts: { seed: number; windows?: number; length?: number; features?: string[]; ramp?: number }): DemoData {
  const length = opts.length ?? 128;
  const set = makeTrainingSet({ seed: opts.seed, windows: opts.windows ?? 210, length });
  const names = opts.features ?? [...DEFAULT_FEATURES];
  const series = computeSeriesFeatures(set.bars, names);
  const train = set.windows.filter((w) => w.role === 'train');
  const val = set.windows.filter((w) => w.role === 'val');
  const rawTrain = windowMatrix(
    series,
    set.bars,
    names,
    train.map((w) => w.startIndex),
    length,
  );
  const rawVal = windowMatrix(
    series,
    set.bars,
    names,
    val.map((w) => w.startIndex),
    length,
  );
  const normalizer = fitNormalizer(rawTrain, names.length);
  const targets = (ws: typeof train): WindowTargets[] => ws.map((w) => computeTargets(length, w.spans, DEMO_TYPES, { ramp: opts.ramp ?? 3 }));
  const trainTargets = targets(train);
  const valTargets = targets(val);
  const truth = (ws: typeof train, ts: WindowTargets[]): EvalTruth[] =>
    ws.map((w, i) => ({
      mask: ts[i].mask,
      spans: w.spans.map((s) => ({ start: s.start, end: s.end })),
      hasSpan: ts[i].hasSpan,
      start: ts[i].start,
      end: ts[i].end,
      typeIndex: ts[i].typeIndex,
      countdown: ts[i].countdown,
    }));
  return {
    set,
    features: names,
    typeNames: DEMO_TYPES,
    windowLength: length,
    normalizer,
    trainX: applyNormalizer(rawTrain, normalizer),
    valX: applyNormalizer(rawVal, normalizer),
    trainTargets,
    valTargets,
    trainTruth: truth(train, trainTargets),
    valTruth: truth(val, valTargets),
  };
}

/**
 * Write the generated demo set into a project: one series, one window set (roles from the set),
 * the noisy annotator's spans as labels. Returns the window set id. For tests, benches and demos.
 */
export function seedDemoProject(
  store: ProjectStore,
  opts: { seed: number; windows?: number; length?: number; seriesId?: string },
): { setId: number; windowIds: number[]; set: TrainingSet } {
  const length = opts.length ?? 128;
  const set = makeTrainingSet({ seed: opts.seed, windows: opts.windows ?? 210, length });
  const seriesId = opts.seriesId ?? `demo-${opts.seed}`;
  return store.transaction(() => {
    store.insertSeries(seriesId, 'generated demo', set.bars);
    const ws = store.createWindowSet(
      { seriesId, origin: 'cut', length, stride: length, split: 'chronological', valFraction: 0.2, seed: opts.seed },
      set.windows.map((w) => ({ extId: `${seriesId}:${w.startIndex}`, startIndex: w.startIndex, length, role: w.role })),
    );
    const wins = store.listWindows({ setId: ws.id });
    const byStart = new Map(wins.map((w) => [w.startIndex, w.id]));
    for (const w of set.windows) {
      const id = byStart.get(w.startIndex)!;
      for (const s of w.spans) {
        store.addLabel(id, {
          startTime: set.bars.time[w.startIndex + s.start],
          endTime: set.bars.time[w.startIndex + s.end],
          type: s.type,
          confidence: s.confidence,
          author: 'demo',
        });
      }
    }
    return { setId: ws.id, windowIds: set.windows.map((w) => byStart.get(w.startIndex)!), set };
  });
}
