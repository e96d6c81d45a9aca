/**
 * Typed errors of the service API. Every host (CLI, Electron IPC, browser host) turns these into
 * the same wire shape, so a renderer or a script can branch on `code` and show `issues` verbatim.
 */

export type ErrorCode =
  | 'invalid-arguments' // a command's arguments failed schema validation
  | 'unknown-command'
  | 'no-project' // a command needs an open project
  | 'project-format' // not a Candlemark file, or written by a newer app
  | 'import-failed' // a CSV or labels file has problems; nothing was written
  | 'not-found'
  | 'invalid-operation' // the request is well-formed but not allowed in the current state
  | 'cancelled'
  | 'internal'
  | 'forbidden'; // this caller may not do that (a page naming a server-side path: capability.ts)

/** One concrete problem, located as precisely as we can: file, line, window, field. */
export interface Issue {
  file?: string | null;
  line?: number | null;
  window?: string | null;
  field?: string | null;
  message: string;
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

/** Formats an issue the way a compiler would: `file:line: window: field: message`. */
export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line != null ? String(issue.line) : null].filter(Boolean).join(':');
  const parts = [where || null, issue.window ? `window ${issue.window}` : null, issue.field ?? null, issue.message];
  return parts.filter((p) => p != null && p !== '').join(': ');
}

export function toWireError(err: unknown): WireError {
  if (err instanceof CandlemarkError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, issues: [] };
}
