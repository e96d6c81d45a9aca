/**
 * Where any window sits in its set (its number), for windows outside the set on screen: conflicts
 * with another set's windows, overlapping windows drawn behind the chart. Windows are read per
 * series (`windows.list {seriesId}`, ordered by set and start) once, and forgotten when windows or
 * series change.
 */
import { useEffect, useMemo, useState } from 'react';
import { call } from '../api/client.ts';
import type { WindowInfo } from '../api/types.ts';
import { useServiceEvents } from './events.ts';
import type { WindowPlace } from './window-name.ts';

export interface PlacedWindow {
  window: WindowInfo;
  place: WindowPlace;
}

/** The places of every window in `lists` (each list: windows ordered by set, then start). */
export function placeWindows(lists: Iterable<WindowInfo[]>): Map<number, PlacedWindow> {
  const out = new Map<number, PlacedWindow>();
  for (const list of lists) {
    const totals = new Map<number, number>();
    for (const w of list) totals.set(w.setId, (totals.get(w.setId) ?? 0) + 1);
    const seen = new Map<number, number>();
    for (const w of list) {
      const index = seen.get(w.setId) ?? 0;
      seen.set(w.setId, index + 1);
      out.set(w.id, { window: w, place: { index, total: totals.get(w.setId) ?? null } });
    }
  }
  return out;
}

/** Windows of the given series, placed; re-read after windows or series change. */
export function useWindowDirectory(seriesIds: ReadonlyArray<string>): Map<number, PlacedWindow> {
  const [bySeries, setBySeries] = useState<Map<string, WindowInfo[]>>(new Map());
  const [version, setVersion] = useState(0);
  useServiceEvents(['windows.changed', 'series.changed'], () => setVersion((v) => v + 1));
  const key = [...new Set(seriesIds)].sort().join('\u0000');
  useEffect(() => {
    let live = true;
    const ids = key ? key.split('\u0000') : [];
    Promise.all(ids.map(async (id) => [id, await call('windows.list', { seriesId: id })] as const))
      .then((pairs) => live && setBySeries(new Map(pairs)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key, version]);
  return useMemo(() => placeWindows(bySeries.values()), [bySeries]);
}
