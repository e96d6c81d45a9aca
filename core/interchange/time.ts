/**
 * Timestamp rules shared by every interchange format (see docs/formats.md):
 *
 * - Input: an ISO-8601 string (`2020-01-02`, `2020-01-02T03:00`, `2020-01-02 03:00:00.250`,
 *   `2020-01-02T03:00:00+02:00`, ...). A string without a zone is UTC (never local time: we do
 *   not use Date.parse, which reads zone-less datetimes as local time).
 * - Input: an epoch number (or a string of digits): seconds when |value| < 1e11, else milliseconds.
 * - Output: ISO-8601 UTC with a `Z`, milliseconds only when non-zero: `2020-01-02T03:00:00Z`,
 *   `2020-01-02T03:00:00.250Z`. Date-only bars are still written as full datetimes.
 */

/** Epoch numbers with |value| below this are seconds, else milliseconds. */
export const EPOCH_SECONDS_LIMIT = 1e11;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const EPOCH_RE = /^[+-]?\d+(?:\.\d+)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch number (s or ms) to epoch ms; null when not a finite number. */
export function epochToMs(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const ms = Math.abs(value) < EPOCH_SECONDS_LIMIT ? value * 1000 : value;
  const rounded = Math.round(ms);
  // Outside the range JS dates can represent.
  if (Math.abs(rounded) > 8.64e15) return null;
  return rounded;
}

/** Parse an ISO-8601 string (UTC when zone-less) to epoch ms; null when not a valid timestamp. */
export function parseIsoTimestamp(text: string): number | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0..99 to 1900..1999; fix that up.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offsetMin * 60_000;
}

/**
 * Parse a timestamp as found in a labels file: an ISO-8601 string, an epoch number, or a string of
 * digits (epoch). Returns epoch ms, or null when the value is not a timestamp.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (EPOCH_RE.test(text)) return epochToMs(Number(text));
  return parseIsoTimestamp(text);
}

/** Epoch ms to ISO-8601 UTC, e.g. `2020-01-02T03:00:00Z` (milliseconds only when non-zero). */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
