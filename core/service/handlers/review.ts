/**
 * Review of a completed run's predictions against the labels: per-window status, the least-sure
 * queue, and accepting or rejecting predictions. Predictions are computed once per run and window
 * and kept in the project (models don't change after a run completes; labels do, so statuses are
 * recomputed from the current labels on every call, which is cheap).
 */
import type { Label, WindowInfo } from '../../domain/types.ts';
import type { RunReport } from '../../ml/eval/report.ts';
import { compareWindow, DEFAULT_BOUNDARY_TOLERANCE, type LabelSpan } from '../../review/compare-window.ts';
import type { ReviewDecisionResult, ReviewSpan, ReviewStatus, ReviewSummary, ReviewWindowDetail, ReviewWindowRow } from '../../review/types.ts';
import { windowQueueScore } from '../../review/uncertainty.ts';
import type { PredictionMeasures } from '../../store/prediction-measures.ts';
import type { PredictionRow } from '../../store/project-store.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { inReportedLabelChange } from './conflicts.ts';
import { describeChange, findingIdsOf } from './change.ts';
import { leastSureQueue } from '../../review/queue.ts';
import type { Change, WithChange } from '../api.ts';

/** Windows predicted per model call while filling a summary (one progress step each). */
const PREDICT_BATCH = 512;

interface ReviewableRun {
  runId: number;
  setId: number;
  head: 'soft' | 'crf';
  threshold: number;
  typeNames: string[];
}

function reviewableRun(ctx: ServiceContext, runId: number): ReviewableRun {
  const run = ctx.store.getRun(runId);
  if (!run) throw new CandlemarkError('not-found', `no run ${runId}`);
  if (run.status !== 'completed' || !run.report) {
    throw new CandlemarkError('invalid-operation', `run ${runId} is ${run.status}: only completed runs have predictions to review`);
  }
  const report = run.report as RunReport;
  const setId = (run.config as { setId?: number }).setId;
  if (!setId) throw new CandlemarkError('invalid-operation', `run ${runId} does not record its window set`);
  return { runId, setId, head: report.model.head, threshold: report.metrics.threshold.span, typeNames: report.data.typeNames };
}

function requireWindow(ctx: ServiceContext, windowId: number): WindowInfo {
  const w = ctx.store.getWindow(windowId);
  if (!w) throw new CandlemarkError('not-found', `no window ${windowId}`);
  return w;
}

/** Predicts (and stores) the windows that have no prediction of this run yet. */
async function ensurePredictions(ctx: ServiceContext, runId: number, windows: WindowInfo[], have: Set<number>): Promise<void> {
  const missing = windows.filter((w) => !have.has(w.id)).map((w) => w.id);
  if (missing.length === 0) return;
  const { predictWindows } = await import('../../ml/training/run.ts');
  const report = (done: number) =>
    ctx.events.emit('progress', { task: 'review', fraction: done / missing.length, message: `predicted ${done} of ${missing.length} windows` });
  report(0);
  try {
    await predictWindows(ctx.store, runId, missing, { save: true, batch: PREDICT_BATCH, onProgress: report });
  } catch (e) {
    throw new CandlemarkError('invalid-operation', `run ${runId} cannot predict these windows: ${(e as Error).message}`);
  }
}

/** A window's labels as bar indices inside it (through the context's cached time index of the series). */
function labelSpans(ctx: ServiceContext, w: WindowInfo, labels: readonly Label[]): LabelSpan[] {
  const ix = ctx.timeIndex(w.seriesId);
  const clamp = (i: number) => Math.min(w.length - 1, Math.max(0, i - w.startIndex));
  return labels.map((l) => {
    // Labels sit on bar times; lowerBound also copes with a time between bars (imported files).
    const start = ix.lowerBound(l.startTime);
    const endAt = ix.lowerBound(l.endTime);
    const end = endAt < ix.length && ix.times[endAt] === l.endTime ? endAt : endAt - 1;
    return { id: l.id, start: clamp(start), end: clamp(end), type: l.type };
  });
}

function windowTimes(ctx: ServiceContext, w: WindowInfo): number[] {
  return Array.from(ctx.timeIndex(w.seriesId).times.subarray(w.startIndex, w.startIndex + w.length));
}

function predictedSpans(row: PredictionRow): ReviewSpan[] {
  const spans = (row.spans ?? []) as ReviewSpan[];
  return spans.map((s) => ({ start: s.start, end: s.end, startTime: s.startTime, endTime: s.endTime, type: s.type, score: s.score }));
}

/**
 * 'accepted' is shown only while the labels still say what the model said: after an undo or a later
 * edit the window is back to a disagreement and the old acceptance no longer describes it.
 */
function shownDecision(stored: 'accepted' | 'rejected' | undefined, status: ReviewStatus): 'accepted' | 'rejected' | null {
  if (stored === 'accepted') return status === 'agree' ? 'accepted' : null;
  return stored ?? null;
}

function groupLabels(labels: Label[]): Map<number, Label[]> {
  const by = new Map<number, Label[]>();
  for (const l of labels) {
    const list = by.get(l.windowId);
    if (list) list.push(l);
    else by.set(l.windowId, [l]);
  }
  return by;
}

/**
 * The queue's score of a stored prediction (core/review/uncertainty.ts, windowQueueScore): ensembles
 * by member disagreement (kept at prediction time, core/store/prediction-measures.ts), single models
 * by span-level uncertainty of the stored probabilities.
 */
function uncertaintyOf(run: ReviewableRun, p: PredictionRow, m: PredictionMeasures | undefined): number {
  return windowQueueScore({ probs: p.probs, head: run.head, threshold: run.threshold, memberSpread: m?.memberSpread });
}

/** What a summary needs of one stored prediction: its spans and its uncertainty (not the per-bar data). */
interface PredictionDigest {
  predicted: ReviewSpan[];
  uncertainty: number;
}

/**
 * Digests of a run's predictions, per store connection, rebuilt only when this connection wrote
 * predictions since (a run's models never change, so its predictions don't either). The review pane
 * asks for a summary after every edit: this keeps that to reading windows and labels.
 */
const digests = new WeakMap<object, Map<number, { revision: number; byWindow: Map<number, PredictionDigest> }>>();

function predictionDigests(ctx: ServiceContext, run: ReviewableRun): Map<number, PredictionDigest> {
  const runId = run.runId;
  let perRun = digests.get(ctx.store);
  if (!perRun) digests.set(ctx.store, (perRun = new Map()));
  const cached = perRun.get(runId);
  if (cached && cached.revision === ctx.store.predictionsRevision) return cached.byWindow;
  const measures = ctx.store.listPredictionMeasures(runId);
  const byWindow = new Map(
    ctx.store.listPredictions(runId).map((p) => [p.windowId, { predicted: predictedSpans(p), uncertainty: uncertaintyOf(run, p, measures.get(p.windowId)) }]),
  );
  perRun.set(runId, { revision: ctx.store.predictionsRevision, byWindow });
  return byWindow;
}

export async function reviewSummary(ctx: ServiceContext, args: CommandArgs<'review.summary'>): Promise<ReviewSummary> {
  const run = reviewableRun(ctx, args.runId);
  const setId = args.setId ?? run.setId;
  if (!ctx.store.getWindowSet(setId)) throw new CandlemarkError('not-found', `no window set ${setId}`);
  const windows = ctx.store.listWindows({ setId });
  let byWindow = predictionDigests(ctx, run);
  if (windows.some((w) => !byWindow.has(w.id))) {
    await ensurePredictions(ctx, run.runId, windows, new Set(byWindow.keys()));
    byWindow = predictionDigests(ctx, run);
  }
  const labels = groupLabels(ctx.store.listLabels({ setId }));
  const decisions = new Map(ctx.store.listReviewDecisions(run.runId).map((d) => [d.windowId, d.decision]));
  const modelNegatives = new Set(ctx.store.listModelOnlyNegatives(setId));
  const counts: Record<ReviewStatus, number> = { agree: 0, missed: 0, extra: 0, boundary: 0, type: 0, unlabelled: 0 };
  let decided = 0;
  const rows: ReviewWindowRow[] = windows.map((w, index) => {
    const { predicted, uncertainty } = byWindow.get(w.id)!;
    const windowLabels = labels.get(w.id) ?? [];
    const { status } = compareWindow(labelSpans(ctx, w, windowLabels), predicted, w.reviewed, args.tolerance);
    const decision = shownDecision(decisions.get(w.id), status);
    counts[status]++;
    if (decision) decided++;
    return {
      windowId: w.id,
      seriesId: w.seriesId,
      index,
      startTime: w.startTime,
      endTime: w.endTime,
      status,
      uncertainty,
      predicted,
      labelCount: windowLabels.length,
      decision,
      role: w.role,
      unconfirmed: windowLabels.filter((l) => l.origin === 'accepted').length + (modelNegatives.has(w.id) ? 1 : 0),
    };
  });
  const wanted = args.windowIds ? new Set(args.windowIds) : null;
  return {
    runId: run.runId,
    setId,
    head: run.head,
    threshold: run.threshold,
    boundaryTolerance: args.tolerance,
    counts,
    decided,
    windows: wanted ? rows.filter((r) => wanted.has(r.windowId)) : rows,
    complete: wanted === null,
    // Issue #10, point 9: the queue comes from the service (over every row, even when only some are sent back).
    queue: leastSureQueue(rows, args.queueSize).map((r) => r.windowId),
  };
}

/** The prediction of one window, computing it if this run has not predicted that window yet. */
async function windowPrediction(ctx: ServiceContext, runId: number, w: WindowInfo): Promise<PredictionRow> {
  let row = ctx.store.listPredictions(runId, w.id)[0];
  if (!row) {
    await ensurePredictions(ctx, runId, [w], new Set());
    row = ctx.store.listPredictions(runId, w.id)[0];
  }
  return row;
}

async function windowDetail(ctx: ServiceContext, run: ReviewableRun, w: WindowInfo, tolerance: number): Promise<ReviewWindowDetail> {
  const pred = await windowPrediction(ctx, run.runId, w);
  const labels = ctx.store.listLabels({ windowId: w.id });
  const predicted = predictedSpans(pred);
  const { status, matches } = compareWindow(labelSpans(ctx, w, labels), predicted, w.reviewed, tolerance);
  const stored = ctx.store.listReviewDecisions(run.runId).find((d) => d.windowId === w.id)?.decision;
  return {
    runId: run.runId,
    windowId: w.id,
    head: run.head,
    threshold: run.threshold,
    status,
    decision: shownDecision(stored, status),
    uncertainty: uncertaintyOf(run, pred, ctx.store.listPredictionMeasures(run.runId, w.id).get(w.id)),
    times: windowTimes(ctx, w),
    spanProb: Array.from(pred.probs),
    viterbi: pred.viterbi ? Array.from(pred.viterbi) : null,
    typeProb: pred.typeProbs ? Array.from(pred.typeProbs) : [],
    typeNames: run.typeNames,
    predicted,
    matches,
  };
}

export async function reviewWindow(ctx: ServiceContext, args: CommandArgs<'review.window'>): Promise<ReviewWindowDetail> {
  const run = reviewableRun(ctx, args.runId);
  return await windowDetail(ctx, run, requireWindow(ctx, args.windowId), args.tolerance);
}

const overlaps = (l: Label, s: ReviewSpan) => l.startTime <= s.endTime && s.startTime <= l.endTime;

/**
 * Accepts the model's prediction for a window as labels, in one undo step. Without `spanIndex` the
 * window's labels become exactly the predicted spans (no predicted span: the window is marked
 * "no span" and its labels removed). With `spanIndex`, that span replaces the labels it overlaps.
 */
export async function reviewAccept(ctx: ServiceContext, args: CommandArgs<'review.accept'>): Promise<WithChange<ReviewDecisionResult>> {
  const run = reviewableRun(ctx, args.runId);
  const w = requireWindow(ctx, args.windowId);
  const predicted = predictedSpans(await windowPrediction(ctx, run.runId, w));
  if (args.spanIndex !== undefined && !predicted[args.spanIndex]) {
    throw new CandlemarkError(
      'invalid-arguments',
      `run ${run.runId} predicted ${predicted.length} span(s) in window ${w.id}: there is no span ${args.spanIndex}`,
      [{ field: 'spanIndex', message: `expected 0..${predicted.length - 1}` }],
    );
  }
  const accepted = args.spanIndex === undefined ? predicted : [predicted[args.spanIndex]];
  const labels = ctx.store.listLabels({ windowId: w.id });
  const replaced = args.spanIndex === undefined ? labels : labels.filter((l) => accepted.some((s) => overlaps(l, s)));
  const added: number[] = [];
  const who = args.annotator ?? ctx.author;
  // The labels, the decision and the findings they change commit together (one transaction).
  const { change } = inReportedLabelChange(ctx, who, () => {
    ctx.store.editGroup(
      `Accept run ${run.runId}'s prediction`,
      () => {
        for (const l of replaced) ctx.store.deleteLabel(l.id);
        for (const s of accepted) {
          const label = ctx.store.addLabel(w.id, {
            startTime: s.startTime,
            endTime: s.endTime,
            type: s.type,
            // Full confidence once the analyst vouches for it; until then origin 'accepted' keeps it out of
            // validation scoring (review.confirm, or an edit, makes it the analyst's). The model's score is kept in the note.
            confidence: 1,
            note: `accepted from run ${run.runId} (model score ${s.score.toFixed(2)})`,
            author: who,
            origin: 'accepted',
            originRun: run.runId,
          });
          added.push(label.id);
        }
        // Accepting "no span here" is a statement about the window, like pressing N while labelling.
        if (accepted.length === 0) ctx.store.setWindowReviewed(w.id, true);
      },
      who,
    );
    ctx.store.setReviewDecision(run.runId, w.id, 'accepted', who);
    return { result: {}, windowIds: [w.id] };
  });
  ctx.events.emit('review.changed', { runId: run.runId, windowIds: [w.id] });
  const detail = await windowDetail(ctx, run, requireWindow(ctx, w.id), DEFAULT_BOUNDARY_TOLERANCE);
  return {
    runId: run.runId,
    windowId: w.id,
    decision: detail.decision,
    addedLabelIds: added,
    removedLabelIds: replaced.map((l) => l.id),
    status: detail.status,
    change,
  };
}

/** Records that the analyst disagrees with the model on this window (labels stay as they are); `clear` removes the decision. */
export async function reviewReject(ctx: ServiceContext, args: CommandArgs<'review.reject'>): Promise<WithChange<ReviewDecisionResult>> {
  const run = reviewableRun(ctx, args.runId);
  const w = requireWindow(ctx, args.windowId);
  const who = args.annotator ?? ctx.author;
  ctx.store.setReviewDecision(run.runId, w.id, args.clear ? null : 'rejected', who);
  // Labels stay as they are: no window's labels or findings changed.
  const change = describeChange(ctx, [], new Set(), who);
  ctx.events.emit('review.changed', { runId: run.runId, windowIds: [w.id] });
  const detail = await windowDetail(ctx, run, w, DEFAULT_BOUNDARY_TOLERANCE);
  return { runId: run.runId, windowId: w.id, decision: detail.decision, addedLabelIds: [], removedLabelIds: [], status: detail.status, change };
}

/**
 * The analyst confirms spans a model wrote on a window: 'accepted' → 'confirmed', authored by the
 * confirming annotator, one undo step. Only then do they count as the analyst's labels in validation
 * scoring (core/ml/training/dataset.ts). Labels that are not 'accepted' are refused by id, not skipped.
 */
export function reviewConfirm(
  ctx: ServiceContext,
  args: CommandArgs<'review.confirm'>,
): WithChange<{ windowId: number; confirmedLabelIds: number[]; confirmedNoSpan: boolean; unconfirmed: number }> {
  const w = requireWindow(ctx, args.windowId);
  const labels = ctx.store.listLabels({ windowId: w.id });
  let chosen: Label[];
  if (args.labelIds) {
    const byId = new Map(labels.map((l) => [l.id, l]));
    const issues = args.labelIds.flatMap((labelId, i) => {
      const l = byId.get(labelId);
      if (!l) return [{ field: `labelIds.${i}`, window: String(w.id), message: `label ${labelId} is not a label of window ${w.id}` }];
      if (l.origin !== 'accepted')
        return [
          { field: `labelIds.${i}`, window: String(w.id), message: `label ${labelId} is "${l.origin}", not an accepted model span waiting for confirmation` },
        ];
      return [];
    });
    if (issues.length) throw new CandlemarkError('invalid-arguments', `review.confirm: ${issues.length} label(s) cannot be confirmed`, issues);
    chosen = args.labelIds.map((labelId) => byId.get(labelId)!);
  } else {
    chosen = labels.filter((l) => l.origin === 'accepted');
  }
  const who = args.annotator ?? ctx.author;
  // An accepted "no span here" has no label to confirm: the acceptance itself is confirmed.
  const wasModelNegative = !args.labelIds && ctx.store.listModelOnlyNegatives(w.setId).includes(w.id);
  if (!args.labelIds) ctx.store.confirmReviewDecisions(w.id);
  let change: Change;
  if (chosen.length > 0) {
    ({ change } = inReportedLabelChange(ctx, who, () => {
      ctx.store.editGroup(
        chosen.length === 1 ? 'Confirm accepted span' : `Confirm ${chosen.length} accepted spans`,
        () => {
          for (const l of chosen) ctx.store.updateLabel(l.id, { origin: 'confirmed', author: who }, who);
        },
        who,
      );
      return { result: {}, windowIds: [w.id] };
    }));
  } else {
    change = describeChange(ctx, [w.id], findingIdsOf(ctx, [w.id]), who);
  }
  const unconfirmed = ctx.store.listLabels({ windowId: w.id }).filter((l) => l.origin === 'accepted').length;
  if (wasModelNegative) ctx.events.emit('labels.changed', { windowIds: [w.id] });
  return { windowId: w.id, confirmedLabelIds: chosen.map((l) => l.id), confirmedNoSpan: wasModelNegative, unconfirmed, change };
}

// --- issue 14 (h14b): bulk accept ------------------------------------------------------------------

export interface BulkAcceptResult {
  runId: number;
  setId: number;
  minScore: number;
  /** Windows whose spans were (or, with dryRun, would be) accepted. */
  windowIds: number[];
  spans: number;
  accepted: boolean;
  /** Open conflicts the accepted spans made with overlapping labelled windows (0 for a dry run). */
  newConflicts: number;
}

/**
 * Accepts, on the unlabelled windows of a set (no span, not marked reviewed), every predicted span
 * whose score is at least `minScore`, as 'accepted' labels (unconfirmed: kept out of validation
 * scoring until confirmed, like review.accept) — all of it ONE undo step. Windows the analyst has
 * labelled are never touched; windows with no span above the score are left for the analyst.
 * `dryRun` only counts.
 */
export async function reviewAcceptAbove(ctx: ServiceContext, args: CommandArgs<'review.acceptAbove'>): Promise<WithChange<BulkAcceptResult>> {
  const run = reviewableRun(ctx, args.runId);
  const setId = args.setId ?? run.setId;
  if (!ctx.store.getWindowSet(setId)) throw new CandlemarkError('not-found', `no window set ${setId}`);
  const windows = ctx.store.listWindows({ setId });
  let byWindow = predictionDigests(ctx, run);
  if (windows.some((w) => !byWindow.has(w.id))) {
    await ensurePredictions(ctx, run.runId, windows, new Set(byWindow.keys()));
    byWindow = predictionDigests(ctx, run);
  }
  const labelled = new Set(ctx.store.listLabels({ setId }).map((l) => l.windowId));
  const chosen = windows
    .filter((w) => !w.reviewed && !labelled.has(w.id))
    .map((w) => ({ w, spans: (byWindow.get(w.id)?.predicted ?? []).filter((s) => s.score >= args.minScore) }))
    .filter((c) => c.spans.length > 0);
  const spans = chosen.reduce((n, c) => n + c.spans.length, 0);
  const result = { runId: run.runId, setId, minScore: args.minScore, windowIds: chosen.map((c) => c.w.id), spans, accepted: false, newConflicts: 0 };
  const who = args.annotator ?? ctx.author;
  if (args.dryRun || chosen.length === 0) return { ...result, change: describeChange(ctx, [], new Set(), who) };
  const openBefore = ctx.store.countFindings('open');
  const { change } = inReportedLabelChange(ctx, who, () => {
    ctx.store.editGroup(
      `Accept run ${run.runId}'s spans scoring ≥ ${args.minScore} on ${chosen.length} window${chosen.length === 1 ? '' : 's'}`,
      () => {
        for (const { w, spans: accepted } of chosen) {
          for (const s of accepted) {
            ctx.store.addLabel(w.id, {
              startTime: s.startTime,
              endTime: s.endTime,
              type: s.type,
              confidence: 1,
              note: `accepted from run ${run.runId} (model score ${s.score.toFixed(2)}, bulk ≥ ${args.minScore})`,
              author: who,
              origin: 'accepted',
              originRun: run.runId,
            });
          }
        }
      },
      who,
    );
    for (const { w } of chosen) ctx.store.setReviewDecision(run.runId, w.id, 'accepted', who);
    return { result: {}, windowIds: result.windowIds };
  });
  ctx.events.emit('review.changed', { runId: run.runId, windowIds: result.windowIds });
  return { ...result, accepted: true, newConflicts: Math.max(0, ctx.store.countFindings('open') - openBefore), change };
}
