import { lowerBound } from '../shared/search.ts';

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
    return lowerBound(this.times, time);
  }

  timeAt(index: number): number {
    if (index < 0 || index >= this.times.length) throw new RangeError(`bar index ${index} outside 0..${this.times.length - 1}`);
    return this.times[index];
  }
}
