/**
 * Messages between a host and the process or thread that owns the project (Node-only): the one
 * protocol for every host, whatever carries it (project-channel.ts): a worker thread in the browser
 * host, an Electron utilityProcess in the packaged app, a Node child process in development.
 * Results and event payloads travel as JSON text: it is what the host sends on anyway, and
 * JSON.stringify keeps toJSON/undefined semantics that structured cloning would not.
 */
import type { ClosedRun } from '../core/service/handlers/training.ts';
import type { Caller } from '../core/service/capability.ts';
import type { WireError } from '../core/service/errors.ts';
import type { CallOutcome, DecodeOptions } from './call-message.ts';

export interface ServiceWorkerInput {
  projectPath: string;
  /** Make a demo project when the file is new (the default project of `npm start`). */
  demoIfNew: boolean;
  /** A reader thread: opens the (existing) project read-only and serves only READ_COMMANDS. */
  readonly?: boolean;
  /** Who edits when a client names nobody (--annotator / CANDLEMARK_ANNOTATOR). */
  annotator?: string;
  /** Create the file when it is missing (default true; the desktop app's Open passes false). */
  create?: boolean;
}

/**
 * Commands that only read the project. While the project thread is busy with bulk work (BULK_COMMANDS),
 * these are answered by a reader thread on a second, read-only connection (WAL: readers never wait
 * for the writer) instead of queueing behind it.
 */
export const READ_COMMANDS: ReadonlySet<string> = new Set([
  'project.info',
  'series.list',
  'bars.read',
  'windows.list',
  'labels.list',
  'labels.history',
  'labelTypes.list',
  'conflicts.list',
  'runs.list',
  'runs.get',
]);

/** Long calls a read need not wait for: a page doesn't expect to see their effect before they answer. */
export const BULK_COMMANDS: ReadonlySet<string> = new Set([
  'series.import',
  'series.importText',
  'labels.import',
  'labels.importText',
  'demo.create',
  'windows.create',
  'conflicts.check',
  'train.run',
]);

export type ToWorker =
  | { type: 'call'; id: number; command: string; args: unknown; caller: Caller; clientId: string | null }
  /** A page's call as raw bytes, decoded in the worker (call-message.ts). */
  | { type: 'encoded'; id: number; bytes: Uint8Array; opts: DecodeOptions }
  | { type: 'close'; waitMs: number };

export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'open-failed'; error: WireError }
  | { type: 'result'; id: number; json: string }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'event'; name: string; json: string }
  | { type: 'outcome'; id: number; outcome: CallOutcome }
  | { type: 'closed'; runs: ClosedRun[] };
