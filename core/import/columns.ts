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
  time: [
    'time',
    'date',
    'datetime',
    'datum',
    'date time',
    'timestamp',
    'time stamp',
    'open time',
    'opentime',
    'unix',
    'unix time',
    'unix timestamp',
    'epoch',
    'ts',
    'gmt time',
    'time utc',
    'date utc',
    'datetime utc',
  ],
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
  /** Every column that names a time (the first is in `index.time`); a second one is a clock column or a check (layout.ts decides). */
  timeColumns: number[];
  /** Every column that names a volume (the first is in `index.volume`); layout.ts picks the base-asset one. */
  volumeColumns: number[];
  /** Columns recognised and deliberately not used, with why. */
  ignored: { index: number; name: string; why: string }[];
}

/** Columns vendors add that are never bar data: ignored by name, and said so. */
const IGNORED: Record<string, string> = {
  symbol: 'a symbol column',
  ticker: 'a symbol column',
  pair: 'a symbol column',
  instrument: 'a symbol column',
  'change %': 'a change column',
  'chg %': 'a change column',
  change: 'a change column',
  'change pct': 'a change column',
  'close time': 'the bar close time (the open time is used)',
  closetime: 'the bar close time (the open time is used)',
  'number of trades': 'a trade count',
  trades: 'a trade count',
  tradecount: 'a trade count',
  'trade count': 'a trade count',
  count: 'a trade count',
  ignore: 'a column the vendor marks as unused',
  'taker buy base asset volume': 'a taker-side volume',
  'taker buy quote asset volume': 'a taker-side volume',
  'open interest': 'open interest',
  openinterest: 'open interest',
  spread: 'a spread column',
  dividends: 'a corporate-action column',
  'stock splits': 'a corporate-action column',
};

/** Volume columns with a qualifier: "volume btc", "Volume USD", "volume from", "quote asset volume", "vol." */
export function isVolumeName(norm: string): boolean {
  return /^(volume|vol)( .+)?$/.test(norm) || / volume$/.test(norm);
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
  const timeColumns: number[] = [];
  const volumeColumns: number[] = [];
  const ignored: { index: number; name: string; why: string }[] = [];
  let price = -1;

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
    if (IGNORED[norm] !== undefined) {
      ignored.push({ index: i, name: written, why: IGNORED[norm] });
      return;
    }
    const c = LOOKUP.get(norm) ?? (isVolumeName(norm) ? 'volume' : undefined);
    if (c === undefined) {
      // "Price" is the close in investing.com-style exports (Date, Price, Open, High, Low, Vol., Change %).
      if (norm === 'price' && price === -1) price = i;
      else unknown.push(written);
      return;
    }
    // Several time or volume columns are normal in vendor files: resolved in layout.ts with the data in view.
    if (c === 'time') timeColumns.push(i);
    if (c === 'volume') volumeColumns.push(i);
    if ((c === 'time' || c === 'volume') && index[c] !== -1) return;
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

  if (price !== -1) {
    if (index.close === -1 && index.open !== -1 && index.high !== -1 && index.low !== -1) {
      index.close = price;
      name.close = header[price].trim();
    } else {
      unknown.push(header[price].trim());
    }
  }
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
  for (const g of ignored) warnings.push({ field: g.name, message: `ignored: ${g.why}` });
  return { index, name, errors, warnings, timeColumns, volumeColumns, ignored };
}
