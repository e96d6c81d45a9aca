import type { EpochEvent } from '../eval/types.ts';
import type { SavedWeights } from '../model/types.ts';
import type { TrainOptions, TrainResult } from './train.ts';

/** What one ensemble member's thread gets (parallel-ensemble.ts → member-worker.ts). */
export interface MemberInput {
  /** The tfjs backend to select (the run's). */
  backend: string;
  member: number;
  seed: number;
  options: Omit<TrainOptions, 'member' | 'seed' | 'signal' | 'onEpoch' | 'onEpochPredictions'>;
}

/** A member's result with its weights in saved form (a model can't cross threads). */
export type MemberResult = Omit<TrainResult, 'model'> & { weights: SavedWeights | null };

export type MemberMessage = { type: 'epoch'; event: EpochEvent } | { type: 'done'; result: MemberResult } | { type: 'error'; message: string };
