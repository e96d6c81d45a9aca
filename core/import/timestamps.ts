/**
 * Time cells of OHLCV files → epoch milliseconds (UTC).
 *
 * Parsed by hand, not with Date.parse: Date.parse reads a zone-less datetime such as
 * "2020-01-31T10:00:00" as LOCAL time, so the same file would import differently on machines in
 * different time zones. Here a time without a zone is always UTC.
 */

export type TimeFormat = 'epoch-s' | 'epoch-ms' | 'iso-date' | 'iso-datetime';
/** Epoch files are decided once per file; ISO files accept dates and datetimes side by side. */
export type TimeKind = 'epoch-s' | 'epoch-ms' | 'iso';

/** At or above this an epoch number is milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;

const EPOCH_RE = /^[+-]?\d+(?:\.\d+)?$/;
// YYYY-MM-DD, optionally followed by T or space, HH:MM[:SS[.fff]] and an optional zone (Z, +01:00, +0100, +01).
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

export interface ParsedTime {
  ms: number;
  /** True when the cell had a time of day (decides 'iso-date' vs 'iso-datetime' for the file). */
  hasClock: boolean;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's days_from_civil); no Date, no local zone. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses an ISO-8601 date or datetime; null if the text is not one or names an impossible date/time. */
export function parseIsoTime(text: string): ParsedTime | null {
  const m = ISO_RE.exec(text.trim());
  if (m === null) return null;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (m[4] === undefined) return { ms, hasClock: false };
  const hour = +m[4];
  const minute = +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Fractions finer than a millisecond are truncated: bar times are stored in whole milliseconds.
  const millis = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, '0');
  ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = +digits.slice(0, 2);
    const zm = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (zh > 23 || zm > 59) return null;
    // Local time = UTC + offset, so UTC = local - offset.
    ms -= sign * (zh * 60 + zm) * 60_000;
  }
  return { ms, hasClock: true };
}

const D0 = 48; // '0'

/** Two ASCII digits at i as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - D0;
  const b = s.charCodeAt(i + 1) - D0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Exactly "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (the two layouts nearly every export uses), read
 * by character code without a regex; null for anything else, which then takes the general path.
 */
function parseIsoFast(s: string): { ok: true; ms: number; hasClock: boolean } | null {
  const n = s.length;
  if ((n !== 10 && n !== 20) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y1 = twoDigits(s, 0);
  const y2 = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return null;
  const year = y1 * 100 + y2;
  if (day > daysInMonth(year, month)) return null;
  const dayMs = daysFromCivil(year, month, day) * 86_400_000;
  if (n === 10) return { ok: true, ms: dayMs, hasClock: false };
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return null; // T : : Z
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return { ok: true, ms: dayMs + ((hour * 60 + minute) * 60 + second) * 1000, hasClock: true };
}

/** The number in an epoch cell, or null if the cell is not a plain decimal number. */
export function parseEpochNumber(text: string): number | null {
  const t = text.trim();
  if (!EPOCH_RE.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Which kind of time a file uses, judged from one cell; null if the cell is neither epoch nor ISO. */
export function detectTimeKind(text: string): TimeKind | null {
  const n = parseEpochNumber(text);
  if (n !== null) return Math.abs(n) >= EPOCH_MS_THRESHOLD ? 'epoch-ms' : 'epoch-s';
  return parseIsoTime(text) !== null ? 'iso' : null;
}

export const TIME_KIND_DESCRIPTION: Record<TimeKind, string> = {
  'epoch-s': 'epoch seconds',
  'epoch-ms': 'epoch milliseconds',
  iso: 'an ISO-8601 date or datetime (e.g. 2020-01-31 or 2020-01-31T10:00:00Z)',
};

export type TimeResult = { ok: true; ms: number; hasClock: boolean } | { ok: false; message: string };

/**
 * Parses one time cell in a file already known to use `kind`. The failure message says what was
 * expected and what was found, and points out the usual slip (a seconds value in a milliseconds file, etc.).
 */
export function parseTimeCell(text: string, kind: TimeKind): TimeResult {
  if (kind === 'iso') {
    // Hot path for the usual exports; everything else goes through the general parser below.
    const fast = parseIsoFast(text);
    if (fast !== null) return fast;
  }
  const shown = JSON.stringify(text.trim());
  if (text.trim() === '') return { ok: false, message: `expected ${TIME_KIND_DESCRIPTION[kind]}, found an empty cell` };
  if (kind === 'iso') {
    const t = parseIsoTime(text);
    if (t !== null) return { ok: true, ms: t.ms, hasClock: t.hasClock };
    const other = parseEpochNumber(text) !== null ? ' (an epoch number in a file of ISO times)' : '';
    return { ok: false, message: `expected ${TIME_KIND_DESCRIPTION.iso} like the rest of the file, found ${shown}${other}` };
  }
  const n = parseEpochNumber(text);
  if (n === null) {
    const other = parseIsoTime(text) !== null ? ' (an ISO time in a file of epoch numbers)' : '';
    return { ok: false, message: `expected ${TIME_KIND_DESCRIPTION[kind]} like the rest of the file, found ${shown}${other}` };
  }
  const isMs = Math.abs(n) >= EPOCH_MS_THRESHOLD;
  if (kind === 'epoch-ms' && !isMs) {
    return { ok: false, message: `expected epoch milliseconds (>= 1e11) like the rest of the file, found ${shown}, which looks like seconds` };
  }
  if (kind === 'epoch-s' && isMs) {
    return { ok: false, message: `expected epoch seconds (< 1e11) like the rest of the file, found ${shown}, which looks like milliseconds` };
  }
  // Round: fractional seconds (or a stray fraction on ms) are stored as whole milliseconds.
  return { ok: true, ms: Math.round(kind === 'epoch-s' ? n * 1000 : n), hasClock: true };
}

export function timeFormatOf(kind: TimeKind, anyClock: boolean): TimeFormat {
  if (kind === 'iso') return anyClock ? 'iso-datetime' : 'iso-date';
  return kind;
}
