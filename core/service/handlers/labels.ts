/** Label edits, undo/redo and label types; every change refreshes the findings of the windows it touched. */
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { recomputeConflicts } from './conflicts.ts';
import type { Label, LabelType } from '../../domain/types.ts';
import { StoreError } from '../../store/errors.ts';
import type { HistoryStep } from '../../store/project-store.ts';

/** Refreshes the findings of the windows a label change touched and tells the hosts. */
export function afterLabelChange(ctx: ServiceContext, windowIds: number[]): void {
  const unique = [...new Set(windowIds)];
  recomputeConflicts(ctx, { windowIds: unique });
  ctx.events.emit('labels.changed', { windowIds: unique });
}

export function addLabel(ctx: ServiceContext, args: CommandArgs<'labels.add'>): Label {
  const label = ctx.store.addLabel(args.windowId, {
    startTime: args.startTime,
    endTime: args.endTime,
    type: args.type,
    confidence: args.confidence,
    note: args.note,
    author: args.annotator ?? args.author ?? ctx.author,
  });
  afterLabelChange(ctx, [label.windowId]);
  return label;
}

export function updateLabel(ctx: ServiceContext, args: CommandArgs<'labels.update'>): Label {
  const label = ctx.store.updateLabel(args.id, args.patch, args.annotator ?? ctx.author);
  afterLabelChange(ctx, [label.windowId]);
  return label;
}

export function deleteLabel(ctx: ServiceContext, args: CommandArgs<'labels.delete'>): { id: number } {
  const label = ctx.store.getLabel(args.id);
  if (!label) throw new CandlemarkError('not-found', `no label ${args.id}`);
  ctx.store.deleteLabel(args.id, args.annotator ?? ctx.author);
  afterLabelChange(ctx, [label.windowId]);
  return { id: args.id };
}

/** Undo/redo are per annotator (issue #12): one client's undo never takes back another's edit. */
/** Another annotator's later change blocks a step: a caller-state error (400), never an internal one. */
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
  const step = historyStep(() => ctx.store.undo(who));
  if (step) afterLabelChange(ctx, step.windowIds);
  return { step, history: ctx.store.historyState(who) };
}

export function redo(ctx: ServiceContext, args: CommandArgs<'labels.redo'>) {
  const who = args.annotator ?? ctx.author;
  const step = historyStep(() => ctx.store.redo(who));
  if (step) afterLabelChange(ctx, step.windowIds);
  return { step, history: ctx.store.historyState(who) };
}

export function setWindowReviewed(ctx: ServiceContext, args: CommandArgs<'windows.setReviewed'>) {
  ctx.store.setWindowReviewed(args.windowId, args.reviewed, args.annotator ?? ctx.author);
  // Marking "no span" by hand confirms a "no span" verdict accepted from a model (issue #12).
  if (args.reviewed) ctx.store.confirmReviewDecisions(args.windowId);
  afterLabelChange(ctx, [args.windowId]);
  return { windowId: args.windowId, reviewed: args.reviewed };
}

export function setLabelTypes(ctx: ServiceContext, args: CommandArgs<'labelTypes.set'>): LabelType[] {
  ctx.store.setLabelTypes(args.types.map((t, i) => ({ name: t.name, color: t.color, sortOrder: t.sortOrder ?? i })));
  return ctx.store.listLabelTypes();
}
