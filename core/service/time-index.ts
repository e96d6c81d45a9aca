/** Maps bar times to bar indices of one series (labels are stored by time, algorithms work in indices). */
export class TimeIndex {
  constructor(readonly times: Float64Array) {}

  get length(): number {
    return this.times.length;
  }

  /** Index of the bar with exactly this time, or -1. */
  indexOf(time: number): number {
    const i = this.lowerBound(time);
    return i < this.times.length && this.times[i] === time ? i : -1;
  }

  /** First index whose time is >= `time`. */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  timeAt(index: number): number {
    if (index < 0 || index >= this.times.length) throw new RangeError(`bar index ${index} outside 0..${this.times.length - 1}`);
    return this.times[index];
  }
}
