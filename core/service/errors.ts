/**
 * Typed errors of the service API. Every host (CLI, Electron IPC, browser host) turns these into
 * the same wire shape, so a renderer or a script can branch on `code` and show `issues` verbatim.
 * What the store, the importers and SQLite throw is turned into these in one place
 * (`error-map.ts`, applied by `service.call` and `CandlemarkService.open`); how a code reads as an
 * HTTP status or a CLI exit code is `error-status.ts`.
 */
import type { Issue } from '../shared/issue.ts';

export type { Issue } from '../shared/issue.ts';
export { formatIssue } from '../shared/issue.ts';

/** Every error code, in one list (hosts that receive codes over a wire check them against it). */
export const ERROR_CODES = [
  'invalid-arguments', // a command's arguments failed validation (schema, or a value the store refuses)
  'unknown-command',
  'no-project', // a command needs an open project (or the project is closing)
  'project-format', // not a Candlemark file (a directory, an empty file, another app's database), or written by a newer app
  'import-failed', // a CSV or labels file has problems; nothing was written
  'not-found', // a label, window, series, run, finding, file or folder named by the caller does not exist
  'invalid-operation', // the request is well-formed but not allowed in the current state
  'conflict', // the change contradicts what is stored: an id taken, a label type in use, bars still referenced, history no longer applicable
  'busy', // another process held the project's write lock for longer than the wait allows; try again
  'read-only', // the project file or its folder can't be written
  'forbidden', // this caller may not do that: a page naming a server-side path (capability.ts)
  'cancelled',
  'internal', // a fault in Candlemark itself: a bug, or the machine (disk full, I/O error)
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export class CandlemarkError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = 'CandlemarkError';
  }

  toJSON(): WireError {
    return { code: this.code, message: this.message, issues: this.issues };
  }
}

export interface WireError {
  code: ErrorCode;
  message: string;
  issues: Issue[];
}

export function toWireError(err: unknown): WireError {
  if (err instanceof CandlemarkError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, issues: [] };
}
