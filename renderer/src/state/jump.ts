/**
 * "Go to" on the window bar: a window number ("12", "#12") or a date/time in UTC ("2020-03-02",
 * "2020-03-02 14:30") → the window of the set to open. For a time, the window whose bars contain
 * it with the time nearest its middle (windows overlap); before the first or after the last bar,
 * a clear message instead.
 */
import type { WindowInfo } from '../api/types.ts';

export type JumpResult = { window: WindowInfo } | { error: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/;

export function parseJumpTime(text: string): number | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(t);
  // Reject 2020-02-31 and the like instead of rolling over.
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return null;
  return t;
}

export function findJumpTarget(windows: ReadonlyArray<WindowInfo>, query: string): JumpResult {
  const q = query.trim();
  if (!q) return { error: 'Type a window number or a date (YYYY-MM-DD, optionally HH:MM, UTC).' };
  if (!windows.length) return { error: 'This set has no windows.' };
  const num = /^#?(\d+)$/.exec(q);
  if (num && !DATE.test(q)) {
    const n = Number(num[1]);
    if (n < 1 || n > windows.length) return { error: `No window ${n}: this set has windows 1 to ${windows.length}.` };
    return { window: windows[n - 1] };
  }
  const t = parseJumpTime(q);
  if (t == null) return { error: `“${q}” is neither a window number nor a date (YYYY-MM-DD or YYYY-MM-DD HH:MM, UTC).` };
  const first = windows.reduce((a, w) => Math.min(a, w.startTime), Infinity);
  const last = windows.reduce((a, w) => Math.max(a, w.endTime), -Infinity);
  if (t < first || t > last)
    return { error: `${q} is outside this set (${new Date(first).toISOString().slice(0, 10)} to ${new Date(last).toISOString().slice(0, 10)}).` };
  let best: WindowInfo | null = null;
  let bestD = Infinity;
  for (const w of windows) {
    if (t < w.startTime || t > w.endTime) continue;
    const d = Math.abs(t - (w.startTime + w.endTime) / 2);
    if (d < bestD) {
      best = w;
      bestD = d;
    }
  }
  // A time in a gap between windows (stride > length): the next window after it.
  best ??= [...windows].sort((a, b) => a.startTime - b.startTime).find((w) => w.startTime >= t) ?? null;
  return best ? { window: best } : { error: `No window covers ${q}.` };
}
