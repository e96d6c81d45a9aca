/** Label edits, undo/redo and label types; every change refreshes the findings of the windows it touched. */
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { recomputeConflicts } from './conflicts.ts';
import type { Label, LabelType } from '../../domain/types.ts';

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
    author: args.author ?? ctx.author,
  });
  afterLabelChange(ctx, [label.windowId]);
  return label;
}

export function updateLabel(ctx: ServiceContext, args: CommandArgs<'labels.update'>): Label {
  const label = ctx.store.updateLabel(args.id, args.patch);
  afterLabelChange(ctx, [label.windowId]);
  return label;
}

export function deleteLabel(ctx: ServiceContext, args: CommandArgs<'labels.delete'>): { id: number } {
  const label = ctx.store.getLabel(args.id);
  if (!label) throw new CandlemarkError('not-found', `no label ${args.id}`);
  ctx.store.deleteLabel(args.id);
  afterLabelChange(ctx, [label.windowId]);
  return { id: args.id };
}

export function undo(ctx: ServiceContext) {
  const step = ctx.store.undo();
  if (step) afterLabelChange(ctx, step.windowIds);
  return { step, history: ctx.store.historyState() };
}

export function redo(ctx: ServiceContext) {
  const step = ctx.store.redo();
  if (step) afterLabelChange(ctx, step.windowIds);
  return { step, history: ctx.store.historyState() };
}

export function setWindowReviewed(ctx: ServiceContext, args: CommandArgs<'windows.setReviewed'>) {
  ctx.store.setWindowReviewed(args.windowId, args.reviewed);
  afterLabelChange(ctx, [args.windowId]);
  return { windowId: args.windowId, reviewed: args.reviewed };
}

export function setLabelTypes(ctx: ServiceContext, args: CommandArgs<'labelTypes.set'>): LabelType[] {
  ctx.store.setLabelTypes(args.types.map((t, i) => ({ name: t.name, color: t.color, sortOrder: t.sortOrder ?? i })));
  return ctx.store.listLabelTypes();
}
