import { clipMessage } from '../shared/message-text.ts';

/**
 * Problems found while importing a CSV, and the error that carries them.
 * Importing reports every problem it can find (up to a cap), not just the first, so a user can fix a file in one go.
 */

import { formatIssue, type Issue } from '../shared/issue.ts';

export { formatIssue };

/** Candlemark's one Issue (core/shared/issue.ts), with the parts a CSV problem always has. */
export interface ImportIssue extends Issue {
  file: string;
  /** 1-based physical line in the file (header = line 1); null for file-level problems such as an empty file. */
  line: number | null;
  /** Column name as written in the file (or the canonical name of a missing column); null when no column is involved. */
  field: string | null;
  /** What was expected and what was found. */
  message: string;
}

/** Enough to fix a file; more would only flood the UI and memory (a broken 1M-row file could yield millions). */
export const MAX_ISSUES = 1000;

export class OhlcvImportError extends Error {
  readonly file: string;
  /** The first MAX_ISSUES problems, in line order. */
  readonly issues: ImportIssue[];
  /** All problems found, including those beyond the cap. */
  readonly totalIssues: number;

  /** What the importer had decided when it stopped (settings.ts Detected), so a preview can still show it. */
  readonly detected: unknown;

  constructor(file: string, issues: ImportIssue[], totalIssues: number = issues.length, detected: unknown = null) {
    const more = totalIssues - issues.length;
    const lines = issues.map(formatIssue);
    if (more > 0) lines.push(`... and ${more} more problem${more === 1 ? '' : 's'} (${totalIssues} in total)`);
    super(`cannot import ${file}: ${totalIssues} problem${totalIssues === 1 ? '' : 's'}\n${lines.join('\n')}`);
    this.name = 'OhlcvImportError';
    this.file = file;
    this.issues = issues;
    this.totalIssues = totalIssues;
    this.detected = detected;
  }
}

/** Collects issues in line order, keeping the first `cap` and counting the rest. */
export class IssueList {
  readonly items: ImportIssue[] = [];
  total = 0;

  constructor(
    private readonly file: string,
    private readonly cap: number = MAX_ISSUES,
  ) {}

  add(line: number | null, field: string | null, message: string): void {
    this.total++;
    // Messages quote cells of the file: capped and without control characters (message-text.ts).
    if (this.items.length < this.cap)
      this.items.push({ file: this.file, line, field: field === null ? null : clipMessage(field, 100), message: clipMessage(message) });
  }
}

/**
 * Merges two line-ordered capped lists into one, still line-ordered and capped.
 * Each input kept its own first `cap` items, so the merged first `cap` is exact.
 */
export function mergeIssueLists(a: IssueList, b: IssueList, cap: number = MAX_ISSUES): { items: ImportIssue[]; total: number } {
  const items: ImportIssue[] = [];
  let i = 0;
  let j = 0;
  while (items.length < cap && (i < a.items.length || j < b.items.length)) {
    const x = a.items[i];
    const y = b.items[j];
    if (y === undefined || (x !== undefined && (x.line ?? 0) <= (y.line ?? 0))) {
      items.push(x);
      i++;
    } else {
      items.push(y);
      j++;
    }
  }
  return { items, total: a.total + b.total };
}
