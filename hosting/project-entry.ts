/**
 * The place a project lives, whatever carries it (project-channel.ts): a worker thread (browser
 * host), a Node child process (desktop app in development) or an Electron utilityProcess (packaged
 * desktop app). It opens the project (the same openProject as every host: creation, the demo for a
 * new default project), runs every `service.call` the host sends, and posts back results, errors
 * and service events (project-protocol.ts). Training workers are started from here as worker
 * threads, as they would be from a host's main thread. Loaded through project-bootstrap.mjs; the
 * host side is project-service.ts. Node-only; no HTTP and no Electron import in it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CandlemarkService } from '../core/service/service.ts';
import { toWireError } from '../core/service/errors.ts';
import { openProject } from './open-project.ts';
import { runEncodedCall } from './call-message.ts';
import type { FromWorker, ServiceWorkerInput, ToWorker } from './project-protocol.ts';
import { PROJECT_INPUT_ENV } from './project-channel.ts';

interface Link {
  input: ServiceWorkerInput;
  post(m: FromWorker): void;
  onMessage(fn: (m: ToWorker) => void): void;
  /** Ends this thread/process once what was posted has been handed over. */
  exit(code: number): void;
}

/** Electron's utilityProcess gives its child `process.parentPort` (typed here: no Electron import). */
interface ElectronParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function link(): Link {
  if (parentPort) {
    const port = parentPort;
    return {
      input: workerData as ServiceWorkerInput,
      post: (m) => port.postMessage(m),
      onMessage: (fn) => void port.on('message', fn),
      exit: (code) => process.exit(code),
    };
  }
  const input = JSON.parse(process.env[PROJECT_INPUT_ENV] ?? 'null') as ServiceWorkerInput;
  if (!input || typeof input.projectPath !== 'string') throw new Error(`project-entry.ts: ${PROJECT_INPUT_ENV} must name the project`);
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    // Electron offers no "sent" callback: give the message loop a moment before exiting.
    return {
      input,
      post: (m) => electronPort.postMessage(m),
      onMessage: (fn) => electronPort.on('message', (e) => fn(e.data as ToWorker)),
      exit: (code) => void setTimeout(() => process.exit(code), 200),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    // Node's IPC send is asynchronous: exit only once the last message has been handed over.
    let flushed: Promise<void> = Promise.resolve();
    // The host is gone (its end of the IPC channel closed): close the project cleanly and leave.
    process.on('disconnect', () => void shutdown(0));
    return {
      input,
      post: (m) => {
        if (!process.connected) return;
        flushed = new Promise<void>((r) => void send(m, () => r()));
      },
      onMessage: (fn) => void process.on('message', (m) => fn(m as ToWorker)),
      exit: (code) => void flushed.then(() => process.exit(code)),
    };
  }
  throw new Error('project-entry.ts runs only as a worker thread, a Node child with IPC, or an Electron utilityProcess');
}

const host = link();
const input = host.input;
// A stray rejection must not end the process that holds the project (and with it every call).
process.on('unhandledRejection', (reason) => console.error(`[project] unhandled rejection: ${String(reason)}`));

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

let service: CandlemarkService | null = null;
let closing: Promise<void> | null = null;
async function shutdown(code: number, waitMs = 10_000): Promise<void> {
  closing ??= (async () => {
    const s = service;
    service = null;
    let runs: Awaited<ReturnType<CandlemarkService['closeGracefully']>> = [];
    if (s) {
      try {
        runs = await s.closeGracefully({ waitMs });
      } catch (err) {
        console.error(`[project] closing the project failed: ${String(err)}`);
      }
    }
    host.post({ type: 'closed', runs });
    if (!parentPort) host.exit(code); // a thread is ended by its host (terminate), a process ends itself
  })();
  return closing;
}

try {
  service = input.readonly
    ? CandlemarkService.open(input.projectPath, { readonly: true })
    : await openProject(input.projectPath, { demoIfNew: input.demoIfNew, annotator: input.annotator, create: input.create });
} catch (err) {
  host.post({ type: 'open-failed', error: toWireError(err) });
  host.exit(1);
}

if (service) {
  const opened = service;
  opened.events.onAny((name, payload) => {
    let text: string;
    try {
      text = json(payload);
    } catch {
      return; // an event that can't be serialised can't be sent by the host either
    }
    host.post({ type: 'event', name, json: text });
  });

  host.onMessage((m) => {
    if (m.type === 'close') return void shutdown(0, m.waitMs);
    if (closing) {
      if (m.type === 'encoded')
        return host.post({
          type: 'outcome',
          id: m.id,
          outcome: { kind: 'error', id: null, error: { code: 'no-project', message: 'the project is closing', issues: [] } },
        });
      return host.post({ type: 'error', id: m.id, error: { code: 'no-project', message: 'the project is closing', issues: [] } });
    }
    if (m.type === 'encoded') {
      void runEncodedCall((n, a, o) => opened.call(n, a, o), m.bytes, m.opts).then((outcome) => host.post({ type: 'outcome', id: m.id, outcome }));
      return;
    }
    void opened.call(m.command, m.args, { caller: m.caller, clientId: m.clientId }).then(
      (result) => {
        let text: string;
        try {
          text = json(result);
        } catch (err) {
          return host.post({ type: 'error', id: m.id, error: { code: 'internal', message: `the result could not be serialised: ${String(err)}`, issues: [] } });
        }
        host.post({ type: 'result', id: m.id, json: text });
      },
      (err: unknown) => host.post({ type: 'error', id: m.id, error: toWireError(err) }),
    );
  });

  console.error(`[project] ${input.readonly ? 'reading' : 'serving'} ${opened.store.path ?? input.projectPath} (pid ${process.pid})`);
  host.post({ type: 'ready', pid: process.pid });
}
