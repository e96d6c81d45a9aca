import type { Issue, WireError } from './types.ts';

/** A service error as the renderer sees it: shown verbatim (message + located issues). */
export class ApiError extends Error {
  readonly code: string;
  readonly issues: Issue[];
  constructor(err: WireError | { code?: string; message?: string; issues?: Issue[] }) {
    super(err.message ?? 'unknown error');
    this.name = 'ApiError';
    this.code = err.code ?? 'internal';
    this.issues = Array.isArray(err.issues) ? err.issues : [];
  }
}

/** Core's one formatter (a pure module): an issue reads the same in the app as in the terminal. */
export { formatIssue } from '../../../core/shared/issue.ts';

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError({ code: 'internal', message: e instanceof Error ? e.message : String(e), issues: [] });
}
