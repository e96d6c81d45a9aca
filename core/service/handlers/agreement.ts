/**
 * `agreement` (issue #12, point 4): how far the project's annotators agree, on the windows two or
 * more of them labelled. An annotator has labelled a window when they have a span in it (a
 * "no span" mark is per window, not per annotator, so it cannot count here); one who edited or
 * deleted another's spans there reviewed that labelling: one labelling, theirs (mergeCorrections). Spans are compared in
 * bar indices inside the window (core/review/agreement.ts).
 */
import type { AnnotatorsInfo } from '../api.ts';
import type { AgreementResult, AgreementSpan, AnnotatedWindow, WindowDisagreement } from '../../review/agreement.ts';
import { computeAgreement } from '../../review/agreement.ts';
import { mergeCorrections } from '../../conflicts/annotators.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { getSeniority, listAnnotators, setSeniority } from '../../store/annotators.ts';

export interface AgreementReport extends Omit<AgreementResult, 'disagreements'> {
  /** Windows labelled by two or more annotators that are not in full agreement (with their set, to open them). */
  disagreements: Array<WindowDisagreement & { setId: number }>;
  setId: number | null;
  /** Windows labelled by two or more annotators (those alpha and the disagreements cover). */
  sharedWindows: number;
  /** Spans per annotator in the compared windows' set. */
  spansByAnnotator: Record<string, number>;
  minIou: number;
}

export function agreement(ctx: ServiceContext, args: CommandArgs<'agreement.compute'>): AgreementReport {
  if (args.setId !== undefined && !ctx.store.getWindowSet(args.setId)) throw new CandlemarkError('not-found', `no window set ${args.setId}`);
  const windows = new Map(ctx.store.listWindows(args.setId !== undefined ? { setId: args.setId } : {}).map((w) => [w.id, w]));
  const labels = ctx.store.listLabels(args.setId !== undefined ? { setId: args.setId } : {});
  const annotated = new Map<number, AnnotatedWindow>();
  const spansByAnnotator: Record<string, number> = {};
  for (const l of labels) {
    const w = windows.get(l.windowId);
    if (!w) continue;
    const ix = ctx.timeIndex(w.seriesId);
    const who = l.author || '(unknown)';
    const span: AgreementSpan = { start: ix.lowerBound(l.startTime) - w.startIndex, end: ix.lowerBound(l.endTime) - w.startIndex, type: l.type };
    let entry = annotated.get(w.id);
    if (!entry) annotated.set(w.id, (entry = { windowId: w.id, length: w.length, byAnnotator: new Map() }));
    const list = entry.byAnnotator.get(who);
    if (list) list.push(span);
    else entry.byAnnotator.set(who, [span]);
    spansByAnnotator[who] = (spansByAnnotator[who] ?? 0) + 1;
  }
  // A window where one annotator edited or deleted another's spans holds one labelling, the
  // corrector's (conflicts/annotators.ts mergeCorrections): a correction is not a second opinion.
  const shared = [...annotated.values()].filter((w) => w.byAnnotator.size >= 2);
  const corrections = ctx.store.correctedPairs(shared.map((w) => w.windowId));
  for (const w of shared) w.byAnnotator = mergeCorrections(w.byAnnotator, corrections.get(w.windowId));
  const all = [...annotated.values()].sort((a, b) => a.windowId - b.windowId);
  const result = computeAgreement(all, args.minIou, getSeniority(ctx.store));
  const disagreements = result.disagreements.map((d) => ({ ...d, setId: windows.get(d.windowId)!.setId }));
  return {
    ...result,
    disagreements,
    setId: args.setId ?? null,
    sharedWindows: all.filter((w) => w.byAnnotator.size >= 2).length,
    spansByAnnotator,
    minIou: args.minIou,
  };
}

export type { AnnotatorsInfo };

/** `annotators.list`: who labelled in this project, and the seniority order. */
export function annotatorsList(ctx: ServiceContext): AnnotatorsInfo {
  return { annotators: listAnnotators(ctx.store), seniority: getSeniority(ctx.store) };
}

/** `annotators.setSeniority`: replaces the order (a name may be one who has not labelled yet). */
export function annotatorsSetSeniority(ctx: ServiceContext, args: CommandArgs<'annotators.setSeniority'>): AnnotatorsInfo {
  const order = args.order.map((a) => a.trim());
  const twice = order.find((a, i) => order.indexOf(a) !== i);
  if (twice !== undefined)
    throw new CandlemarkError('invalid-arguments', `annotator "${twice}" is listed twice in the seniority order`, [
      { field: 'order', message: `"${twice}" twice` },
    ]);
  setSeniority(ctx.store, order);
  return annotatorsList(ctx);
}
