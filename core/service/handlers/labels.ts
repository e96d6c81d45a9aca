/**
 * Label edits, undo/redo and label types. Every change and the findings it makes stale are written
 * in one transaction (inLabelChange), then the hosts are told.
 */
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { inReportedLabelChange, recomputeConflicts } from './conflicts.ts';
import type { WithChange } from '../api.ts';
import type { Label, LabelType } from '../../domain/types.ts';
import { StoreError } from '../../store/errors.ts';
import type { HistoryStep } from '../../store/project-store.ts';

/**
 * Refreshes the findings of the windows a label change touched and tells the hosts. For a change
 * already committed; a new change should run inside inLabelChange so both commit together.
 */
export function afterLabelChange(ctx: ServiceContext, windowIds: number[]): void {
  const unique = [...new Set(windowIds)];
  recomputeConflicts(ctx, { windowIds: unique });
  ctx.events.emit('labels.changed', { windowIds: unique });
}

export function addLabel(ctx: ServiceContext, args: CommandArgs<'labels.add'>): WithChange<Label> {
  return inReportedLabelChange(ctx, args.annotator ?? ctx.author, () => {
    const label = ctx.store.addLabel(args.windowId, {
      startTime: args.startTime,
      endTime: args.endTime,
      type: args.type,
      confidence: args.confidence,
      note: args.note,
      author: args.annotator ?? args.author ?? ctx.author,
    });
    return { result: label, windowIds: [label.windowId] };
  });
}

export function updateLabel(ctx: ServiceContext, args: CommandArgs<'labels.update'>): WithChange<Label> {
  return inReportedLabelChange(ctx, args.annotator ?? ctx.author, () => {
    const label = ctx.store.updateLabel(args.id, args.patch, args.annotator ?? ctx.author);
    return { result: label, windowIds: [label.windowId] };
  });
}

export function deleteLabel(ctx: ServiceContext, args: CommandArgs<'labels.delete'>): WithChange<{ id: number }> {
  return inReportedLabelChange(ctx, args.annotator ?? ctx.author, () => {
    const label = ctx.store.getLabel(args.id);
    if (!label) throw new CandlemarkError('not-found', `no label ${args.id}`);
    ctx.store.deleteLabel(args.id, args.annotator ?? ctx.author);
    return { result: { id: args.id }, windowIds: [label.windowId] };
  });
}

/** Undo/redo are per annotator (issue #12): one client's undo never takes back another's edit. */
/** Another annotator's later change blocks a step: a caller-state error, never an internal one. */
function historyStep(fn: () => HistoryStep | null): HistoryStep | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StoreError && e.code === 'history-conflict') throw new CandlemarkError('invalid-operation', e.message);
    throw e;
  }
}

export function undo(ctx: ServiceContext, args: CommandArgs<'labels.undo'>) {
  const who = args.annotator ?? ctx.author;
  return inReportedLabelChange(ctx, who, () => {
    const step = historyStep(() => ctx.store.undo(who));
    return { result: { step, history: ctx.store.historyState(who) }, windowIds: step?.windowIds ?? [] };
  });
}

export function redo(ctx: ServiceContext, args: CommandArgs<'labels.redo'>) {
  const who = args.annotator ?? ctx.author;
  return inReportedLabelChange(ctx, who, () => {
    const step = historyStep(() => ctx.store.redo(who));
    return { result: { step, history: ctx.store.historyState(who) }, windowIds: step?.windowIds ?? [] };
  });
}

export function setWindowReviewed(ctx: ServiceContext, args: CommandArgs<'windows.setReviewed'>) {
  return inReportedLabelChange(ctx, args.annotator ?? ctx.author, () => {
    ctx.store.setWindowReviewed(args.windowId, args.reviewed, args.annotator ?? ctx.author);
    // Marking "no span" by hand confirms a "no span" verdict accepted from a model (issue #12).
    if (args.reviewed) ctx.store.confirmReviewDecisions(args.windowId);
    return { result: { windowId: args.windowId, reviewed: args.reviewed }, windowIds: [args.windowId] };
  });
}

export function setLabelTypes(ctx: ServiceContext, args: CommandArgs<'labelTypes.set'>): LabelType[] {
  ctx.store.setLabelTypes(args.types.map((t, i) => ({ name: t.name, color: t.color, sortOrder: t.sortOrder ?? i })));
  return ctx.store.listLabelTypes();
}
