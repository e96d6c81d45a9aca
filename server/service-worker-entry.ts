/**
 * The worker thread that owns a project for the browser host: it opens the project (the same
 * openProject as an in-thread host: creation, the demo for a new default project), runs every
 * `service.call` sent by the main thread, and posts back results, errors and service events.
 * Training workers are started from here as nested worker threads, as they would be from the main
 * thread. Loaded through service-worker-bootstrap.mjs; the main side is service-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CandlemarkService } from '../core/service/service.ts';
import { toWireError } from '../core/service/errors.ts';
import { openProject } from './main.ts';
import { runEncodedCall } from './call-message.ts';
import type { FromWorker, ServiceWorkerInput, ToWorker } from './service-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('service-worker-entry.ts runs only as a worker thread');
const input = workerData as ServiceWorkerInput;
const post = (m: FromWorker) => port.postMessage(m);

// A stray rejection must not end the thread that holds the project (and with it every call).
process.on('unhandledRejection', (reason) => console.error(`[service worker] unhandled rejection: ${String(reason)}`));

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

let service: CandlemarkService;
try {
  service = input.readonly ? CandlemarkService.open(input.projectPath, { readonly: true }) : await openProject(input.projectPath, { demoIfNew: input.demoIfNew, annotator: input.annotator });
} catch (err) {
  post({ type: 'open-failed', error: toWireError(err) });
  process.exit(1);
}

service.events.onAny((name, payload) => {
  let text: string;
  try {
    text = json(payload);
  } catch {
    return; // an event that can't be serialised can't be sent by the host either
  }
  post({ type: 'event', name, json: text });
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    void service.closeGracefully({ waitMs: m.waitMs }).then(
      (runs) => post({ type: 'closed', runs }),
      (err: unknown) => {
        console.error(`[service worker] closing the project failed: ${String(err)}`);
        post({ type: 'closed', runs: [] });
      },
    );
    return;
  }
  if (m.type === 'encoded') {
    void runEncodedCall((n, a, o) => service.call(n, a, o), m.bytes, m.opts).then((outcome) => post({ type: 'outcome', id: m.id, outcome }));
    return;
  }
  void service.call(m.command, m.args, { caller: m.caller, clientId: m.clientId }).then(
    (result) => {
      let text: string;
      try {
        text = json(result);
      } catch (err) {
        return post({ type: 'error', id: m.id, error: { code: 'internal', message: `the result could not be serialised: ${String(err)}`, issues: [] } });
      }
      post({ type: 'result', id: m.id, json: text });
    },
    (err: unknown) => post({ type: 'error', id: m.id, error: toWireError(err) }),
  );
});

post({ type: 'ready' });
