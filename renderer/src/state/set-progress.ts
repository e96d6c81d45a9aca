/**
 * Per-set progress for Home: labelled windows (a span, or marked reviewed) out of the set's
 * windows. Read per set (windows.list + labels.list), again whenever the project overview changes.
 */
import { useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import type { WindowSetInfo } from '../api/types.ts';

export function useSetProgress(sets: WindowSetInfo[], version: unknown): Map<number, { labelled: number; total: number }> {
  const [progress, setProgress] = useState(new Map<number, { labelled: number; total: number }>());
  const key = sets.map((s) => s.id).join(',');
  useEffect(() => {
    let live = true;
    const ids = key ? key.split(',').map(Number) : [];
    Promise.all(
      ids.map(async (setId) => {
        const [windows, labels] = await Promise.all([call('windows.list', { setId }), call('labels.list', { setId })]);
        const withSpans = new Set(labels.map((l) => l.windowId));
        return [setId, { labelled: windows.filter((w) => w.reviewed || withSpans.has(w.id)).length, total: windows.length }] as const;
      }),
    )
      .then((pairs) => live && setProgress(new Map(pairs)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key, version]);
  return progress;
}
