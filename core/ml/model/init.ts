/** Deterministic, seeded weight initialisation (no dependence on tfjs' global RNG). */
import { mulberry32 } from '../../shared/random.ts';

export { mulberry32 };

/** Uniform in [-limit, limit]. */
export function uniformArray(rng: () => number, n: number, limit: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() * 2 - 1) * limit;
  return out;
}

export const heLimit = (fanIn: number): number => Math.sqrt(6 / fanIn);
export const glorotLimit = (fanIn: number, fanOut: number): number => Math.sqrt(6 / (fanIn + fanOut));
