/**
 * Where Home's counts lead: "unlabelled" to the first unlabelled window (first set that has one),
 * "windows in conflict" / "open conflicts" to the most severe open conflict's window, in its set,
 * with the conflicts list beside it. Each returns a label route, or null when there is nothing.
 */
import { call } from '../api/client.ts';
import type { WindowSetInfo } from '../api/types.ts';
import type { Route } from './route.ts';

export async function firstUnlabelledRoute(sets: WindowSetInfo[]): Promise<Route | null> {
  for (const set of sets) {
    const [windows, labels] = await Promise.all([call('windows.list', { setId: set.id }), call('labels.list', { setId: set.id })]);
    const withSpans = new Set(labels.map((l) => l.windowId));
    const w = windows.find((x) => !x.reviewed && !withSpans.has(x.id));
    if (w) return { view: 'label', setId: set.id, windowId: w.id, review: null };
  }
  return null;
}

export async function worstConflictRoute(): Promise<Route | null> {
  const open = await call('conflicts.list', { status: 'open' });
  const f = [...open].sort((a, b) => b.severity - a.severity || a.id - b.id)[0];
  if (!f) return null;
  const w = (await call('windows.list', { seriesId: f.seriesId })).find((x) => x.id === f.windowA);
  return w ? { view: 'label', setId: w.setId, windowId: w.id, review: null } : null;
}
