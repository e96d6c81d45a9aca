/**
 * The parsed columns of an import as they grow row by row, and how they are handed out: views or
 * exact copies, or sorted oldest-first for a newest-first file (exact repeats dropped).
 */
import type { BarColumns } from '../domain/types.ts';

/** Growable columns, sized up front from the line count so the usual case never reallocates. */
export class ColumnBuffer {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
  /** Each row's line, for messages about rows found out of place only after sorting. */
  line: Int32Array;
  length = 0;

  constructor(capacity: number, withVolume: boolean) {
    this.line = new Int32Array(capacity);
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = withVolume ? new Float64Array(capacity) : null;
  }

  /** Room for more rows (a streamed file's row count is estimated, not counted). */
  grow(): void {
    const cap = Math.ceil(this.time.length * 1.25) + 1024;
    const more = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    this.line = more(this.line, (n) => new Int32Array(n));
    this.time = more(this.time, f64);
    this.open = more(this.open, f64);
    this.high = more(this.high, f64);
    this.low = more(this.low, f64);
    this.close = more(this.close, f64);
    if (this.volume !== null) this.volume = more(this.volume, f64);
  }

  /**
   * The columns at their length: views when the buffers are nearly full (no second copy of a
   * 10M-row import in memory), exact-length copies otherwise (so the result does not pin them).
   */
  finish(dropVolume: boolean): BarColumns {
    const n = this.length;
    const view = n >= 0.8 * this.time.length;
    const cut = (a: Float64Array) => (view ? a.subarray(0, n) : a.slice(0, n));
    return {
      time: cut(this.time),
      open: cut(this.open),
      high: cut(this.high),
      low: cut(this.low),
      close: cut(this.close),
      volume: this.volume === null || dropVolume ? null : cut(this.volume),
    };
  }

  /**
   * A newest-first file, oldest-first: reversed, then sorted by time if some rows were out of place
   * (a vendor's splice). Rows that land on the same time are compared: exact repeats are dropped,
   * different values are reported through `conflict`.
   */
  sorted(dropVolume: boolean, conflict: (line: number, otherLine: number) => void): { bars: BarColumns; dropped: number[] } {
    const n = this.length;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = n - 1 - i;
    const { time, line } = this;
    idx.sort((a, b) => time[a] - time[b] || line[b] - line[a]);
    const keep: number[] = [];
    const dropped: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const j = keep.length > 0 ? keep[keep.length - 1] : -1;
      if (j >= 0 && time[j] === time[i]) {
        const v = this.volume;
        const same =
          this.open[i] === this.open[j] &&
          this.high[i] === this.high[j] &&
          this.low[i] === this.low[j] &&
          this.close[i] === this.close[j] &&
          (v === null || v[i] === v[j]);
        if (same) dropped.push(line[i]);
        else conflict(line[i], line[j]);
        continue;
      }
      keep.push(i);
    }
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    return {
      bars: {
        time: pick(this.time),
        open: pick(this.open),
        high: pick(this.high),
        low: pick(this.low),
        close: pick(this.close),
        volume: this.volume === null || dropVolume ? null : pick(this.volume),
      },
      dropped,
    };
  }
}
