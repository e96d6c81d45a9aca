/**
 * Run training in a worker thread so the caller (the Electron main process, the server) stays
 * responsive. The worker opens its own connection to the project file.
 */
import { Worker } from 'node:worker_threads';
import type { EpochEvent } from '../eval/types.ts';
import type { RunResult } from './run.ts';
import type { TrainingFault, WorkerInput, WorkerMessage, WorkerTrainingOptions } from './worker-types.ts';

export interface TrainingWorkerHandlers {
  onRunCreated?: (runId: number, info: { backend: string; device: string }) => void;
  onEpoch?: (e: EpochEvent) => void;
}

export interface TrainingWorker {
  /** Resolves with the run id once the run row exists (rejects if training failed before that). */
  runId: Promise<number>;
  /**
   * Resolves when the worker finishes: completed, cancelled or failed; rejects when the thread
   * failed (before the run existed, or by dying: an uncaught exception, an exit, terminate()).
   * A rejection nobody awaits is not unhandled: the promise carries a no-op handler.
   */
  result: Promise<RunResult>;
  /** Ask the worker to stop between batches; the run ends 'cancelled' without models. */
  cancel(): void;
  /** Kill the thread at once (the run is left 'running' until markInterruptedRuns). */
  terminate(): Promise<number>;
  readonly worker: Worker;
}

const WORKER_URL = new URL('./worker-bootstrap.mjs', import.meta.url);

export function startTrainingWorker(
  projectPath: string,
  options: WorkerTrainingOptions,
  handlers: TrainingWorkerHandlers = {},
  debug: { fault?: TrainingFault } = {},
): TrainingWorker {
  const input: WorkerInput = { projectPath, options, ...(debug.fault ? { fault: debug.fault } : {}) };
  // worker-bootstrap.mjs registers tsx inside the thread, then loads worker.ts.
  const worker = new Worker(WORKER_URL, { workerData: input });
  let resolveRun!: (id: number) => void;
  let rejectRun!: (e: Error) => void;
  const runId = new Promise<number>((res, rej) => {
    resolveRun = res;
    rejectRun = rej;
  });
  runId.catch(() => undefined);
  let settled = false;
  const result = new Promise<RunResult>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'run':
          resolveRun(m.runId);
          handlers.onRunCreated?.(m.runId, { backend: m.backend, device: m.device });
          break;
        case 'epoch':
          handlers.onEpoch?.(m.event);
          break;
        case 'done':
          settled = true;
          resolveRun(m.result.runId);
          resolve(m.result);
          break;
        case 'error':
          settled = true;
          rejectRun(new Error(m.message));
          reject(new Error(m.message));
          break;
      }
    });
    worker.on('error', (e) => {
      settled = true;
      rejectRun(e);
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) {
        const e = new Error(`training worker exited with code ${code} before finishing`);
        rejectRun(e);
        reject(e);
      }
    });
  });
  // A caller that stops at `runId` (training could not start) must not leave `result`'s rejection
  // unhandled: Node would end the host process for it.
  result.catch(() => undefined);
  return {
    runId,
    result,
    cancel: () => worker.postMessage({ type: 'cancel' }),
    terminate: () => worker.terminate(),
    worker,
  };
}
