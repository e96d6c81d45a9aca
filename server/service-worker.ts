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
import { BULK_COMMANDS, READ_COMMANDS, type FromWorker, type ServiceWorkerInput, type ToWorker } from './service-worker-protocol.ts';
import { decodeCall, type CallOutcome, type DecodeOptions } from './call-message.ts';

const WORKER_URL = new URL('./service-worker-bootstrap.mjs', import.meta.url);

type AnyListener = (name: EventName, payload: unknown) => void;

export interface WorkerServiceOptions extends ServiceWorkerInput {
  /** Called once if the thread exits without closeGracefully having been asked for. */
  onExit?: (error: CandlemarkError) => void;
  /** Start a reader thread for reads during bulk work (default true). */
  reader?: boolean;
}

/** Bodies up to this size are decoded here to route them; larger ones are bulk calls and go to the writer undecoded. */
const ROUTE_DECODE_MAX = 64 * 1024;

/**
 * The project in a writer thread, plus (by default) a reader thread with a read-only connection.
 * Calls go to the writer, in order, except a read (READ_COMMANDS) sent while every call in flight
 * in the writer is bulk work (BULK_COMMANDS: an import, training): that one goes to the reader, so
 * `project.info` doesn't wait seconds behind a 1M-row import. A read sent while an edit is in
 * flight still queues behind it, so a page keeps reading its own edits in the order it sent them.
 */
export class WorkerService {
  /** Starts the threads and opens the project; rejects (and ends them) if the writer can't open it. */
  static async open(opts: WorkerServiceOptions): Promise<WorkerService> {
    const writer = await ProjectThread.open(opts);
    let reader: ProjectThread | null = null;
    if (opts.reader !== false) {
      try {
        reader = await ProjectThread.open({ projectPath: opts.projectPath, demoIfNew: false, readonly: true });
      } catch (err) {
        console.error(`[candlemark] no reader thread (reads wait for the writer): ${String(err)}`);
      }
    }
    return new WorkerService(writer, reader);
  }

  /** Commands in flight in the writer, by id. */
  private readonly inWriter = new Map<number, string>();
  private nextTicket = 1;
  /** How many reads the reader answered (tests, the bench). */
  readerCalls = 0;

  private constructor(
    readonly writer: ProjectThread,
    readonly reader: ProjectThread | null,
  ) {}

  get events(): ProjectThread['events'] {
    return this.writer.events;
  }

  private useReader(command: string): boolean {
    if (!this.reader || !READ_COMMANDS.has(command) || this.inWriter.size === 0) return false;
    for (const c of this.inWriter.values()) if (!BULK_COMMANDS.has(c)) return false;
    return true;
  }

  private track<T>(command: string, p: Promise<T>): Promise<T> {
    const ticket = this.nextTicket++;
    this.inWriter.set(ticket, command);
    const done = () => void this.inWriter.delete(ticket);
    p.then(done, done);
    return p;
  }

  call(name: string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
    if (this.useReader(name)) {
      this.readerCalls++;
      return this.reader!.call(name, args, opts);
    }
    return this.track(name, this.writer.call(name, args, opts));
  }

  callEncoded(bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome> {
    if (bytes.byteLength > ROUTE_DECODE_MAX) return this.track('series.importText', this.writer.callEncoded(bytes, opts)); // a big body is bulk work
    const d = decodeCall(bytes, opts);
    const command = d.ok ? d.command : '';
    if (this.useReader(command)) {
      this.readerCalls++;
      return this.reader!.callEncoded(bytes, opts);
    }
    return this.track(command, this.writer.callEncoded(bytes, opts));
  }

  async closeGracefully(opts: { waitMs?: number } = {}): Promise<ClosedRun[]> {
    const [runs] = await Promise.all([this.writer.closeGracefully(opts), this.reader?.closeGracefully(opts)]);
    return runs;
  }
}

/** One thread holding one connection to the project (service-worker-entry.ts). */
export class ProjectThread {
  /** Starts the thread and opens the project there; rejects (and ends the thread) if that fails. */
  static async open(opts: WorkerServiceOptions): Promise<ProjectThread> {
    const s = new ProjectThread(opts);
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
    const input: ServiceWorkerInput = { projectPath: opts.projectPath, demoIfNew: opts.demoIfNew, readonly: opts.readonly, annotator: opts.annotator };
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
    const msg: ToWorker = { type: 'call', id, command: name, args: args ?? {}, caller: opts.caller ?? 'local', clientId: opts.clientId ?? null };
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
