/**
 * Before "no span here" (N) or accepting a prediction (A): would the window's new labels disagree
 * with an overlapping, already-labelled window on the bars they share? Compared bar by bar on bar
 * times (type sets per bar, as the conflict detector reads them), so the analyst is warned about
 * the contradiction before it is created, not after. Pure: no service calls.
 */
import type { Label, WindowInfo } from '../api/types.ts';

/** A span proposed for the window, by first and last bar time (inclusive). */
export interface ProposedSpan {
  startTime: number;
  endTime: number;
  type: string;
}

export interface Contradiction {
  window: WindowInfo;
  /** First and last shared bar time where the two disagree. */
  fromTime: number;
  toTime: number;
  /** What the other window says there, e.g. "up" or "no span". */
  theirs: string;
  ours: string;
}

const typesAt = (spans: ReadonlyArray<{ startTime: number; endTime: number; type: string }>, t: number) =>
  [...new Set(spans.filter((s) => s.startTime <= t && t <= s.endTime).map((s) => s.type))].sort();
const describe = (types: string[]) => (types.length ? types.join('/') : 'no span');

/**
 * `barTimes`: bar times covering at least the window (the loaded chunk). `neighbours` and `labels`
 * come from labels.overlapping. Unlabelled neighbours (no span, not reviewed) never contradict.
 */
export function findContradictions(
  window: WindowInfo,
  proposed: ReadonlyArray<ProposedSpan>,
  barTimes: ArrayLike<number>,
  neighbours: ReadonlyArray<WindowInfo>,
  labels: ReadonlyArray<Label>,
): Contradiction[] {
  const byWindow = new Map<number, Label[]>();
  for (const l of labels) byWindow.set(l.windowId, [...(byWindow.get(l.windowId) ?? []), l]);
  const out: Contradiction[] = [];
  for (const n of neighbours) {
    if (n.id === window.id || n.seriesId !== window.seriesId) continue;
    const theirs = byWindow.get(n.id) ?? [];
    if (theirs.length === 0 && !n.reviewed) continue;
    const from = Math.max(window.startTime, n.startTime);
    const to = Math.min(window.endTime, n.endTime);
    let first: Contradiction | null = null;
    for (let i = 0; i < barTimes.length; i++) {
      const t = barTimes[i];
      if (t < from || t > to) continue;
      const a = typesAt(theirs, t);
      const b = typesAt(proposed, t);
      if (a.join() === b.join()) continue;
      if (!first) first = { window: n, fromTime: t, toTime: t, theirs: describe(a), ours: describe(b) };
      else first.toTime = t;
    }
    if (first) out.push(first);
  }
  return out;
}
