/**
 * The import dialog's preview: the first rows of a file as a table, what detection made of them,
 * the parsed bars (for a small candlestick chart), and the problems, before anything is written.
 * Only the first `rows` data rows are read, so a preview of a 10M-row file costs nothing; the real
 * import still checks every row.
 */
import { parse } from 'csv-parse/sync';
import { OhlcvImportError } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { parseOhlcvBuffer } from './ohlcv.ts';
import type { Detected, ImportSettings } from './settings.ts';
import { sniff } from './sniff.ts';

export interface ImportPreview {
  ok: boolean;
  detected: Detected | null;
  /** The first lines of the file, split with the detected separator (banner and header included). */
  table: string[][];
  bars: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] | null };
  issues: ImportIssue[];
  totalIssues: number;
  warnings: ImportIssue[];
}

const TABLE_LINES = 20;

/** The text up to the end of line `n` (1-based), or all of it. */
function firstLines(text: string, n: number): string {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return text;
  }
  return text.slice(0, at + 1);
}

export function previewCsv(text: string, fileName: string, settings: ImportSettings = {}, rows = 200): ImportPreview {
  // A few lines more than the rows asked for: banner, header and blank lines.
  const head = Buffer.from(firstLines(text, rows + 40), 'utf8');
  const s = sniff(head, { skip: settings.skip });
  let table: string[][] = [];
  try {
    table = parse(firstLines(text, TABLE_LINES), {
      delimiter: s.delimiter,
      relax_column_count: true,
      relax_quotes: true,
      bom: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch {
    table = firstLines(text, TABLE_LINES)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => [l]);
  }
  const empty = { time: [], open: [], high: [], low: [], close: [], volume: null };
  try {
    const p = parseOhlcvBuffer(head, fileName, { settings, maxRows: rows });
    const b = p.bars;
    return {
      ok: true,
      detected: p.detected,
      table,
      bars: {
        time: Array.from(b.time),
        open: Array.from(b.open),
        high: Array.from(b.high),
        low: Array.from(b.low),
        close: Array.from(b.close),
        volume: b.volume === null ? null : Array.from(b.volume),
      },
      issues: [],
      totalIssues: 0,
      warnings: p.warnings,
    };
  } catch (e) {
    if (!(e instanceof OhlcvImportError)) throw e;
    return { ok: false, detected: (e.detected as Detected | null) ?? null, table, bars: empty, issues: e.issues, totalIssues: e.totalIssues, warnings: [] };
  }
}
