/**
 * What an analyst can say about a file when detection cannot decide (`--columns`, `--time-format`,
 * `--date-order`, `--tz`, `--decimal`, `--skip`, `--price-scale`), and what the importer detected.
 * Settings are stored with the series (migration 005) and reused on re-import; the detection
 * report goes back to the caller so nothing is silently guessed.
 */
import type { DateOrder } from './datetime.ts';
import { isKnownZone } from './zone.ts';
import { EPOCH_KINDS } from './time-reader.ts';

export interface ImportSettings {
  /** Column roles in file order (for headerless files, or to override a header): time, date, clock, open, high, low, close, volume, skip. */
  columns?: string[];
  /** epoch-s | epoch-ms | epoch-us | epoch-ns | iso, or a pattern such as DD.MM.YYYY HH:mm:ss. */
  timeFormat?: string;
  dateOrder?: DateOrder;
  /** IANA zone in which zone-less times are read (DST included); stored as UTC. */
  tz?: string;
  decimal?: '.' | ',';
  /** Lines to skip before the header (or the first data row of a headerless file). */
  skip?: number;
  /** Every price is multiplied by this (LEAN stores equity prices in 1/10,000 dollars: 0.0001). */
  priceScale?: number;
}

/** Roles a `--columns` entry may name. `clock` is a time-of-day column next to a date column. */
export const COLUMN_ROLES = ['time', 'date', 'clock', 'open', 'high', 'low', 'close', 'volume', 'skip'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface DetectedColumn {
  index: number;
  /** As written in the header; "column N" in a headerless file. */
  name: string;
  /** time, date, clock, open, high, low, close, volume, time-check (a second time column checked against the first), or ignored. */
  role: string;
  note?: string;
}

/** Everything the importer decided about a file, for the CLI to print and the app to show. */
export interface Detected {
  delimiter: string;
  decimal: '.' | ',';
  /** Banner/comment lines before the header (1-based line numbers and their text), or lines skipped by `skip`. */
  skippedLines: { line: number; text: string }[];
  header: boolean;
  columns: DetectedColumn[];
  timeFormat: string;
  dateOrder: DateOrder | null;
  timeZone: string;
  /** 'oldest-first', or 'newest-first' when the rows were reversed. */
  rowOrder: 'oldest-first' | 'newest-first';
  duplicatesDropped: number;
  /** The volume column used, or why there is none. */
  volume: string;
  priceScale: number;
  /** Everything else worth saying, in plain words. */
  notes: string[];
}

const ORDERS: readonly DateOrder[] = ['dmy', 'mdy', 'ymd'];

/** Checks settings from any caller; returns the problems in words (empty when fine). */
export function checkSettings(s: ImportSettings): string[] {
  const bad: string[] = [];
  if (s.columns !== undefined) {
    const unknown = s.columns.filter((c) => !(COLUMN_ROLES as readonly string[]).includes(c.trim().toLowerCase()) && c.trim() !== '-' && c.trim() !== '');
    if (unknown.length > 0)
      bad.push(
        `columns: unknown role ${unknown.map((u) => JSON.stringify(u)).join(', ')}; expected names from ${COLUMN_ROLES.join(', ')} (skip, "-" or empty for a column to ignore)`,
      );
  }
  if (s.timeFormat !== undefined && !(EPOCH_KINDS as readonly string[]).includes(s.timeFormat) && s.timeFormat !== 'iso' && !/YYYY/.test(s.timeFormat)) {
    bad.push(
      `time-format: expected epoch-s, epoch-ms, epoch-us, epoch-ns, iso or a pattern with YYYY, MM, DD (e.g. DD.MM.YYYY HH:mm:ss), got ${JSON.stringify(s.timeFormat)}`,
    );
  }
  if (s.dateOrder !== undefined && !ORDERS.includes(s.dateOrder)) bad.push(`date-order: expected dmy, mdy or ymd, got ${JSON.stringify(s.dateOrder)}`);
  if (s.tz !== undefined && !isKnownZone(s.tz))
    bad.push(`tz: expected an IANA time zone name such as Europe/Berlin or America/New_York, got ${JSON.stringify(s.tz)}`);
  if (s.decimal !== undefined && s.decimal !== '.' && s.decimal !== ',') bad.push(`decimal: expected "." or ",", got ${JSON.stringify(s.decimal)}`);
  if (s.skip !== undefined && !(Number.isInteger(s.skip) && s.skip >= 0)) bad.push(`skip: expected a whole number >= 0, got ${s.skip}`);
  if (s.priceScale !== undefined && !(Number.isFinite(s.priceScale) && s.priceScale > 0)) bad.push(`price-scale: expected a number > 0, got ${s.priceScale}`);
  return bad;
}
