/**
 * Causal "expansion run" state per bar: what an analyst (and the demo's expansion rule,
 * core/demo/heuristic-truth.ts) weighs when deciding that a stretch of bars is an expansion.
 *
 * A bar expands when its true range is at least `rangeFactor` × the median true range of the
 * `baseline` bars before it. Expanding bars separated by at most `maxGap` quiet bars form a run. At
 * each bar t, from bars ≤ t only (no look-ahead; the series' earlier bars are the look-back context,
 * so a window's bar 0 knows about a run that began before the window):
 *   flag       1 when bar t expands, else 0
 *   length     bars from the run's first to its latest expanding bar (0 outside a run)
 *   move       (close of the latest expanding bar - open of the run's first bar) / baseline range at
 *              the run's start: the run's net move in baseline units (signed; 0 outside a run)
 *   direction  share of the run's bars (first .. latest expanding) whose body points the way of that
 *              move (0 outside a run)
 *   gap        quiet bars since the run's latest expanding bar (0 on an expanding bar; -1 outside)
 * At a run's last expanding bar these are exactly the quantities the rule tests (length within
 * bounds, |move| ≥ moveFactor, direction ≥ directional); the encoder, which sees both sides of a bar,
 * can carry that verdict back over the run.
 */
import type { BarColumns } from '../../domain/types.ts';

export interface ExpansionRunParams {
  baseline: number;
  rangeFactor: number;
  maxGap: number;
}

export interface ExpansionRunState {
  flag: Float64Array;
  length: Float64Array;
  move: Float64Array;
  direction: Float64Array;
  gap: Float64Array;
  /** Index of the run's first bar (-1 outside a run): identifies the run. */
  start: Int32Array;
}

/** `base` = median true range of the bars before each bar (features/series.ts), 0 without history. */
export function expansionRunState(bars: BarColumns, base: Float64Array, p: ExpansionRunParams): ExpansionRunState {
  const N = bars.close.length;
  const out: ExpansionRunState = {
    flag: new Float64Array(N),
    length: new Float64Array(N),
    move: new Float64Array(N),
    direction: new Float64Array(N),
    gap: new Float64Array(N).fill(-1),
    start: new Int32Array(N).fill(-1),
  };
  let runStart = -1;
  let lastExp = -1;
  // Bodies in the run so far (first .. latest expanding bar): up, down, flat.
  let up = 0;
  let down = 0;
  let flat = 0;
  // Bodies of the quiet bars since the latest expanding bar (they join the run if it continues).
  let pUp = 0;
  let pDown = 0;
  let pFlat = 0;
  for (let t = 0; t < N; t++) {
    const pc = t > 0 ? bars.close[t - 1] : bars.open[t];
    const tr = Math.max(bars.high[t], pc) - Math.min(bars.low[t], pc);
    const expands = base[t] > 0 && tr >= p.rangeFactor * base[t];
    const body = Math.sign(bars.close[t] - bars.open[t]);
    if (runStart >= 0 && t - lastExp - 1 > p.maxGap) {
      runStart = -1; // the gap grew too long: the run ended at lastExp
    }
    if (expands) {
      if (runStart < 0) {
        runStart = t;
        up = down = flat = 0;
      } else {
        up += pUp;
        down += pDown;
        flat += pFlat;
      }
      pUp = pDown = pFlat = 0;
      if (body > 0) up++;
      else if (body < 0) down++;
      else flat++;
      lastExp = t;
      out.flag[t] = 1;
    } else if (runStart >= 0) {
      if (body > 0) pUp++;
      else if (body < 0) pDown++;
      else pFlat++;
    }
    if (runStart < 0) continue;
    const len = lastExp - runStart + 1;
    const mv = bars.close[lastExp] - bars.open[runStart];
    const unit = base[runStart];
    out.length[t] = len;
    out.move[t] = unit > 0 ? Math.max(-20, Math.min(20, mv / unit)) : 0;
    out.direction[t] = (mv > 0 ? up : mv < 0 ? down : flat) / len;
    out.gap[t] = t - lastExp;
    out.start[t] = runStart;
  }
  return out;
}

/**
 * The run each bar belongs to, as far as the WINDOW shows it: for a bar in a run, the run-state at
 * the run's last bar inside [from, to] (its length, net move and direction share when it ends, or
 * at the window's last bar if it goes on past it). Bars after `to` are never read, bars before
 * `from` only through the causal state (a run that began before the window keeps its full length).
 * This is what the rule decides a run by, made visible at every bar of the run, so the decision does
 * not have to travel through the encoder's receptive field. out: [(to-from+1) × 3] length/move/direction.
 */
export function windowRunSummary(state: ExpansionRunState, from: number, to: number): Float64Array {
  const out = new Float64Array((to - from + 1) * 3);
  eachRunBar(state, from, to, (t, at) => {
    const i = (t - from) * 3;
    out[i] = state.length[at];
    out[i + 1] = state.move[at];
    out[i + 2] = state.direction[at];
  });
  return out;
}

/**
 * Visit a window's bars that lie in a run, last to first, each with `at`: the run's last bar inside
 * the window (where its state is the window's view of the whole run).
 */
function eachRunBar(state: ExpansionRunState, from: number, to: number, visit: (t: number, at: number) => void): void {
  let cur = -1;
  let at = -1;
  for (let t = to; t >= from; t--) {
    const s = state.start[t];
    if (s < 0) {
      cur = -1;
      continue;
    }
    if (s !== cur) {
      cur = s;
      at = t;
    }
    visit(t, at);
  }
}

export interface RunVerdictParams {
  minLength: number;
  maxLength: number;
  moveFactor: number;
  directional: number;
}

/**
 * The expansion rule's verdict on each bar of a WINDOW [from, to]: 1 on the bars of a run, from its
 * first to its last expanding bar inside the window, when the run as the window shows it
 * (windowRunSummary) is minLength..maxLength bars long, moved at least moveFactor baseline ranges
 * and has at least `directional` of its bars pointing the way of the move; else 0 (outside runs and
 * on the quiet bars after a run's last expanding bar, which the rule leaves out of a span). A run
 * that goes on past the window gets the verdict the window can see; the rule, reading on, may still
 * decide otherwise. Like the run summaries this reads bars after t (up to the window's last bar),
 * which the encoder sees anyway.
 */
export function windowRunVerdict(state: ExpansionRunState, from: number, to: number, p: RunVerdictParams): Float64Array {
  const out = new Float64Array(to - from + 1);
  const passes = (at: number): boolean =>
    state.length[at] >= p.minLength && state.length[at] <= p.maxLength && Math.abs(state.move[at]) >= p.moveFactor && state.direction[at] >= p.directional;
  eachRunBar(state, from, to, (t, at) => {
    // the run's last expanding bar inside the window: quiet bars after it are not in the span
    if (t <= at - state.gap[at] && passes(at)) out[t - from] = 1;
  });
  return out;
}
