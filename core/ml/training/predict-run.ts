/**
 * Prediction with a completed run's saved models (split from run.ts, which trains and stores runs):
 * load the members, compute the same features and normaliser as training, average, decode, and
 * optionally store the predictions with the queue's measures. Also a completed run's report.
 */
import type { ProjectStore } from '../../store/index.ts';
import { selectBackend, type BackendPreference } from '../backend/index.ts';
import { applyNormalizer } from '../features/index.ts';
import { deserializeWeights, importSpanModel } from '../model/index.ts';
import type { SpanModel } from '../model/types.ts';
import type { RunReport } from '../eval/report.ts';
import { seriesFeatures, windowFeatures } from './dataset.ts';
import { averagePredictions, predictAll } from './train.ts';
import { queueMeasures } from './queue-measures.ts';
import { toPredictedSpans, type SavedModelSpec, type WindowPredictionResult } from './run.ts';

/** A run's saved members as ready-to-use models (caller disposes). */
export function loadRunModels(store: ProjectStore, runId: number): { models: SpanModel[]; specs: SavedModelSpec[] } {
  const rows = store.loadModels(runId);
  if (rows.length === 0) throw new Error(`Run ${runId} has no saved models (only completed runs do)`);
  const specs = rows.map((r) => r.spec as SavedModelSpec);
  const models = rows.map((r) => importSpanModel(deserializeWeights(r.weights)));
  return { models, specs };
}

/** The backend this thread chose for predictions, once (see predictWindows). */
let defaultBackend: Promise<unknown> | null = null;

/**
 * Predict windows (labelled or not) with a completed run's saved models: same features and
 * normaliser as training, ensemble-averaged probabilities, decoded with the saved threshold.
 * Models are loaded and series features computed once; windows go through in batches of
 * `batch` (memory stays bounded on large sets), each reported to `onProgress` and, with `save`,
 * stored as the run's predictions (one transaction per batch).
 */
export async function predictWindows(
  store: ProjectStore,
  runId: number,
  windowIds: number[],
  opts: { save?: boolean; backend?: BackendPreference; batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<WindowPredictionResult[]> {
  if (opts.backend) await selectBackend(opts.backend);
  // Training runs in a worker, so the host's own thread may never have chosen a backend: tfjs
  // would then fall back to its plain-JS cpu backend (about 20× slower than wasm here).
  else await (defaultBackend ??= selectBackend('auto'));
  const { models, specs } = loadRunModels(store, runId);
  try {
    const s0 = specs[0];
    const T = s0.model.windowLength;
    const windows = windowIds.map((id) => {
      const w = store.getWindow(id);
      if (!w) throw new Error(`Window ${id} not found`);
      if (w.length !== T) throw new Error(`Window ${id} has ${w.length} bars; run ${runId} was trained on ${T}`);
      return w;
    });
    const cache = seriesFeatures(store, new Set(windows.map((w) => w.seriesId)), s0.features);
    const batch = Math.max(1, opts.batch ?? 512);
    const out: WindowPredictionResult[] = [];
    for (let i = 0; i < windows.length; i += batch) {
      const part = windows.slice(i, i + batch);
      const x = applyNormalizer(windowFeatures(cache, part, s0.features, T), s0.normalizer);
      const members = models.map((m) => predictAll(m, x, part.length));
      const pred = averagePredictions(members);
      const rows = part.map((w, k) => ({
        ...queueMeasures(members, k),
        windowId: w.id,
        spanProb: pred[k].spanProb,
        viterbi: pred[k].viterbi,
        typeProb: pred[k].typeProb,
        spans: toPredictedSpans(pred[k], s0.model.head, s0.threshold, s0.decode, s0.typeNames, cache.get(w.seriesId)!.bars.time, w.startIndex),
      }));
      if (opts.save) {
        store.transaction(() => {
          store.savePredictions(
            runId,
            rows.map((o) => ({ windowId: o.windowId, probs: o.spanProb, spans: o.spans, viterbi: o.viterbi, typeProbs: o.typeProb })),
          );
          store.savePredictionMeasures(runId, rows);
        });
      }
      out.push(...rows);
      opts.onProgress?.(out.length, windows.length);
      // Let the host's event loop breathe between batches (label edits, UI requests).
      if (i + batch < windows.length) await new Promise((r) => setImmediate(r));
    }
    return out;
  } finally {
    for (const m of models) m.dispose();
  }
}

/**
 * The report of a completed run. Runs that are running, cancelled, interrupted or failed have no
 * report (their epochs may exist but are partial): this throws for them, so comparisons exclude them.
 */
export function getRunReport(store: ProjectStore, runId: number): RunReport {
  const run = store.getRun(runId);
  if (!run) throw new Error(`No run ${runId}`);
  if (run.status !== 'completed' || !run.report) throw new Error(`Run ${runId} is ${run.status}; only completed runs have a report`);
  return run.report as RunReport;
}
