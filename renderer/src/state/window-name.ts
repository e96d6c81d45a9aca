/**
 * The one way a window is named on screen (window bar, conflicts list, lanes, hovers, toasts):
 * its set, its number in that set, its series and its first bar's time. Ids and external ids
 * ("demo-7:7296") are for files and the API; an analyst reads "set 2 · window 115/127 · spy_1d · 2020-03-02".
 */
import type { WindowInfo } from '../api/types.ts';
import { formatBarTime } from '../chart/time-format.ts';

/** Where a window sits in its set: 0-based position and the set's size (null when not known). */
export interface WindowPlace {
  index: number;
  total: number | null;
}

const DAY = 86_400_000;

/** Bars closer than a day apart: show the time of day too. */
export function windowIsIntraday(w: Pick<WindowInfo, 'startTime' | 'endTime' | 'length'>): boolean {
  return w.length > 1 && (w.endTime - w.startTime) / (w.length - 1) < DAY * 0.9;
}

export function windowName(
  w: Pick<WindowInfo, 'setId' | 'seriesId' | 'startTime' | 'endTime' | 'length' | 'id'>,
  place: WindowPlace | null,
  setName?: string,
): string {
  const number = place ? `window ${place.index + 1}${place.total != null ? `/${place.total}` : ''}` : `window id ${w.id}`;
  return `set ${w.setId}${setName ? ` “${setName}”` : ''} · ${number} · ${w.seriesId} · ${formatBarTime(w.startTime, windowIsIntraday(w))}`;
}

/** The short form inside one set's screen (the set is on screen already): "window 12/54 · 2020-03-02". */
export function windowShortName(w: Pick<WindowInfo, 'startTime' | 'endTime' | 'length' | 'id'>, place: WindowPlace | null): string {
  const number = place ? `window ${place.index + 1}${place.total != null ? `/${place.total}` : ''}` : `window id ${w.id}`;
  return `${number} · ${formatBarTime(w.startTime, windowIsIntraday(w))}`;
}

const KIND_TEXT: Record<string, string> = {
  'span-vs-none': 'one marks a span where the other marks none',
  type: 'they mark different span types',
  boundary: 'a span edge differs',
  annotators: 'two annotators labelled the window differently',
};

/**
 * A conflict in the same words as the windows: "A (set 1 · window 15/31 · …) and B (…) disagree on
 * 2020-02-10 21:00 → 2020-02-11 03:00: a span edge differs". `timeAt` turns a series bar index into its time.
 */
export function describeFinding(
  f: { kind: string; windowA: number; windowB: number; startIndex: number; endIndex: number },
  nameOf: (windowId: number) => string,
  timeAt: (index: number) => number | undefined,
): string {
  const a = timeAt(f.startIndex);
  const b = timeAt(f.endIndex);
  const intraday = a != null && b != null && f.endIndex > f.startIndex ? (b - a) / (f.endIndex - f.startIndex) < DAY * 0.9 : false;
  const when = a != null && b != null ? ` on ${formatBarTime(a, intraday)}${b !== a ? ` → ${formatBarTime(b, intraday)}` : ''}` : '';
  return `A (${nameOf(f.windowA)}) and B (${nameOf(f.windowB)}) disagree${when}: ${KIND_TEXT[f.kind] ?? f.kind}`;
}
