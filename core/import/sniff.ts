/**
 * The shape of a file, judged from its first lines the way a person would look at it: which
 * separator, how many banner/comment lines come before the header, whether there is a header at
 * all (a first line of numbers and times is data), and whether numbers use a decimal comma.
 */
import { parse } from 'csv-parse/sync';
import { mapColumns } from './columns.ts';
import { parseNumberCell } from './numbers.ts';
import type { Delimiter } from './records.ts';
import { detectKind } from './time-reader.ts';

/** Enough lines to see past any banner and judge the data, small enough to cost nothing. */
const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 200;
/** Banner lines are a handful at most; beyond this the "header" search gives up and line 1 is the header. */
const MAX_BANNER = 20;
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

export interface Sniffed {
  delimiter: Delimiter;
  /** Records before the header (or first data row): banner/comment lines, or `skip`. */
  skip: number;
  skippedLines: { line: number; text: string }[];
  /** False when the first line after the banner is data. */
  header: boolean;
  /** The first data row (split), when there is one in the sample. */
  sampleRow: string[] | null;
  /** Any number cell in the sample written with a decimal comma (1,0523). */
  sawDecimalComma: boolean;
}

/** The first lines of the buffer as text (cut at the last whole line). */
function sampleLines(buf: Buffer): string[] {
  let text = buf.subarray(0, SAMPLE_BYTES).toString('utf8');
  if (buf.length > SAMPLE_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
  return text
    .split('\n')
    .slice(0, SAMPLE_LINES)
    .map((l) => l.replace(/\r$/, ''));
}

function split(line: string, delimiter: Delimiter): string[] {
  try {
    const r = parse(line, { delimiter, relax_quotes: true, relax_column_count: true, bom: false }) as string[][];
    return r[0] ?? [''];
  } catch {
    return line.split(delimiter);
  }
}

/** A cell that reads as a number or a time: what data rows are made of. */
function isValueCell(cell: string): boolean {
  const t = cell.trim();
  if (t === '') return false;
  return parseNumberCell(t, false) === parseNumberCell(t, false) || parseNumberCell(t, true) === parseNumberCell(t, true) || detectKind(t) !== null;
}

/** A line of values (at least three numbers or times, and most of its non-empty cells): data, not a header. */
function isDataLine(cells: string[]): boolean {
  const filled = cells.filter((c) => c.trim() !== '');
  const values = filled.filter(isValueCell).length;
  return values >= 3 && values >= filled.length - 1;
}

/** Widths of the lines under one delimiter; the score is how many lines share the commonest width (>= 2). */
function score(lines: string[], delimiter: Delimiter): { width: number; count: number } {
  const counts = new Map<number, number>();
  for (const l of lines) {
    if (l.trim() === '') continue;
    const w = split(l, delimiter).length;
    if (w >= 2) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let best = { width: 1, count: 0 };
  for (const [width, count] of counts) if (count > best.count || (count === best.count && width > best.width)) best = { width, count };
  return best;
}

export function sniff(buf: Buffer, opts: { skip?: number; headerless?: boolean } = {}): Sniffed {
  const lines = sampleLines(buf);
  let delimiter: Delimiter = ',';
  let best = { width: 1, count: -1 };
  for (const d of CANDIDATES) {
    // Only separators that occur at all; ties keep the earlier candidate (',' first).
    if (!lines.some((l) => l.includes(d))) continue;
    const s = score(lines.slice(opts.skip ?? 0), d);
    if (s.count > best.count || (s.count === best.count && s.width > best.width)) {
      best = s;
      delimiter = d;
    }
  }
  const skippedLines: { line: number; text: string }[] = [];
  let skip = opts.skip ?? 0;
  for (let i = 0; i < skip && i < lines.length; i++) skippedLines.push({ line: i + 1, text: lines[i] });
  let header = opts.headerless !== true;
  let sampleRow: string[] | null = null;
  if (opts.skip === undefined) {
    // Banner lines: leading non-blank lines that neither have the file's width nor name any columns nor hold data.
    for (let i = 0; i < Math.min(lines.length, MAX_BANNER); i++) {
      const l = lines[i];
      if (l.trim() === '') continue;
      const cells = split(l, delimiter);
      const named = Object.values(mapColumns(cells).index).filter((x) => x !== -1).length;
      const comment = l.trimStart().startsWith('#');
      if (!comment && (isDataLine(cells) || cells.length === best.width || named >= 2)) break;
      skippedLines.push({ line: i + 1, text: l });
      skip = i + 1;
    }
    // A banner is only what precedes a real header or data; if nothing followed, there was no banner.
    if (!lines.slice(skip).some((l) => l.trim() !== '')) {
      skip = 0;
      skippedLines.length = 0;
    }
  }
  // Header or data? Blank lines after the skipped ones do not count.
  let first = skip;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first < lines.length) {
    const cells = split(lines[first], delimiter);
    if (opts.headerless === undefined && isDataLine(cells)) header = false;
    sampleRow = header ? null : cells;
    if (header) {
      let next = first + 1;
      while (next < lines.length && lines[next].trim() === '') next++;
      if (next < lines.length) sampleRow = split(lines[next], delimiter);
    }
  }
  let sawDecimalComma = false;
  if (delimiter !== ',') {
    for (const l of lines.slice(skip + (header ? 1 : 0), skip + 50)) {
      if (split(l, delimiter).some((c) => /^\s*[+-]?\d+,\d+\s*$/.test(c))) {
        sawDecimalComma = true;
        break;
      }
    }
  }
  return { delimiter, skip, skippedLines, header, sampleRow, sawDecimalComma };
}
