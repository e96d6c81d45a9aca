/**
 * What carries the project protocol (project-protocol.ts) between a host and the place the project
 * lives (Node-only). Three carriers, one protocol and one entry (project-entry.ts):
 *
 * - `workerThreadChannel`: a worker thread (the browser host: no SQLite call blocks HTTP);
 * - `nodeChildChannel`: a Node child process with an IPC channel (the desktop app in development,
 *   where better-sqlite3 is built for Node's ABI and can't load in Electron);
 * - `utilityProcessChannel`: an Electron utilityProcess (the packaged desktop app, whose
 *   better-sqlite3 is rebuilt for Electron): no SQLite call ever runs on Electron's main thread.
 *
 * A channel only moves messages and reports the end of its thread/process; what they mean
 * (pending calls, restarts) is project-service.ts's business.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ServiceWorkerInput, ToWorker } from './project-protocol.ts';

type ElectronModule = typeof import('electron');

/** The plain-JS entry every carrier starts: it registers tsx, then loads project-entry.ts. */
export const PROJECT_BOOTSTRAP = fileURLToPath(new URL('./project-bootstrap.mjs', import.meta.url));
const REPO_ROOT = path.resolve(path.dirname(PROJECT_BOOTSTRAP), '..');

/**
 * How a child process learns which project to open (ServiceWorkerInput as JSON): an environment
 * variable, which Node's fork and Electron's utilityProcess.fork both pass as given (a thread gets
 * workerData instead).
 */
export const PROJECT_INPUT_ENV = 'CANDLEMARK_PROJECT_INPUT';

export interface ProjectChannel {
  /** Which carrier, for log lines: 'thread', 'node child', 'utility process'. */
  readonly kind: string;
  /** Sends one message; `transfer` moves ArrayBuffers where the carrier can (threads), else they are copied. */
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  onMessage(fn: (message: FromWorker) => void): void;
  /** Called once when the thread/process has ended; `how` says how ("exit code 1", "signal SIGKILL"). */
  onExit(fn: (how: string) => void): void;
  /** Resolves once it has ended. */
  readonly exited: Promise<void>;
  /** Ends it now (no cleanup in it); resolves once it has ended. */
  kill(): Promise<void>;
  /** The process id (children) or undefined (threads). */
  readonly pid: number | undefined;
}

/** Makes the channel for one project connection. */
export type ChannelFactory = (input: ServiceWorkerInput) => ProjectChannel;

/** A worker thread of this process (the browser host's project thread). */
export const workerThreadChannel: ChannelFactory = (input) => {
  const worker = new Worker(new URL('./project-bootstrap.mjs', import.meta.url), { workerData: input });
  worker.on('error', (err) => console.error(`[candlemark] project thread failed: ${err.stack ?? String(err)}`));
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  return {
    kind: 'thread',
    pid: undefined,
    exited,
    post: (m, transfer = []) => worker.postMessage(m, transfer),
    onMessage: (fn) => void worker.on('message', fn),
    onExit: (fn) => void worker.once('exit', (code) => fn(`exit code ${code}`)),
    kill: async () => {
      await worker.terminate();
      await exited;
    },
  };
};

/** Forwards a child's output to `log`, one line at a time, marked `[project]` unless it says who it is. */
function forwardLines(stream: NodeJS.ReadableStream | null | undefined, log: (line: string) => void): void {
  if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => log(l.startsWith('[') ? l : `[project] ${l}`));
}

export interface NodeChildOptions {
  /** The Node executable (never Electron's own binary): `CANDLEMARK_NODE`, else `node` on PATH. */
  node?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout/stderr lines go (default console.error). */
  log?: (line: string) => void;
}

/** The Node executable for a child: `CANDLEMARK_NODE` (bin/start.js sets it), else `node` on PATH. */
export function nodeExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.CANDLEMARK_NODE || 'node';
}

/**
 * A Node child process speaking the protocol over Node's IPC channel ('advanced' serialisation, so
 * a call's raw bytes go as a Uint8Array). Its stdout and stderr are logged, never parsed.
 */
export function nodeChildChannel(opts: NodeChildOptions = {}): ChannelFactory {
  return (input) => {
    const node = opts.node ?? nodeExecutable(opts.env);
    const log = opts.log ?? ((m: string) => console.error(m));
    const child = fork(PROJECT_BOOTSTRAP, [], {
      cwd: REPO_ROOT,
      env: { ...(opts.env ?? process.env), [PROJECT_INPUT_ENV]: JSON.stringify(input) },
      execPath: node,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    forwardLines(child.stdout, log);
    forwardLines(child.stderr, log);
    let ended: string | null = null;
    const exitFns: ((how: string) => void)[] = [];
    const end = (how: string) => {
      if (ended !== null) return;
      ended = how;
      for (const fn of exitFns) fn(how);
    };
    child.on('error', (err) => {
      // Spawning failed ('exit' never comes), or a send/kill failed (the child is still there).
      if (child.pid === undefined) end(`could not be started with ${node} (${err.message}); install Node.js or point CANDLEMARK_NODE at it`);
      else log(`[candlemark] project process: ${err.message}`);
    });
    child.on('exit', (code, signal) => end(signal ? `signal ${signal}` : `exit code ${code}`));
    const exited = new Promise<void>((r) => exitFns.push(() => r()));
    return {
      kind: 'node child',
      exited,
      get pid() {
        return child.pid;
      },
      post: (m) => {
        if (ended === null && child.connected) child.send(m);
      },
      onMessage: (fn) => void child.on('message', (m) => fn(m as FromWorker)),
      onExit: (fn) => {
        if (ended !== null) fn(ended);
        else exitFns.push(fn);
      },
      kill: async () => {
        if (ended === null) child.kill('SIGKILL');
        await exited;
      },
    };
  };
}

/**
 * An Electron utilityProcess (a Node.js child that Electron starts with its own, Electron-ABI
 * runtime, so the rebuilt better-sqlite3 loads there). `utility` is Electron's `utilityProcess`
 * module, passed in so that nothing here imports Electron at runtime.
 * UNVERIFIED here: Electron can't run in this project's CI (see docs/ARCHITECTURE.md).
 */
export function utilityProcessChannel(utility: Pick<ElectronModule['utilityProcess'], 'fork'>, opts: { log?: (line: string) => void } = {}): ChannelFactory {
  return (input) => {
    const log = opts.log ?? ((m: string) => console.error(m));
    const env = { ...process.env, [PROJECT_INPUT_ENV]: JSON.stringify(input) } as Record<string, string>;
    const child = utility.fork(PROJECT_BOOTSTRAP, [], { serviceName: 'Candlemark project', stdio: 'pipe', cwd: REPO_ROOT, env });
    forwardLines(child.stdout, log);
    forwardLines(child.stderr, log);
    let ended: string | null = null;
    const exitFns: ((how: string) => void)[] = [];
    child.on('exit', (code: number) => {
      if (ended !== null) return;
      ended = `exit code ${code}`;
      for (const fn of exitFns) fn(ended);
    });
    child.on('error', (type: string, location: string) => log(`[candlemark] project process: ${type} at ${location}`));
    const exited = new Promise<void>((r) => exitFns.push(() => r()));
    return {
      kind: 'utility process',
      exited,
      get pid() {
        return child.pid;
      },
      post: (m) => {
        if (ended === null) child.postMessage(m);
      },
      onMessage: (fn) => void child.on('message', (m: unknown) => fn(m as FromWorker)),
      onExit: (fn) => {
        if (ended !== null) fn(ended);
        else exitFns.push(fn);
      },
      kill: async () => {
        if (ended === null) child.kill();
        await exited;
      },
    };
  };
}
