/**
 * A WireError received from another thread or process, turned back into the CandlemarkError it
 * stands for, so a host that runs the service elsewhere (a worker thread, a child process) hands
 * its callers exactly the error the in-process service would have thrown.
 */
import { CandlemarkError, isErrorCode, type Issue, type WireError } from './errors.ts';

/** The CandlemarkError a WireError stands for (a malformed one becomes an 'internal' error). */
export function errorFromWire(wire: unknown): CandlemarkError {
  const w = (wire !== null && typeof wire === 'object' ? wire : {}) as Partial<WireError>;
  const code = isErrorCode(w.code) ? w.code : 'internal';
  const message = typeof w.message === 'string' ? w.message : 'the project process answered with a malformed error';
  const issues = Array.isArray(w.issues) ? (w.issues.filter((i) => i !== null && typeof i === 'object') as Issue[]) : [];
  return new CandlemarkError(code, message, issues);
}
