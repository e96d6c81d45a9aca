/**
 * A service in a Node child process, for when better-sqlite3 can't load in Electron's main process
 * (development: `npm install` builds it for Node's ABI, not Electron's). It spawns Node (never
 * `process.execPath`, which in Electron is the Electron binary) running bin/stdio-host.js and
 * speaks its newline-delimited JSON protocol (server/stdio-host.ts), exposing what app.ts needs of
 * a service: `call`, `events.onAny`, `close`.
 *
 * - `call` resolves with the result or rejects with a CandlemarkError rebuilt from the WireError, so
 *   ipc.ts hands the renderer exactly the error the in-process service would have thrown.
 * - If the child exits, every pending call (and every later one) rejects with an error saying so,
 *   with the last lines the child wrote to stderr; `onExit` tells the owner.
 * - The child's stderr is forwarded, line by line, to `log`.
 * - `close()` ends the child's stdin: it finishes calls in flight, closes the project (cancelling
 *   training) and exits; it is killed if it hasn't after `killAfterMs`.
 *
 * Node is `CANDLEMARK_NODE` when set (bin/start.js sets it to the Node that ran `npm start`, the
 * one better-sqlite3 was built for), else `node` on PATH.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CandlemarkError } from '../core/service/errors.ts';
import { errorFromWire } from '../core/service/wire-error.ts';
import { isEventName, type EventName } from '../core/service/api.ts';
import type { Caller, CallOptions } from '../core/service/capability.ts';

export const STDIO_HOST_SCRIPT = fileURLToPath(new URL('../bin/stdio-host.js', import.meta.url));
const REPO_ROOT = path.resolve(path.dirname(STDIO_HOST_SCRIPT), '..');
const STDERR_TAIL = 12;

/** The Node executable for the child: `CANDLEMARK_NODE`, else `node` on PATH. */
export function nodeExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.CANDLEMARK_NODE || 'node';
}

export interface ServiceProxyOptions {
  /** Node executable (default: nodeExecutable()). */
  node?: string;
  /** The stdio host script (default: bin/stdio-host.js). */
  script?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the child's stderr lines and the proxy's notes go (default: console.error). */
  log?: (message: string) => void;
  /** Called once when the child has exited; `expected` is false unless close() was called first. */
  onExit?: (info: { code: number | null; signal: NodeJS.Signals | null; expected: boolean; error: CandlemarkError }) => void;
  /** How long the child gets to shut down after close() before it is killed (default 30 s). */
  killAfterMs?: number;
}

type AnyListener = (name: EventName, payload: unknown) => void;
interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** The CandlemarkError a WireError stands for (core/service/wire-error.ts; re-exported for existing callers). */
export { errorFromWire };

export class ServiceProxy {
  /** Starts a child and opens `projectPath` in it; rejects (and stops the child) if that fails. */
  static async open(projectPath: string, openOpts: { create: boolean }, opts: ServiceProxyOptions = {}): Promise<ServiceProxy> {
    const proxy = new ServiceProxy(opts);
    try {
      await proxy.send({ control: 'open', args: { path: projectPath, create: openOpts.create } }, 'open');
    } catch (err) {
      proxy.close();
      throw err;
    }
    return proxy;
  }

  readonly events = {
    onAny: (fn: AnyListener): (() => void) => {
      this.listeners.add(fn);
      return () => void this.listeners.delete(fn);
    },
  };
  /** Resolves when the child has exited (or could not be started). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<AnyListener>();
  private readonly pending = new Map<number, Pending>();
  private readonly stderrTail: string[] = [];
  private readonly log: (message: string) => void;
  private nextId = 1;
  private closed = false;
  /** Set once calls can no longer succeed (closed, or the child is gone). */
  private dead: CandlemarkError | null = null;

  constructor(private readonly opts: ServiceProxyOptions = {}) {
    this.log = opts.log ?? ((m) => console.error(m));
    const node = opts.node ?? nodeExecutable(opts.env);
    const script = opts.script ?? STDIO_HOST_SCRIPT;
    this.child = spawn(node, [script], { cwd: REPO_ROOT, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let resolveExited!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
    this.exited = new Promise((r) => (resolveExited = r));

    readline.createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    readline.createInterface({ input: this.child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
      this.log(`[store] ${line}`);
    });
    this.child.stdin.on('error', (err) => {
      // EPIPE once the child is gone; its exit is reported by 'close'.
      if (!this.dead) this.log(`[store] stdin: ${err.message}`);
    });

    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (ended) return;
      ended = true;
      const expected = this.closed;
      const how = spawnError
        ? `could not be started (${spawnError.message}); install Node.js or point CANDLEMARK_NODE at it`
        : `exited${expected ? '' : ' unexpectedly'} (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      const tail = this.stderrTail.length > 0 && !expected ? `\nits last messages:\n${this.stderrTail.join('\n')}` : '';
      const error = new CandlemarkError('internal', `the project process (${node} ${path.basename(script)}) ${how}${tail}`);
      this.fail(error);
      if (!expected) this.log(`[candlemark] ${error.message}`);
      resolveExited({ code, signal });
      this.opts.onExit?.({ code, signal, expected, error });
    };
    this.child.on('error', (err) => {
      // Spawning failed ('exit' never comes), or a kill failed (the child is still there).
      if (this.child.pid === undefined) end(null, null, err);
      else this.log(`[store] ${err.message}`);
    });
    // 'close' comes after stdout has been read to its end, so answers already written are not lost.
    this.child.on('close', (code, signal) => end(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Runs one command in the child. Rejects with the CandlemarkError the service threw. The caller
   * defaults to 'local' as for an in-process service (the main process's own calls); ipc.ts passes
   * 'page' for the renderer's. Only service commands go this way: the child's controls (opening a
   * project) are a separate message type that no name passed here can produce.
   */
  call(name: string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
    return this.send({ command: name, args: args ?? {}, caller: opts.caller ?? 'local', clientId: opts.clientId ?? null }, name);
  }

  private send(message: { command: string; args: unknown; caller: Caller; clientId: string | null } | { control: 'open'; args: unknown }, what: string): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    let line: string;
    try {
      line = `${JSON.stringify({ id, ...message })}\n`;
    } catch (err) {
      return Promise.reject(new CandlemarkError('invalid-arguments', `${what}: arguments are not JSON: ${(err as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(line);
    });
  }

  /** Stops the child: it finishes calls in flight, closes the project and exits. Pending calls reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(new CandlemarkError('no-project', 'the project was closed'));
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), this.opts.killAfterMs ?? 30_000);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    }
  }

  private fail(error: CandlemarkError): void {
    this.dead ??= error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let msg: { id?: unknown; result?: unknown; error?: unknown; event?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      this.log(`[store] (not protocol) ${line.slice(0, 500)}`);
      return;
    }
    if (msg === null || typeof msg !== 'object') return;
    if (typeof msg.event === 'string') {
      const name = msg.event;
      // The contract's list of events (api.ts): anything else from the child is a protocol fault, not an event.
      if (!isEventName(name)) return this.log(`[store] unknown event ${JSON.stringify(name.slice(0, 80))}`);
      for (const fn of [...this.listeners]) {
        try {
          fn(name, msg.payload);
        } catch (err) {
          this.log(`[candlemark] event listener failed: ${String(err)}`);
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') {
      if (msg.error) this.log(`[store] protocol error: ${errorFromWire(msg.error).message}`);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if ('error' in msg) p.reject(errorFromWire(msg.error));
    else p.resolve(msg.result);
  }
}
