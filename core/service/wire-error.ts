/**
 * A WireError received from another thread or process, turned back into the CandlemarkError it
 * stands for, so a host that runs the service elsewhere (a worker thread, a child process) hands
 * its callers exactly the error the in-process service would have thrown.
 */
import { CandlemarkError, type ErrorCode, type Issue, type WireError } from './errors.ts';

/** Every code, as a record so the type check fails here when errors.ts gains a code. */
const CODES: Record<ErrorCode, true> = {
  'invalid-arguments': true,
  'unknown-command': true,
  'no-project': true,
  'project-format': true,
  'import-failed': true,
  'not-found': true,
  'invalid-operation': true,
  cancelled: true,
  internal: true,
  forbidden: true,
};

export const ERROR_CODES = Object.keys(CODES) as ErrorCode[];

/** The CandlemarkError a WireError stands for (a malformed one becomes an 'internal' error). */
export function errorFromWire(wire: unknown): CandlemarkError {
  const w = (wire !== null && typeof wire === 'object' ? wire : {}) as Partial<WireError>;
  const code = typeof w.code === 'string' && Object.prototype.hasOwnProperty.call(CODES, w.code) ? (w.code as ErrorCode) : 'internal';
  const message = typeof w.message === 'string' ? w.message : 'the project process answered with a malformed error';
  const issues = Array.isArray(w.issues) ? (w.issues.filter((i) => i !== null && typeof i === 'object') as Issue[]) : [];
  return new CandlemarkError(code, message, issues);
}
