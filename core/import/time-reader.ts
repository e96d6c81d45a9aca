/**
 * One time column of a file → UTC milliseconds, with the format decided once per file.
 *
 * The first non-empty cell decides the kind (unless `--time-format` names it): an epoch number
 * (its magnitude gives the unit: s, ms, µs or ns), an ISO-8601 time (fast path), or a written
 * date/time (datetime.ts). Written `a/b/yyyy` dates need a day/month order decided from the whole
 * column: while it is undecided the reader only votes (`vote`), and the importer runs a second pass
 * with the order the vote settled. Zone-less times are read in `zone` (an IANA name; default UTC).
 */
import { DateOrderVote, ambiguousPair, describeLayout, parseWrittenTime } from './datetime.ts';
import type { DateOrder } from './datetime.ts';
import { parseEpochNumber, parseIsoTime, parseTimeCell, EPOCH_MS_THRESHOLD } from './timestamps.ts';
import { ZoneConverter, formatOffset } from './zone.ts';

export type TimeKindX = 'epoch-s' | 'epoch-ms' | 'epoch-us' | 'epoch-ns' | 'iso' | 'written';
export const EPOCH_KINDS = ['epoch-s', 'epoch-ms', 'epoch-us', 'epoch-ns'] as const;

const EPOCH_UNIT: Record<string, { div: number; name: string; min: number; max: number }> = {
  'epoch-s': { div: 1e-3, name: 'epoch seconds', min: 0, max: EPOCH_MS_THRESHOLD },
  'epoch-ms': { div: 1, name: 'epoch milliseconds', min: EPOCH_MS_THRESHOLD, max: 1e14 },
  'epoch-us': { div: 1e3, name: 'epoch microseconds', min: 1e14, max: 1e17 },
  'epoch-ns': { div: 1e6, name: 'epoch nanoseconds', min: 1e17, max: Infinity },
};

/** The unit an epoch number's magnitude implies (1e11 s is the year 5138; 1e11 ms is 1973; …). */
export function epochKindOf(n: number): TimeKindX {
  const a = Math.abs(n);
  return a < 1e11 ? 'epoch-s' : a < 1e14 ? 'epoch-ms' : a < 1e17 ? 'epoch-us' : 'epoch-ns';
}

/** An 8-digit 19000101..21001231 integer is a YYYYMMDD date, not epoch seconds in 1970. */
function isCompactDate(t: string): boolean {
  return /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(t);
}

/** The kind one cell implies, or null when it reads as none. */
export function detectKind(cell: string): TimeKindX | null {
  const t = cell.trim();
  if (!isCompactDate(t)) {
    const n = parseEpochNumber(t);
    if (n !== null) return epochKindOf(n);
  }
  if (parseIsoTime(t) !== null) return 'iso';
  if (parseWrittenTime(t, null) !== null) return 'written';
  return null;
}

export interface TimeSettings {
  /** epoch-s|epoch-ms|epoch-us|epoch-ns|iso, or a pattern such as DD.MM.YYYY HH:mm (its day/month order is used). */
  timeFormat?: string;
  dateOrder?: DateOrder;
  /** IANA zone for zone-less times. */
  tz?: string;
}

/** The day/month order a `--time-format` pattern implies (DD before MM → dmy). */
export function orderOfPattern(p: string): DateOrder | null {
  const y = p.indexOf('YYYY');
  const m = p.search(/MM(?!m)/);
  const d = p.indexOf('DD');
  if (m < 0 || d < 0) return null;
  if (y >= 0 && y < m && y < d) return 'ymd';
  return d < m ? 'dmy' : 'mdy';
}

export type TimeRead = { ok: true; ms: number } | { ok: false; message: string };

// Pattern tokens, longest first: what each may match in a cell.
const TOKENS: [string, string][] = [
  ['YYYY', '\\d{4}'],
  ['MMMM', '[A-Za-z]{3,9}'],
  ['MMM', '[A-Za-z]{3}\\.?'],
  ['MM', '\\d{1,2}'],
  ['DD', '\\d{1,2}'],
  ['HH', '\\d{1,2}'],
  ['hh', '\\d{1,2}'],
  ['mm', '\\d{2}'],
  ['ss', '\\d{2}'],
  ['SSS', '\\d{1,9}'],
  ['M', '\\d{1,2}'],
  ['D', '\\d{1,2}'],
  ['H', '\\d{1,2}'],
  ['h', '\\d{1,2}'],
  ['S', '\\d{1,9}'],
  ['A', '[AaPp]\\.?[Mm]\\.?'],
  ['Z', '(?:Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)'],
];

/** A `--time-format` pattern as a whole-cell regex (tokens above; spaces match any run of spaces; other characters literally). */
export function patternRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length;) {
    const t = TOKENS.find(([tok]) => pattern.startsWith(tok, i));
    if (t !== undefined) {
      re += t[1];
      i += t[0].length;
      while (t[0].startsWith('S') && pattern[i] === 'S') i++;
    } else if (pattern[i] === ' ') {
      re += '\\s+';
      i++;
    } else {
      re += pattern[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

export class TimeReader {
  kind: TimeKindX | null = null;
  /** Set while an `a/b/yyyy` column has no decided order: cells are only voted on. */
  voting = false;
  readonly vote = new DateOrderVote();
  anyClock = false;
  /** A description of the first cell's layout, for the import report. */
  layout = '';
  private order: DateOrder | null;
  private readonly zone: ZoneConverter | null;
  private readonly forced: TimeKindX | null;
  private readonly pattern: string | null;
  private readonly patternRe: RegExp | null;

  constructor(settings: TimeSettings, order: DateOrder | null = null) {
    const f = settings.timeFormat;
    this.pattern = f !== undefined && !(EPOCH_KINDS as readonly string[]).includes(f) && f !== 'iso' ? f : null;
    this.forced = f === undefined ? null : this.pattern === null ? (f as TimeKindX) : 'written';
    this.patternRe = this.pattern === null ? null : patternRegex(this.pattern);
    this.order = order ?? settings.dateOrder ?? (this.pattern !== null ? orderOfPattern(this.pattern) : null);
    this.zone = settings.tz !== undefined && settings.tz !== 'UTC' ? new ZoneConverter(settings.tz) : null;
  }

  get dateOrder(): DateOrder | null {
    return this.order;
  }

  get zoneName(): string {
    return this.zone?.zone ?? 'UTC';
  }

  /** The format as reported: epoch unit, ISO, or the written layout. */
  describe(): string {
    if (this.kind === null) return 'unknown';
    if (this.kind.startsWith('epoch')) return EPOCH_UNIT[this.kind].name;
    if (this.kind === 'iso') return this.anyClock ? 'ISO-8601 datetime' : 'ISO-8601 date';
    return this.pattern ?? this.layout;
  }

  read(cell: string): TimeRead {
    if (this.kind === null) {
      const t = cell.trim();
      if (t === '') return { ok: false, message: 'expected a time, found an empty cell' };
      this.kind = this.forced ?? detectKind(t);
      if (this.kind === null) {
        return {
          ok: false,
          message: `expected a time (epoch seconds/milliseconds, an ISO-8601 date/datetime such as 2020-01-31 or 2020-01-31T10:00:00Z, or a written date such as 31.01.2020 22:00, 01/31/2020, Jan 31, 2020, 20200131 09:30, 2020-01-31 09-AM), found ${JSON.stringify(t)}`,
        };
      }
      // With a zone to apply, ISO cells go through the general parser, which says whether a zone was written.
      if (this.kind === 'iso' && this.zone !== null) this.kind = 'written';
      if (this.kind === 'written') {
        if (this.order === null && ambiguousPair(t) !== null) this.voting = true;
        this.layout = describeLayout(t, this.order);
      }
    }
    if (this.voting) {
      this.vote.add(cell);
      return { ok: true, ms: 0 };
    }
    const kind = this.kind;
    if (kind === 'iso' || kind === 'epoch-s' || kind === 'epoch-ms') {
      const r = parseTimeCell(cell, kind);
      if (r.ok) {
        if (r.hasClock) this.anyClock = true;
        return { ok: true, ms: r.ms };
      }
      // Finer epoch units get their own message rather than "looks like milliseconds".
      const n = kind !== 'iso' ? parseEpochNumber(cell) : null;
      if (n !== null && epochKindOf(n) !== kind && (epochKindOf(n) === 'epoch-us' || epochKindOf(n) === 'epoch-ns')) {
        return {
          ok: false,
          message: `expected ${EPOCH_UNIT[kind].name} like the rest of the file, found ${JSON.stringify(cell.trim())}, which looks like ${EPOCH_UNIT[epochKindOf(n)].name}`,
        };
      }
      return r;
    }
    if (kind === 'epoch-us' || kind === 'epoch-ns') {
      const n = parseEpochNumber(cell);
      const unit = EPOCH_UNIT[kind];
      if (n === null || epochKindOf(n) !== kind) {
        const found = cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim());
        return { ok: false, message: `expected ${unit.name} like the rest of the file, found ${found}` };
      }
      return { ok: true, ms: Math.round(n / unit.div) };
    }
    return this.readWritten(cell);
  }

  private readWritten(cell: string): TimeRead {
    if (this.patternRe !== null && !this.patternRe.test(cell.trim())) {
      const found = cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim());
      return { ok: false, message: `expected a time in the format ${this.pattern} (--time-format), found ${found}` };
    }
    const w = parseWrittenTime(cell, this.order);
    if (w === null) {
      const found = cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim());
      return { ok: false, message: `expected a date/time like the rest of the file (${this.describe()}), found ${found}` };
    }
    if (w.hasClock) this.anyClock = true;
    if (w.offsetMin !== null) return { ok: true, ms: w.wallMs - w.offsetMin * 60_000 };
    if (this.zone === null) return { ok: true, ms: w.wallMs };
    const u = this.zone.toUtc(w.wallMs);
    if (u.ok) return { ok: true, ms: u.ms };
    const offs = u.offsets.map(formatOffset).join(' or ');
    return {
      ok: false,
      message:
        u.reason === 'nonexistent'
          ? `${JSON.stringify(cell.trim())} does not exist in ${this.zone.zone}: the clocks skipped it at a daylight-saving change (offset ${offs}); expected a local time that exists, or times with an explicit offset`
          : `${JSON.stringify(cell.trim())} is ambiguous in ${this.zone.zone}: it happened twice at a daylight-saving change (offset ${offs}); expected times with an explicit offset, or a series in UTC`,
    };
  }
}
