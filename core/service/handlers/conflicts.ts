/**
 * Keeps findings in step with labels: builds the conflict detector's input from the store,
 * recomputes after every label change (only for the windows touched), and resolves findings.
 */
import { detectConflicts, detectConflictsFor, type ConflictWindow } from '../../conflicts/detect.ts';
import { planCopySpans } from '../../conflicts/resolve.ts';
import { detectAnnotatorFindings, mergeCorrections, parseAnnotatorFindingKey, withAnnotatorFields, type AnnotatorFinding } from '../../conflicts/annotators.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import type { Finding, FindingStatus, IndexSpan, Label, WindowInfo } from '../../domain/types.ts';
import type { TimeIndex } from '../time-index.ts';
import type { StoredFinding } from '../../store/index.ts';
import type { Change, WithChange } from '../api.ts';
import { describeChange, findingIdsOf } from './change.ts';

/**
 * Windows of one series as the detector sees them. Only windows the analyst has labelled take
 * part (a window with spans, or one marked reviewed with none): an untouched window is "not yet
 * labelled", not "no span here", and must not contradict its labelled neighbours.
 */
export function conflictWindowsForSeries(ctx: ServiceContext, seriesId: string): ConflictWindow[] {
  const byWindow = new Map<number, Label[]>();
  for (const label of ctx.store.listLabels({ seriesId })) {
    const labels = byWindow.get(label.windowId);
    if (labels) labels.push(label);
    else byWindow.set(label.windowId, [label]);
  }
  return toConflictWindows(ctx, seriesId, ctx.store.listWindows({ seriesId }), (id) => byWindow.get(id) ?? []);
}

/**
 * Above this many windows around an edit, their labels are read with one query for the whole series
 * instead of one (indexed) query per window: e.g. undoing a labels import touches thousands of windows.
 */
const PER_WINDOW_LABEL_READS = 256;

/**
 * The labelled windows of a series that share at least one bar with one of `windows` (those
 * included when labelled): everything detectConflictsFor needs to re-check `windows`. Reads only
 * those windows and their labels (a bar-range query per run of adjacent edited windows), never the
 * whole series, so a label edit costs the same on a 1,000,000-bar series as on a small one.
 */
export function conflictWindowsAround(ctx: ServiceContext, seriesId: string, windows: ReadonlyArray<WindowInfo>): ConflictWindow[] {
  const ranges = windows.map((w) => ({ from: w.startIndex, to: w.startIndex + w.length - 1 })).sort((a, b) => a.from - b.from);
  // Ranges that overlap or touch are merged: the windows overlapping their union are exactly the
  // windows overlapping one of them, and one query replaces many when a whole stretch was edited.
  const merged: Array<{ from: number; to: number }> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  const around = new Map<number, WindowInfo>();
  for (const r of merged) for (const w of ctx.store.listWindowsOverlapping(seriesId, r.from, r.to)) around.set(w.id, w);
  const list = [...around.values()];
  let labelsOf: (windowId: number) => Label[];
  if (list.length > PER_WINDOW_LABEL_READS) {
    const byWindow = new Map<number, Label[]>();
    for (const label of ctx.store.listLabels({ seriesId })) {
      if (!around.has(label.windowId)) continue;
      const labels = byWindow.get(label.windowId);
      if (labels) labels.push(label);
      else byWindow.set(label.windowId, [label]);
    }
    labelsOf = (id) => byWindow.get(id) ?? [];
  } else {
    labelsOf = (id) => ctx.store.listLabels({ windowId: id });
  }
  return toConflictWindows(ctx, seriesId, list, labelsOf);
}

/** The labelled ones of `windows` (all of one series) with their labels as bar-index spans. */
function toConflictWindows(
  ctx: ServiceContext,
  seriesId: string,
  windows: ReadonlyArray<WindowInfo>,
  labelsOf: (windowId: number) => Label[],
): ConflictWindow[] {
  const out: ConflictWindow[] = [];
  let index: TimeIndex | null = null;
  for (const w of windows) {
    const labels = labelsOf(w.id);
    if (labels.length === 0 && !w.reviewed) continue;
    index ??= ctx.timeIndex(seriesId);
    const spans = labels.map((l) => labelToIndexSpan(seriesId, l, index!.indexOf(l.startTime), index!.indexOf(l.endTime)));
    out.push({ id: w.id, seriesId, startIndex: w.startIndex, length: w.length, spans });
  }
  return out;
}

function labelToIndexSpan(seriesId: string, label: Label, start: number, end: number): IndexSpan {
  if (start < 0 || end < 0) {
    // Labels are validated against bar times when written; a miss means the series was re-imported without those bars.
    throw new CandlemarkError('invalid-operation', `label ${label.id} refers to a bar time that series "${seriesId}" no longer has`);
  }
  return { start, end, type: label.type, confidence: label.confidence };
}

/**
 * Recomputes findings for the given windows (or all), keeping the status of findings that survive,
 * and tells the hosts. For a label change use `inLabelChange` instead, which writes the findings in
 * the change's own transaction.
 */
export function recomputeConflicts(ctx: ServiceContext, scope: { windowIds: number[] } | 'all'): void {
  if (scope !== 'all' && scope.windowIds.length === 0) return;
  ctx.store.transaction(() => refreshFindings(ctx, scope));
  emitFindingsChanged(ctx);
}

/**
 * Writes the findings of the given windows (or all) and emits nothing: called inside the
 * transaction of the label change that made them stale, so no crash can commit one without the other.
 * For given windows, only they and the windows sharing bars with them are read (conflictWindowsAround);
 * the result equals the part of a full recompute that involves them (test/conflicts/incremental.test.ts).
 */
export function refreshFindings(ctx: ServiceContext, scope: { windowIds: number[] } | 'all'): void {
  if (scope === 'all') {
    ctx.store.replaceFindings('all', computeAllFindings(ctx));
  } else {
    if (scope.windowIds.length === 0) return;
    const bySeries = new Map<string, WindowInfo[]>();
    for (const id of new Set(scope.windowIds)) {
      // A window that no longer exists took its findings with it (ON DELETE CASCADE).
      const w = ctx.store.getWindow(id);
      if (!w) continue;
      const list = bySeries.get(w.seriesId);
      if (list) list.push(w);
      else bySeries.set(w.seriesId, [w]);
    }
    const findings: Finding[] = [];
    for (const [seriesId, edited] of bySeries) {
      findings.push(
        ...detectConflictsFor(
          edited.map((w) => w.id),
          conflictWindowsAround(ctx, seriesId, edited),
        ),
      );
      findings.push(...annotatorFindingsOf(ctx, edited));
    }
    ctx.store.replaceFindings({ windowIds: scope.windowIds }, findings);
  }
}

/** Every finding of the project as a full recompute gives it: contradictions between windows, and disagreements between annotators. */
export function computeAllFindings(ctx: ServiceContext): Array<Finding & { key?: string }> {
  const findings: Array<Finding & { key?: string }> = [];
  for (const series of ctx.store.listSeries()) findings.push(...detectConflicts(conflictWindowsForSeries(ctx, series.id)));
  findings.push(...annotatorFindingsOf(ctx, 'all'));
  return findings;
}

/**
 * Issue #12, point 4: the disagreements between annotators inside each of the given windows (or every
 * window). A label's annotator is its author ('(unknown)' for labels from before provenance).
 */
function annotatorFindingsOf(ctx: ServiceContext, windows: ReadonlyArray<WindowInfo> | 'all'): AnnotatorFinding[] {
  let labels: Label[];
  if (windows === 'all') labels = ctx.store.listLabels();
  else if (windows.length > PER_WINDOW_LABEL_READS) {
    // Many windows (undoing a labels import): one read per series, as conflictWindowsAround does.
    const ids = new Set(windows.map((w) => w.id));
    labels = [...new Set(windows.map((w) => w.seriesId))].flatMap((seriesId) => ctx.store.listLabels({ seriesId }).filter((l) => ids.has(l.windowId)));
  } else labels = windows.flatMap((w) => ctx.store.listLabels({ windowId: w.id }));
  const byWindow = new Map<number, Label[]>();
  for (const l of labels) {
    const list = byWindow.get(l.windowId);
    if (list) list.push(l);
    else byWindow.set(l.windowId, [l]);
  }
  const out: AnnotatorFinding[] = [];
  // Windows with two or more annotators, and who corrected whom there (corrections are not compared).
  const shared = [...byWindow].filter(([, list]) => new Set(list.map((l) => l.author)).size >= 2).map(([id]) => id);
  const corrected = ctx.store.correctedPairs(shared);
  for (const [windowId, list] of byWindow) {
    if (new Set(list.map((l) => l.author)).size < 2) continue;
    const w = windows === 'all' ? ctx.store.getWindow(windowId) : windows.find((x) => x.id === windowId);
    if (!w) continue;
    const index = ctx.timeIndex(w.seriesId);
    const byAnnotator = new Map<string, IndexSpan[]>();
    for (const l of list) {
      const who = l.author || '(unknown)';
      const span = labelToIndexSpan(w.seriesId, l, index.indexOf(l.startTime), index.indexOf(l.endTime));
      const spans = byAnnotator.get(who);
      if (spans) spans.push(span);
      else byAnnotator.set(who, [span]);
    }
    out.push(
      ...detectAnnotatorFindings({
        id: w.id,
        seriesId: w.seriesId,
        startIndex: w.startIndex,
        length: w.length,
        // A correction (B edited or deleted A's spans here) makes one labelling, B's: not a disagreement.
        byAnnotator: mergeCorrections(byAnnotator, corrected.get(w.id)),
      }),
    );
  }
  return out;
}

/** `conflicts.list`: the stored findings; an annotators finding also names its two annotators (A and B). */
export function listConflicts(ctx: ServiceContext, args: CommandArgs<'conflicts.list'>): Array<StoredFinding & { annotators?: [string, string] }> {
  return ctx.store.listFindings(args).map(withAnnotatorFields);
}

function emitFindingsChanged(ctx: ServiceContext): void {
  ctx.events.emit('findings.changed', { open: ctx.store.countFindings('open') });
}

/**
 * Runs a label change and rewrites the findings it made stale in ONE transaction (a crash keeps both
 * or neither: test/store/findings-crash.test.ts), then tells the hosts what changed. `change` returns
 * its result and the windows whose labels (or reviewed flag) it changed; `scope: 'all'` recomputes
 * every finding (imports, demo data).
 */
export function inLabelChange<T>(
  ctx: ServiceContext,
  change: () => { result: T; windowIds: number[] },
  opts: { scope?: 'windows' | 'all'; labelsEvent?: boolean } = {},
): T {
  return runLabelChange(ctx, change, opts, null).result;
}

/**
 * inLabelChange for a command whose result reports its change (the contract's WithChange): the
 * windows, labels and findings it touched and `annotator`'s undo state, read in the same transaction.
 */
export function inReportedLabelChange<T extends object>(
  ctx: ServiceContext,
  annotator: string,
  change: () => { result: T; windowIds: number[] },
  opts: { scope?: 'windows' | 'all'; labelsEvent?: boolean } = {},
): WithChange<T> {
  const done = runLabelChange(ctx, change, opts, annotator);
  return { ...done.result, change: done.change! };
}

function runLabelChange<T>(
  ctx: ServiceContext,
  change: () => { result: T; windowIds: number[] },
  opts: { scope?: 'windows' | 'all'; labelsEvent?: boolean },
  reportFor: string | null,
): { result: T; change: Change | null } {
  let windowIds: number[] = [];
  const out = ctx.store.transaction(() => {
    const done = change();
    windowIds = [...new Set(done.windowIds)];
    // Findings of those windows before the refresh: the ones missing afterwards are reported removed.
    const before = reportFor === null ? null : findingIdsOf(ctx, windowIds);
    refreshFindings(ctx, opts.scope === 'all' ? 'all' : { windowIds });
    return { result: done.result, change: reportFor === null ? null : describeChange(ctx, windowIds, before, reportFor) };
  });
  if (opts.scope === 'all' || windowIds.length > 0) emitFindingsChanged(ctx);
  if (opts.labelsEvent !== false && windowIds.length > 0) ctx.events.emit('labels.changed', { windowIds });
  return out;
}

export function resolveConflict(
  ctx: ServiceContext,
  args: CommandArgs<'conflicts.resolve'>,
): WithChange<{ findingId: number; status: FindingStatus; changedWindows: number[] }> {
  const finding = ctx.store.getFinding(args.findingId);
  if (!finding) throw new CandlemarkError('not-found', `no finding ${args.findingId}`);
  if (args.action === 'ignore' || args.action === 'mark-resolved' || args.action === 'reopen') {
    const status: FindingStatus = args.action === 'ignore' ? 'ignored' : args.action === 'reopen' ? 'open' : 'resolved';
    ctx.store.setFindingStatus(finding.id, status);
    ctx.events.emit('findings.changed', { open: ctx.store.countFindings('open') });
    // No label changed: the change is this one finding's new status.
    const change = describeChange(ctx, [], new Set(), ctx.author);
    const now = ctx.store.getFinding(finding.id);
    change.findings.changed = now ? [withAnnotatorFields(now)] : [];
    return { findingId: finding.id, status, changedWindows: [] as number[], change };
  }
  // Whose edit (and undo step) the resolution is: the caller's annotator (the page sends its own), else the host's.
  const who = args.annotator ?? ctx.author;
  if (finding.kind === 'annotators') return keepAnnotator(ctx, finding, args.action === 'copy-a-to-b' ? 0 : 1, who);
  const [fromId, toId] = args.action === 'copy-a-to-b' ? [finding.windowA, finding.windowB] : [finding.windowB, finding.windowA];
  // Just the two windows: the rest of the series plays no part in copying between them.
  const pair = [fromId, toId].map((id) => ctx.store.getWindow(id)).filter((w): w is WindowInfo => w !== null);
  const windows = toConflictWindows(ctx, finding.seriesId, pair, (id) => ctx.store.listLabels({ windowId: id }));
  const from = windows.find((w) => w.id === fromId);
  const to = windows.find((w) => w.id === toId);
  if (!from || !to) throw new CandlemarkError('invalid-operation', `finding ${finding.id} refers to a window that is no longer labelled`);
  const { change } = inReportedLabelChange(
    ctx,
    who,
    () => {
      copySpans(ctx, from, to, `resolve finding ${finding.id}: copy window ${fromId} onto ${toId}`, who);
      return { result: {}, windowIds: [fromId, toId] };
    },
    { labelsEvent: false },
  );
  ctx.events.emit('labels.changed', { windowIds: [toId] });
  return { findingId: finding.id, status: 'resolved' as const, changedWindows: [toId], change };
}

/** Applies the detector's copy plan as label edits, in one undo step. */
function copySpans(ctx: ServiceContext, from: ConflictWindow, to: ConflictWindow, description: string, who: string): void {
  const index = ctx.timeIndex(to.seriesId);
  const plan = planCopySpans(from, to);
  ctx.store.editGroup(
    description,
    () => {
      const labels = ctx.store.listLabels({ windowId: to.id });
      for (const span of plan.remove) {
        const label = labels.find((l) => l.type === span.type && l.startTime === index.timeAt(span.start) && l.endTime === index.timeAt(span.end));
        if (label) ctx.store.deleteLabel(label.id);
      }
      // Issue #12: a copied span keeps a model origin ('accepted', unconfirmed) from the label it copies,
      // so resolving a conflict never turns a model's unconfirmed answer into the analyst's.
      const sources = ctx.store.listLabels({ windowId: from.id });
      for (const span of plan.add) {
        const startTime = index.timeAt(span.start);
        const endTime = index.timeAt(span.end);
        const source = sources.find((l) => l.type === span.type && l.startTime <= endTime && startTime <= l.endTime && l.origin === 'accepted');
        ctx.store.addLabel(to.id, {
          startTime,
          endTime,
          type: span.type,
          confidence: span.confidence,
          author: who,
          note: '',
          ...(source ? { origin: 'accepted' as const, originRun: source.originRun } : {}),
        });
      }
    },
    who,
  );
}

/**
 * Keep A (or B) on an annotators finding: the other annotator's spans in the window are removed (one
 * undo step, the caller's), so the kept annotator's spans are the window's. The removed spans come
 * back with undo; nothing is rewritten in the kept annotator's name.
 */
function keepAnnotator(ctx: ServiceContext, finding: StoredFinding, keep: 0 | 1, who: string) {
  const parsed = parseAnnotatorFindingKey(finding.key);
  if (!parsed) throw new CandlemarkError('invalid-operation', `finding ${finding.id} does not name its annotators`);
  const kept = parsed.annotators[keep];
  const dropped = parsed.annotators[1 - keep];
  const { change } = inReportedLabelChange(
    ctx,
    who,
    () => {
      ctx.store.editGroup(
        `resolve finding ${finding.id}: keep ${kept}'s spans in window ${finding.windowA}`,
        () => {
          for (const l of ctx.store.listLabels({ windowId: finding.windowA })) if ((l.author || '(unknown)') === dropped) ctx.store.deleteLabel(l.id, who);
        },
        who,
      );
      return { result: {}, windowIds: [finding.windowA] };
    },
    {},
  );
  return { findingId: finding.id, status: 'resolved' as const, changedWindows: [finding.windowA], change };
}

export function windowIsLabelled(window: WindowInfo, labelCount: number): boolean {
  return labelCount > 0 || window.reviewed;
}
