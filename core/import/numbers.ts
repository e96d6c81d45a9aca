/**
 * Strict decimal numbers for price and volume cells.
 * Number() alone is too lenient for user files: it reads "" as 0 and "0x1A" as 26, so a cell
 * must look like a plain decimal (optional sign, optional exponent) before it is converted.
 */

const DECIMAL_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * The cell's value, or NaN when it is not a plain finite decimal.
 * With `decimalComma` (semicolon-delimited files only) one ',' is read as the decimal point, so
 * "1,0523" = 1.0523; thousands separators are not supported either way.
 */
export function parseDecimal(cell: string, decimalComma: boolean): number {
  const fast = fastDecimal(cell);
  if (fast !== undefined) return fast;
  const s = decimalComma && cell.indexOf(',') !== -1 ? cell.replace(',', '.') : cell;
  return DECIMAL_RE.test(s) ? +s : NaN;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The usual price cell ("1.05236", "8051", "-0.5") read by character code: at most 15 digits make
 * an exact integer mantissa, and mantissa / 10^k (both exact doubles) is one correctly rounded
 * division, so the result is bit-identical to Number(cell) (Clinger's fast path). Anything else
 * (spaces, exponents, commas, more digits) returns undefined and takes the general path. String to
 * number conversion was the largest single cost of a 1M-row import.
 */
function fastDecimal(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 17) return undefined;
  let i = 0;
  let c = s.charCodeAt(0);
  const neg = c === 45;
  if (neg || c === 43) i = 1;
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = frac > 0 ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

/** Why a cell was rejected by parseDecimal, as "expected …, found …". */
export function describeBadNumber(cell: string, what: string): string {
  const t = cell.trim();
  if (t === '') return `missing ${what}: expected a number, found an empty cell`;
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return `expected a finite number for ${what}, found ${JSON.stringify(t)}`;
  return `expected a number for ${what}, found ${JSON.stringify(t)}`;
}

// Thousands groups: "1,234,567.5" in decimal-point files, "1 234 567,5" / "1'234,5" in decimal-comma files.
// A "." group in a decimal-comma file ("1.234,5") stays an error: in ';' files "1.234" alone is
// already read as one point two three four, so the two could not be told apart.
const GROUPED_POINT_RE = /^\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?\s*$/;
const GROUPED_COMMA_RE = /^\s*[+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:,\d*)?\s*$/;

/**
 * A price or volume cell in the file's number style, or NaN. Plain decimals take the fast path;
 * grouped thousands are read only when the plain reading fails.
 */
export function parseNumberCell(cell: string, decimalComma: boolean): number {
  const v = parseDecimal(cell, decimalComma);
  if (v === v) return v;
  if (!decimalComma && GROUPED_POINT_RE.test(cell)) return +cell.replace(/,/g, '');
  if (decimalComma && GROUPED_COMMA_RE.test(cell)) return +cell.replace(/[ \u00a0\u202f']/g, '').replace(',', '.');
  return NaN;
}

const SUFFIX_RE = /^\s*([+-]?[\d.,\s\u00a0']*\d[\d.,]*)\s*([KkMmBb])\s*$/;
const SUFFIX_EXP: Record<string, number> = { k: 3, m: 6, b: 9 };

/** "-" (or "—"): the vendor's "no volume" mark (investing.com's Vol. column). */
export function isNoneMark(cell: string): boolean {
  const t = cell.trim();
  return t === '-' || t === '—' || t === '–';
}

/**
 * A volume cell: like a price, plus K/M/B suffixes ("12.5K" = 12,500), scaled through the decimal
 * exponent so "1.23M" is exactly 1230000.
 */
export function parseVolumeCell(cell: string, decimalComma: boolean): number {
  const v = parseNumberCell(cell, decimalComma);
  if (v === v) return v;
  const m = SUFFIX_RE.exec(cell);
  if (m === null) return NaN;
  const base = parseNumberCell(m[1], decimalComma);
  if (base !== base) return NaN;
  return Number(`${base}e${SUFFIX_EXP[m[2].toLowerCase()]}`);
}

/** v × scale without binary noise (973100 × 0.0001 = 97.31, not 97.31000000000002). */
export function scaled(v: number, scale: number): number {
  return scale === 1 ? v : +(v * scale).toPrecision(15);
}
