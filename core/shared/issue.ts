/**
 * The one shape of "a located problem" in Candlemark, and its one text form. CSV imports, labels
 * interchange, the service's errors, the CLI and the renderer all use these: an import's issue is
 * passed through to the wire as is, and reads the same in a terminal and in the app.
 *
 * Pure (no Node, no DOM): the renderer imports it.
 */

/** One concrete problem, located as precisely as we can: file, line, window, field. */
export interface Issue {
  /** The file as the user named it. */
  file?: string | null;
  /** 1-based physical line in the file (CSV header = line 1). */
  line?: number | null;
  /** The window's id (as written in the file, or the store's). */
  window?: string | null;
  /** 0-based position of the window in a labels file; absent when the problem is not in a window. */
  windowIndex?: number;
  /** Column name, argument name, or a path inside a document (`spans[0].end`). */
  field?: string | null;
  /** What was expected and what was found. */
  message: string;
}

/**
 * The one-line form, the way a compiler reports: `file:line: windows[3] (id "w-17"): field: message`
 * (a window given without its position reads `window "w-17"`). Parts that are absent are left out.
 */
export function formatIssue(issue: Issue): string {
  const parts: string[] = [];
  if (issue.file) parts.push(issue.line != null ? `${issue.file}:${issue.line}` : issue.file);
  else if (issue.line != null) parts.push(`line ${issue.line}`);
  if (issue.windowIndex !== undefined) {
    parts.push(issue.window == null ? `windows[${issue.windowIndex}]` : `windows[${issue.windowIndex}] (id ${JSON.stringify(issue.window)})`);
  } else if (issue.window != null) {
    parts.push(`window ${JSON.stringify(issue.window)}`);
  }
  if (issue.field) parts.push(issue.field);
  parts.push(issue.message);
  return parts.join(': ');
}
