/**
 * Deterministic seeded pseudo-random numbers, so splits, tests and benches reproduce exactly.
 * mulberry32: a tiny 32-bit generator with good statistical quality for this use (not cryptographic).
 */

/** Returns a generator of floats in [0, 1). The same seed always yields the same sequence. */
export function mulberry32(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`mulberry32: seed must be a finite number, got ${seed}`);
  let a = Math.trunc(seed) >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] (inclusive) drawn from `rand`. */
export function randomInt(rand: () => number, min: number, max: number): number {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
    throw new RangeError(`randomInt: need integers min <= max, got ${min}, ${max}`);
  }
  return min + Math.floor(rand() * (max - min + 1));
}

/** Fisher–Yates shuffle in place, driven by `rand`; returns the same array. */
export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
