/**
 * Which column of a row is used for what, decided with the first data row in view: a header's
 * mapping (columns.ts) or `--columns`, then the choices only the data can settle: a date column plus
 * a separate clock column, two full time columns (an epoch `unix` beside a written `date`: the
 * epoch one is used, the other checked against it row by row), and several volume columns (the
 * base-asset one is used: `volume_btc` of BTCUSD, `Volume From`, not the quote-currency volume).
 */
import { mapColumns, normaliseHeader, REQUIRED } from './columns.ts';
import type { Canonical, HeaderIssue } from './columns.ts';
import type { DetectedColumn } from './settings.ts';
import { detectKind } from './time-reader.ts';

export interface Layout {
  /** Column of each canonical field; `time` is the time (or date) column used; -1 when absent. */
  index: Record<Canonical, number>;
  /** Field names for issues: the header's text, or the role in a headerless file. */
  name: Record<Canonical, string | null>;
  /** A time-of-day column joined to the date column; -1 when none. */
  clock: number;
  /** A second full time column checked against the first on every row; -1 when none. */
  check: number;
  columns: DetectedColumn[];
  notes: string[];
  errors: HeaderIssue[];
  warnings: HeaderIssue[];
}

const CLOCK_ONLY_RE = /^\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?\s*$/;

export function isClockOnly(cell: string | undefined): boolean {
  return cell !== undefined && CLOCK_ONLY_RE.test(cell);
}

const QUOTE_CCY = ['usd', 'usdt', 'usdc', 'busd', 'eur', 'gbp', 'jpy', 'chf', 'aud', 'cad', 'krw'];

/** The base-asset volume among several volume columns, and a note saying which and why. */
function chooseVolume(header: readonly string[], cols: number[], symbol: string): { index: number; note: string } {
  const sym = symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const kinds = cols.map((i) => {
    const q = normaliseHeader(header[i])
      .replace(/^(volume|vol)\s*/, '')
      .replace(/\s*volume$/, '')
      .trim();
    if (q === '') return 'plain';
    if (q === 'from' || q === 'base' || q === 'base asset') return 'base';
    if (q === 'to' || q === 'quote' || q === 'quote asset') return 'quote';
    const code = q.toUpperCase();
    if (sym !== '' && sym.startsWith(code)) return 'base';
    if (sym !== '' && sym.endsWith(code)) return 'quote';
    return QUOTE_CCY.includes(q) ? 'quote' : 'currency';
  });
  let pick = kinds.indexOf('base');
  let why = sym !== '' ? `the base asset of ${sym}` : 'the base-asset volume';
  if (pick < 0) pick = kinds.indexOf('currency');
  if (pick < 0) {
    pick = kinds.indexOf('plain');
    why = 'the unqualified volume column';
  }
  if (pick < 0) {
    pick = 0;
    why = 'the first volume column';
  }
  const others = cols.filter((_, k) => k !== pick).map((i) => `"${header[i].trim()}"`);
  return { index: cols[pick], note: `volume: "${header[cols[pick]].trim()}" (${why}); ignored ${others.join(', ')}` };
}

/** A layout from a header row (or from `--columns` roles given as a header). */
export function layoutFromHeader(header: readonly string[], sample: readonly string[] | null, fileName: string): Layout {
  const m = mapColumns(header);
  const index = { ...m.index };
  const name = { ...m.name };
  const notes: string[] = [];
  const roleOf = new Map<number, { role: string; note?: string }>();
  for (const g of m.ignored) roleOf.set(g.index, { role: 'ignored', note: g.why });
  let clock = -1;
  let check = -1;
  if (m.errors.length === 0 && m.timeColumns.length > 1 && sample !== null) {
    const clocks = m.timeColumns.filter((i) => isClockOnly(sample[i]));
    const full = m.timeColumns.filter((i) => !isClockOnly(sample[i]));
    const epoch = full.find((i) => (detectKind(sample[i] ?? '') ?? '').startsWith('epoch'));
    const primary = epoch ?? full[0];
    if (primary !== undefined) {
      index.time = primary;
      name.time = header[primary].trim();
      if (clocks.length > 0 && epoch === undefined) {
        clock = clocks[0];
        notes.push(`time: date column "${header[primary].trim()}" joined with clock column "${header[clock].trim()}"`);
      }
      const second = full.find((i) => i !== primary);
      if (second !== undefined) {
        check = second;
        notes.push(`time: "${header[primary].trim()}" used; "${header[second].trim()}" holds the same times and is checked against it on every row`);
      }
    }
    for (const i of m.timeColumns) if (i !== index.time && i !== clock && i !== check) roleOf.set(i, { role: 'ignored', note: 'another time column' });
  }
  if (m.volumeColumns.length > 1) {
    const symCol = m.ignored.find((g) => g.why === 'a symbol column');
    const symbol =
      (symCol !== undefined && sample !== null ? sample[symCol.index] : undefined) ??
      /([A-Za-z]{3,5}[-_/]?(?:USDT|USDC|USD|EUR|GBP|JPY|BTC|ETH))/i.exec(fileName)?.[1] ??
      '';
    const v = chooseVolume(header, m.volumeColumns, symbol);
    index.volume = v.index;
    name.volume = header[v.index].trim();
    notes.push(v.note);
    for (const i of m.volumeColumns) if (i !== v.index) roleOf.set(i, { role: 'ignored', note: 'another volume column' });
  }
  for (const [c, i] of Object.entries(index)) if (i !== -1) roleOf.set(i, { role: c });
  if (clock !== -1) roleOf.set(clock, { role: 'clock' });
  if (check !== -1) roleOf.set(check, { role: 'time-check' });
  if (clock !== -1) roleOf.set(index.time, { role: 'date' });
  const columns: DetectedColumn[] = header.map((h, i) => ({
    index: i,
    name: h.trim() === '' ? `column ${i + 1}` : h.trim(),
    role: 'ignored',
    ...roleOf.get(i),
  }));
  return { index, name, clock, check, columns, notes, errors: m.errors, warnings: m.warnings };
}

/**
 * A layout from `--columns` roles in file order. `header` is the file's header when it has one
 * (its names are used in messages), null for a headerless file (the roles are used).
 */
export function layoutFromRoles(roles: readonly string[], header: readonly string[] | null, width: number): Layout {
  const index = { time: -1, open: -1, high: -1, low: -1, close: -1, volume: -1 } as Record<Canonical, number>;
  const name = { time: null, open: null, high: null, low: null, close: null, volume: null } as Record<Canonical, string | null>;
  const errors: HeaderIssue[] = [];
  let clock = -1;
  let date = -1;
  const rs = roles.map((r) => r.trim().toLowerCase());
  const hasDate = rs.includes('date');
  const columns: DetectedColumn[] = [];
  for (let i = 0; i < Math.max(width, rs.length); i++) {
    const shown = header?.[i]?.trim() || (rs[i] !== undefined && rs[i] !== 'skip' && rs[i] !== '-' && rs[i] !== '' ? rs[i] : `column ${i + 1}`);
    // "time" beside a "date" is the time of day, as in date,time,open,high,low,close,volume.
    const r = rs[i] === 'time' && hasDate ? 'clock' : rs[i];
    if (r === undefined || r === 'skip' || r === '-' || r === '') {
      columns.push({ index: i, name: shown, role: 'ignored', note: r === undefined ? 'beyond --columns' : undefined });
      continue;
    }
    if (r === 'clock') {
      if (clock !== -1) errors.push({ field: shown, message: `--columns names the time of day twice (columns ${clock + 1} and ${i + 1})` });
      clock = i;
    } else {
      const c = (r === 'date' ? 'time' : r) as Canonical;
      if (index[c] !== -1 || (r === 'date' && date !== -1)) {
        errors.push({ field: shown, message: `--columns names ${r} twice (columns ${index[c] + 1} and ${i + 1}); expected each role once` });
        continue;
      }
      index[c] = i;
      name[c] = shown;
      if (r === 'date') date = i;
    }
    columns.push({ index: i, name: shown, role: r === 'clock' ? 'clock' : r });
  }
  if (clock !== -1 && date === -1)
    errors.push({ field: null, message: '--columns has a time-of-day column but no date column; expected date,time,... or a single time column' });
  for (const c of REQUIRED) {
    if (index[c] === -1)
      errors.push({
        field: c,
        message: `--columns has no ${c === 'time' ? 'time (or date)' : c} column; expected roles such as time,open,high,low,close,volume`,
      });
  }
  if (rs.length > width) errors.push({ field: null, message: `--columns names ${rs.length} columns but the file has ${width}` });
  return { index, name, clock, check: -1, columns, notes: [`columns as given (--columns): ${roles.join(',')}`], errors, warnings: [] };
}

/** A `--columns` guess for a headerless row, offered in the message that asks for one. */
export function suggestColumns(row: readonly string[]): string {
  const roles: string[] = [];
  let i = 0;
  if (isClockOnly(row[1]) && detectKind(row[0] ?? '') !== null) {
    roles.push('date', 'time');
    i = 2;
  } else {
    roles.push('time');
    i = 1;
  }
  const rest = ['open', 'high', 'low', 'close', 'volume'];
  for (let k = 0; i < row.length; i++, k++) roles.push(rest[k] ?? 'skip');
  return roles.join(',');
}
