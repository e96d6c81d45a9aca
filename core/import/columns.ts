/**
 * Header cells → which column holds time, open, high, low, close and volume.
 * Real exports spell these many ways ("Open Time", "Price Close", "VOL", "Date"), so names are
 * normalised (case, spaces, _ - .) and matched against a synonym list. Unknown columns are
 * ignored with a warning, except that an unknown column which looks like a misspelt required one
 * is named in the "missing column" error, because that is nearly always the cause.
 */

export type Canonical = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';
export const CANONICAL: readonly Canonical[] = ['time', 'open', 'high', 'low', 'close', 'volume'];
export const REQUIRED: readonly Canonical[] = ['time', 'open', 'high', 'low', 'close'];

/** Normalised synonyms. "last" counts as close (quote feeds use it); adjusted close never does. */
export const SYNONYMS: Record<Canonical, readonly string[]> = {
  time: ['time', 'date', 'datetime', 'date time', 'timestamp', 'time stamp', 'open time', 'opentime', 'unix', 'unix time', 'unix timestamp', 'epoch', 'ts', 'gmt time', 'time utc', 'date utc', 'datetime utc'],
  open: ['open', 'o', 'open price', 'price open', 'opening price'],
  high: ['high', 'h', 'high price', 'price high'],
  low: ['low', 'l', 'low price', 'price low'],
  close: ['close', 'c', 'close price', 'price close', 'closing price', 'last', 'last price'],
  volume: ['volume', 'vol', 'v', 'volume traded'],
};

/** Adjusted close is a different series (dividend/split adjusted); using it as close would silently mix the two. */
const ADJUSTED_CLOSE = new Set(['adj close', 'adjclose', 'adjusted close', 'adj close price', 'adjusted close price']);

const LOOKUP = new Map<string, Canonical>();
for (const c of CANONICAL) for (const s of SYNONYMS[c]) LOOKUP.set(s, c);

/** Lower case, no surrounding space, brackets/parentheses dropped, runs of space _ - . / as one space. */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[<>()[\]]/g, ' ')
    .replace(/[\s_\-./]+/g, ' ')
    .trim();
}

export interface HeaderIssue {
  field: string | null;
  message: string;
}

export interface ColumnMapping {
  /** Index of each canonical column in a row; -1 when absent. */
  index: Record<Canonical, number>;
  /** Each canonical column's name as written in the file (trimmed); null when absent. */
  name: Record<Canonical, string | null>;
  errors: HeaderIssue[];
  warnings: HeaderIssue[];
}

/** Levenshtein distance, for "did you mean" hints on short header names. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

function looksLike(unknown: string, c: Canonical): boolean {
  const n = normaliseHeader(unknown);
  if (n.length < 2) return false;
  return SYNONYMS[c].some((s) => s.length >= 3 && (editDistance(n, s) <= (s.length >= 6 ? 2 : 1) || n.includes(s)));
}

export function mapColumns(header: readonly string[]): ColumnMapping {
  const index = { time: -1, open: -1, high: -1, low: -1, close: -1, volume: -1 } as Record<Canonical, number>;
  const name = { time: null, open: null, high: null, low: null, close: null, volume: null } as Record<Canonical, string | null>;
  const errors: HeaderIssue[] = [];
  const warnings: HeaderIssue[] = [];
  const unknown: string[] = [];

  header.forEach((raw, i) => {
    const written = raw.trim();
    const norm = normaliseHeader(raw);
    if (norm === '') {
      warnings.push({ field: written, message: `column ${i + 1} has no name; ignored` });
      return;
    }
    if (ADJUSTED_CLOSE.has(norm)) {
      warnings.push({ field: written, message: 'adjusted close column ignored (never used as close)' });
      return;
    }
    const c = LOOKUP.get(norm);
    if (c === undefined) {
      unknown.push(written);
      return;
    }
    if (index[c] !== -1) {
      errors.push({
        field: written,
        message: `duplicate column: "${written}" (column ${i + 1}) and "${name[c]}" (column ${index[c] + 1}) both mean ${c}; expected exactly one ${c} column`,
      });
      return;
    }
    index[c] = i;
    name[c] = written;
  });

  const missing = REQUIRED.filter((c) => index[c] === -1);
  for (const c of missing) {
    let hint = '';
    const similar = unknown.filter((u) => looksLike(u, c));
    // With one column missing and one unknown, the unknown one is the best guess even if spelt far off.
    const candidates = similar.length > 0 ? similar : missing.length === 1 && unknown.length === 1 ? unknown : [];
    if (candidates.length > 0) {
      hint = `; the unknown column ${candidates.map((u) => `"${u}"`).join(', ')} may be a misspelling of ${c}`;
    } else if (unknown.length > 0 && missing.length === REQUIRED.length) {
      // Nothing in line 1 is a price column: not quoted, as it may not be a header at all (a password file's first line).
      hint = `; none of the ${unknown.length} column(s) of line 1 is a known OHLCV column (is this an OHLCV CSV?)`;
    } else if (unknown.length > 0) {
      hint = `; unknown columns in the header: ${unknown.map((u) => `"${u}"`).join(', ')}`;
    }
    errors.push({
      field: c,
      message: `missing required column ${c}: expected a header named one of ${SYNONYMS[c].slice(0, 6).join(', ')}${hint}`,
    });
  }
  for (const u of unknown) warnings.push({ field: u, message: 'unknown column ignored' });
  return { index, name, errors, warnings };
}
