/**
 * A parameter's definition: name (the key in saved weights), shape and seeded initialiser. Each
 * model part (encoder.ts, heads.ts) lists its own; span-model.ts creates the variables in that order.
 */
import type * as tf from '../backend/tf.ts';

export interface ParamDef {
  name: string;
  shape: number[];
  init: (rng: () => number, n: number) => Float32Array;
}

/** Read access to the model's variables by name (throws on an unknown name). */
export type ParamLookup = (name: string) => tf.Variable;

export const zerosInit = (_r: () => number, n: number): Float32Array => new Float32Array(n);
