/**
 * Realistic synthetic OHLCV with planted expansion spans whose positions are known (the truth).
 *
 * Model (per bar, log prices):
 * - Background: random walk whose volatility clusters (GARCH(1,1)-like variance multiplier, kept
 *   within [0.35, 2] of the base so background never looks like an expansion for long), a mild
 *   hour-of-day volatility cycle, a negligible pull towards the start price so long series stay in
 *   a plausible range, wicks drawn above/below the body, and volume that follows volatility and the
 *   bar's own range with log-normal noise.
 * - Isolated shocks: 1-2 bar spikes of wide range without follow-through (not spans; they make a
 *   "one wide bar" rule insufficient).
 * - Planted expansion spans (6-40 bars, ~spanRate per 1000 bars, at least 12 bars apart): ranges
 *   widen by a per-span factor of 1.8-3x, closes move in the span's direction (~85% of bars, the
 *   rest are pullbacks that still have wide ranges), wicks are shorter relative to the body, and
 *   volume rises by a further 1.3-2x on top of following the wider ranges. Direction is drawn with
 *   a bias back towards the start price.
 *
 * Everything is deterministic per seed. Prices are rounded to 5 significant digits (per bar) and
 * volumes to integers; OHLC is always valid (high >= max(open, close), low <= min(open, close),
 * all > 0).
 */
import type { BarColumns, IndexSpan } from '../domain/types.ts';
import { createRng, type Rng } from './random.ts';

export interface GenerateOptions {
  seed: number;
  bars: number;
  /** Time of the first bar, epoch ms. Default 2020-01-01T00:00:00Z. */
  startTime?: number;
  /** Bar spacing, ms. Default 1 hour. */
  intervalMs?: number;
  /** Default 100. */
  startPrice?: number;
  /** Planted expansion spans per 1000 bars (on average). Default 8. */
  spanRate?: number;
  /** Shortest / longest planted span, bars. Defaults 6 and 40. */
  minSpanLength?: number;
  maxSpanLength?: number;
  /** Base standard deviation of one bar's log return. Default 0.004. */
  volatility?: number;
  /** Typical volume of a quiet bar. Default 1000. */
  baseVolume?: number;
  /** Isolated 1-2 bar shocks per 1000 bars. Default 3. */
  spikeRate?: number;
}

export interface GeneratedSeries {
  bars: BarColumns;
  /** Planted spans, series indices (inclusive), type 'up' | 'down', confidence 1, sorted by start. */
  truth: IndexSpan[];
}

export const DEFAULT_START_TIME = Date.UTC(2020, 0, 1);
export const HOUR_MS = 3_600_000;

/** Smallest gap (bars) between two planted spans. */
const MIN_GAP = 12;

interface PlannedSpan {
  start: number;
  end: number;
  /** Range multiplier, 1.8-3. */
  mult: number;
  /** Drift per bar in units of the span's own sigma. */
  drift: number;
  /** Extra volume factor. */
  volume: number;
}

function planSpans(rng: Rng, bars: number, rate: number, minLen: number, maxLen: number): PlannedSpan[] {
  const spans: PlannedSpan[] = [];
  if (rate <= 0 || bars < minLen + 2 * MIN_GAP) return spans;
  const span = maxLen - minLen + 1;
  const meanLen = minLen + span / 2.6; // E[u^1.6] = 1/2.6
  const meanExtraGap = Math.max(4, 1000 / rate - meanLen - MIN_GAP);
  let pos = Math.floor(rng.uniform(0, 1000 / rate));
  for (;;) {
    const len = minLen + Math.min(span - 1, Math.floor(span * Math.pow(rng.next(), 1.6)));
    const start = pos + MIN_GAP + Math.floor(rng.exponential(meanExtraGap));
    const end = start + len - 1;
    if (end > bars - 1 - MIN_GAP / 2) break;
    spans.push({
      start,
      end,
      mult: rng.uniform(1.8, 3),
      drift: rng.uniform(0.9, 1.3),
      volume: rng.uniform(1.3, 2),
    });
    pos = end + 1;
  }
  return spans;
}

/** Round to 5 significant digits relative to `ref` (same decimals for all prices of one bar). */
function priceDecimals(ref: number): number {
  const mag = Math.floor(Math.log10(ref));
  return Math.min(12, Math.max(0, 4 - mag));
}

export function generateSeries(opts: GenerateOptions): GeneratedSeries {
  const n = Math.max(0, Math.floor(opts.bars));
  const startTime = opts.startTime ?? DEFAULT_START_TIME;
  const interval = opts.intervalMs ?? HOUR_MS;
  const startPrice = opts.startPrice ?? 100;
  const rate = opts.spanRate ?? 8;
  const minLen = Math.max(1, opts.minSpanLength ?? 6);
  const maxLen = Math.max(minLen, opts.maxSpanLength ?? 40);
  const s0 = opts.volatility ?? 0.004;
  const baseVolume = opts.baseVolume ?? 1000;
  const spikeRate = opts.spikeRate ?? 3;
  if (!(startPrice > 0) || !(s0 > 0) || !(interval > 0)) throw new RangeError('startPrice, volatility and intervalMs must be positive');

  const rng = createRng(opts.seed);
  const planned = planSpans(createRng(opts.seed ^ 0x5eed), n, rate, minLen, maxLen);
  // spanAt[i] = index into planned, or -1.
  const spanAt = new Int32Array(n).fill(-1);
  planned.forEach((p, k) => spanAt.fill(k, p.start, p.end + 1));

  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const truth: IndexSpan[] = [];

  const logP0 = Math.log(startPrice);
  let logClose = logP0;
  let h = 1; // variance multiplier (GARCH state)
  let lastZ = 0;
  let dir = 1;
  let spikeLeft = 0;
  let spikeDir = 1;
  const alpha = 0.06;
  const beta = 0.9;

  for (let i = 0; i < n; i++) {
    time[i] = startTime + i * interval;
    h = 1 - alpha - beta + alpha * lastZ * lastZ * h + beta * h;
    h = Math.min(1.7, Math.max(0.5, h));
    const hourOfDay = ((((startTime + i * interval) / HOUR_MS) % 24) + 24) % 24;
    const season = 1 + 0.12 * Math.cos((2 * Math.PI * (hourOfDay - 14)) / 24);
    const sigma = s0 * Math.sqrt(h) * season;

    const k = spanAt[i];
    const logOpen = logClose + 0.05 * sigma * rng.normal();
    let r: number;
    let sigWick: number;
    let wickMean: number;
    let volFactor = 1;
    const z = rng.normal();
    lastZ = z;

    if (k >= 0) {
      const p = planned[k];
      if (i === p.start) {
        // Direction biased back towards the start price.
        const pUp = 1 / (1 + Math.exp(2 * (logClose - logP0)));
        dir = rng.chance(pUp) ? 1 : -1;
        truth.push({ start: p.start, end: p.end, type: dir > 0 ? 'up' : 'down', confidence: 1 });
      }
      const pos = i - p.start;
      const edge = pos === 0 || i === p.end ? 0.85 : 1;
      const sig = s0 * Math.sqrt(h) * p.mult * rng.uniform(0.85, 1.15) * edge;
      const inner = pos >= 2 && p.end - i >= 2;
      wickMean = 0.25;
      if (inner && rng.chance(0.15)) {
        // Pullback bar: against the move, still wide (indecisive, long wicks).
        r = -dir * sig * rng.uniform(0.3, 0.8) + 0.25 * sig * z;
        wickMean = 0.45;
      } else {
        r = dir * sig * p.drift + 0.4 * sig * z;
      }
      sigWick = sig;
      volFactor = p.volume;
      spikeLeft = 0;
    } else {
      if (spikeLeft === 0 && rng.chance(spikeRate / 1000) && nearestSpanDistance(spanAt, i) > 3) {
        spikeLeft = rng.chance(0.3) ? 2 : 1;
        spikeDir = rng.chance(0.5) ? 1 : -1;
      }
      if (spikeLeft > 0) {
        const sig = sigma * rng.uniform(2.5, 3.5);
        // The second bar of a two-bar shock gives back part of the first: no follow-through.
        r = spikeDir * sig * rng.uniform(0.5, 1.2) + 0.3 * sig * z;
        spikeDir = -spikeDir;
        spikeLeft--;
        sigWick = sig;
        wickMean = 0.6;
        volFactor = 1.3;
      } else {
        r = -2e-5 * (logClose - logP0) + sigma * z;
        sigWick = sigma;
        wickMean = 0.35;
      }
    }

    logClose = logOpen + r;
    // Gamma(2)-shaped wicks: usually present, rarely huge.
    const up = sigWick * (rng.exponential(wickMean / 2) + rng.exponential(wickMean / 2));
    const down = sigWick * (rng.exponential(wickMean / 2) + rng.exponential(wickMean / 2));
    const o = Math.exp(logOpen);
    const c = Math.exp(logClose);
    const hi = Math.max(o, c) * Math.exp(up);
    const lo = Math.min(o, c) * Math.exp(-down);
    const dec = priceDecimals(o);
    open[i] = Number(o.toFixed(dec));
    close[i] = Number(c.toFixed(dec));
    high[i] = Number(hi.toFixed(dec));
    const tick = Math.pow(10, -dec);
    low[i] = Math.max(Number(lo.toFixed(dec)), tick);
    if (low[i] > Math.min(open[i], close[i])) low[i] = Math.min(open[i], close[i]);

    const relRange = Math.log(hi / lo);
    const quietRange = 1.8 * s0 * Math.sqrt(h);
    const v = baseVolume * Math.pow(h, 0.4) * season * Math.pow(relRange / quietRange + 0.05, 0.6) * volFactor * Math.exp(0.3 * rng.normal());
    volume[i] = Math.max(1, Math.round(v));
  }

  return { bars: { time, open, high, low, close, volume }, truth };
}

function nearestSpanDistance(spanAt: Int32Array, i: number): number {
  for (let d = 0; d <= 3; d++) {
    if ((i - d >= 0 && spanAt[i - d] >= 0) || (i + d < spanAt.length && spanAt[i + d] >= 0)) return d;
  }
  return Infinity;
}
