/**
 * What a mutating command changed (issue #10, point 9): the windows it touched as stored now, their
 * labels, the findings that involve them (and those that went away), the open count and the caller's
 * undo state, so a client applies the change without reading again. Read inside the change's own
 * transaction, so it is exactly what the change committed.
 */
import type { ServiceContext } from '../context.ts';
import type { Change, StoredFinding } from '../api.ts';
import type { Label, WindowInfo } from '../../domain/types.ts';
import { withAnnotatorFields } from '../../conflicts/annotators.ts';

/** Above this many windows a change says `complete: false` and sends no rows: the client reads again. */
export const MAX_CHANGE_WINDOWS = 200;

/** Finding ids that involve `windowIds` now (null when there are too many windows to list). */
export function findingIdsOf(ctx: ServiceContext, windowIds: readonly number[]): Set<number> | null {
  if (windowIds.length > MAX_CHANGE_WINDOWS) return null;
  const ids = new Set<number>();
  for (const w of windowIds) for (const f of ctx.store.listFindings({ windowId: w })) ids.add(f.id);
  return ids;
}

/** The change to `windowIds`; `before`: findingIdsOf the same windows before the change. */
export function describeChange(ctx: ServiceContext, windowIds: readonly number[], before: Set<number> | null, annotator: string): Change {
  const unique = [...new Set(windowIds)];
  const open = ctx.store.countFindings('open');
  const history = ctx.store.historyState(annotator);
  if (before === null || unique.length > MAX_CHANGE_WINDOWS) {
    return { windowIds: unique, complete: false, windows: [], labels: [], findings: { changed: [], removedIds: [], open }, history };
  }
  const windows: WindowInfo[] = [];
  const labels: Label[] = [];
  const findings = new Map<number, StoredFinding>();
  for (const id of unique) {
    const w = ctx.store.getWindow(id);
    if (!w) continue; // deleted with its labels and findings
    windows.push(w);
    labels.push(...ctx.store.listLabels({ windowId: id }));
    for (const f of ctx.store.listFindings({ windowId: id })) findings.set(f.id, f);
  }
  const removedIds = [...before].filter((id) => !findings.has(id));
  return {
    windowIds: unique,
    complete: true,
    windows,
    labels,
    findings: { changed: [...findings.values()].map(withAnnotatorFields), removedIds, open },
    history,
  };
}
