/**
 * IANA time zones without a date library: Node's Intl knows the tz database, so a zone's UTC offset
 * at an instant is read from Intl.DateTimeFormat, and a local wall-clock time is turned into UTC by
 * trying the offsets in force a day and a half either side (zones change offset at most once in
 * that span). A local time that no offset maps back to was skipped by a DST change (nonexistent);
 * one that two offsets map back to happened twice (ambiguous). Both are errors for an importer:
 * guessing would shift a bar by an hour without anyone noticing.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter; throws a RangeError naming the zone when Intl does not know it. */
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA zone name this runtime knows. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offsets change on quarter hours in every zone in use, so one lookup per 15 minutes of UTC suffices. */
const QUARTER = 15 * 60_000;

export class ZoneConverter {
  private readonly cache = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    this.fmt = formatter(zone);
  }

  /** Minutes east of UTC in force at the UTC instant `utcMs`. */
  offsetAt(utcMs: number): number {
    const key = Math.floor(utcMs / QUARTER);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const at = key * QUARTER;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = +part.value;
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const off = Math.round((wall - at) / 60_000);
    this.cache.set(key, off);
    return off;
  }

  /**
   * UTC milliseconds of a local wall-clock time (given as if it were UTC), or why there is none:
   * 'nonexistent' (skipped by a DST change) or 'ambiguous' (happened twice), with the offsets involved.
   */
  toUtc(wallMs: number): { ok: true; ms: number } | { ok: false; reason: 'nonexistent' | 'ambiguous'; offsets: number[] } {
    const before = this.offsetAt(wallMs - 36 * 3_600_000);
    const after = this.offsetAt(wallMs + 36 * 3_600_000);
    const fits: number[] = [];
    for (const off of before === after ? [before] : [before, after]) {
      const utc = wallMs - off * 60_000;
      if (this.offsetAt(utc) === off) fits.push(utc);
    }
    if (fits.length === 1) return { ok: true, ms: fits[0] };
    return { ok: false, reason: fits.length === 0 ? 'nonexistent' : 'ambiguous', offsets: before === after ? [before] : [before, after] };
  }
}

/** "+02:00" for 120. */
export function formatOffset(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
