/**
 * Written dates and times beyond ISO-8601, as vendors export them: `01.01.2017 22:00:00.000`
 * (Dukascopy), `2019-10-17 09-AM` (CryptoDataDownload), `19980102 00:00` (QuantConnect LEAN),
 * `01/31/2020`, `Jan 02, 2009`, `2 Jan 2009 9:00 PM`, `2017.01.02`.
 *
 * A cell is split into fields (year, month, day, clock, zone) without Date.parse, which would read
 * zone-less text as the machine's local time. Whether `01/02/2020` is day-first or month-first is
 * not decided here from one cell: the caller passes the order it decided for the whole column
 * (`decideDateOrder`), because a single cell cannot settle it.
 *
 * Results are "wall clock" milliseconds (the written fields read as if UTC) plus the zone offset
 * written in the cell, if any; the caller applies `--tz` to zone-less cells.
 */
import { daysFromCivil } from './timestamps.ts';

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface WallTime {
  /** The written date and time as if it were UTC. */
  wallMs: number;
  /** Minutes east of UTC written in the cell (Z = 0); null when the cell has no zone. */
  offsetMin: number | null;
  hasClock: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

// Date layouts, tried in this order. Year-first layouts are always y-m-d.
const YMD_RE = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})/;
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})(?=$|[ T])/;
const NUMERIC_RE = /^(\d{1,2})([-./])(\d{1,2})\2(\d{4})/;
const MONTH_FIRST_RE = /^([A-Za-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})/;
const DAY_MONTH_RE = /^(\d{1,2})[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4})/;
// The clock after the date: `T` or spaces (or ", "), then H[:mm[:ss[.fff]]] with an optional 12-hour
// marker (`9 PM`, `09-AM`, `9:00 p.m.`), then an optional zone.
const CLOCK_RE =
  /^(?:[Tt]|\s+|,\s*)(\d{1,2})(?:[:-](\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:-\s*)?([AaPp])?\.?([Mm])?\.?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const ZONE_ONLY_RE = /^\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/** The date fields of a cell: [first, second] numbers when the order is undecided, and the rest. */
interface DateFields {
  year: number;
  month: number;
  day: number;
  /** For NUMERIC_RE cells: the two leading numbers, whose order decides day vs month. */
  ambiguous: [number, number] | null;
  rest: string;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function dateFields(s: string, order: DateOrder | null): DateFields | null {
  let m = YMD_RE.exec(s);
  if (m !== null) return { year: +m[1], month: +m[3], day: +m[4], ambiguous: null, rest: s.slice(m[0].length) };
  m = COMPACT_RE.exec(s);
  if (m !== null) return { year: +m[1], month: +m[2], day: +m[3], ambiguous: null, rest: s.slice(m[0].length) };
  m = NUMERIC_RE.exec(s);
  if (m !== null) {
    const a = +m[1];
    const b = +m[3];
    // Undecided order: read day-first for now; the caller decides the order from the whole column.
    const monthFirst = order === 'mdy';
    return { year: +m[4], month: monthFirst ? a : b, day: monthFirst ? b : a, ambiguous: [a, b], rest: s.slice(m[0].length) };
  }
  m = MONTH_FIRST_RE.exec(s);
  if (m !== null) {
    const month = MONTHS[m[1].toLowerCase()];
    if (month === undefined) return null;
    return { year: +m[3], month, day: +m[2], ambiguous: null, rest: s.slice(m[0].length) };
  }
  m = DAY_MONTH_RE.exec(s);
  if (m !== null) {
    const month = MONTHS[m[2].toLowerCase()];
    if (month === undefined) return null;
    return { year: +m[3], month, day: +m[1], ambiguous: null, rest: s.slice(m[0].length) };
  }
  return null;
}

function zoneMinutes(z: string | undefined): number | null | undefined {
  if (z === undefined) return null;
  if (z === 'Z' || z === 'z' || z === 'UTC' || z === 'GMT') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const zh = +digits.slice(0, 2);
  const zm = digits.length > 2 ? +digits.slice(2, 4) : 0;
  if (zh > 23 || zm > 59) return undefined;
  return sign * (zh * 60 + zm);
}

/**
 * Parses a written date/datetime; null if the text is none of the layouts above or names an
 * impossible date or time. `order` decides `01/02/2020`; with null such cells read day-first.
 */
export function parseWrittenTime(text: string, order: DateOrder | null): WallTime | null {
  const s = text.trim();
  const d = dateFields(s, order);
  if (d === null) return null;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(d.year, d.month)) return null;
  const dayMs = daysFromCivil(d.year, d.month, d.day) * 86_400_000;
  if (d.rest === '' || ZONE_ONLY_RE.test(d.rest)) {
    const z = zoneMinutes(ZONE_ONLY_RE.exec(d.rest)?.[1]);
    if (z === undefined) return null;
    return { wallMs: dayMs, offsetMin: z, hasClock: false };
  }
  const c = CLOCK_RE.exec(d.rest);
  if (c === null) return null;
  let hour = +c[1];
  const minute = c[2] === undefined ? 0 : +c[2];
  const second = c[3] === undefined ? 0 : +c[3];
  const ampm = c[5];
  if (ampm !== undefined) {
    if (c[6] === undefined || hour < 1 || hour > 12) return null;
    // 12 AM is midnight, 12 PM is noon.
    hour = (hour % 12) + (ampm === 'P' || ampm === 'p' ? 12 : 0);
  } else if (c[6] !== undefined || c[2] === undefined) {
    // "M" without A/P, or a bare hour without AM/PM ("2020-01-01 09"): not a clock we can trust.
    return null;
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Fractions finer than a millisecond are truncated: bar times are stored in whole milliseconds.
  const millis = c[4] === undefined ? 0 : +c[4].slice(0, 3).padEnd(3, '0');
  const z = zoneMinutes(c[7]);
  if (z === undefined) return null;
  return { wallMs: dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + millis, offsetMin: z, hasClock: true };
}

/** The two leading numbers of a `01/02/2020`-style cell, or null for any other layout. */
export function ambiguousPair(text: string): [number, number] | null {
  const m = NUMERIC_RE.exec(text.trim());
  return m === null ? null : [+m[1], +m[3]];
}

/** Collects a column's `a/b/yyyy` pairs and says which order they fit. */
export class DateOrderVote {
  firstAbove12 = 0;
  secondAbove12 = 0;
  firstExample = '';
  secondExample = '';
  seen = 0;

  add(text: string): void {
    const p = ambiguousPair(text);
    if (p === null) return;
    this.seen++;
    if (p[0] > 12 && this.firstAbove12++ === 0) this.firstExample = text.trim();
    if (p[1] > 12 && this.secondAbove12++ === 0) this.secondExample = text.trim();
  }

  /** 'dmy' / 'mdy' when the column settles it; 'conflict' when both positions exceed 12; null when nothing does. */
  decide(): DateOrder | 'conflict' | null {
    if (this.firstAbove12 > 0 && this.secondAbove12 > 0) return 'conflict';
    if (this.firstAbove12 > 0) return 'dmy';
    if (this.secondAbove12 > 0) return 'mdy';
    return null;
  }
}

/** A human description of a cell's layout, e.g. `DD.MM.YYYY HH:mm:ss.SSS`, for the import report. */
export function describeLayout(text: string, order: DateOrder | null): string {
  const s = text.trim();
  let out = '';
  let rest = s;
  let m: RegExpExecArray | null;
  if ((m = YMD_RE.exec(s)) !== null) {
    out = `YYYY${m[2]}MM${m[2]}DD`;
    rest = s.slice(m[0].length);
  } else if ((m = COMPACT_RE.exec(s)) !== null) {
    out = 'YYYYMMDD';
    rest = s.slice(m[0].length);
  } else if ((m = NUMERIC_RE.exec(s)) !== null) {
    out = order === 'mdy' ? `MM${m[2]}DD${m[2]}YYYY` : order === 'dmy' ? `DD${m[2]}MM${m[2]}YYYY` : `??${m[2]}??${m[2]}YYYY (day/month order undecided)`;
    rest = s.slice(m[0].length);
  } else if ((m = MONTH_FIRST_RE.exec(s)) !== null) {
    out = 'MMM DD, YYYY';
    rest = s.slice(m[0].length);
  } else if ((m = DAY_MONTH_RE.exec(s)) !== null) {
    out = 'DD MMM YYYY';
    rest = s.slice(m[0].length);
  } else {
    return JSON.stringify(s);
  }
  const c = CLOCK_RE.exec(rest);
  if (c !== null) {
    const sep = rest.startsWith('T') ? 'T' : ' ';
    const twelve = c[5] !== undefined;
    let clock = twelve ? 'hh' : 'HH';
    if (c[2] !== undefined) clock += (rest.includes('-') && /\d-\d/.test(rest) ? '-' : ':') + 'mm';
    if (c[3] !== undefined) clock += ':ss';
    if (c[4] !== undefined) clock += '.' + 'S'.repeat(c[4].length);
    if (twelve) clock += /\d-\s*[AaPp]/.test(rest) ? '-A' : ' A';
    if (c[7] !== undefined) clock += ' Z';
    out += sep + clock;
  }
  return out;
}
