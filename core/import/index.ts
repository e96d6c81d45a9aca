/** OHLCV CSV import: the public surface. See ohlcv.ts for the pipeline. */
export { OhlcvImportError, MAX_ISSUES, formatIssue } from './issues.ts';
export type { ImportIssue } from './issues.ts';
export { parseOhlcvCsv, parseOhlcvBuffer, parseOhlcvBufferAsync, readOhlcvCsvFile } from './ohlcv.ts';
export { checkSettings, COLUMN_ROLES } from './settings.ts';
export type { ImportSettings, Detected, DetectedColumn } from './settings.ts';
export type { ParsedOhlcv, ImportOptions } from './ohlcv.ts';
export { parseIsoTime, parseTimeCell, detectTimeKind, EPOCH_MS_THRESHOLD } from './timestamps.ts';
export type { TimeFormat, TimeKind } from './timestamps.ts';
export { mapColumns, normaliseHeader, SYNONYMS } from './columns.ts';
export type { Canonical, ColumnMapping } from './columns.ts';
export { previewCsv } from './preview.ts';
export type { ImportPreview } from './preview.ts';
export { resampleBars, ResampleError, RESAMPLE_STEPS } from './resample.ts';
export { barsToCsv, isoUtc } from './export-csv.ts';
