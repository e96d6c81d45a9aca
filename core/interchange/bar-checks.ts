/** Checks of a labels document that need the bars: window starts and span edges on bar times, windows inside their series. */
import { lowerBound } from '../shared/search.ts';
import { formatTimestamp } from './time.ts';
import type { InterchangeIssue, LabelsDocument } from './labels-types.ts';
import { describeValue, type Report } from './span-checks.ts';

function findExact(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = times[mid];
    if (v === t) return mid;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function nearestBars(times: Float64Array, t: number): string {
  const lo = lowerBound(times, t);
  const around: string[] = [];
  if (lo > 0) around.push(formatTimestamp(times[lo - 1]));
  if (lo < times.length) around.push(formatTimestamp(times[lo]));
  if (around.length === 0) return 'the series has no bars';
  return `nearest bar${around.length > 1 ? 's' : ''} ${around.join(' and ')}`;
}

/**
 * Checks that need the bars (times per series id, strictly increasing epoch ms): every window start
 * and span edge is the time of a bar, the window fits in the series, and every span lies inside its
 * window. Returns the problems (empty when fine) in the same style as InterchangeError's issues.
 */
export function checkAgainstBars(doc: LabelsDocument, timesBySeries: Map<string, Float64Array>, file = 'labels'): InterchangeIssue[] {
  const issues: InterchangeIssue[] = [];
  doc.windows.forEach((w, wi) => {
    const report: Report = (field, message) => issues.push({ file, window: w.id, windowIndex: wi, field, message });
    const times = timesBySeries.get(w.series);
    if (times === undefined) {
      report('series', `expected a series with bars, got ${describeValue(w.series)} for which no bars were given`);
      return;
    }
    const startIdx = findExact(times, w.start);
    let lastTime: number | null = null;
    if (startIdx < 0) {
      report('start', `expected the time of a bar of series ${JSON.stringify(w.series)}, got ${formatTimestamp(w.start)} (${nearestBars(times, w.start)})`);
    } else {
      const left = times.length - startIdx;
      if (w.length > left) {
        report('length', `expected at most ${left} (bars in series ${JSON.stringify(w.series)} from the window start), got ${w.length}`);
      }
      lastTime = times[Math.min(startIdx + w.length, times.length) - 1];
    }
    w.spans.forEach((s, si) => {
      for (const edge of ['start', 'end'] as const) {
        const t = s[edge];
        const field = `spans[${si}].${edge}`;
        if (findExact(times, t) < 0) {
          report(field, `expected the time of a bar of series ${JSON.stringify(w.series)}, got ${formatTimestamp(t)} (${nearestBars(times, t)})`);
        } else if (t < w.start) {
          report(field, `expected a timestamp at or after the window start ${formatTimestamp(w.start)}, got ${formatTimestamp(t)}`);
        } else if (lastTime !== null && t > lastTime) {
          report(field, `expected a timestamp at or before the window's last bar ${formatTimestamp(lastTime)}, got ${formatTimestamp(t)}`);
        }
      }
    });
  });
  return issues;
}
