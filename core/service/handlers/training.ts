/**
 * Training, runs, comparison and prediction. Training always runs in a worker thread (its own
 * connection to the project file), so the host's thread stays free for label edits and the UI;
 * epochs stream back as 'training.epoch' events.
 */
// The ML modules load TensorFlow.js: imported on first use, so commands that don't train start fast.
import type { TrainingWorker } from '../../ml/training/start-worker.ts';
import type { RunReport } from '../../ml/eval/index.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';

/** Workers of runs in progress, per open project. */
const active = new WeakMap<ServiceContext, Map<number, TrainingWorker>>();

function activeRuns(ctx: ServiceContext): Map<number, TrainingWorker> {
  let map = active.get(ctx);
  if (!map) active.set(ctx, (map = new Map()));
  return map;
}

/** The window set to train on: the one given, or the newest set that has labelled windows. */
function trainingSet(ctx: ServiceContext, setId: number | undefined): number {
  if (setId !== undefined) {
    if (!ctx.store.getWindowSet(setId)) throw new CandlemarkError('not-found', `no window set ${setId}`);
    return setId;
  }
  const labelled = new Set(ctx.store.listLabels().map((l) => l.windowId));
  const sets = ctx.store.listWindowSets().sort((a, b) => b.id - a.id);
  for (const set of sets) {
    if (ctx.store.listWindows({ setId: set.id }).some((w) => labelled.has(w.id) || w.reviewed)) return set.id;
  }
  throw new CandlemarkError('invalid-operation', 'no labelled windows to train on: label some windows (or import labels, or run `candlemark demo`) first');
}

export async function trainRun(ctx: ServiceContext, args: CommandArgs<'train.run'>) {
  const setId = trainingSet(ctx, args.setId);
  const totalEpochs = args.epochs * args.ensemble;
  const started = Date.now();
  let epochsDone = 0;
  let runId = 0;
  const { startTrainingWorker } = await import('../../ml/training/start-worker.ts');
  const worker = startTrainingWorker(
    ctx.store.path,
    {
      setId,
      head: args.model,
      encoder: args.encoder,
      hidden: args.hidden,
      features: args.features,
      epochs: args.epochs,
      batchSize: args.batchSize,
      learningRate: args.learningRate,
      seed: args.seed,
      ensemble: args.ensemble,
      earlyStopping: args.patience ? { patience: args.patience } : null,
      backend: args.backend,
    },
    {
      onRunCreated: (id, info) => ctx.events.emit('training.started', { runId: id, backend: info.backend, device: info.device }),
      onEpoch: (e) => {
        epochsDone++;
        const perEpoch = (Date.now() - started) / 1000 / epochsDone;
        ctx.events.emit('training.epoch', {
          runId,
          member: e.member,
          epoch: e.epoch,
          epochs: e.epochs,
          metrics: e,
          etaSeconds: perEpoch * Math.max(0, totalEpochs - epochsDone),
        });
      },
    },
  );
  try {
    runId = await worker.runId;
  } catch (e) {
    throw new CandlemarkError('invalid-operation', `training could not start: ${(e as Error).message}`);
  }
  activeRuns(ctx).set(runId, worker);
  try {
    const result = await worker.result;
    ctx.events.emit('training.finished', { runId, status: result.status });
    const run = ctx.store.getRun(runId);
    return { runId, status: result.status, backend: run?.backend ?? '', device: run?.device ?? '', report: result.report, error: result.error };
  } finally {
    activeRuns(ctx).delete(runId);
  }
}

export function cancelRun(ctx: ServiceContext, args: CommandArgs<'train.cancel'>) {
  const worker = activeRuns(ctx).get(args.runId);
  if (!worker) throw new CandlemarkError('not-found', `run ${args.runId} is not training in this session`);
  worker.cancel();
  return { runId: args.runId, cancelling: true };
}

/** Cancels every run in progress (the host is closing). */
export function cancelAllRuns(ctx: ServiceContext): void {
  for (const worker of activeRuns(ctx).values()) worker.cancel();
}

function headlineSpanF1(report: unknown): number | null {
  const r = report as RunReport | null;
  return r?.metrics?.headline?.spanF1 ?? null;
}

/**
 * Runs for lists and comparisons. Cancelled, interrupted and failed runs hold partial data: they
 * are left out unless asked for, so they never pollute a list or a comparison by accident.
 */
export function listRuns(ctx: ServiceContext, args: CommandArgs<'runs.list'>) {
  return ctx.store
    .listRuns()
    .filter((r) => args.includeIncomplete || r.status === 'completed' || r.status === 'running')
    .map((r) => ({
      id: r.id,
      model: r.model,
      status: r.status,
      backend: r.backend,
      device: r.device,
      config: r.config,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      epochs: ctx.store.listEpochs(r.id).length,
      spanF1: headlineSpanF1(r.report),
      error: r.error,
    }));
}

export function getRun(ctx: ServiceContext, args: CommandArgs<'runs.get'>) {
  const run = ctx.store.getRun(args.runId);
  if (!run) throw new CandlemarkError('not-found', `no run ${args.runId}`);
  return { ...run, epochs: ctx.store.listEpochs(run.id) };
}

export async function compareRuns(ctx: ServiceContext, args: CommandArgs<'runs.compare'>) {
  const { compareRuns: compareReports, renderComparisonMarkdown } = await import('../../ml/eval/index.ts');
  const reports = args.runIds.map((id) => {
    const run = ctx.store.getRun(id);
    if (!run) throw new CandlemarkError('not-found', `no run ${id}`);
    if (run.status !== 'completed' || !run.report) {
      throw new CandlemarkError('invalid-operation', `run ${id} is ${run.status}: only completed runs can be compared`);
    }
    return run.report as RunReport;
  });
  const json = compareReports(reports);
  return { json, markdown: renderComparisonMarkdown(json) };
}

export async function predictRun(ctx: ServiceContext, args: CommandArgs<'runs.predict'>) {
  const run = ctx.store.getRun(args.runId);
  if (!run) throw new CandlemarkError('not-found', `no run ${args.runId}`);
  if (run.status !== 'completed') throw new CandlemarkError('invalid-operation', `run ${args.runId} is ${run.status}: only completed runs have models`);
  let windowIds = args.windowIds;
  if (!windowIds) {
    const setId = (run.config as { setId?: number }).setId;
    const windows = ctx.store.listWindows(setId ? { setId } : undefined);
    const labelled = new Set(ctx.store.listLabels(setId ? { setId } : undefined).map((l) => l.windowId));
    windowIds = windows.filter((w) => !args.onlyUnlabelled || (!labelled.has(w.id) && !w.reviewed)).map((w) => w.id);
  }
  const { predictWindows } = await import('../../ml/training/run.ts');
  const results = await predictWindows(ctx.store, args.runId, windowIds, { save: true });
  return {
    runId: args.runId,
    windows: results.length,
    spans: results.reduce((n, r) => n + r.spans.length, 0),
    predictions: results.map((r) => ({ windowId: r.windowId, spans: r.spans })),
  };
}
