/**
 * The stdio host: serves the service API over stdin/stdout as newline-delimited JSON, for a parent
 * process that cannot load better-sqlite3 itself or speaks only pipes (scripts, other languages).
 * The desktop app no longer uses it: its project runs in a utilityProcess / Node child speaking
 * the project protocol (hosting/project-protocol.ts). `node bin/stdio-host.js [--project FILE]`.
 *
 * Protocol (one JSON value per line, UTF-8, both ways):
 * - request  `{ "id": n, "command": string, "args"?: unknown, "caller"?: "page" | "local" }`: a
 *   service call. `caller` defaults to "page" (what a renderer sent: no server-side paths, see
 *   core/service/capability.ts); the parent marks "local" only for calls it makes itself (Electron's
 *   menu, with a path the user picked in a file dialog).
 * - response `{ "id": n, "result": ... }` or `{ "id": n, "error": WireError }`; calls run
 *   concurrently, so responses may come out of order (match them by id). A line that is not
 *   valid JSON, not a request, or longer than the limit is answered with `{ "id": null, "error":
 *   { "code": "invalid-arguments", ... } }` (or the request's id when it has a usable one) and the
 *   host carries on.
 * - event    `{ "event": name, "payload": ... }` for every service event (`service.events.onAny`).
 * - control `{ "id": n, "control": "open", "args": { path, create? } }`: opens that project (creating
 *   it, and its folder, when `create` is true) and then closes the current one; answers `{ path }`. If
 *   the new project cannot be opened the current one stays open. Controls are a message type of their
 *   own, not a command name, so nothing that forwards a renderer's `{ command, args }` can reach
 *   them (a request with command "host.open" is just an unknown command). `--project FILE` opens FILE at start
 *   (created when missing); without it, commands answer `no-project` until `host.open`.
 *
 * stdout carries the protocol only: console output (ours, TensorFlow.js's, worker threads') goes to
 * stderr. When stdin closes (or on SIGTERM/SIGINT) the host lets calls in flight finish (up to a
 * grace period), closes the service (which cancels training and lets the workers record it), and
 * exits 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CandlemarkService } from '../core/service/service.ts';
import { CandlemarkError, toWireError, type WireError } from '../core/service/errors.ts';
import { installLastResortHandlers } from '../hosting/last-resort.ts';
import type { Caller } from '../core/service/capability.ts';

/** Default longest request line: a 256 MiB text import, JSON-escaped, plus slack (as the HTTP host's body limit). */
export const DEFAULT_MAX_LINE_BYTES = 300 * 1024 * 1024;
const MAX_ID_LENGTH = 100;
const MAX_COMMAND_LENGTH = 100;
/** How long calls in flight may take to finish once stdin closed, before the service is closed. */
const DRAIN_MS = 10_000;
/** How long training workers get to record a cancellation when the service closes. */
const CANCEL_MS = 10_000;

const openArgs = z.object({ path: z.string().min(1).max(4096), create: z.boolean().default(false) }).strict();

type Id = number | string;
type Out = { id: Id | null; result: unknown } | { id: Id | null; error: WireError } | { event: string; payload: unknown };

export interface StdioHostOptions {
  input: NodeJS.ReadableStream;
  /** Writes one protocol line (the host appends nothing: `line` ends with '\n'). */
  write: (line: string) => void;
  maxLineBytes?: number;
  log?: (message: string) => void;
}

export interface StdioHost {
  /** Opens a project (see `host.open`). */
  open(projectPath: string, create: boolean): { path: string };
  /** Resolves when the host has shut down (stdin closed or `shutdown` called). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

function invalid(message: string): WireError {
  return { code: 'invalid-arguments', message, issues: [] };
}

export function startStdioHost(opts: StdioHostOptions): StdioHost {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const log = opts.log ?? ((m: string) => console.error(`[stdio-host] ${m}`));
  let service: CandlemarkService | null = null;
  let offEvents: (() => void) | null = null;
  let closing = false;
  const inflight = new Map<Promise<void>, string>();

  const send = (msg: Out) => {
    let text: string;
    try {
      text = JSON.stringify(msg);
    } catch (err) {
      if ('event' in msg) return log(`event ${msg.event} could not be serialised: ${String(err)}`);
      text = JSON.stringify({ id: msg.id, error: { code: 'internal', message: `the result could not be serialised: ${String(err)}`, issues: [] } });
    }
    try {
      opts.write(`${text}\n`);
    } catch (err) {
      log(`could not write to stdout: ${String(err)}`);
    }
  };

  const open = (projectPath: string, create: boolean) => {
    const target = path.resolve(projectPath);
    if (create) fs.mkdirSync(path.dirname(target), { recursive: true });
    const next = CandlemarkService.open(target, { create });
    offEvents?.();
    const old = service;
    service = next;
    offEvents = next.events.onAny((event, payload) => send({ event, payload }));
    if (old) {
      try {
        old.close();
      } catch (err) {
        log(`closing the previous project failed: ${String(err)}`);
      }
    }
    log(`project ${target} (pid ${process.pid})`);
    return { path: target };
  };

  const control = async (name: string, args: unknown): Promise<unknown> => {
    if (name !== 'open') throw new CandlemarkError('unknown-command', `unknown control "${name.slice(0, 80)}"`);
    const parsed = openArgs.safeParse(args ?? {});
    if (!parsed.success) {
      throw new CandlemarkError(
        'invalid-arguments',
        'open: invalid arguments',
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || null, message: i.message })),
      );
    }
    return open(parsed.data.path, parsed.data.create);
  };

  const dispatch = async (command: string, args: unknown, caller: Caller, clientId: string | null): Promise<unknown> => {
    if (closing) throw new CandlemarkError('invalid-operation', 'the host is shutting down');
    if (!service) throw new CandlemarkError('no-project', 'no project is open');
    return await service.call(command, args ?? {}, { caller, clientId });
  };

  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      return send({ id: null, error: invalid(`malformed JSON: ${(err as Error).message.slice(0, 200)}`) });
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg))
      return send({ id: null, error: invalid('a request must be an object { id, command, args }') });
    const {
      id,
      command,
      args,
      control: controlName,
      caller,
      clientId,
    } = msg as { id?: unknown; command?: unknown; args?: unknown; control?: unknown; caller?: unknown; clientId?: unknown };
    const idOk = (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH);
    if (!idOk) return send({ id: null, error: invalid('a request needs an "id": an integer or a short string') });
    const reqId = id as Id;
    let run: Promise<unknown>;
    if (controlName !== undefined) {
      if (typeof controlName !== 'string' || command !== undefined)
        return send({ id: reqId, error: invalid('a control message is { id, control: string, args }') });
      run = control(controlName, args);
    } else {
      if (typeof command !== 'string' || command.length === 0 || command.length > MAX_COMMAND_LENGTH) {
        return send({ id: reqId, error: invalid('"command" must be a non-empty string') });
      }
      if (caller !== undefined && caller !== 'page' && caller !== 'local') return send({ id: reqId, error: invalid('"caller" must be "page" or "local"') });
      // clientId: the page the call came from (Electron's renderer, via the proxy): stamped on the events it causes.
      if (clientId !== undefined && clientId !== null && typeof clientId !== 'string')
        return send({ id: reqId, error: invalid('"clientId" must be a string') });
      run = dispatch(command, args, caller ?? 'page', clientId ?? null);
    }
    const p: Promise<void> = run
      .then(
        (result) => send({ id: reqId, result: result ?? null }),
        (err: unknown) => send({ id: reqId, error: toWireError(err) }),
      )
      .finally(() => inflight.delete(p));
    inflight.set(p, typeof command === 'string' ? command : 'control');
  };

  // Split the input into lines without ever holding more than maxLine bytes of one line.
  let chunks: Buffer[] = [];
  let size = 0;
  let discarding = false;
  const onData = (data: Buffer | string) => {
    let buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    while (buf.length > 0) {
      const nl = buf.indexOf(0x0a);
      const piece = nl === -1 ? buf : buf.subarray(0, nl);
      if (!discarding) {
        if (size + piece.length > maxLine) {
          discarding = true;
          chunks = [];
          size = 0;
        } else {
          chunks.push(piece);
          size += piece.length;
        }
      }
      if (nl === -1) break;
      buf = buf.subarray(nl + 1);
      if (discarding) {
        discarding = false;
        send({ id: null, error: invalid(`request line longer than ${maxLine} bytes: ignored`) });
      } else {
        const line = Buffer.concat(chunks, size).toString('utf8');
        chunks = [];
        size = 0;
        handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
    }
  };

  const settle = (filter: (command: string) => boolean, ms: number) => {
    const pending = [...inflight].filter(([, c]) => filter(c)).map(([p]) => p);
    if (pending.length === 0) return Promise.resolve();
    return Promise.race([Promise.allSettled(pending).then(() => undefined), new Promise<void>((r) => setTimeout(r, ms).unref())]);
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let shuttingDown: Promise<void> | null = null;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      opts.input.off('data', onData);
      // Calls already sent get their answers; training is left running until the service closes.
      await settle((c) => c !== 'train.run', DRAIN_MS);
      closing = true;
      offEvents?.();
      offEvents = null;
      const s = service;
      service = null;
      if (s) {
        try {
          // Cancels training and waits until the workers have recorded it (a worker still busy after
          // CANCEL_MS is stopped and its run recorded 'interrupted'), then closes the project.
          await s.closeGracefully({ waitMs: CANCEL_MS });
        } catch (err) {
          log(`closing the project failed: ${String(err)}`);
        }
      }
      // train.run calls end with their runs: let their answers go out.
      await settle(() => true, CANCEL_MS);
      resolveDone();
    })();
    return shuttingDown;
  };

  opts.input.on('data', onData);
  opts.input.on('end', () => {
    // A last request without its newline still counts.
    if (!discarding && size > 0) {
      const line = Buffer.concat(chunks, size).toString('utf8');
      chunks = [];
      size = 0;
      handleLine(line);
    }
    void shutdown();
  });
  opts.input.on('error', (err) => {
    log(`stdin: ${String(err)}`);
    void shutdown();
  });

  return { open, done, shutdown };
}

/** `node bin/stdio-host.js [--project FILE] [--max-line-bytes N]`. */
export async function runStdioHost(argv: string[]): Promise<void> {
  // stdout is the protocol: everything else that would print there goes to stderr instead.
  const stdout = process.stdout;
  const writeOut = stdout.write.bind(stdout) as (s: string) => boolean;
  const toStderr = ((chunk: unknown, ...rest: unknown[]) => (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof stdout.write;
  stdout.write = toStderr;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  // Logged to stderr; the host keeps serving its parent (the Electron window).
  installLastResortHandlers('stdio host');

  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, 'max-line-bytes': { type: 'string' } }, strict: true });
  const maxLineBytes = values['max-line-bytes'] ? Number(values['max-line-bytes']) : undefined;
  if (maxLineBytes !== undefined && !(Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0)) throw new Error('--max-line-bytes must be a positive integer');

  let exiting = false;
  const host = startStdioHost({ input: process.stdin, write: (line) => void writeOut(line), maxLineBytes });
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    // EPIPE: the parent is gone. Nobody reads our answers any more; close the project and leave.
    if (!exiting) console.error(`[stdio-host] stdout: ${err.code ?? String(err)}`);
    void host.shutdown();
  });
  if (values.project) {
    try {
      host.open(values.project, true);
    } catch (err) {
      console.error(`[stdio-host] could not open ${values.project}: ${toWireError(err).message}`);
      process.exit(1);
    }
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void host.shutdown());
  await host.done;
  exiting = true;
  // Let the last answers reach the pipe, then leave even if a worker thread lingers.
  if (stdout.writableLength > 0) await new Promise<void>((r) => (stdout.once('drain', () => r()), setTimeout(r, 2000).unref()));
  process.exit(0);
}
