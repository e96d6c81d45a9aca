import type { EpochEvent } from '../eval/types.ts';
import type { RunResult, RunTrainingOptions } from './run.ts';

/** Options that cross the thread boundary (no callbacks, no signal). */
export type WorkerTrainingOptions = Omit<RunTrainingOptions, 'signal' | 'onEpoch' | 'onRunCreated'>;

export interface WorkerInput {
  projectPath: string;
  options: WorkerTrainingOptions;
}

export type WorkerMessage =
  | { type: 'run'; runId: number; backend: string; device: string }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string };
