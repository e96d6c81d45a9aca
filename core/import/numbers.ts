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
  const s = decimalComma && cell.indexOf(',') !== -1 ? cell.replace(',', '.') : cell;
  return DECIMAL_RE.test(s) ? +s : NaN;
}

/** Why a cell was rejected by parseDecimal, as "expected …, found …". */
export function describeBadNumber(cell: string, what: string): string {
  const t = cell.trim();
  if (t === '') return `missing ${what}: expected a number, found an empty cell`;
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return `expected a finite number for ${what}, found ${JSON.stringify(t)}`;
  return `expected a number for ${what}, found ${JSON.stringify(t)}`;
}
