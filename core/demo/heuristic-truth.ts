/**
 * A documented rule that finds expansion spans in a real series, so `demo --from CSV` can build a
 * labelled project around data that has no known truth. It stands in for a first-pass annotator,
 * not for the models: the analyst is expected to review and fix what it marks.
 *
 * Rule: a bar "expands" when its true range is at least `rangeFactor` times the median true range
 * of the previous `baseline` bars. Runs of expanding bars (allowing gaps of up to `maxGap` quiet
 * bars) become candidate spans; a candidate is kept when it is `minLength`..`maxLength` bars long,
 * its net move (last close - first open) is at least `moveFactor` baseline ranges, and at least
 * `directional` of its bars close in the direction of that move. Type: up or down by the net move.
 */
import type { BarColumns, IndexSpan } from '../domain/types.ts';
import { EXPANSION_RULE } from '../domain/expansion-rule.ts';

export interface HeuristicOptions {
  baseline?: number;
  rangeFactor?: number;
  maxGap?: number;
  minLength?: number;
  maxLength?: number;
  moveFactor?: number;
  directional?: number;
}

export function findExpansionSpans(bars: BarColumns, opts: HeuristicOptions = {}): IndexSpan[] {
  // An option given as undefined keeps the rule's constant.
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as HeuristicOptions;
  const rule: Required<HeuristicOptions> = { ...EXPANSION_RULE, ...given };
  const { baseline, rangeFactor, maxGap, minLength, maxLength, moveFactor, directional } = rule;
  const n = bars.time.length;
  const tr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const prevClose = i > 0 ? bars.close[i - 1] : bars.open[i];
    tr[i] = Math.max(bars.high[i], prevClose) - Math.min(bars.low[i], prevClose);
  }
  const base = new Float64Array(n);
  const expanding = new Uint8Array(n);
  for (let i = baseline; i < n; i++) {
    base[i] = median(tr.subarray(i - baseline, i));
    expanding[i] = base[i] > 0 && tr[i] >= rangeFactor * base[i] ? 1 : 0;
  }

  const spans: IndexSpan[] = [];
  let i = baseline;
  while (i < n) {
    if (!expanding[i]) {
      i++;
      continue;
    }
    let end = i;
    let j = i + 1;
    while (j < n && j - end - 1 <= maxGap) {
      if (expanding[j]) end = j;
      j++;
    }
    const length = end - i + 1;
    if (length >= minLength && length <= maxLength) {
      const move = bars.close[end] - bars.open[i];
      const unit = base[i];
      let withMove = 0;
      for (let k = i; k <= end; k++) if (Math.sign(bars.close[k] - bars.open[k]) === Math.sign(move)) withMove++;
      if (unit > 0 && Math.abs(move) >= moveFactor * unit && withMove / length >= directional) {
        spans.push({ start: i, end, type: move > 0 ? 'up' : 'down', confidence: 1 });
      }
    }
    i = end + 1;
  }
  return spans;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
