/**
 * Keeps findings in step with labels: builds the conflict detector's input from the store,
 * recomputes after every label change (only for the windows touched), and resolves findings.
 */
import { detectConflicts, detectConflictsFor, type ConflictWindow } from '../../conflicts/detect.ts';
import { planCopySpans } from '../../conflicts/resolve.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import type { Finding, IndexSpan, Label, WindowInfo } from '../../domain/types.ts';

/**
 * Windows of one series as the detector sees them. Only windows the analyst has labelled take
 * part (a window with spans, or one marked reviewed with none): an untouched window is "not yet
 * labelled", not "no span here", and must not contradict its labelled neighbours.
 */
export function conflictWindowsForSeries(ctx: ServiceContext, seriesId: string): ConflictWindow[] {
  const index = ctx.timeIndex(seriesId);
  const byWindow = new Map<number, IndexSpan[]>();
  for (const label of ctx.store.listLabels({ seriesId })) {
    const spans = byWindow.get(label.windowId) ?? [];
    spans.push(labelToIndexSpan(ctx, seriesId, label, index.indexOf(label.startTime), index.indexOf(label.endTime)));
    byWindow.set(label.windowId, spans);
  }
  const out: ConflictWindow[] = [];
  for (const w of ctx.store.listWindows({ seriesId })) {
    const spans = byWindow.get(w.id);
    if (!spans && !w.reviewed) continue;
    out.push({ id: w.id, seriesId, startIndex: w.startIndex, length: w.length, spans: spans ?? [] });
  }
  return out;
}

function labelToIndexSpan(_ctx: ServiceContext, seriesId: string, label: Label, start: number, end: number): IndexSpan {
  if (start < 0 || end < 0) {
    // Labels are validated against bar times when written; a miss means the series was re-imported without those bars.
    throw new CandlemarkError('invalid-operation', `label ${label.id} refers to a bar time that series "${seriesId}" no longer has`);
  }
  return { start, end, type: label.type, confidence: label.confidence };
}

/** Recomputes findings for the given windows (or all), keeping the status of findings that survive. */
export function recomputeConflicts(ctx: ServiceContext, scope: { windowIds: number[] } | 'all'): void {
  if (scope === 'all') {
    const findings: Finding[] = [];
    for (const series of ctx.store.listSeries()) findings.push(...detectConflicts(conflictWindowsForSeries(ctx, series.id)));
    ctx.store.replaceFindings('all', findings);
  } else {
    if (scope.windowIds.length === 0) return;
    const bySeries = new Map<string, number[]>();
    for (const id of scope.windowIds) {
      const w = ctx.store.getWindow(id);
      if (!w) continue;
      bySeries.set(w.seriesId, [...(bySeries.get(w.seriesId) ?? []), id]);
    }
    const findings: Finding[] = [];
    for (const [seriesId, ids] of bySeries) findings.push(...detectConflictsFor(ids, conflictWindowsForSeries(ctx, seriesId)));
    ctx.store.replaceFindings({ windowIds: scope.windowIds }, findings);
  }
  ctx.events.emit('findings.changed', { open: ctx.store.listFindings({ status: 'open' }).length });
}

export function resolveConflict(ctx: ServiceContext, args: CommandArgs<'conflicts.resolve'>) {
  const finding = ctx.store.listFindings().find((f) => f.id === args.findingId);
  if (!finding) throw new CandlemarkError('not-found', `no finding ${args.findingId}`);
  if (args.action === 'ignore' || args.action === 'mark-resolved' || args.action === 'reopen') {
    const status = args.action === 'ignore' ? 'ignored' : args.action === 'reopen' ? 'open' : 'resolved';
    ctx.store.setFindingStatus(finding.id, status);
    ctx.events.emit('findings.changed', { open: ctx.store.listFindings({ status: 'open' }).length });
    return { findingId: finding.id, status, changedWindows: [] as number[] };
  }
  const [fromId, toId] = args.action === 'copy-a-to-b' ? [finding.windowA, finding.windowB] : [finding.windowB, finding.windowA];
  const windows = conflictWindowsForSeries(ctx, finding.seriesId);
  const from = windows.find((w) => w.id === fromId);
  const to = windows.find((w) => w.id === toId);
  if (!from || !to) throw new CandlemarkError('invalid-operation', `finding ${finding.id} refers to a window that is no longer labelled`);
  copySpans(ctx, from, to, `resolve finding ${finding.id}: copy window ${fromId} onto ${toId}`);
  recomputeConflicts(ctx, { windowIds: [fromId, toId] });
  ctx.events.emit('labels.changed', { windowIds: [toId] });
  return { findingId: finding.id, status: 'resolved' as const, changedWindows: [toId] };
}

/** Applies the detector's copy plan as label edits, in one undo step. */
function copySpans(ctx: ServiceContext, from: ConflictWindow, to: ConflictWindow, description: string): void {
  const index = ctx.timeIndex(to.seriesId);
  const plan = planCopySpans(from, to);
  ctx.store.editGroup(description, () => {
    const labels = ctx.store.listLabels({ windowId: to.id });
    for (const span of plan.remove) {
      const label = labels.find(
        (l) => l.type === span.type && l.startTime === index.timeAt(span.start) && l.endTime === index.timeAt(span.end),
      );
      if (label) ctx.store.deleteLabel(label.id);
    }
    for (const span of plan.add) {
      ctx.store.addLabel(to.id, {
        startTime: index.timeAt(span.start),
        endTime: index.timeAt(span.end),
        type: span.type,
        confidence: span.confidence,
        author: ctx.author,
        note: '',
      });
    }
  });
}

export function windowIsLabelled(window: WindowInfo, labelCount: number): boolean {
  return labelCount > 0 || window.reviewed;
}
