/** What an OHLCV import returns and the options every entry point takes (see ohlcv.ts for the pipeline). */
import type { BarColumns } from '../domain/types.ts';
import type { Canonical } from './columns.ts';
import type { ImportIssue } from './issues.ts';
import type { Delimiter } from './records.ts';
import type { Detected, ImportSettings } from './settings.ts';
import type { TimeFormat } from './timestamps.ts';

export interface ParsedOhlcv {
  file: string;
  bars: BarColumns;
  rowCount: number;
  delimiter: Delimiter;
  /** epoch-s, epoch-ms, iso-date, iso-datetime as before; epoch-us, epoch-ns, written for the rest (see detected.timeFormat). */
  timeFormat: TimeFormat | 'epoch-us' | 'epoch-ns' | 'written';
  /** Each column's header as written in the file (trimmed); null for an absent volume column. */
  columns: Record<Canonical, string | null>;
  /** Non-fatal notes: ignored unknown or adjusted-close columns, dropped duplicate rows. */
  warnings: ImportIssue[];
  detected: Detected;
}

export interface ImportOptions {
  /** Called with 0..1 as the file is worked through, and with 1 at the end. */
  onProgress?: (fraction: number) => void;
  /** What the analyst said about the file (CLI flags, the import dialog). */
  settings?: ImportSettings;
  /** Stops reading between pieces; the import fails with "cancelled" and nothing is returned. */
  signal?: AbortSignal;
  /** Stop after this many data rows (previews); the result is marked truncated in its notes. */
  maxRows?: number;
}
