/**
 * The browser host's service, run in a worker thread so that no SQLite call, import or training
 * setup blocks the thread that serves HTTP, the socket and static files (issue #10, point 4: a CLI
 * write on the same file froze the host for 7.9 s; a 1M-row import stalled it 1.3 s).
 *
 * `WorkerService` has what a host needs of a service (`call`, `events.onAny`, `closeGracefully`),
 * so http-host.ts serves it exactly as an in-thread CandlemarkService. Errors come back as the
 * CandlemarkError the service threw (code, message, issues). If the thread dies, pending and later
 * calls fail with an 'internal' error saying so; `onExit` tells the owner.
 *
 * The worker entry (service-worker-entry.ts) is plain TypeScript with no Electron or HTTP in it,
 * so the same entry could serve a packaged Electron app from a utilityProcess (not done yet: see
 * docs/ARCHITECTURE.md).
 */
import { Worker } from 'node:worker_threads';
import type { CallOptions } from '../core/service/capability.ts';
import { CandlemarkError } from '../core/service/errors.ts';
import type { EventName } from '../core/service/events.ts';
import type { ClosedRun } from '../core/service/handlers/training.ts';
import { errorFromWire } from '../core/service/wire-error.ts';
import type { FromWorker, ServiceWorkerInput, ToWorker } from './service-worker-protocol.ts';
import type { CallOutcome, DecodeOptions } from './call-message.ts';

const WORKER_URL = new URL('./service-worker-bootstrap.mjs', import.meta.url);

type AnyListener = (name: EventName, payload: unknown) => void;

export interface WorkerServiceOptions extends ServiceWorkerInput {
  /** Called once if the thread exits without closeGracefully having been asked for. */
  onExit?: (error: CandlemarkError) => void;
}

export class WorkerService {
  /** Starts the thread and opens the project there; rejects (and ends the thread) if that fails. */
  static async open(opts: WorkerServiceOptions): Promise<WorkerService> {
    const s = new WorkerService(opts);
    await s.ready;
    return s;
  }

  readonly events = {
    onAny: (fn: AnyListener): (() => void) => {
      this.listeners.add(fn);
      return () => void this.listeners.delete(fn);
    },
  };

  private readonly worker: Worker;
  private readonly listeners = new Set<AnyListener>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly ready: Promise<void>;
  private nextId = 1;
  private dead: CandlemarkError | null = null;
  private closing: Promise<ClosedRun[]> | null = null;
  private resolveClosed: ((runs: ClosedRun[]) => void) | null = null;

  private constructor(private readonly opts: WorkerServiceOptions) {
    const input: ServiceWorkerInput = { projectPath: opts.projectPath, demoIfNew: opts.demoIfNew };
    this.worker = new Worker(WORKER_URL, { workerData: input });
    let readyOk!: () => void;
    let readyFail!: (e: unknown) => void;
    this.ready = new Promise<void>((res, rej) => ((readyOk = res), (readyFail = rej)));
    this.worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          return readyOk();
        case 'open-failed':
          this.dead = errorFromWire(m.error);
          return readyFail(this.dead);
        case 'result':
        case 'error': {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (m.type === 'error') return p.reject(errorFromWire(m.error));
          try {
            return p.resolve(JSON.parse(m.json));
          } catch (err) {
            return p.reject(new CandlemarkError('internal', `malformed result from the project thread: ${String(err)}`));
          }
        }
        case 'event': {
          let payload: unknown;
          try {
            payload = JSON.parse(m.json);
          } catch {
            return;
          }
          for (const fn of [...this.listeners]) {
            try {
              fn(m.name as EventName, payload);
            } catch (err) {
              console.error(`[candlemark] event listener failed: ${String(err)}`);
            }
          }
          return;
        }
        case 'outcome': {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          return p.resolve(m.outcome);
        }
        case 'closed':
          this.resolveClosed?.(m.runs);
          return;
      }
    });
    this.worker.on('error', (err) => console.error(`[candlemark] project thread failed: ${err.stack ?? String(err)}`));
    this.worker.on('exit', (code) => {
      const expected = this.closing !== null;
      const error = new CandlemarkError(expected ? 'no-project' : 'internal', expected ? 'the project was closed' : `the project thread stopped unexpectedly (exit code ${code})`);
      this.fail(error);
      readyFail(this.dead ?? error);
      this.resolveClosed?.([]);
      if (!expected) this.opts.onExit?.(error);
    });
  }

  /** Runs one command in the project thread. Rejects with the CandlemarkError the service threw. */
  call(name: string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(new CandlemarkError('no-project', 'the project is closing'));
    const id = this.nextId++;
    const msg: ToWorker = { type: 'call', id, command: name, args: args ?? {}, caller: opts.caller ?? 'local' };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage(msg);
      } catch (err) {
        // Arguments that can't be cloned (a function, a symbol): the caller's fault, not the thread's.
        this.pending.delete(id);
        reject(new CandlemarkError('invalid-arguments', `${name}: arguments can't be sent to the project thread: ${(err as Error).message}`));
      }
    });
  }

  /**
   * A page's call as raw bytes (a POST body, a socket message): decoded and run in the project
   * thread, the result kept as JSON text (call-message.ts). The bytes are moved, not copied, when
   * they own their memory; the caller must not use them afterwards.
   */
  callEncoded(bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(new CandlemarkError('no-project', 'the project is closing'));
    const id = this.nextId++;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.byteLength >= 64 * 1024;
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const msg: ToWorker = { type: 'encoded', id, bytes: own ? view : view.slice(), opts };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(msg, own ? [view.buffer as ArrayBuffer] : []);
    });
  }

  /**
   * As CandlemarkService.closeGracefully: cancels training, waits (at most `waitMs`) for the
   * workers to record it, closes the project, then ends the thread. Calls made meanwhile are refused.
   */
  closeGracefully(opts: { waitMs?: number } = {}): Promise<ClosedRun[]> {
    this.closing ??= (async () => {
      if (this.dead) return [];
      const closed = new Promise<ClosedRun[]>((r) => (this.resolveClosed = r));
      this.worker.postMessage({ type: 'close', waitMs: opts.waitMs ?? 10_000 } satisfies ToWorker);
      const runs = await closed;
      await this.worker.terminate();
      return runs;
    })();
    return this.closing;
  }

  /** Ends the thread at once (training in it is stopped and shows as interrupted at the next open). */
  async terminate(): Promise<void> {
    this.closing ??= Promise.resolve([]);
    await this.worker.terminate();
  }

  private fail(error: CandlemarkError): void {
    this.dead ??= error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
