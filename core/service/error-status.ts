/**
 * How each service error code reads outside the service: the HTTP status the browser host answers
 * with, and the exit code of the `candlemark` command. One table, so hosts agree: the caller's
 * mistakes are 4xx, a project another process is writing is 503 (retry), and only `internal` (a fault
 * in Candlemark or the machine) is 500. Pure: no Node.
 */
import type { ErrorCode } from './errors.ts';

const TABLE: Record<ErrorCode, { http: number; exit: number }> = {
  // The request itself is wrong.
  'invalid-arguments': { http: 400, exit: 2 },
  'unknown-command': { http: 400, exit: 2 }, // the endpoint exists; the command name is a bad argument
  // What the request names is missing, or can't be used as asked.
  'not-found': { http: 404, exit: 3 },
  'project-format': { http: 422, exit: 3 },
  'import-failed': { http: 422, exit: 4 },
  'invalid-operation': { http: 409, exit: 5 },
  conflict: { http: 409, exit: 5 },
  'read-only': { http: 403, exit: 6 },
  forbidden: { http: 403, exit: 6 }, // only a page's calls get it; the CLI never does
  // Try again later.
  'no-project': { http: 503, exit: 7 },
  busy: { http: 503, exit: 7 },
  cancelled: { http: 409, exit: 8 },
  // A fault in Candlemark or the machine.
  internal: { http: 500, exit: 1 },
};

/** The HTTP status for an error code (500 for a code this table doesn't know). */
export function httpStatusOf(code: string): number {
  return (TABLE as Record<string, { http: number } | undefined>)[code]?.http ?? 500;
}

/** The CLI's exit code for an error code (1, as for `internal`, for a code this table doesn't know). */
export function exitCodeOf(code: string): number {
  return (TABLE as Record<string, { exit: number } | undefined>)[code]?.exit ?? 1;
}
