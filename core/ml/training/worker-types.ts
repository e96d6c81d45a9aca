import type { EpochEvent } from '../eval/types.ts';
import type { RunResult, RunTrainingOptions } from './run.ts';

/** Options that cross the thread boundary (no callbacks, no signal). */
export type WorkerTrainingOptions = Omit<RunTrainingOptions, 'signal' | 'onEpoch' | 'onRunCreated'>;

export interface WorkerInput {
  projectPath: string;
  options: WorkerTrainingOptions;
  /** Tests only: make the thread fail on purpose (see TrainingFault). */
  fault?: TrainingFault;
}

/**
 * A deliberate failure of the training thread, for tests of the hosts' failure handling (a run that
 * dies must end 'failed' and must not take the host with it). Set through the service's open
 * options or `CANDLEMARK_DEBUG_TRAINING_FAULT=throw:N|exit:N`; never through a command's arguments.
 * - 'throw': an uncaught exception in the thread after epoch N (the thread dies, no message sent);
 * - 'exit': the thread ends at once after epoch N with exit code 137, skipping every cleanup, as a
 *   thread whose isolate was killed does.
 */
export interface TrainingFault {
  kind: 'throw' | 'exit';
  afterEpoch: number;
}

/** Parses `throw:N` / `exit:N`; anything else is ignored (null). */
export function parseTrainingFault(text: string | undefined): TrainingFault | null {
  const m = /^(throw|exit):(\d{1,6})$/.exec(text?.trim() ?? '');
  return m ? { kind: m[1] as TrainingFault['kind'], afterEpoch: Number(m[2]) } : null;
}

export type WorkerMessage =
  | { type: 'run'; runId: number; backend: string; device: string }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string };
