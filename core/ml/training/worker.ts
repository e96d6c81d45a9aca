/**
 * Worker-thread entry: runs runTraining with its own project connection, posts events to the
 * parent and turns a { type: 'cancel' } message into an abort. Started by startTrainingWorker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectStore } from '../../store/index.ts';
import { runTraining } from './run.ts';
import type { TrainingFault, WorkerInput, WorkerMessage } from './worker-types.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const input = workerData as WorkerInput;
const ac = new AbortController();
port.on('message', (m: unknown) => {
  if (m && typeof m === 'object' && (m as { type?: string }).type === 'cancel') ac.abort();
});
const post = (m: WorkerMessage): void => port.postMessage(m);

/** Tests only (WorkerInput.fault): the thread dies the way a real failure would kill it. */
function fail(fault: TrainingFault): void {
  if (fault.kind === 'exit') process.exit(137); // in a worker thread this ends the thread, not the process
  // Thrown outside runTraining's try (it would record the run 'failed' itself): an uncaught exception.
  setImmediate(() => {
    throw new Error(`debug fault: the training thread threw after epoch ${fault.afterEpoch}`);
  });
}

let store: ProjectStore | null = null;
try {
  store = ProjectStore.open(input.projectPath);
  const result = await runTraining(store, {
    ...input.options,
    signal: ac.signal,
    onRunCreated: (runId, info) => post({ type: 'run', runId, backend: info.backend, device: info.device }),
    onEpoch: (event) => {
      post({ type: 'epoch', event });
      if (input.fault && event.epoch >= input.fault.afterEpoch) fail(input.fault);
    },
  });
  post({ type: 'done', result });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
} finally {
  store?.close();
  port.close();
}
