/**
 * Interchange of labelled windows: a JSON form (series, label types, windows with spans) and a flat
 * CSV form (one row per span). Both are specified in docs/formats.md.
 *
 * This module is the public face; each job has its file: labels-types.ts (the document and its
 * error), span-checks.ts (checks both forms share), labels-json.ts, labels-csv.ts, labels-file.ts
 * (the only file-system access), bar-checks.ts (checks against a series' bars).
 */
export { formatIssue } from '../shared/issue.ts';
export * from './labels-types.ts';
export { describeValue } from './span-checks.ts';
export { parseLabelsJson, serializeLabelsJson } from './labels-json.ts';
export { LABELS_CSV_COLUMNS, LABELS_CSV_PROVENANCE_COLUMNS, csvField, parseLabelsCsv, serializeLabelsCsv } from './labels-csv.ts';
export { readLabelsFile } from './labels-file.ts';
export { checkAgainstBars } from './bar-checks.ts';
