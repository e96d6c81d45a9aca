/**
 * Training, runs, comparison and prediction. Training always runs in a worker thread (its own
 * connection to the project file), so the host's thread stays free for label edits and the UI;
 * epochs stream back as 'training.epoch' events.
 */
import path from 'node:path';
// The ML modules load TensorFlow.js: imported on first use, so commands that don't train start fast.
import type { TrainingWorker } from '../../ml/training/start-worker.ts';
import { checkTrainingSet } from '../../ml/training/preflight.ts';
import type { RunReport } from '../../ml/eval/index.ts';
import type { EpochEvent } from '../../ml/eval/types.ts';
import type { TrainStarted } from '../api.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs, TrainArgs } from '../schemas.ts';
import { DEFAULT_FOLDS } from '../../ml/training/walk-forward.ts';
import { resolveFeatures } from '../../ml/features/series.ts';

/** Workers of runs in progress, per open project (from the worker's start, before its run row exists). */
const active = new WeakMap<ServiceContext, Set<ActiveRun>>();

interface ActiveRun {
  worker: TrainingWorker;
  /** 0 until the run row exists. */
  runId: number;
  /** Resolves once the entry is forgotten: the worker has ended and 'training.finished' was emitted. */
  ended: Promise<void>;
  forget: () => void;
  /** Set when closing stopped the thread itself: the run is reported 'interrupted', not 'failed'. */
  terminated: boolean;
}

function activeRuns(ctx: ServiceContext): Set<ActiveRun> {
  let set = active.get(ctx.shared);
  if (!set) active.set(ctx.shared, (set = new Set()));
  return set;
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

/** What `train.run` returns once the run has ended. */
export interface TrainRunResult {
  runId: number;
  status: 'completed' | 'cancelled' | 'failed';
  backend: string;
  device: string;
  report: RunReport | null;
  error: string | null;
}

interface StartedRun {
  runId: number;
  backend: string;
  device: string;
  /** Settles when the run ends (completed, cancelled or failed); 'training.finished' is emitted first. */
  done: Promise<TrainRunResult>;
}

/**
 * Starts a worker and resolves as soon as the run row exists. Training goes on in the background,
 * streaming 'training.epoch' events and ending with 'training.finished' (also when it fails).
 */
async function startTraining(ctx: ServiceContext, args: TrainArgs): Promise<StartedRun> {
  const setId = trainingSet(ctx, args.setId);
  // Refused here, before any thread starts: the message names the set, the counts and what to label.
  // Counted with the run's label source (one annotator's labels: the windows that annotator labelled).
  const check = checkTrainingSet(ctx.store, setId, args.labelSource, evaluationOf(args));
  if (!check.ok) {
    const counts = `set ${setId}: ${check.labelledTrain} of ${check.trainWindows} training windows labelled (needs ${check.minTrain}), ${check.labelledValidation} of ${check.validationWindows} validation windows (needs ${check.minValidation})`;
    throw new CandlemarkError('invalid-operation', `training could not start: ${check.reason}`, [{ field: 'setId', message: counts }]);
  }
  // Walk-forward (issue #11 point 6) trains every fold: k × the epochs of a holdout run.
  const totalEpochs = args.epochs * args.ensemble * (args.evaluation === 'walk-forward' || args.folds ? (args.folds ?? DEFAULT_FOLDS) : 1);
  const started = Date.now();
  let epochsDone = 0;
  let forgotten!: () => void;
  const entry: ActiveRun = {
    worker: null as unknown as TrainingWorker,
    runId: 0,
    ended: new Promise<void>((resolve) => (forgotten = resolve)),
    forget: () => {
      activeRuns(ctx).delete(entry);
      forgotten();
    },
    terminated: false,
  };
  let info = { backend: '', device: '' };
  const { startTrainingWorker } = await import('../../ml/training/start-worker.ts');
  entry.worker = startTrainingWorker(
    ctx.store.path,
    {
      setId,
      head: args.model,
      encoder: args.encoder,
      hidden: args.hidden,
      features: resolveFeatures(args.features),
      epochs: args.epochs,
      batchSize: args.batchSize,
      learningRate: args.learningRate,
      seed: args.seed,
      ensemble: args.ensemble,
      earlyStopping: args.patience ? { patience: args.patience } : null,
      backend: args.backend,
      unconfirmedInTraining: args.unconfirmed,
      // issue #11 settings (undefined = engine defaults)
      taskWeighting: args.taskWeighting,
      noSpanWeight: args.noSpanWeight,
      testFraction: args.testFraction,
      contradictions: args.contradictions,
      lrSchedule: args.lrSchedule,
      // issue #12, point 4
      labelSource: args.labelSource,
      annotatorWeights: args.annotatorWeights,
      // issue #11 points 2 and 6 (longrun)
      weightAverage: args.weightAverage,
      weightDecay: args.weightDecay,
      evaluation: args.evaluation ?? (args.folds ? 'walk-forward' : undefined),
      folds: args.folds,
      // issue #11 point 2 (reg)
      dropout: args.dropout,
      inputDropout: args.inputDropout,
      gradClip: args.gradClip,
      epochCriterion: args.epochCriterion,
    },
    {
      onRunCreated: (id, i) => {
        entry.runId = id;
        info = i;
        ctx.events.emit('training.started', { runId: id, backend: i.backend, device: i.device });
      },
      onEpoch: (e) => {
        epochsDone++;
        const perEpoch = (Date.now() - started) / 1000 / epochsDone;
        ctx.events.emit('training.epoch', {
          runId: entry.runId,
          member: e.member,
          epoch: e.epoch,
          epochs: e.epochs,
          metrics: e,
          etaSeconds: perEpoch * Math.max(0, totalEpochs - epochsDone),
        });
      },
    },
    { fault: ctx.debug.trainingFault ?? undefined },
  );
  // Registered before the run row exists, so close() cancels a run that is still starting.
  activeRuns(ctx).add(entry);
  let runId: number;
  try {
    runId = await entry.worker.runId;
  } catch (e) {
    entry.forget();
    throw new CandlemarkError('invalid-operation', `training could not start: ${(e as Error).message}`);
  }
  entry.runId = runId;
  const done = entry.worker.result.then(
    (result): TrainRunResult => {
      // A run stopped by closing is announced by closeAllRuns, once its row says how it ended (the
      // thread may have reported an end that it never got to store).
      if (!entry.terminated) ctx.events.emit('training.finished', { runId, status: result.status });
      return { runId, status: result.status, backend: info.backend, device: info.device, report: result.report, error: result.error };
    },
    (e: unknown): TrainRunResult => {
      // The thread died after the run row existed (an uncaught exception, an exit, a kill), so it could
      // not record the end itself: the run is marked failed here, with the reason. When closing stopped
      // it, closeAllRuns marks it interrupted instead.
      const message = e instanceof Error ? e.message : String(e);
      if (!entry.terminated) {
        markFailed(ctx, runId, `the training thread died: ${message}`);
        ctx.events.emit('training.finished', { runId, status: 'failed' });
      }
      return { runId, status: 'failed', backend: info.backend, device: info.device, report: null, error: message };
    },
  );
  // train.start never awaits `done`: a listener of 'training.finished' that throws must not become an
  // unhandled rejection (it would end the host).
  void done.finally(() => entry.forget()).catch((e: unknown) => console.error(`run ${runId}: ${e instanceof Error ? e.message : String(e)}`));
  return { runId, backend: info.backend, device: info.device, done };
}

/** How a run's row says it ended ('cancelled', 'interrupted', ...), or null while running or when the store is gone. */
function storedEndStatus(ctx: ServiceContext, runId: number): 'completed' | 'cancelled' | 'failed' | 'interrupted' | null {
  try {
    const status = ctx.store.getRun(runId)?.status;
    return status === 'completed' || status === 'cancelled' || status === 'failed' || status === 'interrupted' ? status : null;
  } catch {
    return null;
  }
}

/** Records a run whose thread died as failed, unless it already ended (or the store is gone). */
function markFailed(ctx: ServiceContext, runId: number, reason: string): void {
  try {
    if (ctx.store.getRun(runId)?.status === 'running') ctx.store.finishRun(runId, 'failed', undefined, reason);
  } catch (err) {
    // The project was closed meanwhile: the next open marks the run interrupted.
    console.error(`run ${runId}: could not record its failure (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Whether a run can start on a set (the newest labelled one when none is given), with the counts: for
 * the Retrain form. Counted with the run's label source, as train.start counts them.
 */
export function trainCheck(ctx: ServiceContext, args: CommandArgs<'train.check'>) {
  const setId = args.setId ?? trainingSet(ctx, undefined);
  if (!ctx.store.getWindowSet(setId)) throw new CandlemarkError('not-found', `no window set ${setId}`);
  return checkTrainingSet(ctx.store, setId, args.labelSource, evaluationOf(args));
}

/** A run's evaluation from its arguments: `folds` alone also means walk-forward (as train.start reads it). */
function evaluationOf(args: { evaluation?: 'holdout' | 'walk-forward'; folds?: number }): 'holdout' | 'walk-forward' {
  return (args.evaluation ?? (args.folds ? 'walk-forward' : 'holdout')) === 'walk-forward' ? 'walk-forward' : 'holdout';
}

/** Non-blocking: returns once the run row exists; progress arrives as events. */
export async function trainStart(ctx: ServiceContext, args: CommandArgs<'train.start'>): Promise<TrainStarted> {
  if (args.model !== 'both') {
    const { runId, backend, device } = await startTraining(ctx, { ...args, model: args.model });
    return { runId, backend, device, queued: null };
  }
  // "Both": soft-span now, CRF with the same settings once it completes (issue #10, point 9: the
  // service schedules it, so a closed window or a second client can't lose or double the second run).
  const first = await startTraining(ctx, { ...args, model: 'soft' });
  void first.done
    .then(async (ended) => {
      const queued = { afterRunId: first.runId, model: 'crf' as const };
      if (ended.status !== 'completed' || ctx.shared.closing) {
        const why = ctx.shared.closing ? 'the project is closing' : `run ${first.runId} ended ${ended.status}`;
        ctx.events.emit('training.queued', { ...queued, runId: null, reason: `${why}: the CRF run was not started` });
        return;
      }
      try {
        const second = await startTraining(ctx, { ...args, model: 'crf' });
        ctx.events.emit('training.queued', { ...queued, runId: second.runId, reason: null });
      } catch (e) {
        ctx.events.emit('training.queued', { ...queued, runId: null, reason: `the CRF run could not start: ${e instanceof Error ? e.message : String(e)}` });
      }
    })
    .catch((e: unknown) => console.error(`train both after run ${first.runId}: ${e instanceof Error ? e.message : String(e)}`));
  return { runId: first.runId, backend: first.backend, device: first.device, queued: 'crf' };
}

/** Blocking: `train.start` + wait for the run to end. */
export async function trainRun(ctx: ServiceContext, args: CommandArgs<'train.run'>): Promise<TrainRunResult> {
  const run = await startTraining(ctx, args);
  return await run.done;
}

export function cancelRun(ctx: ServiceContext, args: CommandArgs<'train.cancel'>) {
  const entry = [...activeRuns(ctx)].find((r) => r.runId === args.runId);
  if (!entry) throw new CandlemarkError('not-found', `run ${args.runId} is not training in this session`);
  entry.worker.cancel();
  return { runId: args.runId, cancelling: true };
}

/** Cancels every run in progress, including runs still starting (the host is closing). Does not wait. */
export function cancelAllRuns(ctx: ServiceContext): void {
  for (const entry of activeRuns(ctx)) entry.worker.cancel();
}

/** How each run that was training when the project closed ended (its row's status). */
export interface ClosedRun {
  runId: number;
  status: string;
}

/**
 * Cancels every run in progress and waits until their workers have recorded it (at most `waitMs`),
 * so a host that exits right after still leaves the runs 'cancelled' (or 'completed', when a run
 * was already past its last epoch) instead of 'interrupted'. A worker still busy after `waitMs` is
 * stopped and its run marked 'interrupted' here: in the same process a later open would not do it,
 * since the run's owner (this process) is still alive. The store must still be open.
 */
export async function closeAllRuns(ctx: ServiceContext, waitMs: number): Promise<ClosedRun[]> {
  const entries = [...activeRuns(ctx)];
  if (entries.length === 0) return [];
  for (const entry of entries) entry.worker.cancel();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(entries.map((e) => e.ended)), new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
  for (const entry of entries) {
    if (!activeRuns(ctx).has(entry)) continue;
    entry.terminated = true;
    await entry.worker.terminate();
    if (entry.runId > 0 && ctx.store.getRun(entry.runId)?.status === 'running') {
      ctx.store.finishRun(entry.runId, 'interrupted', undefined, `training did not stop within ${waitMs} ms of closing the project`);
    }
    // The one announcement of a run stopped here: what its row says (the thread's own report, if any, is not).
    const ended = entry.runId > 0 ? storedEndStatus(ctx, entry.runId) : null;
    if (ended) ctx.events.emit('training.finished', { runId: entry.runId, status: ended });
  }
  // Terminated workers settle their entries too (their result rejects on exit).
  await Promise.all(entries.map((e) => e.ended));
  return entries.filter((e) => e.runId > 0).map((e) => ({ runId: e.runId, status: ctx.store.getRun(e.runId)?.status ?? 'unknown' }));
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
      data: snapshotSummary(r.dataSnapshot),
      error: r.error,
    }));
}

/** What a run trained on, for the runs list (the full snapshot, with window ids, is in runs.get). */
function snapshotSummary(snapshot: unknown): { setId: number; trainWindows: number; valWindows: number; labels: number } | null {
  const s = snapshot as { setId?: unknown; trainWindows?: unknown; valWindows?: unknown; labels?: unknown } | null;
  if (!s || typeof s.setId !== 'number') return null;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { setId: s.setId, trainWindows: n(s.trainWindows), valWindows: n(s.valWindows), labels: n(s.labels) };
}

export function getRun(ctx: ServiceContext, args: CommandArgs<'runs.get'>) {
  const run = ctx.store.getRun(args.runId);
  if (!run) throw new CandlemarkError('not-found', `no run ${args.runId}`);
  // The store keeps reports as opaque JSON; the only writer is finishRun with a buildReport result.
  // Epoch rows hold the training engine's EpochEvent as written by the worker (its only writer).
  const epochs = ctx.store.listEpochs(run.id).map((e) => ({ ...e, metrics: e.metrics as EpochEvent }));
  return { ...run, report: run.report as RunReport | null, epochs };
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

/** A completed run's report as a file's contents (Markdown or self-contained HTML). */
export async function exportRunReport(ctx: ServiceContext, args: CommandArgs<'runs.exportReport'>) {
  const run = ctx.store.getRun(args.runId);
  if (!run) throw new CandlemarkError('not-found', `no run ${args.runId}`);
  if (run.status !== 'completed' || !run.report) {
    throw new CandlemarkError('invalid-operation', `run ${args.runId} is ${run.status}: only completed runs have reports to export`);
  }
  const { renderReportHtml, renderReportMarkdown } = await import('../../ml/eval/report-export.ts');
  const meta = { runId: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, project: path.basename(ctx.store.path) };
  const report = run.report as RunReport;
  const text = args.format === 'md' ? renderReportMarkdown(report, meta) : renderReportHtml(report, meta);
  return { fileName: `candlemark-run-${run.id}-report.${args.format}`, text };
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
