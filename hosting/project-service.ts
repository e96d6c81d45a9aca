/**
 * A host's handle on its project, which lives elsewhere (Node-only): in a worker thread (browser
 * host), a Node child process (desktop app in development) or an Electron utilityProcess (packaged
 * desktop app), whichever ChannelFactory (project-channel.ts) the host passes; all speak the same
 * protocol (project-protocol.ts) with the same entry (project-entry.ts). So no SQLite call, import
 * or training setup ever blocks the thread that serves HTTP, the socket, IPC or menus (issue #10,
 * point 4: a CLI write on the same file froze the host for 7.9 s; a 1M-row import stalled it 1.3 s).
 *
 * `WorkerService` has what a host needs of a service (`call`, `events.onAny`, `closeGracefully`),
 * so a host serves it exactly as an in-thread CandlemarkService. Errors come back as the
 * CandlemarkError the service threw (code, message, issues).
 *
 * If the project's thread/process dies, the calls in flight fail at once with an 'internal' error
 * saying so (never left hanging), the host logs it, and a new one is started on the same file
 * (`respawn`, default on): listeners get a `host.projectRestarted` event so pages re-read what they
 * show. Calls made while it restarts wait for it. After MAX_RESTARTS deaths within RESTART_WINDOW_MS
 * it gives up, says so, and calls fail with the reason (a file that kills its reader each time must
 * not loop forever).
 */
import { isEventName } from '../core/service/api.ts';
import type { CallOptions } from '../core/service/capability.ts';
import { CandlemarkError } from '../core/service/errors.ts';
import type { EventName } from '../core/service/events.ts';
import type { ClosedRun } from '../core/service/handlers/training.ts';
import { errorFromWire } from '../core/service/wire-error.ts';
import { BULK_COMMANDS, READ_COMMANDS, type FromWorker, type ServiceWorkerInput, type ToWorker } from './project-protocol.ts';
import { decodeCall, type CallOutcome, type DecodeOptions } from './call-message.ts';
import { workerThreadChannel, type ChannelFactory, type ProjectChannel } from './project-channel.ts';

type AnyListener = (name: EventName, payload: unknown) => void;

export interface WorkerServiceOptions extends ServiceWorkerInput {
  /** Called once if the project stops for good (it died and could not be restarted; not after closeGracefully). */
  onExit?: (error: CandlemarkError) => void;
  /** Start a reader thread for reads during bulk work (default true). */
  reader?: boolean;
  /** Where the project lives (default: a worker thread of this process). */
  channel?: ChannelFactory;
  /** Start a new one when the project's thread/process dies (default true). */
  respawn?: boolean;
  /** Where restart notes go (default console.error). */
  log?: (message: string) => void;
}

/** Sent to listeners after the project's thread/process was restarted (not a service event). */
export const PROJECT_RESTARTED_EVENT = 'host.projectRestarted';
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

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
    const service = new WorkerService(opts);
    service.writer = await service.startWriter(opts.demoIfNew);
    if (opts.reader !== false) service.reader = await service.startReader();
    return service;
  }

  readonly events = {
    onAny: (fn: AnyListener): (() => void) => {
      this.listeners.add(fn);
      return () => void this.listeners.delete(fn);
    },
  };

  writer!: ProjectThread;
  reader: ProjectThread | null = null;
  /** Commands in flight in the writer, by id. */
  private readonly inWriter = new Map<number, string>();
  private readonly listeners = new Set<AnyListener>();
  private nextTicket = 1;
  /** How many reads the reader answered (tests, the bench). */
  readerCalls = 0;
  /** How many times the writer was restarted after dying (tests). */
  restarts = 0;
  private restartTimes: number[] = [];
  /** Set while a new writer is being started: calls wait for it. */
  private restarting: Promise<void> | null = null;
  private closed = false;
  /** Set when the project stopped for good. */
  private gone: CandlemarkError | null = null;
  private readonly log: (message: string) => void;

  private constructor(private readonly opts: WorkerServiceOptions) {
    this.log = opts.log ?? ((m) => console.error(m));
  }

  private async startWriter(demoIfNew: boolean): Promise<ProjectThread> {
    const t = await ProjectThread.open({ ...this.opts, demoIfNew }, this.opts.channel ?? workerThreadChannel, (error) => this.onWriterDied(t, error));
    t.events.onAny((name, payload) => this.emit(name, payload));
    return t;
  }

  private async startReader(): Promise<ProjectThread | null> {
    try {
      // A reader that dies is dropped at once (reads wait for the writer meanwhile) and started again,
      // within the same restart budget as the writer.
      const r = await ProjectThread.open(
        { projectPath: this.opts.projectPath, demoIfNew: false, readonly: true, create: false },
        this.opts.channel ?? workerThreadChannel,
        (error) => {
          if (this.reader !== r) return;
          this.reader = null;
          const now = Date.now();
          this.restartTimes = [...this.restartTimes.filter((t) => now - t < RESTART_WINDOW_MS), now];
          if (this.closed || this.opts.respawn === false || this.restartTimes.length > MAX_RESTARTS)
            return this.log(`[candlemark] the reader: ${error.message}; reads wait for the writer from now on`);
          this.log(`[candlemark] the reader: ${error.message}; restarting it`);
          void this.startReader().then((next) => {
            if (next && this.closed) void next.closeGracefully();
            else if (next) this.reader = next;
          });
        },
      );
      return r;
    } catch (err) {
      this.log(`[candlemark] no reader thread (reads wait for the writer): ${String(err)}`);
      return null;
    }
  }

  private emit(name: string, payload: unknown): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(name as EventName, payload);
      } catch (err) {
        this.log(`[candlemark] event listener failed: ${String(err)}`);
      }
    }
  }

  /** The writer died on its own: its calls in flight have failed (ProjectThread.fail); start a new one. */
  private onWriterDied(thread: ProjectThread, error: CandlemarkError): void {
    if (this.closed || thread !== this.writer) return;
    const now = Date.now();
    this.restartTimes = [...this.restartTimes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.opts.respawn === false || this.restartTimes.length > MAX_RESTARTS) {
      this.gone = new CandlemarkError(
        'internal',
        `${error.message}; ${this.opts.respawn === false ? 'it is not restarted' : `it died ${this.restartTimes.length} times within a minute and is not restarted again`}: reopen the project`,
      );
      this.log(`[candlemark] ${this.gone.message}`);
      this.opts.onExit?.(this.gone);
      return;
    }
    this.log(`[candlemark] ${error.message}; calls in flight were answered with that error; restarting it on ${this.opts.projectPath}`);
    this.restarting = (async () => {
      try {
        this.writer = await this.startWriter(false);
        this.restarts++;
        this.log(`[candlemark] the project was restarted (${this.writer.kind}${this.writer.pid ? ` pid ${this.writer.pid}` : ''})`);
        this.emit(PROJECT_RESTARTED_EVENT, { reason: error.message, restarts: this.restarts });
      } catch (err) {
        this.gone = new CandlemarkError('internal', `${error.message}, and it could not be restarted: ${String((err as Error).message ?? err)}`);
        this.log(`[candlemark] ${this.gone.message}`);
        this.opts.onExit?.(this.gone);
      } finally {
        this.restarting = null;
      }
    })();
  }

  /** The writer to use now: waits for a restart in progress; throws when the project is gone. */
  private async currentWriter(): Promise<ProjectThread> {
    if (this.restarting) await this.restarting;
    if (this.gone) throw this.gone;
    return this.writer;
  }

  private useReader(command: string): boolean {
    if (!this.reader || this.restarting || !READ_COMMANDS.has(command) || this.inWriter.size === 0) return false;
    for (const c of this.inWriter.values()) if (!BULK_COMMANDS.has(c)) return false;
    return true;
  }

  private track<T>(command: string, run: (w: ProjectThread) => Promise<T>): Promise<T> {
    const ticket = this.nextTicket++;
    this.inWriter.set(ticket, command);
    const p = this.currentWriter().then(run);
    const done = () => void this.inWriter.delete(ticket);
    p.then(done, done);
    return p;
  }

  call(name: string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
    if (this.useReader(name)) {
      this.readerCalls++;
      return this.reader!.call(name, args, opts);
    }
    return this.track(name, (w) => w.call(name, args, opts));
  }

  callEncoded(bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome> {
    if (bytes.byteLength > ROUTE_DECODE_MAX) return this.track('series.importText', (w) => w.callEncoded(bytes, opts)); // a big body is bulk work
    const d = decodeCall(bytes, opts);
    const command = d.ok ? d.command : '';
    if (this.useReader(command)) {
      this.readerCalls++;
      return this.reader!.callEncoded(bytes, opts);
    }
    return this.track(command, (w) => w.callEncoded(bytes, opts));
  }

  async closeGracefully(opts: { waitMs?: number } = {}): Promise<ClosedRun[]> {
    this.closed = true;
    if (this.restarting) await this.restarting.catch(() => undefined);
    const [runs] = await Promise.all([this.writer.closeGracefully(opts), this.reader?.closeGracefully(opts)]);
    return runs;
  }
}

/** One thread or process holding one connection to the project (project-entry.ts), over a ProjectChannel. */
export class ProjectThread {
  /**
   * Starts it and opens the project there; rejects (and ends it) if that fails. `onDied` is called
   * once if it ends, after it was ready, without closeGracefully/terminate having been asked for.
   */
  static async open(
    input: ServiceWorkerInput,
    channel: ChannelFactory = workerThreadChannel,
    onDied?: (error: CandlemarkError) => void,
  ): Promise<ProjectThread> {
    const s = new ProjectThread(input, channel, onDied);
    await s.ready;
    return s;
  }

  readonly events = {
    onAny: (fn: AnyListener): (() => void) => {
      this.listeners.add(fn);
      return () => void this.listeners.delete(fn);
    },
  };

  readonly channel: ProjectChannel;
  private readonly listeners = new Set<AnyListener>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly ready: Promise<void>;
  private isReady = false;
  private nextId = 1;
  private dead: CandlemarkError | null = null;
  private closing: Promise<ClosedRun[]> | null = null;
  private resolveClosed: ((runs: ClosedRun[]) => void) | null = null;
  /** The project side's process id (a child's; this process's for a thread). */
  pid: number | undefined;

  private constructor(input: ServiceWorkerInput, factory: ChannelFactory, onDied?: (error: CandlemarkError) => void) {
    this.channel = factory({
      projectPath: input.projectPath,
      demoIfNew: input.demoIfNew,
      readonly: input.readonly,
      annotator: input.annotator,
      create: input.create,
    });
    let readyOk!: () => void;
    let readyFail!: (e: unknown) => void;
    this.ready = new Promise<void>((res, rej) => ((readyOk = res), (readyFail = rej)));
    this.ready.catch(() => undefined);
    this.channel.onMessage((m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          this.isReady = true;
          this.pid = m.pid;
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
            return p.reject(new CandlemarkError('internal', `malformed result from the project ${this.kind}: ${String(err)}`));
          }
        }
        case 'event': {
          // The contract's list of events (core/service/api.ts): any other name from the thread/process is a protocol fault, not an event.
          if (!isEventName(m.name)) {
            console.error(`[candlemark] unknown event from the project ${this.kind}: ${JSON.stringify(m.name.slice(0, 80))}`);
            return;
          }
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
    this.channel.onExit((how) => {
      const expected = this.closing !== null;
      const error = new CandlemarkError(
        expected ? 'no-project' : 'internal',
        expected ? 'the project was closed' : `the project ${this.kind} stopped unexpectedly (${how})`,
      );
      this.fail(error);
      readyFail(this.dead ?? error);
      this.resolveClosed?.([]);
      if (!expected && this.isReady) onDied?.(error);
    });
  }

  /** 'thread', 'node child' or 'utility process'. */
  get kind(): string {
    return this.channel.kind;
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
        this.channel.post(msg);
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
      this.channel.post(msg, own ? [view.buffer as ArrayBuffer] : []);
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
      this.channel.post({ type: 'close', waitMs: opts.waitMs ?? 10_000 } satisfies ToWorker);
      const runs = await closed;
      // A thread is ended here; a process ends itself after 'closed' (and is killed if it lingers).
      if (this.kind === 'thread') await this.channel.kill();
      else {
        const lingering = setTimeout(() => void this.channel.kill(), 5_000);
        await this.channel.exited;
        clearTimeout(lingering);
      }
      return runs;
    })();
    return this.closing;
  }

  /** Ends the thread at once (training in it is stopped and shows as interrupted at the next open). */
  async terminate(): Promise<void> {
    this.closing ??= Promise.resolve([]);
    await this.channel.kill();
  }

  private fail(error: CandlemarkError): void {
    this.dead ??= error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
