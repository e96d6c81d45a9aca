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

/** Same layout as core's formatIssue: `file:line: window w: field: message`. */
export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line != null ? String(issue.line) : null].filter(Boolean).join(':');
  const parts = [where || null, issue.window ? `window ${issue.window}` : null, issue.field ?? null, issue.message];
  return parts.filter((p) => p != null && p !== '').join(': ');
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError({ code: 'internal', message: e instanceof Error ? e.message : String(e), issues: [] });
}
